from django.urls import path

from tandem.survivors import views

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
    path("sheets/", views.sheet_list_view, name="sheet_list"),
    path("sheets/<int:sheet_id>/", views.sheet_view, name="sheet"),
]
