"""The demo's mapping survey: two rounds over the six countries that read like a real study."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, time
from io import StringIO

import pytest
from django.core.management import call_command

from tandem.core import clock
from tandem.core.models import AuditEntry, User
from tandem.demo import registry, survey
from tandem.mapping.actions import answers as actions
from tandem.mapping.models import AnswerStatus, Programme, RoundReviewer, SurveyAnswer, SurveyRound
from tandem.mapping.queries.registry import answerable_programmes, round_choice_sets
from tandem.mapping.queries.rounds import access_managed_round
from tandem.mapping.rules.questionnaire import definition_of, validate
from tandem.mapping.rules.workflow import round_is_open

pytestmark = pytest.mark.django_db

SIX = {"AL", "BA", "XK", "ME", "MK", "RS"}
DEMO_DAY = date(2026, 11, 25)
DEMO_NOON = datetime(2026, 11, 25, 10, tzinfo=UTC)


def _round(name: str) -> SurveyRound:
    return SurveyRound.objects.get(name=name)


def _snapshot() -> list[tuple[object, ...]]:
    return list(
        SurveyAnswer.objects.order_by("round__name", "programme__code").values_list(
            "round__name", "programme__code", "status", "values", "version", "submitted_at", "published_at"
        )
    )


def test_building_again_changes_nothing(demo: survey.SurveySummary) -> None:
    before = (_snapshot(), RoundReviewer.objects.count(), SurveyRound.objects.count(), AuditEntry.objects.count())
    again = survey.build()
    assert [created for _name, created in again.rounds] == [0, 0]
    assert (_snapshot(), RoundReviewer.objects.count(), SurveyRound.objects.count(), AuditEntry.objects.count()) == (
        before
    )


def test_building_again_keeps_an_answer_a_visitor_changed(demo: survey.SurveySummary) -> None:
    answer = SurveyAnswer.objects.get(round__name="Western Balkans 2026", programme__code="AL-002")
    answer.values = {**answer.values, "places_per_year": 33}
    answer.version += 1
    answer.save()
    survey.build()
    answer.refresh_from_db()
    assert answer.values["places_per_year"] == 33


def test_every_generated_answer_is_valid_for_its_round(demo: survey.SurveySummary) -> None:
    for survey_round in SurveyRound.objects.all():
        definition = definition_of(survey_round.questionnaire.definition)
        choices = round_choice_sets(survey_round)
        for answer in survey_round.answers.select_related("programme"):
            assert validate(definition, answer.values, choices) == [], answer.programme.code
            assert answer.values["programme"] == answer.programme.code


def test_both_rounds_cover_the_six_countries_with_published_answers_in_each(demo: survey.SurveySummary) -> None:
    for plan in survey.ROUNDS:
        survey_round = _round(plan.name)
        assert set(survey_round.countries.values_list("code", flat=True)) == SIX
        published = survey_round.answers.filter(status=AnswerStatus.PUBLISHED)
        assert set(published.values_list("programme__country__code", flat=True)) == SIX


def test_the_2025_round_is_closed_with_every_answer_published_and_some_programmes_missing(
    demo: survey.SurveySummary,
) -> None:
    survey_round = _round("Western Balkans 2025")
    assert not round_is_open(opens_on=survey_round.opens_on, closes_on=survey_round.closes_on, today=DEMO_DAY)
    answers = survey_round.answers.all()
    assert set(answers.values_list("status", flat=True)) == {AnswerStatus.PUBLISHED}
    assert 0.8 <= answers.count() / Programme.objects.count() <= 0.9


def test_the_2026_round_is_open_on_the_demo_day_with_answers_at_every_step(demo: survey.SurveySummary) -> None:
    survey_round = _round("Western Balkans 2026")
    assert round_is_open(opens_on=survey_round.opens_on, closes_on=survey_round.closes_on, today=DEMO_DAY)
    statuses = Counter(survey_round.answers.values_list("status", flat=True))
    assert set(statuses) == set(AnswerStatus)
    assert statuses[AnswerStatus.PUBLISHED] > sum(statuses.values()) / 2
    assert statuses[AnswerStatus.RETURNED] == 1
    assert survey_round.answers.get(status=AnswerStatus.RETURNED).review_comment
    assert survey_round.answers.count() < Programme.objects.count()


def test_al_coordinator_can_fill_in_and_submit_an_answer_in_the_open_round(demo: survey.SurveySummary) -> None:
    coordinator = User.objects.get(username="al.coordinator")
    survey_round = _round("Western Balkans 2026")
    answered = survey_round.answers.exclude(status=AnswerStatus.DRAFT).values_list("programme", flat=True)
    open_to_them = answerable_programmes(coordinator, survey_round).exclude(pk__in=answered)
    programme = open_to_them.get(name=survey.OPEN_FOR_AL_COORDINATOR)
    assert not survey_round.answers.filter(programme=programme).exists()

    answer = actions.start_answer(acting_user=coordinator, survey_round=survey_round, programme=programme)
    values = survey.answer_values(survey.Profile.of(programme, survey.ROUNDS[-1]), survey.ROUNDS[-1])
    with clock.frozen(DEMO_NOON):
        actions.save_answer(acting_user=coordinator, answer=answer, values=values, expected_version=1)
        actions.submit_answer(acting_user=coordinator, answer=answer, expected_version=2)
    assert answer.status == AnswerStatus.SUBMITTED


def test_every_country_has_programmes_on_paper_that_report_no_men_and_no_groups(demo: survey.SurveySummary) -> None:
    on_paper = Programme.objects.filter(status="on_paper")
    assert set(on_paper.values_list("country__code", flat=True)) == SIX
    answers = SurveyAnswer.objects.filter(values__status="on_paper")
    assert answers.exists()
    for answer in answers:
        assert answer.values["men_started_12m"] == answer.values["groups_12m"] == 0


def test_answers_in_the_open_round_give_the_registry_status(demo: survey.SurveySummary) -> None:
    for answer in _round("Western Balkans 2026").answers.select_related("programme"):
        assert answer.values["status"] == answer.programme.status, answer.programme.code


def test_each_country_has_a_reviewer_in_both_rounds_and_the_network_analyst_runs_them(
    demo: survey.SurveySummary,
) -> None:
    analyst = User.objects.get(username="network.analyst")
    for plan in survey.ROUNDS:
        survey_round = _round(plan.name)
        reviewers = {
            (r.country.code, r.user.username) for r in survey_round.reviewers.select_related("country", "user")
        }
        assert reviewers == {(code, f"{code.lower()}.government") for code in SIX}
        assert access_managed_round(analyst, survey_round.pk) == survey_round


def test_timestamps_and_versions_follow_the_review_within_the_round(demo: survey.SurveySummary) -> None:
    minimum_version = {"draft": 2, "submitted": 3, "returned": 4, "accepted": 4, "published": 5}
    for survey_round in SurveyRound.objects.all():
        opens = datetime.combine(survey_round.opens_on, time.min, tzinfo=survey.ZONE)
        closes = datetime.combine(min(survey_round.closes_on, DEMO_DAY), time.min, tzinfo=survey.ZONE)
        for answer in survey_round.answers.all():
            steps = [answer.submitted_at, answer.reviewed_at, answer.published_at]
            reached = [moment for moment in steps if moment is not None]
            assert reached == sorted(reached)
            assert all(opens <= moment < closes for moment in [*reached, answer.updated_at])
            assert (answer.submitted_at is None) == (answer.status == AnswerStatus.DRAFT)
            assert (answer.published_at is None) == (answer.status != AnswerStatus.PUBLISHED)
            assert answer.version >= minimum_version[answer.status]


def test_joint_planning_with_survivor_services_is_rare_and_improves(demo: survey.SurveySummary) -> None:
    def share(name: str) -> float:
        answers = [
            a.values for a in _round(name).answers.filter(status=AnswerStatus.PUBLISHED) if "joint_planning" in a.values
        ]
        return sum(v["joint_planning"] == "joint_decisions" for v in answers) / len(answers)

    assert 0.15 <= share("Western Balkans 2025") <= 0.25
    assert share("Western Balkans 2025") < share("Western Balkans 2026") <= 0.35


def test_every_answer_went_its_way_through_the_actions_and_is_on_the_record(demo: survey.SurveySummary) -> None:
    answer = _round("Western Balkans 2025").answers.select_related("programme__country").first()
    assert answer is not None
    entries = AuditEntry.objects.filter(object_type="mapping.surveyanswer", object_id=str(answer.pk))
    steps = [action for action in entries.values_list("action", flat=True) if action != "mapping.answer.saved"]
    assert steps[0] == "mapping.answer.started"
    assert steps[-3:] == ["mapping.answer.submitted", "mapping.answer.accepted", "mapping.answer.published"]
    reviewer = survey.reviewer_of(answer.programme.country.code)
    assert set(entries.filter(action="mapping.answer.published").values_list("actor_label", flat=True)) == {reviewer}


def test_the_answers_waiting_for_review_are_the_reviewers_work(demo: survey.SurveySummary) -> None:
    from tandem.core import events
    from tandem.core.models import WorkItem

    while events.deliver_pending():
        pass
    waiting = _round("Western Balkans 2026").answers.filter(status=AnswerStatus.SUBMITTED)
    items = WorkItem.objects.filter(rule="mapping.review_answer", state=WorkItem.State.OPEN)
    assert {int(item.subject_id) for item in items} == set(waiting.values_list("pk", flat=True))
    assert all(item.owner.username.endswith(".government") for item in items if item.owner)


def test_every_programme_the_rounds_name_is_in_the_registry() -> None:
    codes = {demo.code for demo in registry.PROGRAMMES}
    for plan in survey.ROUNDS:
        assert plan.unanswered <= codes
        assert set(plan.statuses) <= codes
        assert set(plan.status_then) <= codes


def test_loaddemo_says_who_reviews_which_country() -> None:
    out = StringIO()
    call_command("loaddemo", stdout=out)
    assert "al.government reviews AL" in out.getvalue()
    assert "Western Balkans 2026" in out.getvalue()
