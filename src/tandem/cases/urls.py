from django.urls import path

from tandem.cases.views import cases

app_name = "cases"

urlpatterns = [
    path("", cases.case_list_view, name="case_list"),
    path("safety/", cases.safety_overview_view, name="safety_overview"),
    path("<int:case_id>/", cases.case_view, name="case"),
    path("<int:case_id>/move/<slug:event>/", cases.case_move_view, name="case_move"),
]
