"""Writes of the reports to the referrer.

A report is made by hand (a facilitator or coordinator chooses its kind) or by a rule of its
referral route, when an event makes it due (``handlers.py``); either way its facts are the
perpetrator-facing view of the case at that moment (``reporting``), and it starts as a draft.
The programme writes its assessment, submits the report for the safety review, and a
coordinator, with the latest safety signal about the partner in view, answers whether the
disclosure is safe for her: yes sends it (the referring agency can then read it), no holds it
back with a note. Nothing else sends a report. The answer and the sender are audited, and the
work the rule opened is done either way.

Events: ``case.report_sent`` (subject: the case; payload: the report and its kind).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tandem.cases.actions import MAX_TEXT, CaseRefused, StaleCase
from tandem.cases.models import Case, CaseReport, ReportKind, ReportState
from tandem.cases.queries.reports import (
    draft_made_by_rule,
    get_open_draft,
    latest_partner_signal,
    report_made_by_rule,
)
from tandem.cases.reporting.queries import get_perpetrator_view
from tandem.cases.reporting.rules import ReportRule
from tandem.cases.work_rules import report_due, report_due_of
from tandem.core import audit, clock, events
from tandem.core.audit import AuditContext
from tandem.core.models import Event, User
from tandem.core.policy import has_role
from tandem.core.roles import Action, Compartment, Role
from tandem.core.scoping import record_denied
from tandem.core.versions import save_if_unchanged
from tandem.core.work import cancel_work, close_work, open_work

REPORT_SENT = "case.report_sent"
WRITERS = (Role.FACILITATOR, Role.COORDINATOR)
REVIEWERS = (Role.COORDINATOR,)


def _may_write(report_case: Case, acting_user: User, context: AuditContext | None, event: str, pk: Any = "") -> None:
    if not has_role(acting_user, report_case.organisation_id, *WRITERS):
        record_denied(
            acting_user, CaseReport, pk, Action.CHANGE, context, detail={"case": report_case.pk, "event": event}
        )
        raise CaseRefused(_("Only the facilitators and coordinators working on this case write its reports."))


def _bump(report: CaseReport, expected_version: int, **changes: Any) -> None:
    if not save_if_unchanged(report, expected_version, **changes):
        raise StaleCase(_("Someone else changed this report after you opened it. Open it again to see their changes."))


def _record(
    action: str, report: CaseReport, acting_user: User | None, context: AuditContext | None, **detail: Any
) -> None:
    audit.record(
        action,
        actor=acting_user,
        obj=report,
        organisation=report.case.organisation_id,
        compartment=CaseReport.compartment,
        context=context,
        detail={"case": report.case_id, "kind": report.kind, **detail},
    )


def create_report(*, case: Case, kind: str, acting_user: User, context: AuditContext | None = None) -> CaseReport:
    """A facilitator or coordinator starts a report of ``kind`` on the case, as a draft whose
    facts are the case as it stands now."""
    _may_write(case, acting_user, context, "create")
    if kind not in ReportKind.values:
        raise ValidationError({"kind": _("Choose the kind of report.")})
    draft = get_open_draft(case, kind)
    if draft is not None:
        # A second click on "Start the report" must not leave two drafts nobody can remove.
        raise CaseRefused(
            _("A draft of this kind is already open on the case (report #%(number)s): continue it.")
            % {"number": draft.pk}
        )
    with transaction.atomic():
        report = CaseReport.objects.create(
            case=case,
            kind=kind,
            facts=get_perpetrator_view(case).to_json(),
            created_by=acting_user,
            created_at=clock.now(),
        )
        _record("cases.report.created", report, acting_user, context)
    return report


def open_report_by_rule(*, case: Case, rule: ReportRule, event: Event) -> CaseReport | None:
    """The report that ``rule`` makes due on the case, as a draft due within the rule's working
    days of the provider's country after ``event``, and the coordinators' work to send it; None
    when the rule has already made its report on this case (a rule makes one per case)."""
    if report_made_by_rule(case, rule.key):
        return None
    work = report_due(rule)
    country = case.organisation.country.code if case.organisation.country is not None else None
    with transaction.atomic():
        report = CaseReport.objects.create(
            case=case,
            kind=rule.kind,
            rule=rule.key,
            due_at=work.due.after(event.occurred_at, country),
            facts=get_perpetrator_view(case).to_json(),
            created_at=clock.now(),
        )
        _record("cases.report.created", report, None, audit.WORKER, rule=rule.key, event=event.pk)
        open_work(
            rule=work,
            organisation=case.organisation,
            subject=case,
            params={"case": case.pk, "report": report.pk},
            team_role=Role.COORDINATOR,
            event=event,
            start=event.occurred_at,
            country_code=country,
            compartment=Compartment.PROGRAMME,
            key=f"{work.key}:{case.pk}:{report.pk}",
        )
    return report


def withdraw_report_by_rule(*, case: Case, rule: ReportRule, event: Event) -> bool:
    """The draft that ``rule`` made on the case, withdrawn with its work: what made it due was
    corrected. A report already put to the safety review or sent stays; its reviewer decides."""
    report = draft_made_by_rule(case, rule.key)
    if report is None:
        return False
    with transaction.atomic():
        _record("cases.report.withdrawn", report, None, audit.WORKER, rule=rule.key, event=event.pk)
        cancel_work(rule=report_due(rule), subject=case, reason=event.kind, acting_user=None)
        report.delete()
    return True


def edit_report(
    *,
    report: CaseReport,
    assessment: str,
    expected_version: int,
    acting_user: User,
    context: AuditContext | None = None,
) -> CaseReport:
    """Change the programme's assessment of a draft; a report under review or decided is not
    changed any more."""
    _may_write(report.case, acting_user, context, "edit", report.pk)
    if report.state != ReportState.DRAFT:
        raise CaseRefused(
            _("Only a draft can be changed: this report is “%(state)s”.") % {"state": ReportState(report.state).label}
        )
    if len(assessment) > MAX_TEXT:
        raise ValidationError({"assessment": _("At most %(count)s characters.") % {"count": MAX_TEXT}})
    with transaction.atomic():
        _bump(report, expected_version, assessment=assessment.strip())
        _record("cases.report.edited", report, acting_user, context)
    return report


def submit_report_for_review(
    *, report: CaseReport, expected_version: int, acting_user: User, context: AuditContext | None = None
) -> CaseReport:
    """A draft with the programme's assessment goes to a coordinator for the safety review."""
    _may_write(report.case, acting_user, context, "submit", report.pk)
    if report.state != ReportState.DRAFT:
        raise CaseRefused(_("This report is not a draft: it has been submitted already."))
    if not report.assessment.strip():
        raise ValidationError({"assessment": _("Write the programme's assessment before the safety review.")})
    with transaction.atomic():
        _bump(report, expected_version, state=ReportState.AWAITING_REVIEW)
        _record("cases.report.submitted", report, acting_user, context)
    return report


