"""The demo's case work shows every part of it to a new user: referrals from each kind of
referrer, cases in every state, assessments with a trend, work on time and overdue, and a
possible duplicate waiting for a decision."""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from typing import cast

import pytest
from django.db import transaction

from tandem.cases.models import (
    Case,
    CaseReport,
    CaseStep,
    Denial,
    Intake,
    Participant,
    Referral,
    ReferralRoute,
    ReferralState,
    ReportKind,
)
from tandem.cases.queries import possible_duplicates
from tandem.cases.rules.lifecycle import State
from tandem.core import clock
from tandem.core.models import Membership, WorkItem
from tandem.core.roles import Role
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


def _scripts(text: str) -> set[str]:
    return {unicodedata.name(letter).split()[0] for letter in text if letter.isalpha()}


def test_every_case_past_assessment_has_an_intake_by_a_facilitator_before_the_decision() -> None:
    decisions = CaseStep.objects.filter(event__in=["assess_suitable", "assess_unsuitable"]).select_related("case")
    past = Case.objects.exclude(state__in=[State.REFERRED, State.ASSESSMENT])
    assert past.exists()
    assert set(decisions.values_list("case", flat=True)) == set(past.values_list("pk", flat=True))
    facilitators = set(Membership.objects.filter(role=Role.FACILITATOR).values_list("user", flat=True))
    for decision in decisions:
        intake = Intake.objects.get(case=decision.case)
        assert decision.case.opened_at < intake.recorded_at < decision.taken_at
        assert decision.taken_at - intake.recorded_at < timedelta(days=3)
        assert intake.recorded_by_id in facilitators
        assert (intake.denial == Denial.DENIES) == (decision.event == "assess_unsuitable")


def test_the_intakes_vary() -> None:
    answers = set(Intake.objects.values_list("motivation", "denial", "substance_use", "mental_health"))
    assert len(answers) >= 4
    assert Intake.objects.exclude(language_needs="").exists()
    assert Intake.objects.filter(language_needs="").exists()


def test_each_case_tells_its_story_in_order() -> None:
    now = clock.now()
    for case in Case.objects.all():
        referral = Referral.objects.get(participant=case.participant, state=ReferralState.ACCEPTED)
        assert referral.submitted_at < case.opened_at
        steps = list(case.steps.order_by("taken_at", "pk").values_list("taken_at", flat=True))
        assert all(case.opened_at < taken_at for taken_at in steps)
        # Everything recorded on the case happened after it opened, at a moment of its own.
        moments = [
            *steps,
            *case.risk_assessments.values_list("assessed_at", flat=True),
            *Intake.objects.filter(case=case).values_list("recorded_at", flat=True),
        ]
        assert len(set(moments)) == len(moments)
        assert all(case.opened_at < moment < now for moment in moments)


def test_a_report_follows_the_ending_that_called_for_it() -> None:
    for report in CaseReport.objects.exclude(assessment="").select_related("case"):
        ended = report.case.steps.order_by("-taken_at").values_list("taken_at", flat=True).first()
        assert ended is not None
        assert ended <= report.created_at
        if report.reviewed_at is not None:
            assert report.created_at < report.reviewed_at


def test_no_name_mixes_latin_and_cyrillic() -> None:
    names = [p.name for p in Participant.objects.all()] + [r.name for r in Referral.objects.all()]
    assert names
    mixed = [name for name in names if len(_scripts(name)) != 1]
    assert mixed == []
    assert {"LATIN", "CYRILLIC"} == set().union(*(_scripts(name) for name in names))


def test_no_two_men_of_a_provider_share_a_name() -> None:
    names = Counter((p.organisation_id, p.name) for p in Participant.objects.all())
    assert names.most_common(1)[0][1] == 1


def test_the_duplicate_is_written_otherwise_in_every_country() -> None:
    waiting = [r for r in Referral.objects.filter(state=ReferralState.SUBMITTED) if possible_duplicates(r)]
    assert len({r.organisation_id for r in waiting}) == len(world.COUNTRIES)
    for referral in waiting:
        known = Participant.objects.get(pk=cast(int, possible_duplicates(referral)[0].key))
        assert referral.name != known.name


def test_identity_numbers_and_birth_dates_differ_between_countries() -> None:
    men = list(Participant.objects.all())
    numbers = Counter(p.identity_number for p in men)
    births = Counter(p.birth_date for p in men)
    assert numbers.most_common(1)[0][1] == 1
    assert births.most_common(1)[0][1] == 1


def test_deadlines_vary_within_the_months_ahead() -> None:
    today = clock.today()
    deadlines = list(Referral.objects.exclude(deadline=None).values_list("deadline", flat=True))
    assert len(set(deadlines)) > len(deadlines) // 2
    assert all(timedelta(days=30) <= deadline - today <= timedelta(days=150) for deadline in deadlines)


def test_a_report_assesses_what_its_kind_reports() -> None:
    written = CaseReport.objects.exclude(assessment="")
    assert {ReportKind.COMPLETION, ReportKind.NON_COMPLIANCE} <= set(written.values_list("kind", flat=True))
    for report in written:
        if report.kind == ReportKind.COMPLETION:
            assert "completed" in report.assessment
        if report.kind == ReportKind.NON_COMPLIANCE:
            assert "attended" not in report.assessment
            assert "stopped attending" in report.assessment or "excluded" in report.assessment


def test_a_story_moment_is_later_the_fewer_days_ago_it_is() -> None:
    moments = [cases._at(tenths / 10) for tenths in range(60, 0, -1)]
    assert moments == sorted(set(moments))
    assert moments[-1] < clock.now()


def test_every_story_tells_its_happenings_one_after_another() -> None:
    for number, story in enumerate(cases.STORIES):
        days_ago = [happening.days_ago(story) for happening in cases.happenings(story, number)]
        assert days_ago == sorted(set(days_ago), reverse=True)
        assert all(0 < ago < story.days - cases.DECIDED for ago in days_ago)
