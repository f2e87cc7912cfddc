"""The demo's case work shows every part of it to a new user: referrals from each kind of
referrer, cases in every state, assessments with a trend, work on time and overdue, and a
possible duplicate waiting for a decision."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import transaction

from tandem.cases.models import Case, Referral, ReferralRoute, ReferralState
from tandem.cases.queries import possible_duplicates
from tandem.cases.rules.lifecycle import State
from tandem.core import clock
from tandem.core.models import WorkItem
from tandem.demo import cases, world
from tandem.risk.models import RiskAssessment

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module", autouse=True)
def demo_cases(django_db_setup: None, django_db_blocker: pytest.FixtureRequest) -> Iterator[int]:
    with django_db_blocker.unblock(), transaction.atomic():  # type: ignore[attr-defined]
        world.build()
        yield cases.build()
        transaction.set_rollback(True)


def test_there_are_cases_in_every_state() -> None:
    assert set(Case.objects.values_list("state", flat=True)) == set(State.values)


def test_referrals_come_from_every_kind_of_referrer() -> None:
    routes = set(Referral.objects.values_list("route", flat=True))
    assert {ReferralRoute.COURT, ReferralRoute.PROBATION, ReferralRoute.SOCIAL_WORK, ReferralRoute.POLICE} <= routes
    assert ReferralRoute.SELF in routes


def test_referrals_wait_in_every_state_of_a_decision() -> None:
    assert set(Referral.objects.values_list("state", flat=True)) == set(ReferralState.values)


def test_some_cases_have_a_trend_of_several_assessments() -> None:
    counts = [Case.objects.get(pk=pk).risk_assessments.count() for pk in Case.objects.values_list("pk", flat=True)]
    assert max(counts) >= 3
    assert RiskAssessment.objects.filter(level="high").exists()


def test_there_is_work_on_time_and_work_overdue() -> None:
    open_work = WorkItem.objects.filter(state=WorkItem.State.OPEN, subject_type="cases.case")
    assert open_work.filter(due_at__lt=clock.now()).exists()
    assert open_work.filter(due_at__gte=clock.now()).exists()


def test_a_referral_waits_with_a_possible_duplicate_in_another_script() -> None:
    waiting = Referral.objects.filter(state=ReferralState.SUBMITTED)
    assert any(possible_duplicates(referral) for referral in waiting)


def test_building_again_changes_nothing() -> None:
    before = Case.objects.count(), Referral.objects.count()
    assert cases.build() == 0
    assert (Case.objects.count(), Referral.objects.count()) == before


def test_reports_were_sent_and_others_await_the_safety_review() -> None:
    from tandem.cases.models import CaseReport, ReportState

    states = set(CaseReport.objects.values_list("state", flat=True))
    assert {ReportState.SENT, ReportState.AWAITING_REVIEW, ReportState.DRAFT} <= states
