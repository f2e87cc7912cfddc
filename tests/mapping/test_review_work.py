"""A submitted answer is work for its reviewers: opened by the worker from the submission's
event, due in ten working days of the programme's country, closed when a reviewer decides."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from tandem.core import clock, events
from tandem.core.models import WorkItem
from tandem.core.queries import open_work_of
from tandem.mapping.actions import answers as actions
from tandem.mapping.models import SurveyAnswer
from tests import factories
from tests.conftest import World, sign_in

pytestmark = pytest.mark.django_db

BELGRADE = ZoneInfo("Europe/Belgrade")
# Monday 7 December 2026; 8 December is a public holiday in Albania.
SUBMITTED = datetime(2026, 12, 7, 11, tzinfo=BELGRADE)


@pytest.fixture
def answer(world: World) -> SurveyAnswer:
    """A complete draft of the world's provider's programme in Albania; the auditor reviews Albania."""
    survey_round = factories.survey_round(owner=world.network, countries=["AL", "XK"])
    factories.reviewer(survey_round, "AL", world.auditor)
    programme = factories.programme("Our programme", provider=world.org)
    draft = actions.start_answer(acting_user=world.coordinator, survey_round=survey_round, programme=programme)
    values = {**factories.COMPLETE_VALUES, "programme": programme.code, "regions_served": ["AL-11"]}
    return actions.save_answer(
        acting_user=world.coordinator, answer=draft, values=values, expected_version=draft.version
    )


def submit(world: World, answer: SurveyAnswer) -> SurveyAnswer:
    with clock.frozen(SUBMITTED):
        return actions.submit_answer(acting_user=world.coordinator, answer=answer, expected_version=answer.version)


def review_work() -> list[WorkItem]:
    return list(WorkItem.objects.filter(rule="mapping.review_answer").order_by("pk"))


def test_a_submitted_answer_becomes_work_for_the_reviewer_of_its_country(world: World, answer: SurveyAnswer) -> None:
    submit(world, answer)
    assert review_work() == []  # until the worker delivers the event
    events.deliver_pending()
    [item] = review_work()
    assert item.owner == world.auditor
    assert item.organisation == world.network
    # Ten working days of Albania: 8 December is National Youth Day.
    assert item.due_at == datetime(2026, 12, 22, 11, tzinfo=BELGRADE)
    assert list(open_work_of(world.auditor)) == [item]


def test_delivering_the_submission_twice_opens_the_work_once(world: World, answer: SurveyAnswer) -> None:
    submit(world, answer)
    events.deliver_pending()
    from tandem.core.models import Event
    from tandem.mapping.handlers import ask_reviewers_to_review

    ask_reviewers_to_review(Event.objects.get(kind="mapping.answer_submitted"))
    assert len(review_work()) == 1


def test_without_a_reviewer_for_the_country_the_organisers_review(world: World) -> None:
    survey_round = factories.survey_round(owner=world.network, countries=["XK"])
    programme = factories.programme("Elsewhere", provider=world.other_org, country="XK", region="XK-D01")
    draft = actions.start_answer(acting_user=world.outsider, survey_round=survey_round, programme=programme)
    values = {**factories.COMPLETE_VALUES, "programme": programme.code, "regions_served": ["XK-D01"]}
    draft = actions.save_answer(acting_user=world.outsider, answer=draft, values=values, expected_version=1)
    answer = actions.submit_answer(acting_user=world.outsider, answer=draft, expected_version=2)
    events.deliver_pending()
    [item] = review_work()
    assert (item.owner, item.team_role) == (None, "analyst")
    assert item.subject_id == str(answer.pk)
    assert list(open_work_of(world.analyst)) == [item]


@pytest.mark.parametrize("decision", ["accept", "return"])
def test_the_work_is_done_when_a_reviewer_decides(world: World, answer: SurveyAnswer, decision: str) -> None:
    answer = submit(world, answer)
    events.deliver_pending()
    if decision == "accept":
        actions.accept_answer(acting_user=world.auditor, answer=answer, expected_version=answer.version)
    else:
        actions.return_answer(
            acting_user=world.auditor, answer=answer, comment="Check the numbers.", expected_version=answer.version
        )
    [item] = review_work()
    assert item.state == WorkItem.State.DONE
    assert item.fulfilled_by == f"mapping.answer.{'accepted' if decision == 'accept' else 'returned'}"
    assert list(open_work_of(world.auditor)) == []


def test_a_submission_overtaken_before_the_worker_came_opens_work_only_for_the_latest(
    world: World, answer: SurveyAnswer
) -> None:
    answer = submit(world, answer)
    answer = actions.return_answer(
        acting_user=world.auditor, answer=answer, comment="Fix.", expected_version=answer.version
    )
    answer = submit(world, answer)
    events.deliver_pending()
    [item] = review_work()
    assert item.key.endswith(f":v{answer.version}:u{world.auditor.pk}")


def test_imported_answers_wait_for_review_too(world: World) -> None:
    survey_round = factories.survey_round(owner=world.network, countries=["AL"])
    factories.reviewer(survey_round, "AL", world.auditor)
    programme = factories.programme("Imported", provider=world.org)
    values = {**factories.COMPLETE_VALUES, "programme": programme.code, "regions_served": "AL-11"}
    header = ",".join(values)
    row = ",".join(" ".join(v) if isinstance(v, list) else str(v) for v in values.values())
    from tandem.mapping.actions.imports import import_answers

    import_answers(survey_round=survey_round, filename="a.csv", content=f"{header}\n{row}\n".encode(), acting_user=None)
    events.deliver_pending()
    [item] = review_work()
    assert item.owner == world.auditor


def test_an_overdue_review_goes_to_the_rounds_analysts_then_its_administrators(
    world: World, answer: SurveyAnswer
) -> None:
    submit(world, answer)
    events.deliver_pending()
    [item] = review_work()
    from tandem.core import work

    with clock.frozen(item.due_at + timedelta(minutes=1)):
        work.escalate_overdue()
    assert [i.pk for i in open_work_of(world.analyst)] == [item.pk]


def test_the_reviewer_sees_what_waits_for_her_review_with_the_date_due(
    client: Client, world: World, answer: SurveyAnswer
) -> None:
    submit(world, answer)
    events.deliver_pending()
    sign_in(client, world.auditor)
    page = client.get("/programmes/rounds/").content.decode()
    assert "Waiting for your review" in page
    assert f'href="/programmes/answers/{answer.pk}/"' in page
    assert "22 Dec 2026" in page
    work_page = client.get("/work/").content.decode()
    assert "Review the answer of Our programme" in work_page


def test_a_reviewer_added_in_the_platform_admin_gets_the_answers_already_waiting(
    client: Client, world: World, answer: SurveyAnswer
) -> None:
    from tandem.core.models import AuditEntry
    from tests.core.test_admin import platform_admin

    submit(world, answer)
    events.deliver_pending()
    survey_round = answer.round
    reviewer = survey_round.reviewers.get()
    sign_in(client, platform_admin())
    data = {
        "name": survey_round.name,
        "owner": str(survey_round.owner_id),
        "questionnaire": str(survey_round.questionnaire_id),
        "countries": [str(pk) for pk in survey_round.countries.values_list("pk", flat=True)],
        "opens_on": survey_round.opens_on.isoformat(),
        "closes_on": survey_round.closes_on.isoformat(),
        "reviewers-TOTAL_FORMS": "2",
        "reviewers-INITIAL_FORMS": "1",
        "reviewers-MIN_NUM_FORMS": "0",
        "reviewers-MAX_NUM_FORMS": "1000",
        "reviewers-0-id": str(reviewer.pk),
        "reviewers-0-round": str(survey_round.pk),
        "reviewers-0-country": str(reviewer.country_id),
        "reviewers-0-user": str(reviewer.user_id),
        "reviewers-1-round": str(survey_round.pk),
        "reviewers-1-country": str(reviewer.country_id),
        "reviewers-1-user": str(world.gov_viewer.pk),
    }
    response = client.post(f"/platform-admin/mapping/surveyround/{survey_round.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert AuditEntry.objects.filter(action="mapping.reviewer.assigned", detail__contains="gov_viewer").exists()
    assert [item.subject_id for item in open_work_of(world.gov_viewer)] == [str(answer.pk)]
