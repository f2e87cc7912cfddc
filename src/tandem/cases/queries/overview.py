"""What a coordinator's safety overview counts, for the providers where she coordinates: open
and overdue work on cases, risk rises this week, the men waiting longest for a group, and the
reports waiting for the safety review. Each figure also filters the case list (``FLAGS``), so
that every number leads to its cases."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import CharField, Exists, OuterRef, QuerySet
from django.db.models.functions import Cast

from tandem.cases.models import Case, CaseReport, ReportState
from tandem.cases.rules.lifecycle import State
from tandem.core import clock
from tandem.core.models import WorkItem
from tandem.core.policy import organisations_granting, organisations_with_role
from tandem.core.roles import Action, Compartment, Role
from tandem.survivors import queries as survivor_side
from tandem.survivors.queries import planning as joint_reviews

PAST_ASSESSMENT = (
    State.WAITING,
    State.IN_PROGRAMME,
    State.COMPLETED,
    State.EXCLUDED,
    State.DROPPED_OUT,
    State.TRANSFERRED,
    State.FOLLOW_UP,
)

CASE_TYPE = Case._meta.label_lower
WEEK = timedelta(days=7)
FLAGS = ("open_work", "overdue_work", "risk_rise", "awaiting_review")


def coordinated(user: Any) -> list[int]:
    return organisations_with_role(user, Role.COORDINATOR)


def _work_on_case(now: datetime | None = None) -> QuerySet[WorkItem]:
    found = WorkItem._base_manager.filter(
        subject_type=CASE_TYPE, subject_id=Cast(OuterRef("pk"), CharField()), state=WorkItem.State.OPEN
    )
    return found.filter(due_at__lt=now) if now is not None else found


def rising_case_ids(organisations: list[int], since: datetime) -> set[int]:
    """Cases whose risk level was assessed higher this week than at the assessment before."""
    from tandem.risk.models import LEVEL_ORDER, RiskAssessment

    recent = list(
        RiskAssessment._base_manager.filter(case__organisation_id__in=organisations, assessed_at__gte=since)
        .order_by("case_id", "assessed_at", "pk")
        .values_list("case_id", "level", "assessed_at", "pk")
    )
    if not recent:
        return set()
    cases = {case_id for case_id, *_rest in recent}
    history: dict[int, list[tuple[datetime, int, str]]] = {}
    for case_id, level, at, pk in (
        RiskAssessment._base_manager.filter(case_id__in=cases)
        .order_by("case_id", "assessed_at", "pk")
        .values_list("case_id", "level", "assessed_at", "pk")
    ):
        history.setdefault(case_id, []).append((at, pk, level))
    rising = set()
    for case_id, rows in history.items():
        for (_at, _pk, before), (at, _pk2, after) in itertools.pairwise(rows):
            if at >= since and _order(LEVEL_ORDER, after) > _order(LEVEL_ORDER, before):
                rising.add(case_id)
    return rising


def _order(order: Any, level: str) -> int:
    return int(order.get(level, 0))


def flagged(found: QuerySet[Case], flag: str, user: Any) -> QuerySet[Case]:
    """The cases of ``found`` that one figure of the overview counts."""
    now = clock.now()
    if flag == "open_work":
        return found.filter(Exists(_work_on_case()))
    if flag == "overdue_work":
        return found.filter(Exists(_work_on_case(now)))
    if flag == "risk_rise":
        visible = organisations_granting(user, Compartment.PROGRAMME, Action.VIEW)
        return found.filter(pk__in=rising_case_ids(visible, now - WEEK))
    if flag == "awaiting_review":
        return found.filter(
            Exists(CaseReport._base_manager.filter(case_id=OuterRef("pk"), state=ReportState.AWAITING_REVIEW))
        )
    return found


@dataclass(frozen=True)
class Overview:
    open_work: int
    overdue_work: int
    risk_rises: int
    awaiting_review: int
    waiting: list[Case]  # the men waiting longest for a group, longest first
    waiting_count: int
    # The measure the regional mapping asks every programme about: of the men past assessment
    # whose case is open, how many partners were told what the programme cannot do.
    partners_told: int = 0
    partners_to_tell: int = 0
    # And the other: of the same cases, how many had a joint review with a survivor service in
    # the last ``joint_review_months`` months.
    jointly_reviewed: int = 0
    joint_review_months: int = 6

    @property
    def partners_told_percent(self) -> int | None:
        return round(100 * self.partners_told / self.partners_to_tell) if self.partners_to_tell else None

    @property
    def jointly_reviewed_percent(self) -> int | None:
        return round(100 * self.jointly_reviewed / self.partners_to_tell) if self.partners_to_tell else None


def safety_overview(user: Any, *, longest: int = 10) -> Overview:
    organisations = coordinated(user)
    now = clock.now()
    cases = Case._base_manager.filter(organisation_id__in=organisations)
    waiting = cases.filter(state=State.WAITING)
    references = [
        reference
        for reference in cases.filter(state__in=PAST_ASSESSMENT).values_list("partner_reference", flat=True)
        if reference is not None
    ]
    return Overview(
        open_work=cases.filter(Exists(_work_on_case())).count(),
        overdue_work=cases.filter(Exists(_work_on_case(now))).count(),
        risk_rises=len(rising_case_ids(organisations, now - WEEK)),
        awaiting_review=cases.filter(
            Exists(CaseReport._base_manager.filter(case_id=OuterRef("pk"), state=ReportState.AWAITING_REVIEW))
        ).count(),
        waiting=list(waiting.select_related("participant").order_by("state_since", "pk")[:longest]),
        waiting_count=waiting.count(),
        partners_told=survivor_side.limits_explained_among(references),
        partners_to_tell=len(references),
        jointly_reviewed=joint_reviews.reviewed_share(organisations, references),
        joint_review_months=joint_reviews.JOINT_REVIEW_MONTHS,
    )
