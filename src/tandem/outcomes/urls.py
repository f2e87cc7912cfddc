from django.urls import path

from tandem.outcomes import views

app_name = "outcomes"

urlpatterns = [
    path("his/<int:point_id>/", views.man_answers_view, name="man_answers"),
    path("hers/<int:point_id>/", views.partner_answers_view, name="partner_answers"),
    path("partners/<int:partner_id>/", views.partner_outcomes_view, name="partner_outcomes"),
]
