from django.urls import path

from tandem.cases.views import cases, documents, records, referrals, reports
from tandem.risk import views as risk

app_name = "cases"

urlpatterns = [
    path("", cases.case_list_view, name="case_list"),
    path("safety/", cases.safety_overview_view, name="safety_overview"),
    path("<int:case_id>/", cases.case_view, name="case"),
    path("<int:case_id>/move/<slug:event>/", cases.case_move_view, name="case_move"),
    path("<int:case_id>/intake/", records.intake_view, name="intake"),
    path("<int:case_id>/notes/new/", records.note_add_view, name="note_add"),
    path("<int:case_id>/children/new/", records.child_add_view, name="child_add"),
    path(
        "<int:case_id>/children/<int:child_id>/safeguarding/",
        records.child_safeguarding_view,
        name="child_safeguarding",
    ),
    path("<int:case_id>/documents/new/", documents.document_add_view, name="document_add"),
    path("<int:case_id>/documents/<int:document_id>/", documents.document_view, name="document"),
    path("<int:case_id>/risk/new/", risk.assessment_new_view, name="risk_new"),
    path("<int:case_id>/risk/<int:assessment_id>/", risk.assessment_view, name="risk_assessment"),
    path("<int:case_id>/risk/escalation/", risk.escalation_view, name="risk_escalation"),
    path("<int:case_id>/reports/new/", reports.report_create_view, name="report_create"),
    path("<int:case_id>/reports/<int:report_id>/", reports.report_view, name="report"),
    path("<int:case_id>/reports/<int:report_id>/pdf/", reports.report_pdf_view, name="report_pdf"),
    path("<int:case_id>/reports/<int:report_id>/edit/", reports.report_edit_view, name="report_edit"),
    path("<int:case_id>/reports/<int:report_id>/submit/", reports.report_submit_view, name="report_submit"),
    path("<int:case_id>/reports/<int:report_id>/review/", reports.report_review_view, name="report_review"),
    path("referrals/", referrals.referral_inbox_view, name="referral_inbox"),
    path("referrals/enter/", referrals.referral_enter_view, name="referral_enter"),
    path("referrals/sent/", referrals.referral_sent_list_view, name="referral_sent_list"),
    path("referrals/new/", referrals.referral_new_view, name="referral_new"),
    path("referrals/<int:referral_id>/", referrals.referral_view, name="referral"),
    path("referrals/<int:referral_id>/edit/", referrals.referral_edit_view, name="referral_edit"),
    path("referrals/<int:referral_id>/decide/", referrals.referral_decide_view, name="referral_decide"),
    path("referrals/<int:referral_id>/accept/", referrals.referral_accept_view, name="referral_accept"),
    path("referrals/<int:referral_id>/reject/", referrals.referral_reject_view, name="referral_reject"),
    path("referrals/<int:referral_id>/ask/", referrals.referral_ask_view, name="referral_ask"),
]
