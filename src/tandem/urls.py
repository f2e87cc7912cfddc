from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("tandem.core.urls")),
    path("platform-admin/", admin.site.urls),
]

handler403 = "tandem.core.views.auth.permission_denied"
