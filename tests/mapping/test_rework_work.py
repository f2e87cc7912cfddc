"""A returned answer is work for the provider's coordinators: opened by the worker from the
return's event, due in ten working days of the programme's country, done when the answer is
submitted again (on the web or by an import)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from tandem.core import clock, events, work
from tandem.core.models import Event, WorkItem
from tandem.core.queries import open_work_of
from tandem.mapping.actions import answers as actions
from tandem.mapping.actions.imports import import_answers
from tandem.mapping.handlers import ask_authors_to_rework
from tandem.mapping.models import SurveyAnswer
from tests import factories
from tests.conftest import World, sign_in

pytestmark = pytest.mark.django_db

BELGRADE = ZoneInfo("Europe/Belgrade")
# Monday 7 December 2026; 8 December is a public holiday in Albania.
RETURNED = datetime(2026, 12, 7, 11, tzinfo=BELGRADE)


@pytest.fixture
def answer(world: World) -> SurveyAnswer:
    """A submitted answer of the world's provider's programme in Albania; the auditor reviews Albania."""
    survey_round = factories.survey_round(owner=world.network, countries=["AL", "XK"])
    factories.reviewer(survey_round, "AL", world.auditor)
    programme = factories.programme("Our programme", provider=world.org)
    draft = actions.start_answer(acting_user=world.coordinator, survey_round=survey_round, programme=programme)
    values = {**factories.COMPLETE_VALUES, "programme": programme.code, "regions_served": ["AL-11"]}
    draft = actions.save_answer(
        acting_user=world.coordinator, answer=draft, values=values, expected_version=draft.version
    )
    return actions.submit_answer(acting_user=world.coordinator, answer=draft, expected_version=draft.version)


def returned(world: World, answer: SurveyAnswer) -> SurveyAnswer:
    with clock.frozen(RETURNED):
        return actions.return_answer(
            acting_user=world.auditor, answer=answer, comment="Check the numbers.", expected_version=answer.version
        )


def rework() -> list[WorkItem]:
    return list(WorkItem.objects.filter(rule="mapping.rework_answer").order_by("pk"))


def test_a_returned_answer_becomes_work_for_the_providers_coordinators(world: World, answer: SurveyAnswer) -> None:
    events.deliver_pending()
    answer = returned(world, answer)
    assert rework() == []  # until the worker delivers the event
    events.deliver_pending()
    [item] = rework()
    assert (item.owner, item.team_role, item.organisation) == (None, "coordinator", world.org)
    # Ten working days of Albania: 8 December is National Youth Day.
    assert item.due_at == datetime(2026, 12, 22, 11, tzinfo=BELGRADE)
    assert list(open_work_of(world.coordinator)) == [item]
    assert list(open_work_of(world.facilitator)) == []
    assert work.title_of(item) == (
        f"Correct the returned answer of Our programme in {answer.round.name} and submit it again"
    )
    assert work.link_of(item) == f"/programmes/answers/{answer.pk}/edit/"


def test_the_coordinators_work_list_leads_to_the_returned_answers_form(
    client: Client, world: World, answer: SurveyAnswer
) -> None:
    answer = returned(world, answer)
    events.deliver_pending()
    sign_in(client, world.coordinator)
    page = client.get("/work/").content.decode()
    assert "Nothing is waiting for you." not in page
    assert "Correct the returned answer of Our programme" in page
    assert f'href="/programmes/answers/{answer.pk}/edit/"' in page


def test_delivering_the_return_twice_opens_the_rework_once(world: World, answer: SurveyAnswer) -> None:
    returned(world, answer)
    events.deliver_pending()
    ask_authors_to_rework(Event.objects.get(kind="mapping.answer_returned"))
    assert len(rework()) == 1


def test_the_rework_is_done_when_the_answer_is_submitted_again(world: World, answer: SurveyAnswer) -> None:
    answer = returned(world, answer)
    events.deliver_pending()
    actions.submit_answer(acting_user=world.coordinator, answer=answer, expected_version=answer.version)
    [item] = rework()
    assert item.state == WorkItem.State.DONE
    assert item.fulfilled_by == "mapping.answer.submitted"
    assert list(open_work_of(world.coordinator)) == []


def test_a_return_overtaken_before_the_worker_came_opens_no_rework(world: World, answer: SurveyAnswer) -> None:
    answer = returned(world, answer)
    actions.submit_answer(acting_user=world.coordinator, answer=answer, expected_version=answer.version)
    events.deliver_pending()
    assert rework() == []


def test_an_import_that_submits_the_returned_answer_again_does_the_rework(world: World, answer: SurveyAnswer) -> None:
    answer = returned(world, answer)
    events.deliver_pending()
    values = {**answer.values, "places_per_year": 45, "regions_served": "AL-11"}
    header = ",".join(values)
    row = ",".join(" ".join(v) if isinstance(v, list) else str(v) for v in values.values())
    import_answers(
        survey_round=answer.round, filename="a.csv", content=f"{header}\n{row}\n".encode(), acting_user=world.analyst
    )
    [item] = rework()
    assert (item.state, item.fulfilled_by) == (WorkItem.State.DONE, "mapping.import")


def test_an_overdue_rework_goes_to_the_providers_administrators(world: World, answer: SurveyAnswer) -> None:
    returned(world, answer)
    events.deliver_pending()
    [item] = rework()
    assert list(open_work_of(world.org_admin)) == []
    with clock.frozen(item.due_at + timedelta(minutes=1)):
        work.escalate_overdue()
    assert [i.pk for i in open_work_of(world.org_admin)] == [item.pk]