def ensure_reviewer(report: CaseReport, acting_user: User, context: AuditContext | None) -> None:
    """Refuse, on the record, anyone but a coordinator of the provider: the safety review reads
    the survivor side's signal, and sending speaks for the programme."""
    if not has_role(acting_user, report.case.organisation_id, *REVIEWERS):
        record_denied(acting_user, CaseReport, report.pk, Action.CHANGE, context, detail={"event": "review"})
        raise CaseRefused(_("Only a coordinator answers the safety review and sends the report."))


def review_report(
    *,
    report: CaseReport,
    safe: bool,
    signal_seen: int | None,
    expected_version: int,
    acting_user: User,
    note: str = "",
    context: AuditContext | None = None,
) -> CaseReport:
    """A coordinator answers "Is this disclosure safe for the partner?" for a report awaiting
    the safety review, having seen the latest safety signal about her (``signal_seen``, or None
    when there was none). Yes sends the report to the referring agency; no holds it back, with a
    note saying why. If a newer signal was recorded since the page was opened, nothing is
    decided: she must read it first."""
    case = report.case
    ensure_reviewer(report, acting_user, context)
    if report.state != ReportState.AWAITING_REVIEW:
        if report.state == ReportState.DRAFT:
            raise CaseRefused(_("This report is not awaiting the safety review: submit it for the review first."))
        raise CaseRefused(
            _("This report's safety review has been answered already: it is “%(state)s”.")
            % {"state": ReportState(report.state).label}
        )
    if len(note) > MAX_TEXT:
        raise ValidationError({"note": _("At most %(count)s characters.") % {"count": MAX_TEXT}})
    if not safe and not note.strip():
        raise ValidationError({"note": _("Say why the report is held back.")})
    latest = latest_partner_signal(acting_user, case, context=context)
    if (latest.pk if latest is not None else None) != signal_seen:
        raise StaleCase(
            _("A newer safety signal about the partner was recorded after you opened this page. Read it, then answer.")
        )
    now = clock.now()
    with transaction.atomic():
        changes: dict[str, Any] = {
            "state": ReportState.SENT if safe else ReportState.HELD,
            "safe_to_disclose": safe,
            "review_note": note.strip(),
            "reviewed_by": acting_user,
            "reviewed_at": now,
        }
        if safe:
            changes.update(sent_by=acting_user, sent_at=now)
        _bump(report, expected_version, **changes)
        _record("cases.report.reviewed", report, acting_user, context, safe=safe, signal=signal_seen)
        if safe:
            agency = case.referral.referring_organisation_id if case.referral is not None else None
            _record("cases.report.sent", report, acting_user, context, sent_by=acting_user.pk, to=agency)
            events.emit(
                REPORT_SENT,
                subject=case,
                organisation=case.organisation_id,
                acting_user=acting_user,
                payload={"report": report.pk, "kind": report.kind},
            )
        else:
            _record("cases.report.held", report, acting_user, context)
        if report.rule:
            close_work(
                rule=report_due_of(report.rule),
                subject=case,
                fulfilled_by="cases.report.sent" if safe else "cases.report.held",
                acting_user=acting_user,
                context=context,
            )
    return report


def record_report_opened(
    *, report: CaseReport, file_format: str, acting_user: User, context: AuditContext | None = None
) -> None:
    """Every opening of a report is on the record: who read what was said about the man, and
    in which form (a PDF is a copy that leaves Tandem)."""
    with transaction.atomic():
        _record("cases.report.opened", report, acting_user, context, format=file_format)
