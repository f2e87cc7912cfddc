from django.contrib import admin
from django.urls import include, path
from django_otp.plugins.otp_totp.models import TOTPDevice

# Authenticator secrets are never shown on a page, not even to the platform administrator:
# Tandem's own authenticator model is not registered, and django-otp's (kept only for the
# migration that moved its rows; see settings) is taken out again.
admin.site.unregister(TOTPDevice)

urlpatterns = [
    path("", include("tandem.core.urls")),
    path("programmes/", include("tandem.mapping.urls")),
    path("cases/", include("tandem.cases.urls")),
    path("groups/", include("tandem.groups.urls")),
    path("survivors/", include("tandem.survivors.urls")),
    path("outcomes/", include("tandem.outcomes.urls")),
    path("q/", include("tandem.outcomes.public_urls")),
    path("platform-admin/", admin.site.urls),
]

handler403 = "tandem.core.views.auth.permission_denied"
