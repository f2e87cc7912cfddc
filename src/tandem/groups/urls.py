from django.urls import path

from tandem.groups.views import allocation, facilitators, fidelity, groups, sessions

app_name = "groups"

urlpatterns = [
    path("", groups.group_list_view, name="group_list"),
    path("new/", groups.group_new_view, name="group_new"),
    path("waiting/", allocation.waitlist_view, name="waitlist"),
    path("<int:group_id>/", groups.group_view, name="group"),
    path("<int:group_id>/allocate/", allocation.allocate_view, name="allocate"),
    path("<int:group_id>/sessions/<int:session_id>/", sessions.session_view, name="session"),
    path("<int:group_id>/sessions/<int:session_id>/team/", sessions.session_team_view, name="session_team"),
    path("<int:group_id>/sessions/<int:session_id>/move/", sessions.session_move_view, name="session_move"),
    path("<int:group_id>/members/<int:membership_id>/catch-up/", sessions.catch_up_new_view, name="catch_up_new"),
    path("<int:group_id>/catch-ups/<int:catch_up_id>/", sessions.catch_up_record_view, name="catch_up_record"),
    path("cases/<int:case_id>/non-associations/new/", allocation.non_association_view, name="non_association_add"),
    # -- facilitators and calendar feeds --
    path("facilitators/", facilitators.facilitator_list_view, name="facilitator_list"),
    path("facilitators/new/", facilitators.facilitator_new_view, name="facilitator_new"),
    path("facilitators/<int:profile_id>/", facilitators.facilitator_view, name="facilitator"),
    path("facilitators/<int:profile_id>/edit/", facilitators.facilitator_edit_view, name="facilitator_edit"),
    path(
        "facilitators/<int:profile_id>/notes/new/", facilitators.facilitator_note_add_view, name="facilitator_note_add"
    ),
    path(
        "facilitators/<int:profile_id>/calendar/revoke/",
        facilitators.facilitator_feed_revoke_view,
        name="facilitator_feed_revoke",
    ),
    path("calendar/", facilitators.calendar_view, name="calendar"),
    path("calendar/<str:token>.ics", facilitators.calendar_feed_view, name="calendar_feed"),
    # -- fidelity reports --
    path("fidelity/", fidelity.fidelity_view, name="fidelity"),
    path("fidelity/pdf/", fidelity.fidelity_pdf_view, name="fidelity_pdf"),
    path("fidelity/csv/", fidelity.fidelity_csv_view, name="fidelity_csv"),
]
