"""Reads of risk assessment, through ``core``'s policy where a person reads: ``access_*`` fetch
one record or answer 404, ``*_visible_to`` list what the reader may see. ``get_*`` and
``latest_level`` read without a check, for the actions, the handlers and the parts of the case
page, which are reached only once the reader has been let into the case."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import QuerySet

from tandem.cases.models import Case
from tandem.core.audit import AuditContext
from tandem.core.models import Event, WorkItem
from tandem.core.scoping import access
from tandem.risk.models import RiskAssessment
from tandem.risk.work_rules import ESCALATION, RISK_RULES

# What a list of assessments shows: never the answers or the note, which are decrypted only
# on the page of one assessment.
_LISTED = ("answers", "note")


def latest_level(case: Case) -> str:
    """The level of the case's newest assessment, or "" before the first."""
    found = (
        RiskAssessment._base_manager.filter(case_id=case.pk)
        .order_by("-assessed_at", "-pk")
        .values_list("level", flat=True)
        .first()
    )
    return found or ""


def access_assessment(
    user: Any, case: Case, assessment_id: Any, *, context: AuditContext | None = None
) -> RiskAssessment:
    """One assessment of ``case`` for a person working on it, or 404 (an assessment of another
    case looks like one that does not exist)."""
    return access(
        RiskAssessment,
        user,
        assessment_id,
        context=context,
        queryset=RiskAssessment._base_manager.filter(case_id=case.pk).select_related("assessed_by"),
    )


def assessments_visible_to(user: Any, case: Case) -> QuerySet[RiskAssessment]:
    """The case's assessments the reader may see, oldest first (the order of the trend)."""
    return (
        RiskAssessment.objects.visible_to(user)
        .filter(case_id=case.pk)
        .select_related("assessed_by")
        .defer(*_LISTED)
        .order_by("assessed_at", "pk")
    )


def get_case(case_id: Any) -> Case | None:
    """A case with its organisation's country (for working days), for the handlers."""
    try:
        return Case._base_manager.select_related("organisation__country").filter(pk=int(case_id)).first()
    except (TypeError, ValueError):
        return None


def get_case_of_event(event: Event) -> Case | None:
    """The case an event of case work is about: its subject, or the case its payload names."""
    if event.subject_type == Case._meta.label_lower:
        return get_case(event.subject_id)
    payload = event.payload if isinstance(event.payload, dict) else {}
    return get_case(payload.get("case"))


def has_assessment(case: Case, *, occasions: frozenset[str] = frozenset(), since: datetime | None = None) -> bool:
    """Whether the case has an assessment (of one of ``occasions``, when given; made at or
    after ``since``, when given)."""
    found = RiskAssessment._base_manager.filter(case_id=case.pk)
    if occasions:
        found = found.filter(occasion__in=occasions)
    if since is not None:
        found = found.filter(assessed_at__gte=since)
    return found.exists()


def get_assessments(case: Case, ids: list[int]) -> dict[int, RiskAssessment]:
    """Assessments of the case by id, without their answers and notes."""
    return RiskAssessment._base_manager.filter(case_id=case.pk, pk__in=ids).defer(*_LISTED).in_bulk()


def _work_about(case: Case) -> QuerySet[WorkItem]:
    return WorkItem._base_manager.filter(subject_type=Case._meta.label_lower, subject_id=str(case.pk))


def get_open_risk_work(case: Case) -> QuerySet[WorkItem]:
    """The risk work still open on the case: assessments due and escalations to review."""
    return _work_about(case).filter(rule__in=RISK_RULES, state=WorkItem.State.OPEN).order_by("due_at", "pk")


def get_escalations(case: Case) -> QuerySet[WorkItem]:
    """Every escalation of the case, open or reviewed, oldest first."""
    return _work_about(case).filter(rule=ESCALATION.key).select_related("closed_by").order_by("created_at", "pk")


def get_open_escalations(case: Case) -> QuerySet[WorkItem]:
    return get_escalations(case).filter(state=WorkItem.State.OPEN)
