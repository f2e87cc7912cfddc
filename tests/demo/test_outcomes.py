"""The demo's outcome monitoring shows two years of questionnaires to a new user: answers at every
time point for the men and for their partners, points declined and missed, fewer answers at each
later point, and the partners of men who dropped out among those who answered."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import pytest
from django.db import transaction
from django.test import Client

from tandem.cases.models import Case
from tandem.cases.rules.lifecycle import State
from tandem.core import clock
from tandem.demo import cases, cohort, groups, outcomes, survivors, world
from tandem.outcomes.models import CasePoint, PartnerPoint, PointState, QuestionnaireLink, TimePoint
from tandem.outcomes.pool_models import Contribution

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module", autouse=True)
def demo_outcomes(django_db_setup: None, django_db_blocker: pytest.FixtureRequest) -> Iterator[outcomes.Built]:
    """The demo as ``loaddemo`` builds it, up to its questionnaires."""
    with django_db_blocker.unblock(), transaction.atomic():  # type: ignore[attr-defined]
        world.build()
        cases.build()
        groups.build()
        survivors.build()
        cohort.build()
        yield outcomes.build()
        transaction.set_rollback(True)


def _states(model: type[CasePoint] | type[PartnerPoint]) -> Counter[tuple[str, str]]:
    return Counter(model._base_manager.values_list("point", "state"))


def test_the_cohort_reaches_back_two_years() -> None:
    oldest = Case._base_manager.order_by("opened_at").values_list("opened_at", flat=True).first()
    assert oldest is not None
    assert (clock.today() - oldest.date()).days >= 730


@pytest.mark.parametrize("model", [CasePoint, PartnerPoint])
def test_every_time_point_has_answers(model: type[CasePoint] | type[PartnerPoint]) -> None:
    states = _states(model)
    assert all(states[(point, PointState.ANSWERED)] >= 6 for point in TimePoint.values)


@pytest.mark.parametrize("model", [CasePoint, PartnerPoint])
def test_points_are_missed_and_more_of_them_later(model: type[CasePoint] | type[PartnerPoint]) -> None:
    states = _states(model)

    def missed_share(point: str) -> float:
        closed = sum(states[(point, state)] for state in (PointState.ANSWERED, PointState.DECLINED, PointState.MISSED))
        return states[(point, PointState.MISSED)] / closed

    assert 0 < missed_share(TimePoint.START) < missed_share(TimePoint.FOLLOW_UP_12)


def test_his_questionnaire_is_declined_somewhere() -> None:
    assert _states(CasePoint)[(TimePoint.START, PointState.DECLINED)] > 0


def test_partners_of_men_who_dropped_out_answered_a_follow_up() -> None:
    dropped = Case._base_manager.filter(state=State.DROPPED_OUT).values_list("pk", flat=True)
    assert PartnerPoint._base_manager.filter(
        case_number__in=list(dropped), point__startswith="follow_up", state=PointState.ANSWERED
    ).exists()


def test_a_partner_of_each_provider_is_sent_a_link_she_has_not_used(demo_outcomes: outcomes.Built) -> None:
    assert len(demo_outcomes.links) == 6
    assert QuestionnaireLink._base_manager.filter(used_at__isnull=True, revoked_at__isnull=True).count() == 6


def test_her_link_opens_her_questionnaire(demo_outcomes: outcomes.Built, client: Client) -> None:
    assert client.get(demo_outcomes.links[0]).status_code == 200


def test_every_provider_contributed_to_the_pool_under_an_agreement() -> None:
    assert Contribution.objects.values("organisation").distinct().count() == 6
    assert all(contribution.agreement_id is not None for contribution in Contribution.objects.all())


def test_building_again_changes_nothing() -> None:
    before = CasePoint._base_manager.count(), PartnerPoint._base_manager.count(), Contribution.objects.count()
    assert cohort.build() == 0
    assert outcomes.build().taken == 0
    assert (CasePoint._base_manager.count(), PartnerPoint._base_manager.count(), Contribution.objects.count()) == before
