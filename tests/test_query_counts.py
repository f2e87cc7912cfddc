"""Every list page reads the database a fixed number of times, however many rows it lists.

Each test loads a page, adds rows to what it lists, loads it again, and asserts the exact same
number of queries both times."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tandem.core import clock, events, work
from tandem.core.models import User
from tandem.core.roles import Role
from tandem.mapping.models import AnswerStatus, SurveyRound
from tandem.mapping.work_rules import REVIEW_ANSWER
from tests import factories
from tests.conftest import World, signed_in_client

pytestmark = pytest.mark.django_db


def queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def assert_fixed(client: Client, url: str, more: Callable[[], object], expected: int) -> None:
    client.get(url)  # the first load may store what later loads read (site settings)
    before = queries(client, url)
    more()
    after = queries(client, url)
    assert (before, after) == (expected, expected), [q["sql"][:90] for q in connection.queries[-after:]]


@pytest.fixture
def survey_round(world: World) -> SurveyRound:
    made = factories.survey_round(owner=world.network, countries=["AL", "XK"])
    factories.reviewer(made, "AL", world.auditor)
    return made


def answers(survey_round: SurveyRound, world: World, count: int, status: str = AnswerStatus.SUBMITTED) -> None:
    for _n in range(count):
        factories.survey_answer(survey_round, factories.programme(provider=world.org), status=status)


def another_place_for(person: User) -> Callable[[], None]:
    def add() -> None:
        from tandem.core.actions import add_member

        place = factories.organisation()
        factories.member(place, Role.ORG_ADMIN, with_device=False)
        add_member(organisation=place, user=person, role=Role.ORG_ADMIN, acting_user=None)

    return add


def test_the_home_page_with_a_persons_places(world: World) -> None:
    client = signed_in_client(world.org_admin)
    assert_fixed(client, "/", another_place_for(world.org_admin), PAGES["home"])


def test_the_account_page_with_its_authenticators(world: World) -> None:
    client = signed_in_client(world.coordinator)
    assert_fixed(client, "/account/", lambda: factories.totp_device(world.coordinator), PAGES["account"])


def test_the_organisations_an_administrator_runs(world: World) -> None:
    client = signed_in_client(world.org_admin)
    assert_fixed(client, "/organisations/", another_place_for(world.org_admin), PAGES["organisations"])


def test_the_work_list(world: World, survey_round: SurveyRound) -> None:
    client = signed_in_client(world.auditor)

    def more() -> None:
        answers(survey_round, world, 3)
        events.deliver_pending()

    answers(survey_round, world, 1)
    events.deliver_pending()
    assert_fixed(client, "/work/", more, PAGES["work"])


def test_the_work_of_an_organisation(world: World) -> None:
    client = signed_in_client(world.coordinator)

    def more() -> None:
        for person in (world.facilitator, world.survivor_worker):
            with clock.frozen(clock.now()):
                work.open_work(rule=REVIEW_ANSWER, organisation=world.org, subject=person, params={}, owner=person)

    work.open_work(rule=REVIEW_ANSWER, organisation=world.org, subject=world.org, params={}, owner=world.coordinator)
    assert_fixed(client, f"/work/organisations/{world.org.pk}/", more, PAGES["work_organisation"])


def test_the_directory(world: World) -> None:
    client = Client()
    factories.programme()
    assert_fixed(client, "/programmes/", lambda: [factories.programme() for _n in range(3)], PAGES["directory"])


def test_the_survey_rounds_with_answers_waiting_for_review(world: World, survey_round: SurveyRound) -> None:
    client = signed_in_client(world.auditor)
    answers(survey_round, world, 1)
    events.deliver_pending()

    def more() -> None:
        factories.survey_round(owner=world.network, countries=["AL"])
        answers(survey_round, world, 3)
        events.deliver_pending()

    assert_fixed(client, "/programmes/rounds/", more, PAGES["rounds"])


@pytest.mark.parametrize("persona", ["analyst", "coordinator", "auditor"])
def test_a_rounds_page_with_its_answers(world: World, survey_round: SurveyRound, persona: str) -> None:
    client = signed_in_client(world.persona(persona))
    answers(survey_round, world, 1)
    factories.programme("Not answered", provider=world.org)

    def more() -> None:
        answers(survey_round, world, 3)
        factories.programme("Not answered either", provider=world.org)
        factories.reviewer(survey_round, "XK", world.gov_viewer)

    assert_fixed(client, f"/programmes/rounds/{survey_round.pk}/", more, PAGES[f"round_{persona}"])


def test_a_rounds_import_page_with_its_jobs(world: World, survey_round: SurveyRound) -> None:
    from tandem.mapping.actions.imports import queue_import

    client = signed_in_client(world.analyst)

    def more() -> None:
        for n in range(3):
            queue_import(survey_round=survey_round, filename=f"{n}.csv", content=b"x", acting_user=world.analyst)

    assert_fixed(client, f"/programmes/rounds/{survey_round.pk}/import/", more, PAGES["import"])


PAGES = {
    "home": 10,
    "account": 10,
    "organisations": 10,
    "work": 12,
    "work_organisation": 12,
    "directory": 6,
    "rounds": 14,
    "round_analyst": 13,
    "round_coordinator": 13,
    "round_auditor": 13,
    "import": 11,
}


def test_a_rounds_page_does_not_read_once_per_place_of_the_person(world: World, survey_round: SurveyRound) -> None:
    client = signed_in_client(world.org_admin)
    answers(survey_round, world, 1)

    def more_places() -> None:
        for _n in range(3):
            another_place_for(world.org_admin)()

    assert_fixed(client, f"/programmes/rounds/{survey_round.pk}/", more_places, PAGES["round_coordinator"])
