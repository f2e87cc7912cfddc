"""The case list and the case page: what they show, the next steps they offer and how a step
taken on a page is refused (a gate, a stale form) or made; and that neither reads the database
more often for more cases or a longer history."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tandem.cases import actions
from tandem.cases.models import Case
from tandem.cases.rules.lifecycle import State
from tandem.core.roles import Role
from tests import factories
from tests.conftest import World, signed_in_client

pytestmark = pytest.mark.django_db


def count(client: object, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)  # type: ignore[attr-defined]
    assert response.status_code == 200
    return len(captured)


def test_the_case_list_shows_open_cases_with_the_mans_name(world: World) -> None:
    case = factories.case(world.org, name="Arben Hoxha")
    page = signed_in_client(world.facilitator).get("/cases/").content.decode()
    assert "Arben Hoxha" in page and f"/cases/{case.pk}/" in page


def test_a_closed_case_is_listed_only_when_asked_for(world: World) -> None:
    closed = factories.case(world.org, state=State.CLOSED)
    client = signed_in_client(world.coordinator)
    assert f"/cases/{closed.pk}/" not in client.get("/cases/").content.decode()
    assert f"/cases/{closed.pk}/" in client.get("/cases/?state=closed").content.decode()


def test_a_filter_that_cannot_be_understood_is_left_out_with_a_message(world: World) -> None:
    response = signed_in_client(world.coordinator).get("/cases/?state=<script>")
    assert response.status_code == 200
    assert "could not be understood" in response.content.decode()


def test_the_case_list_reads_the_same_number_of_queries_for_more_cases(world: World) -> None:
    client = signed_in_client(world.coordinator)
    factories.case(world.org)
    client.get("/cases/")
    few = count(client, "/cases/")
    for _ in range(8):
        factories.case(world.org)
    assert count(client, "/cases/") == few


def test_the_case_page_reads_the_same_number_of_queries_for_a_longer_history(world: World) -> None:
    client = signed_in_client(world.coordinator)
    short = factories.case(world.org, state=State.ASSESSMENT)
    long = factories.case(world.org, state=State.FOLLOW_UP)
    client.get(f"/cases/{short.pk}/")
    assert count(client, f"/cases/{short.pk}/") == count(client, f"/cases/{long.pk}/")


def test_the_coordinator_is_offered_the_next_steps_and_the_facilitator_none(world: World) -> None:
    case = factories.case(world.org, state=State.WAITING)
    coordinator = signed_in_client(world.coordinator).get(f"/cases/{case.pk}/").content.decode()
    facilitator = signed_in_client(world.facilitator).get(f"/cases/{case.pk}/").content.decode()
    assert "/move/start_programme/" in coordinator
    assert "/move/" not in facilitator


def test_a_step_taken_on_the_page_moves_the_case_and_is_in_its_timeline(world: World) -> None:
    case = factories.case(world.org)
    client = signed_in_client(world.coordinator)
    response = client.post(f"/cases/{case.pk}/move/start_assessment/", {"version": case.version}, follow=True)
    assert Case.objects.get(pk=case.pk).state == State.ASSESSMENT
    assert "Start the assessment" in response.content.decode()


def test_a_gate_refusal_is_shown_with_its_reason_and_nothing_moves(world: World) -> None:
    case = factories.case(world.org, state=State.WAITING)
    response = signed_in_client(world.coordinator).post(
        f"/cases/{case.pk}/move/start_programme/", {"version": case.version}
    )
    assert response.status_code == 422
    assert "Complete a risk assessment first." in response.content.decode()
    assert Case.objects.get(pk=case.pk).state == State.WAITING


def test_a_step_from_a_page_opened_before_someone_elses_step_is_a_conflict(world: World) -> None:
    case = factories.case(world.org)
    opened_version = case.version
    actions.move_case(case=case, event="start_assessment", expected_version=case.version, acting_user=world.coordinator)
    response = signed_in_client(world.coordinator).post(
        f"/cases/{case.pk}/move/transfer/", {"version": opened_version, "reason": "Moved town."}
    )
    assert response.status_code == 409
    assert "Someone else changed this" in response.content.decode()
    assert Case.objects.get(pk=case.pk).state == State.ASSESSMENT


def test_a_step_that_needs_a_reason_says_so_at_the_field(world: World) -> None:
    case = factories.case(world.org, state=State.ASSESSMENT)
    response = signed_in_client(world.coordinator).post(
        f"/cases/{case.pk}/move/assess_unsuitable/", {"version": case.version, "reason": "  "}
    )
    assert response.status_code == 422
    assert "Give the reason for this step." in response.content.decode()


def test_an_unknown_step_is_not_found(world: World) -> None:
    case = factories.case(world.org)
    response = signed_in_client(world.coordinator).post(f"/cases/{case.pk}/move/teleport/", {"version": 1})
    assert response.status_code == 404


def test_a_refused_step_is_said_even_when_the_page_offers_no_step(world: World) -> None:
    case = factories.case(world.org, state=State.WAITING)
    response = signed_in_client(world.facilitator).post(
        f"/cases/{case.pk}/move/exclude/", {"version": case.version, "reason": "Threats."}
    )
    assert response.status_code == 422
    assert "coordinators move a case." in response.content.decode()


def test_work_on_a_case_is_never_passed_to_those_who_cannot_open_it() -> None:
    from tandem.cases import work_rules  # noqa: F401 - registers the report rules
    from tandem.core.work import _RULES

    about_cases = [rule for key, rule in _RULES.items() if key.startswith(("risk.", "cases."))]
    assert about_cases
    assert {role for rule in about_cases for role in rule.escalation} == {Role.COORDINATOR}
