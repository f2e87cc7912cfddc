"""Outcome monitoring's part of the case page: his time points, their windows and whether he
answered. Nothing of his partner's questionnaire: hers is on her side only."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from tandem.cases.models import Case
from tandem.cases.panels import Panel, register_panel
from tandem.core import clock
from tandem.core.models import User
from tandem.core.policy import organisations_granting
from tandem.core.roles import Action, Compartment
from tandem.outcomes import queries
from tandem.outcomes.models import PointState


def _outcomes_panel(reader: User, case: Case) -> dict[str, Any] | None:
    if case.organisation_id not in organisations_granting(reader, Compartment.PROGRAMME, Action.VIEW):
        return None
    today = clock.today()
    points = queries.case_points(case)
    return {
        "points": [
            (
                point,
                point.state == PointState.DUE and point.closes_on < today,
                point.state == PointState.DUE and point.opens_on <= today,
            )
            for point in points
        ],
        "title": _("Outcome questionnaires"),
    }


register_panel(Panel("outcomes", "outcomes/_panel.html", _outcomes_panel, order=40))
