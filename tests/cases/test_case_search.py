"""The search of the case list: it finds the man's case by its number or by his name, in Latin or
Cyrillic, among the cases the person can already see and nowhere else; it works with the other
filters and across pages; a search that is too long is said at its field; and it reads the same
number of queries however many cases there are."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tandem.cases.models import Case
from tandem.cases.rules.lifecycle import State
from tests import factories
from tests.conftest import World, signed_in_client

pytestmark = pytest.mark.django_db


def listed(client: Client, query: str | dict[str, str]) -> str:
    response = client.get("/cases/", {"q": query} if isinstance(query, str) else query)
    assert response.status_code == 200
    return response.content.decode()


def rows(page: str) -> int:
    return page.split("<tbody>", 1)[1].split("</tbody>", 1)[0].count("<tr>") if "<tbody>" in page else 0


def link(case: Case) -> str:
    return f'href="/cases/{case.pk}/"'


def test_the_search_finds_a_case_by_its_number(world: World) -> None:
    wanted, other = factories.case(world.org), factories.case(world.org)
    page = listed(signed_in_client(world.facilitator), str(wanted.pk))
    assert link(wanted) in page and link(other) not in page


def test_the_search_finds_a_case_by_its_number_written_with_a_hash(world: World) -> None:
    wanted = factories.case(world.org)
    assert link(wanted) in listed(signed_in_client(world.facilitator), f"#{wanted.pk}")


def test_the_search_finds_a_man_by_his_name(world: World) -> None:
    wanted = factories.case(world.org, name="Arben Hoxha")
    other = factories.case(world.org, name="Marko Petrović")
    page = listed(signed_in_client(world.facilitator), "hoxha")
    assert link(wanted) in page and link(other) not in page


def test_the_search_finds_a_name_recorded_in_latin_when_typed_in_cyrillic(world: World) -> None:
    wanted = factories.case(world.org, name="Marko Petrović")
    assert link(wanted) in listed(signed_in_client(world.facilitator), "Марко Петровић")


def test_the_search_finds_a_name_recorded_in_cyrillic_when_typed_in_latin_without_diacritics(world: World) -> None:
    wanted = factories.case(world.org, name="Ђорђе Ђокић")
    assert link(wanted) in listed(signed_in_client(world.facilitator), "djokic")


def test_the_search_finds_a_man_by_the_beginning_of_his_name(world: World) -> None:
    wanted = factories.case(world.org, name="Shkëlzen Berisha")
    assert link(wanted) in listed(signed_in_client(world.facilitator), "shkel ber")


def test_every_word_of_the_search_must_be_in_his_name(world: World) -> None:
    case = factories.case(world.org, name="Arben Hoxha")
    assert link(case) not in listed(signed_in_client(world.facilitator), "Arben Krasniqi")


def test_the_search_finds_nothing_of_another_organisation_by_name(world: World) -> None:
    elsewhere = factories.case(world.other_org, name="Arben Hoxha")
    page = listed(signed_in_client(world.facilitator), "Arben Hoxha")
    assert link(elsewhere) not in page and rows(page) == 0


def test_the_search_finds_nothing_of_another_organisation_by_number(world: World) -> None:
    elsewhere = factories.case(world.other_org)
    assert link(elsewhere) not in listed(signed_in_client(world.facilitator), str(elsewhere.pk))


def test_the_search_keeps_to_the_chosen_state(world: World) -> None:
    closed = factories.case(world.org, name="Arben Hoxha", state=State.CLOSED)
    client = signed_in_client(world.coordinator)
    assert link(closed) not in listed(client, "Arben")
    assert link(closed) in listed(client, {"q": "Arben", "state": "all"})


def test_the_search_is_kept_on_the_next_page(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("tandem.cases.views.cases.PAGE_SIZE", 2)
    for _ in range(3):
        factories.case(world.org, name="Arben Hoxha")
    factories.case(world.org, name="Marko Petrović")
    client = signed_in_client(world.facilitator)
    assert "q=Hoxha&amp;page=2" in listed(client, "Hoxha")
    second = listed(client, {"q": "Hoxha", "page": "2"})
    assert rows(second) == 1 and "Marko Petrović" not in second


def test_a_search_that_is_too_long_is_said_at_its_field_and_finds_nothing(world: World) -> None:
    case = factories.case(world.org, name="Arben Hoxha")
    page = listed(signed_in_client(world.facilitator), "Arben " + "x" * 100)
    assert "Search with at most 100 characters." in page
    assert link(case) not in page


def test_a_search_too_long_leaves_a_bad_filter_out_with_the_usual_message(world: World) -> None:
    page = listed(signed_in_client(world.facilitator), {"q": "x" * 101, "state": "<script>"})
    assert "could not be understood" in page and "Search with at most 100 characters." in page


def test_an_empty_search_lists_every_case(world: World) -> None:
    case = factories.case(world.org)
    assert link(case) in listed(signed_in_client(world.facilitator), "   ")


def count(client: Client, query: dict[str, str]) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/cases/", query)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("persona", ["facilitator", "coordinator"])
def test_a_search_by_name_reads_the_same_number_of_queries_for_more_cases_and_partners(
    world: World, persona: str
) -> None:
    client = signed_in_client(world.persona(persona))
    factories.partner(factories.case(world.org, name="Arben Hoxha"), name="Drita Hoxha")
    client.get("/cases/", {"q": "Arben Hoxha"})
    few = count(client, {"q": "Arben Hoxha"})
    for number in range(8):
        factories.partner(factories.case(world.org, name=f"Arben Hoxha {number}"), name=f"Drita Krasniqi {number}")
    assert count(client, {"q": "Arben Hoxha"}) == few


def test_a_search_by_number_reads_the_same_number_of_queries_for_more_cases(world: World) -> None:
    client = signed_in_client(world.facilitator)
    case = factories.case(world.org)
    client.get("/cases/", {"q": str(case.pk)})
    few = count(client, {"q": str(case.pk)})
    for _ in range(8):
        factories.case(world.org)
    assert count(client, {"q": str(case.pk)}) == few


def test_a_search_reads_one_query_more_than_the_list_without_it(world: World) -> None:
    # His names are read once for the search (the coordinator found his case: her side is not
    # compared); the list itself is the same query, narrowed.
    client = signed_in_client(world.coordinator)
    factories.case(world.org, name="Arben Hoxha")
    client.get("/cases/")
    assert count(client, {"q": "Arben"}) == count(client, {}) + 1
