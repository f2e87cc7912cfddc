"""Helpers of the pool tests: cases that went through the programme some time ago, answered by
him and by his partner at the time points asked, and agreements recorded by the provider's
administrator."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from tandem.cases.models import Case
from tandem.cases.rules.lifecycle import State as CaseState
from tandem.core import clock, events
from tandem.core.models import Membership, Organisation, User
from tandem.core.roles import Role
from tandem.outcomes.actions import Answers, close_without_answers, record_her_answers, record_his_answers
from tandem.outcomes.models import CasePoint, Mode, PartnerPoint, PointState
from tandem.outcomes.pool_actions import record_agreement
from tandem.outcomes.pool_models import SharingAgreement
from tandem.outcomes.rules.instruments import MAN, PARTNER, current_instrument
from tests import factories
from tests.outcomes.support import her_points, his_points, left

# Long enough ago that the six-month follow-up has come and gone, and the twelve-month one is open.
DAYS_AGO = 400
# When each point is answered, in days after the day he left (start and end fall on that day).
ANSWERED_AFTER = {"start": 0, "end": 0, "follow_up_6": 190, "follow_up_12": 370}
DECLINED = "declined"


def back_then(days_after: int = 0) -> datetime:
    day = clock.today() - timedelta(days=DAYS_AGO - days_after)
    return timezone.make_aware(datetime.combine(day, time(10)))


def answers(respondent: str, value: int) -> dict[str, int | None]:
    """Every question answered with ``value``."""
    return {item.key: value for item in current_instrument(respondent).items}


def scores(respondent: str, value: int) -> dict[str, float | None]:
    return current_instrument(respondent).scores(answers(respondent, value))


@dataclass(frozen=True)
class History:
    case: Case
    partner: Any
    name: str
    partner_name: str
    birth_date: date


def staff(provider: Organisation, role: Role) -> User:
    found = Membership.objects.filter(organisation=provider, role=role).select_related("user").first()
    return found.user if found is not None else factories.member(provider, role)


def history(
    provider: Organisation,
    *,
    name: str,
    partner_name: str,
    birth_date: date = date(1984, 5, 17),
    how: CaseState = CaseState.COMPLETED,
    his: Mapping[str, int | str] | None = None,
    hers: Mapping[str, int | str] | None = None,
) -> History:
    """A case that left the programme ``DAYS_AGO`` days ago (``how``), with a partner, and the
    answers given at each point: a whole number answers every question with it, ``DECLINED``
    closes the point without answers."""
    with clock.frozen(back_then()):
        case = left(provider, how=how, name=name, birth_date=birth_date)
        partner = factories.partner(case, name=partner_name)
        factories.consent(partner, channel="phone", purpose="questionnaires", days=DAYS_AGO + 100)
        events.deliver_pending()
    facilitator, worker = staff(provider, Role.FACILITATOR), staff(provider, Role.SURVIVOR_WORKER)
    for respondent, given in ((MAN, his or {}), (PARTNER, hers or {})):
        for point_name, value in given.items():
            at = back_then(ANSWERED_AFTER[point_name])
            with clock.frozen(at):
                point = (his_points(case) if respondent == MAN else her_points(partner))[point_name]
                user = facilitator if respondent == MAN else worker
                if value == DECLINED:
                    close_without_answers(
                        point=point,
                        state=PointState.DECLINED,
                        note="Did not want to answer.",
                        expected_version=point.version,
                        acting_user=user,
                    )
                elif isinstance(point, CasePoint):
                    record_his_answers(
                        point=point,
                        answers=Answers(answers(MAN, int(value)), "sq", at.date(), Mode.SESSION),
                        expected_version=point.version,
                        acting_user=user,
                    )
                elif isinstance(point, PartnerPoint):
                    record_her_answers(
                        point=point,
                        answers=Answers(answers(PARTNER, int(value)), "sq", at.date(), Mode.INTERVIEW, "phone"),
                        expected_version=point.version,
                        acting_user=user,
                    )
    return History(case, partner, name, partner_name, birth_date)


def agreement(provider: Organisation, **fields: Any) -> SharingAgreement:
    """An agreement in force from a year ago, recorded by the provider's administrator."""
    signed = fields.pop("signed_on", clock.today() - timedelta(days=365))
    return record_agreement(
        organisation=provider,
        reference=fields.pop("reference", "DSA-2025-01"),
        signed_on=signed,
        starts_on=fields.pop("starts_on", signed),
        ends_on=fields.pop("ends_on", None),
        scope=fields.pop("scope", "Pooled outcome monitoring and benchmarks of the network's programmes."),
        acting_user=fields.pop("acting_user", None) or staff(provider, Role.ORG_ADMIN),
    )
