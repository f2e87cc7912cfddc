from django.urls import path

from tandem.outcomes import fieldwork_views, link_views, pool_views, report_views, views

app_name = "outcomes"

urlpatterns = [
    path("his/<int:point_id>/", views.man_answers_view, name="man_answers"),
    path("hers/<int:point_id>/", views.partner_answers_view, name="partner_answers"),
    path("partners/<int:partner_id>/", views.partner_outcomes_view, name="partner_outcomes"),
    path("xlsform/<str:respondent>/", fieldwork_views.xlsform_view, name="xlsform"),
    path("import/", fieldwork_views.import_view, name="import"),
    path("hers/<int:point_id>/link/", link_views.issue_link_view, name="issue_link"),
    path("links/<int:link_id>/withdraw/", link_views.withdraw_link_view, name="withdraw_link"),
    path("report/", report_views.report_view, name="report"),
    path("report/pdf/", report_views.report_pdf_view, name="report_pdf"),
    path("report/json/", report_views.report_json_view, name="report_json"),
    path("pool/providers/<int:organisation_id>/", pool_views.agreements_view, name="agreements"),
    path(
        "pool/providers/<int:organisation_id>/agreements/<int:agreement_id>/end/",
        pool_views.agreement_end_view,
        name="agreement_end",
    ),
    path("pool/providers/<int:organisation_id>/contribute/", pool_views.contribute_view, name="contribute"),
    path("pool/log/", pool_views.pool_log_view, name="pool_log"),
    path("pool/benchmarks/", pool_views.benchmarks_view, name="benchmarks"),
]
