"""A programme's answer to a survey round: draft, submitted, returned or accepted, published."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

import pytest
from django.test import Client
from django.utils.html import escape

from tandem.core import clock
from tandem.core.models import AuditEntry
from tandem.mapping.actions import answers as actions
from tandem.mapping.actions.answers import AnswerRefused, StaleAnswer
from tandem.mapping.actions.questionnaires import load_shipped_questionnaires
from tandem.mapping.models import AnswerStatus, Questionnaire, SurveyAnswer, SurveyRound
from tandem.mapping.queries.answers import answers_visible_to
from tests import factories
from tests.conftest import World, sign_in

pytestmark = pytest.mark.django_db

# A day long after every test round has closed.
LATER = datetime(2100, 1, 1, 12, tzinfo=UTC)
MOVES: dict[str, Any] = {
    "submit": actions.submit_answer,
    "accept": actions.accept_answer,
    "publish": actions.publish_answer,
}


@pytest.fixture
def setting(world: World):
    """The world's provider has a programme in Albania, in a round run by the world's network;
    the auditor reviews Albania."""
    survey_round = factories.survey_round(owner=world.network, countries=["AL", "XK"])
    factories.reviewer(survey_round, "AL", world.auditor)
    programme = factories.programme("Our programme", provider=world.org)
    return survey_round, programme


def draft(world: World, setting) -> SurveyAnswer:
    survey_round, programme = setting
    return actions.start_answer(acting_user=world.coordinator, survey_round=survey_round, programme=programme)


def complete(world: World, answer: SurveyAnswer) -> SurveyAnswer:
    values = {**factories.COMPLETE_VALUES, "programme": answer.programme.code, "regions_served": ["AL-11"]}
    return actions.save_answer(
        acting_user=world.coordinator, answer=answer, values=values, expected_version=answer.version
    )


def test_a_coordinator_starts_a_draft_for_her_programme(world: World, setting) -> None:
    answer = draft(world, setting)
    assert answer.status == AnswerStatus.DRAFT
    assert answer.values == {"programme": answer.programme.code}
    assert AuditEntry.objects.filter(action="mapping.answer.started", object_id=str(answer.pk)).exists()


def test_a_facilitator_cannot_start_an_answer(world: World, setting) -> None:
    survey_round, programme = setting
    with pytest.raises(AnswerRefused):
        actions.start_answer(acting_user=world.facilitator, survey_round=survey_round, programme=programme)


def test_a_draft_may_be_incomplete(world: World, setting) -> None:
    answer = draft(world, setting)
    saved = actions.save_answer(
        acting_user=world.coordinator,
        answer=answer,
        values={"programme": answer.programme.code, "places_per_year": 30},
        expected_version=answer.version,
    )
    assert saved.values["places_per_year"] == 30
    assert SurveyAnswer.objects.get(pk=answer.pk).version == 2


def test_a_wrong_value_is_refused_and_nothing_is_saved(world: World, setting) -> None:
    answer = draft(world, setting)
    with pytest.raises(AnswerRefused) as refused:
        actions.save_answer(
            acting_user=world.coordinator,
            answer=answer,
            values={"programme": answer.programme.code, "places_per_year": 30, "cost": "gold"},
            expected_version=answer.version,
        )
    assert [problem.question for problem in refused.value.problems] == ["cost"]
    assert SurveyAnswer.objects.get(pk=answer.pk).values == {"programme": answer.programme.code}


def test_more_men_completing_than_starting_is_refused(world: World, setting) -> None:
    answer = draft(world, setting)
    with pytest.raises(AnswerRefused) as refused:
        actions.save_answer(
            acting_user=world.coordinator,
            answer=answer,
            values={"men_started_12m": 5, "men_completed_12m": 9},
            expected_version=answer.version,
        )
    assert [problem.question for problem in refused.value.problems] == ["men_completed_12m"]


def test_an_edit_from_an_outdated_page_is_detected_not_overwritten(world: World, setting) -> None:
    answer = draft(world, setting)
    opened_at = answer.version
    actions.save_answer(
        acting_user=world.coordinator, answer=answer, values={"places_per_year": 30}, expected_version=opened_at
    )
    stale = SurveyAnswer.objects.get(pk=answer.pk)
    with pytest.raises(StaleAnswer):
        actions.save_answer(
            acting_user=world.org_admin, answer=stale, values={"places_per_year": 99}, expected_version=opened_at
        )
    assert SurveyAnswer.objects.get(pk=answer.pk).values["places_per_year"] == 30


def test_an_incomplete_answer_cannot_be_submitted(world: World, setting) -> None:
    answer = draft(world, setting)
    with pytest.raises(AnswerRefused) as refused:
        actions.submit_answer(acting_user=world.coordinator, answer=answer, expected_version=answer.version)
    assert "regions_served" in {problem.question for problem in refused.value.problems}
    assert SurveyAnswer.objects.get(pk=answer.pk).status == AnswerStatus.DRAFT


def test_nothing_is_submitted_outside_the_rounds_dates(world: World, setting) -> None:
    answer = complete(world, draft(world, setting))
    with clock.frozen(LATER), pytest.raises(AnswerRefused):
        actions.submit_answer(acting_user=world.coordinator, answer=answer, expected_version=answer.version)


def test_the_whole_way_to_publication_is_in_the_audit_log(world: World, setting) -> None:
    answer = complete(world, draft(world, setting))
    for user, event in [(world.coordinator, "submit"), (world.auditor, "accept"), (world.auditor, "publish")]:
        answer = MOVES[event](acting_user=user, answer=answer, expected_version=answer.version)
    assert answer.status == AnswerStatus.PUBLISHED
    assert answer.published_at is not None
    of_the_answer = AuditEntry.objects.filter(object_type="mapping.surveyanswer", object_id=str(answer.pk))
    logged = list(of_the_answer.order_by("seq").values_list("action", flat=True))
    assert logged == [
        "mapping.answer.started",
        "mapping.answer.saved",
        "mapping.answer.submitted",
        "mapping.answer.accepted",
        "mapping.answer.published",
    ]


def test_a_returned_answer_carries_the_comments_and_can_be_corrected_and_resubmitted(world: World, setting) -> None:
    answer = complete(world, draft(world, setting))
    answer = actions.submit_answer(acting_user=world.coordinator, answer=answer, expected_version=answer.version)
    answer = actions.return_answer(
        acting_user=world.auditor,
        answer=answer,
        comment="Places look too high.",
        expected_version=answer.version,
    )
    assert (answer.status, answer.review_comment) == (AnswerStatus.RETURNED, "Places look too high.")
    values = {**answer.values, "places_per_year": 40}
    answer = actions.save_answer(
        acting_user=world.coordinator, answer=answer, values=values, expected_version=answer.version
    )
    answer = actions.submit_answer(acting_user=world.coordinator, answer=answer, expected_version=answer.version)
    assert answer.status == AnswerStatus.SUBMITTED


def test_returning_an_answer_needs_comments(world: World, setting) -> None:
    answer = complete(world, draft(world, setting))
    answer = actions.submit_answer(acting_user=world.coordinator, answer=answer, expected_version=answer.version)
    with pytest.raises(AnswerRefused):
        actions.return_answer(acting_user=world.auditor, answer=answer, comment="  ", expected_version=answer.version)


def test_an_author_cannot_accept_her_own_answer(world: World, setting) -> None:
    answer = complete(world, draft(world, setting))
    answer = actions.submit_answer(acting_user=world.coordinator, answer=answer, expected_version=answer.version)
    with pytest.raises(AnswerRefused):
        actions.accept_answer(acting_user=world.coordinator, answer=answer, expected_version=answer.version)


def test_a_submitted_answer_can_no_longer_be_edited_by_its_author(world: World, setting) -> None:
    answer = complete(world, draft(world, setting))
    answer = actions.submit_answer(acting_user=world.coordinator, answer=answer, expected_version=answer.version)
    with pytest.raises(AnswerRefused):
        actions.save_answer(acting_user=world.coordinator, answer=answer, values={}, expected_version=answer.version)


def test_a_reviewer_of_another_country_does_not_see_unpublished_answers(world: World, setting) -> None:
    survey_round, _programme = setting
    factories.reviewer(survey_round, "XK", world.gov_viewer)
    answer = complete(world, draft(world, setting))
    assert not answers_visible_to(world.gov_viewer).filter(pk=answer.pk).exists()
    assert answers_visible_to(world.auditor).filter(pk=answer.pk).exists()


def test_a_published_answer_is_visible_to_every_reviewer_of_the_round(world: World, setting) -> None:
    survey_round, _programme = setting
    factories.reviewer(survey_round, "XK", world.gov_viewer)
    answer = complete(world, draft(world, setting))
    SurveyAnswer.objects.filter(pk=answer.pk).update(status=AnswerStatus.PUBLISHED)
    assert answers_visible_to(world.gov_viewer).filter(pk=answer.pk).exists()


def test_the_answer_form_saves_a_draft_on_the_web(client: Client, world: World, setting) -> None:
    answer = draft(world, setting)
    sign_in(client, world.coordinator)
    page = client.get(f"/programmes/answers/{answer.pk}/edit/")
    assert page.status_code == 200
    assert "How many men started the programme in the last 12 months?" in page.content.decode()
    response = client.post(
        f"/programmes/answers/{answer.pk}/edit/",
        {"version": answer.version, "places_per_year": "25", "regions_served": ["AL-11", "AL-02"], "cost": "free"},
    )
    assert response.status_code == 302
    saved = SurveyAnswer.objects.get(pk=answer.pk)
    assert saved.values == {
        "programme": answer.programme.code,
        "places_per_year": 25,
        "regions_served": ["AL-11", "AL-02"],
        "cost": "free",
    }


def test_the_answer_form_names_the_field_to_fix(client: Client, world: World, setting) -> None:
    answer = draft(world, setting)
    sign_in(client, world.coordinator)
    response = client.post(
        f"/programmes/answers/{answer.pk}/edit/", {"version": answer.version, "men_started_12m": "many"}
    )
    assert response.status_code == 422
    assert "Enter a whole number." in response.content.decode()
    assert SurveyAnswer.objects.get(pk=answer.pk).version == answer.version


def test_the_answer_form_refuses_more_women_and_men_facilitators_than_trained_ones(
    client: Client, world: World, setting
) -> None:
    answer = draft(world, setting)
    sign_in(client, world.coordinator)
    facilitators = {"facilitators_trained": "12", "facilitators_women": "12", "facilitators_men": "12"}
    response = client.post(f"/programmes/answers/{answer.pk}/edit/", {"version": answer.version, **facilitators})
    assert response.status_code == 422
    message = "More women and men facilitators together than trained facilitators."
    assert response.context["form"].errors["facilitators_women"] == [message]
    assert SurveyAnswer.objects.get(pk=answer.pk).version == answer.version


def test_the_answer_form_detects_a_concurrent_change(client: Client, world: World, setting) -> None:
    answer = draft(world, setting)
    sign_in(client, world.coordinator)
    response = client.post(f"/programmes/answers/{answer.pk}/edit/", {"version": answer.version - 1 + 5})
    assert response.status_code == 409
    assert "Someone else changed this answer" in response.content.decode()


def test_the_reviewer_returns_an_answer_on_the_web(client: Client, world: World, setting) -> None:
    answer = complete(world, draft(world, setting))
    answer = actions.submit_answer(acting_user=world.coordinator, answer=answer, expected_version=answer.version)
    sign_in(client, world.auditor)
    response = client.post(
        f"/programmes/answers/{answer.pk}/return/", {"version": answer.version, "comment": "Check the numbers."}
    )
    assert response.status_code == 302
    assert SurveyAnswer.objects.get(pk=answer.pk).status == AnswerStatus.RETURNED


def test_a_move_refused_on_the_web_is_on_the_record(client: Client, world: World, setting) -> None:
    answer = complete(world, draft(world, setting))
    answer = actions.submit_answer(acting_user=world.coordinator, answer=answer, expected_version=answer.version)
    sign_in(client, world.coordinator)
    response = client.post(f"/programmes/answers/{answer.pk}/accept/", {"version": answer.version})
    assert response.status_code == 422
    entry = AuditEntry.objects.get(action="mapping.answer.refused", object_id=str(answer.pk))
    assert entry.actor == world.coordinator
    assert '"event":"accept"' in entry.detail


def test_a_move_refused_to_someone_with_no_step_to_take_shows_why(client: Client, world: World, setting) -> None:
    answer = complete(world, draft(world, setting))
    answer = actions.submit_answer(acting_user=world.coordinator, answer=answer, expected_version=answer.version)
    sign_in(client, world.coordinator)
    response = client.post(f"/programmes/answers/{answer.pk}/accept/", {"version": answer.version})
    assert response.context["events"] == []
    reason = json.loads(AuditEntry.objects.get(action="mapping.answer.refused").detail)["reason"]
    assert reason
    assert escape(reason) in response.content.decode()


def test_a_move_by_someone_without_a_part_in_the_answer_is_a_denied_attempt(world: World, setting) -> None:
    answer = complete(world, draft(world, setting))
    with pytest.raises(AnswerRefused):
        actions.submit_answer(acting_user=world.facilitator, answer=answer, expected_version=answer.version)
    entry = AuditEntry.objects.get(action="access.denied", actor=world.facilitator)
    assert '"model":"mapping.surveyanswer"' in entry.detail
    assert '"event":"submit"' in entry.detail


def test_starting_an_answer_for_another_providers_programme_is_refused_and_recorded(
    client: Client, world: World, setting
) -> None:
    survey_round, programme = setting
    factories.programme("Theirs", provider=world.other_org)  # so the outsider takes part in the round
    sign_in(client, world.outsider)
    response = client.post(f"/programmes/rounds/{survey_round.pk}/programmes/{programme.pk}/answer/")
    assert response.status_code == 404
    assert not SurveyAnswer.objects.filter(programme=programme).exists()
    entry = AuditEntry.objects.get(action="access.denied", actor=world.outsider)
    assert '"model":"mapping.programme"' in entry.detail


def test_the_questionnaire_is_shipped_and_loaded(db: None) -> None:
    questionnaire = Questionnaire.objects.get(key="mapping", version=1)
    sections = [section["name"] for section in questionnaire.definition["sections"]]
    assert sections[:3] == ["programme", "availability", "accessibility"]
    assert {"survivor_safety", "evaluation", "staffing", "functioning", "funding"} <= set(sections)


def test_a_shipped_questionnaire_may_not_change_its_questions_under_the_same_version(db: None) -> None:
    stored = Questionnaire.objects.get(key="mapping", version=1)
    changed = dict(stored.definition)
    changed["sections"] = changed["sections"][:-1]
    Questionnaire.objects.filter(pk=stored.pk).update(definition=changed)
    with pytest.raises(ValueError, match="new version"):
        load_shipped_questionnaires()


def test_improved_wording_of_a_shipped_questionnaire_is_taken_over(db: None) -> None:
    stored = Questionnaire.objects.get(key="mapping", version=1)
    reworded = dict(stored.definition)
    reworded["title"] = {"en": "Old title"}
    Questionnaire.objects.filter(pk=stored.pk).update(definition=reworded)
    load_shipped_questionnaires()
    assert Questionnaire.objects.get(pk=stored.pk).definition["title"]["en"] != "Old title"


def test_a_programme_serves_regions_of_its_own_country_only(world: World, setting) -> None:
    answer = draft(world, setting)
    with pytest.raises(AnswerRefused) as refused:
        actions.save_answer(
            acting_user=world.coordinator,
            answer=answer,
            values={"regions_served": ["AL-11", "XK-D01"]},
            expected_version=answer.version,
        )
    assert [problem.question for problem in refused.value.problems] == ["regions_served"]


def test_the_answer_form_offers_the_regions_of_the_programmes_country(client: Client, world: World, setting) -> None:
    answer = draft(world, setting)
    sign_in(client, world.coordinator)
    page = client.get(f"/programmes/answers/{answer.pk}/edit/").content.decode()
    assert 'value="AL-11"' in page
    assert 'value="XK-D01"' not in page


def test_a_returned_answer_can_be_corrected_after_the_round_closed(world: World, setting) -> None:
    answer = complete(world, draft(world, setting))
    answer = actions.submit_answer(acting_user=world.coordinator, answer=answer, expected_version=answer.version)
    answer = actions.return_answer(
        acting_user=world.auditor, answer=answer, comment="Check the places.", expected_version=answer.version
    )
    values = {**answer.values, "places_per_year": 45}
    with clock.frozen(LATER):
        answer = actions.save_answer(
            acting_user=world.coordinator, answer=answer, values=values, expected_version=answer.version
        )
        answer = actions.submit_answer(acting_user=world.coordinator, answer=answer, expected_version=answer.version)
    assert answer.status == AnswerStatus.SUBMITTED


def test_a_refused_submission_names_each_question_and_links_to_its_field(client: Client, world: World, setting) -> None:
    answer = draft(world, setting)
    sign_in(client, world.coordinator)
    response = client.post(f"/programmes/answers/{answer.pk}/submit/", {"version": answer.version})
    page = response.content.decode()
    assert response.status_code == 422
    assert f'href="/programmes/answers/{answer.pk}/edit/#id_regions_served"' in page
    assert "Which regions does the programme serve?" in page
    assert "regions_served:" not in page


def test_the_review_page_has_one_comment_box_below_the_answer(client: Client, world: World, setting) -> None:
    completed = complete(world, draft(world, setting))
    answer = actions.submit_answer(acting_user=world.coordinator, answer=completed, expected_version=completed.version)
    sign_in(client, world.auditor)
    page = client.get(f"/programmes/answers/{answer.pk}/").content.decode()
    assert page.count('name="comment"') == 1
    assert page.index('class="answers"') < page.index('name="comment"')
    assert 'formaction="/programmes/answers/' in page


def test_the_answer_form_saves_and_submits_in_one_step(client: Client, world: World, setting) -> None:
    answer = draft(world, setting)
    sign_in(client, world.coordinator)
    form_values = {
        **factories.COMPLETE_VALUES,
        "regions_served": ["AL-11"],
        "version": answer.version,
        "then": "submit",
    }
    response = client.post(f"/programmes/answers/{answer.pk}/edit/", form_values)
    assert response.status_code == 302
    assert SurveyAnswer.objects.get(pk=answer.pk).status == AnswerStatus.SUBMITTED


def test_an_incomplete_answer_is_saved_but_not_submitted_from_the_form(client: Client, world: World, setting) -> None:
    answer = draft(world, setting)
    sign_in(client, world.coordinator)
    response = client.post(
        f"/programmes/answers/{answer.pk}/edit/", {"places_per_year": 30, "version": answer.version, "then": "submit"}
    )
    stored = SurveyAnswer.objects.get(pk=answer.pk)
    assert response.status_code == 422
    assert (stored.status, stored.values["places_per_year"]) == (AnswerStatus.DRAFT, 30)
    assert "Your answer is saved, but it cannot be submitted yet" in response.content.decode()


def test_withdrawing_an_answer_of_a_closed_round_is_warned_of_first(client: Client, world: World, setting) -> None:
    answer = complete(world, draft(world, setting))
    answer = actions.submit_answer(acting_user=world.coordinator, answer=answer, expected_version=answer.version)
    answer = actions.accept_answer(acting_user=world.auditor, answer=answer, expected_version=answer.version)
    answer = actions.publish_answer(acting_user=world.auditor, answer=answer, expected_version=answer.version)
    sign_in(client, world.auditor)
    warning = "Withdrawing the publication takes this answer out of the round's report"
    assert warning not in client.get(f"/programmes/answers/{answer.pk}/").content.decode()
    SurveyRound.objects.filter(pk=answer.round_id).update(opens_on=date(2025, 1, 1), closes_on=date(2025, 6, 30))
    page = client.get(f"/programmes/answers/{answer.pk}/").content.decode()
    assert "Since 30 June 2025 this round is closed." in page
    assert warning in page


def test_someone_who_may_read_but_not_decide_an_answer_is_told_who_decides(
    client: Client, world: World, setting
) -> None:
    answer = complete(world, draft(world, setting))
    answer = actions.submit_answer(acting_user=world.coordinator, answer=answer, expected_version=answer.version)
    answer = actions.accept_answer(acting_user=world.auditor, answer=answer, expected_version=answer.version)
    answer = actions.publish_answer(acting_user=world.auditor, answer=answer, expected_version=answer.version)
    survey_round, _programme = setting
    factories.reviewer(survey_round, "XK", world.gov_viewer)  # reviews Kosovo, reads published answers
    sign_in(client, world.gov_viewer)
    response = client.post(f"/programmes/answers/{answer.pk}/withdraw/", {"version": answer.version})
    assert response.status_code == 422
    assert "Only the reviewers of the answer&#x27;s country and the round&#x27;s organisers decide on it." in (
        response.content.decode()
    )
    assert SurveyAnswer.objects.get(pk=answer.pk).status == AnswerStatus.PUBLISHED
