from django.urls import path

from tandem.mapping.views import answers, directory, imports, opendata, reports, rounds

app_name = "mapping"

urlpatterns = [
    path("", directory.directory_view, name="directory"),
    path("<int:programme_id>/", directory.programme_view, name="programme"),
    path("open-data/hsds.json", opendata.hsds_view, name="open_data_hsds"),
    path("open-data/programmes.geojson", opendata.geojson_view, name="open_data_geojson"),
    path("rounds/", rounds.round_list_view, name="round_list"),
    path("rounds/<int:round_id>/", rounds.round_detail_view, name="round_detail"),
    path("rounds/<int:round_id>/import/", imports.round_import_view, name="round_import"),
    path("rounds/<int:round_id>/xlsform.xlsx", imports.round_xlsform_view, name="round_xlsform"),
    path("rounds/<int:round_id>/imports/<int:job_id>/", imports.import_job_view, name="import_job"),
    path("rounds/<int:round_id>/report/", reports.round_report_view, name="round_report"),
    path("rounds/<int:round_id>/report.pdf", reports.round_report_pdf_view, name="round_report_pdf"),
    path("rounds/<int:round_id>/indicators.csv", reports.round_indicators_csv_view, name="round_indicators_csv"),
    path("rounds/<int:round_id>/programmes/<int:programme_id>/answer/", answers.answer_start_view, name="answer_start"),
    path("answers/<int:answer_id>/", answers.answer_view, name="answer"),
    path("answers/<int:answer_id>/edit/", answers.answer_edit_view, name="answer_edit"),
    path("answers/<int:answer_id>/<slug:event>/", answers.answer_move_view, name="answer_move"),
]
