"""Pages of the reports to the referrer: start one on a case, write the programme's assessment,
submit it for the safety review, answer the review (coordinators only, with the latest safety
signal about the partner in view), and read it as a page or a PDF.

The provider's facilitators and coordinators reach every report of their cases; the referring
agency's referrers read a report once it was sent to them, and nothing before. Every opening of
a report is audited."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language, gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from tandem.cases import queries
from tandem.cases.actions import CaseRefused, StaleCase, reports as actions
from tandem.cases.forms.reports import ReportCreateForm, ReportEditForm, ReportReviewForm, ReportSubmitForm
from tandem.cases.models import CaseReport, ReportState
from tandem.cases.queries.reports import access_report, latest_partner_signal
from tandem.cases.reporting.document import document_context, render_report_pdf, report_filename
from tandem.core.http import audit_context, say_refusals_aloud, signed_in_user
from tandem.core.policy import has_role, organisations_granting
from tandem.core.roles import Action, Compartment, Role
from tandem.core.scoping import record_denied


def _add_errors(form: Form, invalid: ValidationError) -> None:
    for field, errors in invalid.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def _status(refused: CaseRefused) -> int:
    return 409 if isinstance(refused, StaleCase) else 422


def _works_on(request: HttpRequest, report: CaseReport) -> bool:
    return report.case.organisation_id in organisations_granting(request.user, Compartment.PROGRAMME, Action.VIEW)


def _render_report(
    request: HttpRequest, report: CaseReport, *, submit_form: ReportSubmitForm | None = None, status: int = 200
) -> HttpResponse:
    staff = _works_on(request, report)
    context: dict[str, Any] = {
        **document_context(report),
        "case": report.case,
        "staff": staff,
        "may_review": staff and has_role(request.user, report.case.organisation_id, Role.COORDINATOR),
        "submit_form": submit_form or ReportSubmitForm(initial={"version": report.version}),
    }
    if report.state != ReportState.DRAFT or not staff:
        say_refusals_aloud(request, submit_form)
    return render(request, "cases/report.html", context, status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def report_create_view(request: HttpRequest, case_id: int) -> HttpResponse:
    user = signed_in_user(request)
    context = audit_context(request)
    case = queries.access_case(user, case_id, action=Action.CHANGE, context=context)
    form = ReportCreateForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            report = actions.create_report(case=case, kind=form.cleaned_data["kind"], acting_user=user, context=context)
        except CaseRefused as refused:
            form.add_error(None, refused.message)
        except ValidationError as invalid:
            _add_errors(form, invalid)
        else:
            messages.success(request, _("The report was started as a draft. Write the programme's assessment."))
            return redirect("cases:report_edit", case_id=case.pk, report_id=report.pk)
    status = 422 if form.is_bound else 200
    return render(request, "cases/report_create.html", {"case": case, "form": form}, status=status)


@login_required
@require_safe
def report_view(request: HttpRequest, case_id: int, report_id: int) -> HttpResponse:
    user = signed_in_user(request)
    context = audit_context(request)
    report = access_report(user, case_id, report_id, context=context)
    actions.record_report_opened(report=report, file_format="html", acting_user=user, context=context)
    return _render_report(request, report)


@login_required
@require_safe
def report_pdf_view(request: HttpRequest, case_id: int, report_id: int) -> HttpResponse:
    user = signed_in_user(request)
    context = audit_context(request)
    report = access_report(user, case_id, report_id, context=context)
    content = render_report_pdf(report, language=get_language(), base_url=request.build_absolute_uri())
    actions.record_report_opened(report=report, file_format="pdf", acting_user=user, context=context)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{report_filename(report)}"'
    return response


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def report_edit_view(request: HttpRequest, case_id: int, report_id: int) -> HttpResponse:
    user = signed_in_user(request)
    context = audit_context(request)
    report = access_report(user, case_id, report_id, action=Action.CHANGE, context=context)
    if request.method != "POST":
        if report.state != ReportState.DRAFT:
            messages.info(request, _("This report has gone to the safety review and is not changed any more."))
            return redirect("cases:report", case_id=report.case_id, report_id=report.pk)
        form = ReportEditForm(initial={"version": report.version, "assessment": report.assessment})
        return render(request, "cases/report_edit.html", {**document_context(report), "form": form})
    form = ReportEditForm(request.POST)
    status = 422
    if form.is_valid():
        try:
            actions.edit_report(
                report=report,
                assessment=form.cleaned_data["assessment"],
                expected_version=form.cleaned_data["version"],
                acting_user=user,
                context=context,
            )
        except CaseRefused as refused:
            form.add_error(None, refused.message)
            status = _status(refused)
        except ValidationError as invalid:
            _add_errors(form, invalid)
        else:
            messages.success(request, _("The report was saved."))
            return redirect("cases:report", case_id=report.case_id, report_id=report.pk)
    return render(request, "cases/report_edit.html", {**document_context(report), "form": form}, status=status)


@login_required
@require_POST
def report_submit_view(request: HttpRequest, case_id: int, report_id: int) -> HttpResponse:
    user = signed_in_user(request)
    context = audit_context(request)
    report = access_report(user, case_id, report_id, action=Action.CHANGE, context=context)
    form = ReportSubmitForm(request.POST)
    if not form.is_valid():
        return _render_report(request, report, submit_form=form, status=422)
    try:
        actions.submit_report_for_review(
            report=report, expected_version=form.cleaned_data["version"], acting_user=user, context=context
        )
    except CaseRefused as refused:
        form.add_error(None, refused.message)
        return _render_report(request, report, submit_form=form, status=_status(refused))
    except ValidationError as invalid:
        for errors in invalid.message_dict.values():
            form.add_error(None, errors)
        return _render_report(request, report, submit_form=form, status=422)
    messages.success(request, _("The report now awaits a coordinator's safety review."))
    return redirect("cases:report", case_id=report.case_id, report_id=report.pk)


def _render_review(
    request: HttpRequest, report: CaseReport, form: ReportReviewForm, signal: Any, *, status: int = 200
) -> HttpResponse:
    context = {**document_context(report), "case": report.case, "form": form, "signal": signal}
    return render(request, "cases/report_review.html", context, status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def report_review_view(request: HttpRequest, case_id: int, report_id: int) -> HttpResponse:
    """The safety review. Its page shows the latest safety signal about the partner, so it is
    for the provider's coordinators only: to anyone else it does not exist, and an answer from
    anyone else is refused back to the report's page, which shows no signal."""
    user = signed_in_user(request)
    context = audit_context(request)
    report = access_report(user, case_id, report_id, action=Action.CHANGE, context=context)
    if request.method != "POST":
        if not has_role(user, report.case.organisation_id, Role.COORDINATOR):
            record_denied(user, CaseReport, report.pk, "review", context)
            raise Http404
        if report.state != ReportState.AWAITING_REVIEW:
            messages.info(request, _("This report is not awaiting the safety review."))
            return redirect("cases:report", case_id=report.case_id, report_id=report.pk)
        signal = latest_partner_signal(user, report.case, context=context)
        form = ReportReviewForm(
            initial={"version": report.version, "signal_seen": signal.pk if signal is not None else None}
        )
        return _render_review(request, report, form, signal)
    try:
        actions.ensure_reviewer(report, user, context)
    except CaseRefused as refused:
        messages.error(request, refused.message)
        return redirect("cases:report", case_id=report.case_id, report_id=report.pk)
    form = ReportReviewForm(request.POST)
    if not form.is_valid():
        signal = latest_partner_signal(user, report.case, context=context)
        return _render_review(request, report, form, signal, status=422)
    try:
        actions.review_report(
            report=report,
            safe=form.cleaned_data["safe"] == "yes",
            note=form.cleaned_data["note"],
            signal_seen=form.cleaned_data["signal_seen"],
            expected_version=form.cleaned_data["version"],
            acting_user=user,
            context=context,
        )
    except StaleCase as stale:
        # Shown again as it is now: the newest signal, the report's version, her answer kept.
        report = access_report(user, case_id, report_id, action=Action.CHANGE, context=context)
        signal = latest_partner_signal(user, report.case, context=context)
        data = request.POST.copy()
        data["version"] = str(report.version)
        data["signal_seen"] = str(signal.pk) if signal is not None else ""
        form = ReportReviewForm(data)
        form.is_valid()
        form.add_error(None, stale.message)
        return _render_review(request, report, form, signal, status=409)
    except CaseRefused as refused:
        messages.error(request, refused.message)
        return redirect("cases:report", case_id=report.case_id, report_id=report.pk)
    except ValidationError as invalid:
        _add_errors(form, invalid)
        signal = latest_partner_signal(user, report.case, context=context)
        return _render_review(request, report, form, signal, status=422)
    if report.state == ReportState.SENT:
        messages.success(request, _("The report was sent to the referrer."))
    else:
        messages.success(request, _("The report was held back. The referrer does not see it."))
    return redirect("cases:report", case_id=report.case_id, report_id=report.pk)
