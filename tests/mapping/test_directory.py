"""The public directory of programmes."""

from __future__ import annotations

import pytest
from django.test import Client

from tandem.mapping.models import Programme, Status
from tests import factories

pytestmark = pytest.mark.django_db


def programme(name: str, *, country: str = "AL", region: str = "AL-11", **fields: object) -> Programme:
    return factories.programme(name, country=country, region=region, **fields)


def test_the_directory_lists_functioning_programmes_without_sign_in(client: Client) -> None:
    programme("Functioning one")
    response = client.get("/programmes/")
    assert response.status_code == 200
    assert "Functioning one" in response.content.decode()


@pytest.mark.parametrize("status", [Status.ON_PAPER, Status.SUSPENDED, Status.CLOSED])
def test_a_programme_that_does_not_function_is_not_listed(client: Client, status: Status) -> None:
    made = programme("Paper one", status=status)
    assert "Paper one" not in client.get("/programmes/").content.decode()
    assert client.get(f"/programmes/{made.pk}/").status_code == 404


def test_a_programme_that_asked_not_to_be_published_is_nowhere_in_public(client: Client) -> None:
    made = programme("Hidden one", publish=False)
    assert "Hidden one" not in client.get("/programmes/").content.decode()
    assert client.get(f"/programmes/{made.pk}/").status_code == 404


def test_a_private_location_is_not_shown_but_a_public_one_is(client: Client) -> None:
    made = programme("Located one")
    factories.location(made, "Kamëz", latitude=41.38, longitude=19.76)
    factories.location(made, "Secret street", latitude=41.3, longitude=19.8, publish=False)
    page = client.get(f"/programmes/{made.pk}/").content.decode()
    assert "Kamëz" in page
    assert "Secret street" not in page


def test_the_directory_filters_by_country(client: Client) -> None:
    programme("Albanian one")
    programme("Serbian one", country="RS", region="RS-06")
    page = client.get("/programmes/?country=RS").content.decode()
    assert "Serbian one" in page
    assert "Albanian one" not in page


def test_the_directory_filters_by_region(client: Client) -> None:
    programme("Tirana one")
    programme("Shkodra one", region="AL-10")
    page = client.get("/programmes/?region=AL-10").content.decode()
    assert "Shkodra one" in page
    assert "Tirana one" not in page


def test_an_unknown_filter_value_is_explained(client: Client) -> None:
    response = client.get("/programmes/?country=ZZ")
    assert response.status_code == 422
    assert "Select a valid choice" in response.content.decode()


def test_the_programme_page_shows_its_facts_in_words(client: Client) -> None:
    made = programme("Facts one", legal_bases=["court_mandated", "voluntary"], languages=["sq"], typical_weeks=24)
    page = client.get(f"/programmes/{made.pk}/").content.decode()
    assert "Court-mandated, Voluntary" in page
    assert "24 weeks" in page


def test_the_directory_costs_a_fixed_number_of_queries(client: Client, django_assert_num_queries) -> None:
    programme("First")
    # Filter choices (countries, regions), programmes, their regions, their locations, the footnote.
    with django_assert_num_queries(6):
        client.get("/programmes/")
    for n in range(4):
        programme(f"More {n}", region="AL-10")
    with django_assert_num_queries(6):
        client.get("/programmes/")
