"""What the answer's pages tell the people working on it: the form says which questions must be
answered to submit, who reads the draft and what the reviewer asked to change, and names each
problem in words; the answer's page offers a comment box only with a decision that takes one;
the rounds list keeps the rounds apart from the answers waiting for review."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import formats, translation

from tandem.core import clock, events
from tandem.core.models import User, WorkItem
from tandem.core.tables import DEFAULT_LIMITS
from tandem.mapping.actions import answers as actions
from tandem.mapping.models import AnswerStatus, SurveyAnswer
from tandem.mapping.queries.answers import answers_visible_to
from tandem.mapping.rules.questionnaire import definition_of
from tests import factories
from tests.conftest import World, sign_in

pytestmark = pytest.mark.django_db

RETURNED = datetime(2026, 12, 7, 11, tzinfo=ZoneInfo("Europe/Belgrade"))


@pytest.fixture
def draft(world: World) -> SurveyAnswer:
    """A draft of the world's provider's programme in Albania, in a round run by the world's
    network; the auditor reviews Albania."""
    survey_round = factories.survey_round(owner=world.network, countries=["AL", "XK"])
    factories.reviewer(survey_round, "AL", world.auditor)
    programme = factories.programme("Our programme", provider=world.org)
    return actions.start_answer(acting_user=world.coordinator, survey_round=survey_round, programme=programme)


def submitted(world: World, answer: SurveyAnswer) -> SurveyAnswer:
    values = {**factories.COMPLETE_VALUES, "programme": answer.programme.code, "regions_served": ["AL-11"]}
    answer = actions.save_answer(
        acting_user=world.coordinator, answer=answer, values=values, expected_version=answer.version
    )
    return actions.submit_answer(acting_user=world.coordinator, answer=answer, expected_version=answer.version)


def returned(world: World, answer: SurveyAnswer) -> SurveyAnswer:
    User.objects.filter(pk=world.auditor.pk).update(first_name="Ana", last_name="Kola")
    answer = submitted(world, answer)
    with clock.frozen(RETURNED):
        return actions.return_answer(
            acting_user=world.auditor,
            answer=answer,
            comment="The places per year look too high.",
            expected_version=answer.version,
        )


def edit_page(client: Client, answer: SurveyAnswer, language: str = "en") -> str:
    response = client.get(f"/programmes/answers/{answer.pk}/edit/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response.content.decode()


def test_the_form_of_a_returned_answer_shows_the_reviewers_comments_who_wrote_them_and_when(
    client: Client, world: World, draft: SurveyAnswer
) -> None:
    answer = returned(world, draft)
    sign_in(client, world.coordinator)
    page = edit_page(client, answer)
    assert "What the reviewer asks you to change" in page
    assert "The places per year look too high." in page
    assert "Written by Ana Kola on 7 December 2026." in page
    assert page.index("The places per year look too high.") < page.index('<form method="post" novalidate>')


def test_the_reviewers_comments_on_the_form_are_dated_in_the_readers_language(
    client: Client, world: World, draft: SurveyAnswer
) -> None:
    answer = returned(world, draft)
    sign_in(client, world.coordinator)
    page = edit_page(client, answer, language="sq")
    with translation.override("sq"):
        day = formats.date_format(RETURNED, "DATE_FORMAT")
    assert day != "7 December 2026"
    assert day in page


def test_the_form_of_a_draft_shows_no_reviewers_comments(client: Client, world: World, draft: SurveyAnswer) -> None:
    sign_in(client, world.coordinator)
    assert "What the reviewer asks you to change" not in edit_page(client, draft)


def test_a_form_submitted_empty_names_each_question_without_the_codes_of_file_imports(
    client: Client, world: World, draft: SurveyAnswer
) -> None:
    sign_in(client, world.coordinator)
    response = client.post(f"/programmes/answers/{draft.pk}/edit/", {"version": draft.version, "then": "submit"})
    page = response.content.decode()
    assert response.status_code == 422
    assert "Which regions does the programme serve?: An answer is required." in page
    assert response.context["form"].errors["regions_served"] == ["An answer is required."]
    assert "one of:" not in page
    assert "separated by spaces" not in page


def test_the_problem_of_a_question_of_boxes_to_tick_links_to_its_boxes(
    client: Client, world: World, draft: SurveyAnswer
) -> None:
    sign_in(client, world.coordinator)
    response = client.post(f"/programmes/answers/{draft.pk}/edit/", {"version": draft.version, "then": "submit"})
    page = response.content.decode()
    link = '<a href="#id_regions_served">Which regions does the programme serve?: An answer is required.</a>'
    assert link in page
    assert 'id="id_regions_served"' in page


def test_the_form_says_which_questions_must_be_answered_to_submit(
    client: Client, world: World, draft: SurveyAnswer
) -> None:
    definition = definition_of(draft.round.questionnaire.definition)
    required = [q for q in definition.questions if q.required and q.name != "programme"]
    assert len(required) < len(definition.questions) - 1  # the others may stay blank
    sign_in(client, world.coordinator)
    page = edit_page(client, draft)
    assert "every question must be answered" not in page
    assert f"Before you submit it for review, answer these {len(required)} questions:" in page
    for question in required:
        assert f'<li><a href="#id_{question.name}">{question.text()}</a></li>' in page
    assert "Every other question may stay blank" in page


def test_the_form_says_who_can_read_the_draft(client: Client, world: World, draft: SurveyAnswer) -> None:
    sign_in(client, world.coordinator)
    page = edit_page(client, draft)
    assert (
        "While you prepare this answer, the reviewers of Albania in this round and the people at "
        "Network who run the round can already read it."
    ) in page
    # What the sentence says: the country's reviewer and the organisers read the draft, nobody else.
    readers = [
        name
        for name in ("auditor", "analyst", "gov_viewer", "outsider")
        if answers_visible_to(world.persona(name)).filter(pk=draft.pk).exists()
    ]
    assert readers == ["auditor", "analyst"]


def test_the_form_refuses_a_text_longer_than_an_imported_cell(
    client: Client, world: World, draft: SurveyAnswer
) -> None:
    limit = DEFAULT_LIMITS.max_cell_chars
    sign_in(client, world.coordinator)
    url = f"/programmes/answers/{draft.pk}/edit/"
    response = client.post(url, {"version": draft.version, "comments": "x" * (limit + 1)})
    assert response.status_code == 422
    assert response.context["form"].errors["comments"] == [
        "This answer has 10,001 characters; shorten it to 10,000 at most."
    ]
    assert SurveyAnswer.objects.get(pk=draft.pk).version == draft.version
    assert client.post(url, {"version": draft.version, "comments": "x" * limit}).status_code == 302


def test_a_published_answer_offers_its_reviewer_no_comment_box(
    client: Client, world: World, draft: SurveyAnswer
) -> None:
    answer = submitted(world, draft)
    answer = actions.accept_answer(acting_user=world.auditor, answer=answer, expected_version=answer.version)
    answer = actions.publish_answer(acting_user=world.auditor, answer=answer, expected_version=answer.version)
    assert answer.status == AnswerStatus.PUBLISHED
    sign_in(client, world.auditor)
    page = client.get(f"/programmes/answers/{answer.pk}/").content.decode()
    assert 'name="comment"' not in page
    assert "Required when you return the answer" not in page
    assert "Withdraw publication" in page


def test_a_submitted_answer_offers_its_reviewer_the_comment_box(
    client: Client, world: World, draft: SurveyAnswer
) -> None:
    answer = submitted(world, draft)
    sign_in(client, world.auditor)
    page = client.get(f"/programmes/answers/{answer.pk}/").content.decode()
    assert page.count('name="comment"') == 1
    assert "Required when you return the answer" in page


def test_the_rounds_list_has_its_own_heading_below_the_answers_waiting_for_review(
    client: Client, world: World, draft: SurveyAnswer
) -> None:
    submitted(world, draft)
    sign_in(client, world.auditor)
    page = client.get("/programmes/rounds/").content.decode()
    assert '<section aria-labelledby="rounds">' in page
    assert '<h2 id="rounds">Rounds you take part in</h2>' in page
    assert page.index('<h2 id="waiting">') < page.index('<h2 id="rounds">') < page.index(draft.round.name + "</a>")


def test_the_round_organiser_sees_when_a_review_held_by_another_reviewer_is_due_and_overdue(
    client: Client, world: World, draft: SurveyAnswer
) -> None:
    answer = submitted(world, draft)
    events.deliver_pending()  # the review becomes the auditor's work, due in ten working days
    due = WorkItem.objects.get(subject_id=str(answer.pk), state=WorkItem.State.OPEN).due_at
    sign_in(client, world.analyst)
    page = client.get("/programmes/rounds/").content.decode()
    assert formats.date_format(due, "SHORT_DATE_FORMAT") in page
    assert 'class="overdue"' not in page
    with clock.frozen(due + timedelta(days=1)):
        page = client.get("/programmes/rounds/").content.decode()
    assert '<tr class="overdue">' in page
