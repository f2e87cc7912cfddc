"""Reads for importing questionnaires collected in the field: the time points a file names,
among those the importing person may record answers at, through ``core``'s policy."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from tandem.core.models import Organisation
from tandem.core.roles import Action
from tandem.outcomes.models import CasePoint, PartnerPoint
from tandem.outcomes.rules.instruments import MAN


def points_to_import(
    user: Any, respondent: str, organisation_id: int, point_ids: Iterable[int]
) -> dict[int, CasePoint | PartnerPoint]:
    """The points of ``organisation_id`` among ``point_ids`` that ``user`` may record answers
    at (his: the programme's staff; hers: her support workers), with any answers they have.
    A point out of reach is left out exactly like one that does not exist."""
    wanted = sorted(set(point_ids))
    points: list[CasePoint | PartnerPoint]
    if respondent == MAN:
        points = list(
            CasePoint.objects.visible_to(user, Action.CHANGE)
            .filter(pk__in=wanted, case__organisation_id=organisation_id)
            .select_related("case__organisation", "response")
        )
    else:
        points = list(
            PartnerPoint.objects.visible_to(user, Action.CHANGE)
            .filter(pk__in=wanted, partner__organisation_id=organisation_id)
            .select_related("partner__organisation", "response")
        )
    return {point.pk: point for point in points}


def organisations_by_id(organisation_ids: Iterable[int]) -> list[Organisation]:
    """Organisations by id, by name (they are named in the directory: nothing personal)."""
    return list(Organisation.objects.filter(pk__in=sorted(set(organisation_ids))).order_by("name", "pk"))
