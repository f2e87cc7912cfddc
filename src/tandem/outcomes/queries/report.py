"""The reads behind the outcome report of one programme provider: a fixed handful of aggregate
queries, whatever the number of cases, partners or answers.

The report covers the cases whose start point opened in the period (``cases_in_period``): a case
is counted once, in the period in which the man began, with every later point of his and of his
partners, so that a matched comparison never loses its "before" to the edge of the period.

They read without a person's check: the page, its downloads and the command line that use them
check who may read the report (its provider's coordinators, administrators and survivor-support
workers) before they ask. Each answers plain numbers: case ids and partner ids only to pair a
person's answers over time, never a name, a note or an answer's text; her rows leave this module
only to be aggregated over enough partners (``tandem.outcomes.report``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Q

from tandem.core.models import Organisation
from tandem.core.roles import OrganisationKind
from tandem.outcomes.models import (
    CasePoint,
    ManScore,
    PartnerPoint,
    PartnerScore,
    TimePoint,
)

# One sub-scale score of one person at one time point: (person, case, time point, sub-scale, score,
# questionnaire, version). ``person`` is the case id for him and the partner id for her; ``case``
# the case either way. Plain tuples, as the database gives them: a report reads tens of thousands.
ScoreRow = tuple[int, int, str, str, float, str, int]


@dataclass(frozen=True)
class PointCount:
    """How many points of one time point are in one state, and of those how many have a window
    that closed before ``today``."""

    point: str
    state: str
    count: int
    closed: int


def providers() -> list[Organisation]:
    """Every programme provider, for the command line to name one."""
    return list(Organisation.objects.filter(kind=OrganisationKind.PROGRAMME_PROVIDER).order_by("name", "pk"))


def provider(organisation_id: int) -> Organisation | None:
    return Organisation.objects.filter(pk=organisation_id, kind=OrganisationKind.PROGRAMME_PROVIDER).first()


def cases_in_period(organisation_id: int, start: date, end: date) -> Any:
    """The ids of the provider's cases whose start point opened from ``start`` to ``end``, as a
    subquery (never fetched on its own)."""
    return (
        CasePoint._base_manager.filter(
            case__organisation_id=organisation_id,
            point=TimePoint.START,
            opens_on__gte=start,
            opens_on__lte=end,
        )
        .order_by()
        .values("case_id")
    )


def his_scores(organisation_id: int, start: date, end: date) -> list[ScoreRow]:
    """His sub-scale scores at every time point of the cases of the period (the provider's, as
    ``cases_in_period`` reads them)."""
    return list(
        ManScore._base_manager.filter(
            response__point__case_id__in=cases_in_period(organisation_id, start, end),
        )
        .order_by()
        .values_list(
            "response__point__case_id",
            "response__point__case_id",
            "response__point__point",
            "subscale",
            "value",
            "response__instrument",
            "response__instrument_version",
        )
    )


def her_scores(organisation_id: int, start: date, end: date) -> list[ScoreRow]:
    """Her sub-scale scores at every time point of the cases of the period, for partners whose
    record the provider's survivor side keeps.

    Which partner keeps her record is read beside each row and checked here, not in the query:
    filtered there, SQLite (without statistics) starts from the provider's partners and tries
    every case of the period for each, a product of thousands by thousands; from the cases of the
    period, it takes each one's points by their case number."""
    rows = (
        PartnerScore._base_manager.filter(response__point__case_number__in=cases_in_period(organisation_id, start, end))
        .order_by()
        .values_list(
            "response__point__partner__organisation_id",
            "response__point__partner_id",
            "response__point__case_number",
            "response__point__point",
            "subscale",
            "value",
            "response__instrument",
            "response__instrument_version",
        )
    )
    return [row[1:] for row in rows if row[0] == organisation_id]


def _counts(
    rows: Any, today: date, *, kept_by: str | None = None, organisation_id: int | None = None
) -> list[PointCount]:
    """Points counted by time point and state; with ``kept_by``, grouped by that organisation too
    and only ``organisation_id``'s counted (see ``her_scores`` for why not in the query)."""
    fields = ["point", "state", *([kept_by] if kept_by else [])]
    counted = rows.values(*fields).annotate(count=Count("pk"), closed=Count("pk", filter=Q(closes_on__lt=today)))
    return [
        PointCount(row["point"], row["state"], row["count"], row["closed"])
        for row in counted.order_by()
        if kept_by is None or row[kept_by] == organisation_id
    ]


def his_point_counts(organisation_id: int, start: date, end: date, today: date) -> list[PointCount]:
    """His points of the cases of the period, counted by time point and state."""
    return _counts(
        CasePoint._base_manager.filter(
            case__organisation_id=organisation_id, case_id__in=cases_in_period(organisation_id, start, end)
        ),
        today,
    )


def her_point_counts(organisation_id: int, start: date, end: date, today: date) -> list[PointCount]:
    """Her points of the cases of the period, counted by time point and state."""
    return _counts(
        PartnerPoint._base_manager.filter(case_number__in=cases_in_period(organisation_id, start, end)),
        today,
        kept_by="partner__organisation_id",
        organisation_id=organisation_id,
    )
