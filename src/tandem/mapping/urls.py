from django.urls import path

from tandem.mapping import opendata_views, survey_views, views
from tandem.mapping.import_views import import_job_view, round_import_view, round_xlsform_view
from tandem.mapping.report_views import round_report_pdf_view, round_report_view

app_name = "mapping"

urlpatterns = [
    path("", views.directory_view, name="directory"),
    path("<int:programme_id>/", views.programme_view, name="programme"),
    path("open-data/hsds.json", opendata_views.hsds_view, name="open_data_hsds"),
    path("open-data/programmes.geojson", opendata_views.geojson_view, name="open_data_geojson"),
    path("rounds/", survey_views.round_list_view, name="round_list"),
    path("rounds/<int:round_id>/", survey_views.round_detail_view, name="round_detail"),
    path("rounds/<int:round_id>/import/", round_import_view, name="round_import"),
    path("rounds/<int:round_id>/xlsform.xlsx", round_xlsform_view, name="round_xlsform"),
    path("rounds/<int:round_id>/imports/<int:job_id>/", import_job_view, name="import_job"),
    path("rounds/<int:round_id>/report/", round_report_view, name="round_report"),
    path("rounds/<int:round_id>/report.pdf", round_report_pdf_view, name="round_report_pdf"),
    path(
        "rounds/<int:round_id>/programmes/<int:programme_id>/answer/",
        survey_views.answer_start_view,
        name="answer_start",
    ),
    path("answers/<int:answer_id>/", survey_views.answer_view, name="answer"),
    path("answers/<int:answer_id>/edit/", survey_views.answer_edit_view, name="answer_edit"),
    path("answers/<int:answer_id>/<slug:event>/", survey_views.answer_move_view, name="answer_move"),
]
