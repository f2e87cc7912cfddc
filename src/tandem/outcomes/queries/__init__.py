"""Reads of outcome monitoring, through ``core``'s policy. His points and answers are read by
whoever reaches his case; hers only by whoever reaches her record (her support workers, a
service she shares with, a coordinator's break-the-glass), every opening audited."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch

from tandem.cases.models import Case
from tandem.core.audit import AuditContext
from tandem.core.models import Event
from tandem.core.policy import organisations_granting
from tandem.core.roles import Action, Compartment
from tandem.core.scoping import access, can
from tandem.outcomes.models import (
    CasePoint,
    ManResponse,
    ManScore,
    PartnerPoint,
    PartnerResponse,
    PartnerScore,
    PointState,
)
from tandem.survivors.models import Partner, PartnerLink


def case_of_event(event: Event) -> Case | None:
    """The case an event of case work, or a link to a case, is about."""
    if event.subject_type == Case._meta.label_lower:
        case_id: Any = event.subject_id
    else:
        payload = event.payload if isinstance(event.payload, dict) else {}
        case_id = payload.get("case")
    try:
        return Case._base_manager.select_related("organisation__country").get(pk=int(case_id))
    except (Case.DoesNotExist, TypeError, ValueError):
        return None


def link_of_event(event: Event) -> PartnerLink | None:
    if event.subject_type != PartnerLink._meta.label_lower:
        return None
    return (
        PartnerLink._base_manager.select_related("partner__organisation__country").filter(pk=event.subject_id).first()
    )


def case_points(case: Case) -> list[CasePoint]:
    """His points with their answers, for whoever already reached the case."""
    return list(CasePoint._base_manager.filter(case_id=case.pk).select_related("response").order_by("opens_on", "pk"))


def case_points_by_name(case_id: int) -> dict[str, CasePoint]:
    return {point.point: point for point in CasePoint._base_manager.filter(case_id=case_id)}


def links_of_case(case_id: int) -> list[PartnerLink]:
    """The links of the partners of a case (for making their schedules; nothing of hers is read)."""
    return list(PartnerLink._base_manager.filter(case_number=case_id).select_related("partner__organisation__country"))


def partner_points(partner: Partner) -> list[PartnerPoint]:
    """Her points with her answers and their scores, for whoever already reached her record."""
    return list(
        PartnerPoint._base_manager.filter(partner_id=partner.pk)
        .select_related("response")
        .prefetch_related(Prefetch("response__scores", queryset=PartnerScore._base_manager.all()))
        .order_by("case_number", "opens_on", "pk")
    )


def partner_points_by_name(partner_id: int, case_number: int) -> dict[str, PartnerPoint]:
    return {
        point.point: point
        for point in PartnerPoint._base_manager.filter(partner_id=partner_id, case_number=case_number)
    }


def due_partner_points(case_number: int, point: str) -> list[PartnerPoint]:
    return list(PartnerPoint._base_manager.filter(case_number=case_number, point=point, state=PointState.DUE))


def his_scores_for(user: Any, case_number: int) -> dict[str, dict[str, float]]:
    """His sub-scale scores by time point, for her workers' side-by-side view. What he
    answered is not hers to keep from her workers: they weigh it against what she says. Only for
    her workers of the programme that keeps his case: a survivor service she shares her record
    with works for her, not with his programme, and gets none of his answers (nothing, then)."""
    organisation_id = Case._base_manager.filter(pk=case_number).values_list("organisation_id", flat=True).first()
    if organisation_id is None or organisation_id not in organisations_granting(
        user, Compartment.SURVIVOR, Action.VIEW
    ):
        return {}
    found: dict[str, dict[str, float]] = {}
    rows = ManScore._base_manager.filter(response__point__case_id=case_number).values_list(
        "response__point__point", "subscale", "value"
    )
    for point, subscale, value in rows:
        found.setdefault(point, {})[subscale] = value
    return found


def access_case_point(
    user: Any, point_id: Any, *, action: Action = Action.VIEW, context: AuditContext | None = None
) -> CasePoint:
    return access(
        CasePoint,
        user,
        point_id,
        action=action,
        context=context,
        queryset=CasePoint._base_manager.select_related("case__organisation__country", "response"),
    )


def access_partner_point(
    user: Any, point_id: Any, *, action: Action = Action.VIEW, context: AuditContext | None = None
) -> PartnerPoint:
    return access(
        PartnerPoint,
        user,
        point_id,
        action=action,
        context=context,
        queryset=PartnerPoint._base_manager.select_related("partner__organisation__country", "response"),
    )


def may_change(user: Any, point: CasePoint | PartnerPoint) -> bool:
    return can(user, Action.CHANGE, point)


def has_response(point: CasePoint | PartnerPoint) -> bool:
    model = ManResponse if isinstance(point, CasePoint) else PartnerResponse
    return model._base_manager.filter(point_id=point.pk).exists()
