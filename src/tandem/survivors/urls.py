from django.urls import path

from tandem.survivors import joint_views, planning_views, views

app_name = "survivors"

urlpatterns = [
    path("", views.partner_list_view, name="partner_list"),
    path("new/", views.partner_new_view, name="partner_new"),
    path("cases/<int:case_id>/", views.for_case_view, name="for_case"),
    path("cases/<int:case_id>/open/", views.break_glass_view, name="break_glass"),
    path("<int:partner_id>/", views.partner_view, name="partner"),
    path("<int:partner_id>/edit/", views.partner_edit_view, name="partner_edit"),
    path("<int:partner_id>/link/", views.link_view, name="link"),
    path("<int:partner_id>/consents/new/", views.consent_new_view, name="consent_new"),
    path("consents/<int:consent_id>/withdraw/", views.consent_withdraw_view, name="consent_withdraw"),
    path("<int:partner_id>/contacts/new/", views.contact_new_view, name="contact_new"),
    path("<int:partner_id>/signals/new/", views.signal_new_view, name="signal_new"),
    path("alerts/<int:item_id>/", views.alert_view, name="alert"),
    path("<int:partner_id>/shares/new/", planning_views.share_new_view, name="share_new"),
    path("shares/<int:share_id>/end/", planning_views.share_end_view, name="share_end"),
    path("<int:partner_id>/shared/new/", planning_views.shared_item_new_view, name="shared_item_new"),
    path("<int:partner_id>/plan/", planning_views.plan_view, name="plan"),
    path("joint/", joint_views.joint_list_view, name="joint_list"),
    path("joint/new/", joint_views.joint_new_view, name="joint_new"),
    path("joint/<int:review_id>/", joint_views.joint_review_view, name="joint_review"),
    path("joint/items/<int:item_id>/status/", joint_views.joint_item_status_view, name="joint_item_status"),
    path("cases/<int:case_id>/conference/", joint_views.conference_view, name="conference"),
    path("conference/<int:referral_id>/meeting/", joint_views.meeting_new_view, name="meeting_new"),
    path(
        "conference/actions/<int:action_id>/status/",
        joint_views.conference_action_status_view,
        name="conference_action_status",
    ),
    path("sheets/", views.sheet_list_view, name="sheet_list"),
    path("sheets/<int:sheet_id>/", views.sheet_view, name="sheet"),
]
