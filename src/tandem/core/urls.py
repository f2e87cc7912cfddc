from django.urls import path

from tandem.core.views import auth, home, organisations, profile, work

app_name = "core"

urlpatterns = [
    path("", home.home_view, name="home"),
    path("healthz", home.healthz_view, name="healthz"),
    path("favicon.ico", home.favicon_view, name="favicon"),
    path("language/", home.set_language_view, name="set_language"),
    path("signin/", auth.login_view, name="login"),
    path("signin/code/", auth.signin_code_view, name="signin_code"),
    path("signin/enrol/", auth.signin_enrol_view, name="signin_enrol"),
    path("signout/", auth.logout_view, name="logout"),
    path("account/", profile.profile_view, name="profile"),
    path("account/authenticators/add/", profile.device_add_view, name="device_add"),
    path("account/authenticators/<int:device_id>/remove/", profile.device_remove_view, name="device_remove"),
    path("organisations/", organisations.organisation_list_view, name="organisation_list"),
    path("organisations/<int:organisation_id>/", organisations.organisation_detail_view, name="organisation_detail"),
    path(
        "organisations/<int:organisation_id>/invitations/",
        organisations.invitation_create_view,
        name="invitation_create",
    ),
    path(
        "organisations/<int:organisation_id>/invitations/<int:invitation_id>/withdraw/",
        organisations.invitation_revoke_view,
        name="invitation_revoke",
    ),
    path(
        "organisations/<int:organisation_id>/members/<int:membership_id>/role/",
        organisations.membership_role_view,
        name="membership_role",
    ),
    path(
        "organisations/<int:organisation_id>/members/<int:membership_id>/remove/",
        organisations.membership_remove_view,
        name="membership_remove",
    ),
    path(
        "organisations/<int:organisation_id>/members/<int:membership_id>/second-factor/reset/",
        organisations.membership_second_factor_reset_view,
        name="membership_second_factor_reset",
    ),
    path("invitations/<str:token>/", organisations.invitation_accept_view, name="invitation_accept"),
    path("work/", work.work_list_view, name="work_list"),
    path("work/organisations/<int:organisation_id>/", work.work_organisation_view, name="work_organisation"),
]
