"""Helpers of the outcome tests: cases that start and leave the programme, with the worker's
events delivered."""

from __future__ import annotations

from typing import Any

from tandem.cases.models import Case
from tandem.cases.rules.lifecycle import State as CaseState
from tandem.core import events
from tandem.outcomes.models import CasePoint, PartnerPoint
from tests import factories


def started(provider: Any, **details: Any) -> Case:
    made = factories.case(provider, state=CaseState.IN_PROGRAMME, **details)
    events.deliver_pending()
    return made


def left(provider: Any, how: CaseState = CaseState.COMPLETED, **details: Any) -> Case:
    made = factories.case(provider, state=how, **details)
    events.deliver_pending()
    return made


def his_points(case: Case) -> dict[str, CasePoint]:
    return {point.point: point for point in CasePoint._base_manager.filter(case_id=case.pk)}


def her_points(partner: Any) -> dict[str, PartnerPoint]:
    return {point.point: point for point in PartnerPoint._base_manager.filter(partner_id=partner.pk)}
