"""Reads of the reports to the referrer. A report is reached through its own scoping: the
provider's facilitators and coordinators reach every report of their cases, the referring
agency's referrers only a report that was sent to them (``CaseReport.relation_scope``).

The latest safety signal about the partner is read here for the one person who must see it:
the coordinator answering whether a report is safe to send."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from tandem.cases.models import Case, CaseReport, Referral, ReportState
from tandem.core.audit import AuditContext
from tandem.core.roles import Action
from tandem.core.scoping import access
from tandem.survivors import queries as survivor_side


def access_report(
    user: Any, case_id: Any, report_id: Any, *, action: Action = Action.VIEW, context: AuditContext | None = None
) -> CaseReport:
    """The report of the case in the URL, if ``user`` may ``action`` it; 404 otherwise."""
    return access(
        CaseReport,
        user,
        report_id,
        action=action,
        context=context,
        queryset=CaseReport.objects.filter(case_id=case_id).select_related(
            "case__organisation",
            "case__referral__referring_organisation",
            "created_by",
            "reviewed_by",
            "sent_by",
        ),
    )


def reports_of(user: Any, case: Case) -> QuerySet[CaseReport]:
    """The reports of a case that ``user`` may see, newest first."""
    return CaseReport.objects.visible_to(user).filter(case_id=case.pk).order_by("-created_at", "-pk")


def get_open_draft(case: Case, kind: str) -> CaseReport | None:
    """The case's draft of ``kind``, if one is open."""
    return CaseReport._base_manager.filter(case_id=case.pk, kind=kind, state=ReportState.DRAFT).first()


def sent_reports_about(user: Any, referral: Referral) -> list[CaseReport]:
    """The reports about the man of ``referral`` that ``user`` may read (for a referrer: those
    sent to her agency), newest first; none before the referral opened a case."""
    return list(
        CaseReport.objects.visible_to(user)
        .filter(case__referral_id=referral.pk)
        .only("pk", "case_id", "kind", "sent_at", "state")
        .order_by("-sent_at", "-pk")
    )


def get_case_for_reports(case_id: int) -> Case | None:
    """The case an event is about, with what a report rule asks of it (its referral's route and
    its provider's country), for the worker."""
    return Case._base_manager.select_related("referral", "organisation__country").filter(pk=case_id).first()


def report_made_by_rule(case: Case, rule_key: str) -> bool:
    """Whether the rule has made its report on the case already (a rule makes one per case)."""
    return CaseReport._base_manager.filter(case_id=case.pk, rule=rule_key).exists()


def draft_made_by_rule(case: Case, rule_key: str) -> CaseReport | None:
    """The report the rule made on the case, while it is still a draft."""
    return CaseReport._base_manager.filter(case_id=case.pk, rule=rule_key, state=ReportState.DRAFT).first()


def latest_partner_signal(user: Any, case: Case, *, context: AuditContext | None = None) -> Any:
    """The newest safety signal about the case's partner that ``user`` may read (a coordinator
    of the provider), or None; the reading is audited by the survivor side."""
    return survivor_side.latest_signal(user, case.partner_reference, context=context)
