"""Worlds for the outcome report's tests: cases that started and ended 400 days ago, each with one
partner, answering through the actions at the days their points opened."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from tandem.cases.models import Case
from tandem.core import clock, events
from tandem.core.models import Organisation, User
from tandem.core.roles import Role
from tandem.outcomes.actions import Answers, close_without_answers, record_her_answers, record_his_answers
from tandem.outcomes.models import Mode, PointState
from tandem.outcomes.rules.instruments import MAN, PARTNER, current_instrument
from tests import factories
from tests.outcomes.support import her_points, his_points, left

DAYS_AGO = 400
ANSWERED_AFTER = {"start": 0, "end": 1, "follow_up_6": 183, "follow_up_12": 366}


def began() -> date:
    return clock.today() - timedelta(days=DAYS_AGO)


def values(respondent: str, **by_subscale: int | None) -> dict[str, int | None]:
    """Every item of each named sub-scale answered with one value (a reversed item counted from
    the other end, so that the sub-scale's mean is that value), or left unanswered for None; every
    other item at 0."""
    found: dict[str, int | None] = {}
    for subscale in current_instrument(respondent).subscales:
        wanted = by_subscale.get(subscale.key, 0)
        for item in subscale.items:
            found[item.key] = None if wanted is None else item.counted(wanted)
    return found


def someone(organisation: Organisation, role: Role) -> User:
    user = User.objects.filter(memberships__organisation=organisation, memberships__role=role).first()
    assert user is not None
    return user


@dataclass
class Pair:
    case: Case
    partner: Any


def pair(provider: Organisation, *, name: str = "Drita Hoxha", **details: Any) -> Pair:
    """A man who started and completed the programme 400 days ago, and his partner, who agreed to
    be asked the questionnaires by phone."""
    with clock.frozen(timezone.make_aware(datetime.combine(began(), time(10)))):
        case = left(provider, **details)
        partner = factories.partner(case, name=name)
        factories.consent(partner, channel="phone", purpose="questionnaires", days=700)
        events.deliver_pending()
    return Pair(case, partner)


def his(found: Pair, point: str, **by_subscale: int | None) -> None:
    target = his_points(found.case)[point]
    record_his_answers(
        point=target,
        answers=Answers(values(MAN, **by_subscale), "sq", began() + timedelta(ANSWERED_AFTER[point]), Mode.SESSION),
        expected_version=target.version,
        acting_user=someone(found.case.organisation, Role.FACILITATOR),
    )


def hers(found: Pair, point: str, **by_subscale: int | None) -> None:
    target = her_points(found.partner)[point]
    record_her_answers(
        point=target,
        answers=Answers(
            values(PARTNER, **by_subscale),
            "sq",
            began() + timedelta(ANSWERED_AFTER[point]),
            Mode.INTERVIEW,
            "phone",
        ),
        expected_version=target.version,
        acting_user=someone(found.partner.organisation, Role.SURVIVOR_WORKER),
    )


def closed(found: Pair, point: str, *, her: bool, state: str = PointState.DECLINED, note: str = "") -> None:
    target = her_points(found.partner)[point] if her else his_points(found.case)[point]
    role = Role.SURVIVOR_WORKER if her else Role.FACILITATOR
    close_without_answers(
        point=target,
        state=state,
        note=note,
        expected_version=target.version,
        acting_user=someone(found.case.organisation, role),
    )
