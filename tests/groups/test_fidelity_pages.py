"""The fidelity report's page, PDF and CSV: for the provider's coordinators only, and only for
the provider's own groups and programmes."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, replace
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tandem.core import clock
from tandem.core.models import AuditEntry
from tandem.core.navigation import pages_for
from tandem.groups import queries
from tandem.groups.models import Group
from tandem.groups.views.fidelity import NONE
from tandem.mapping.models import Programme
from tests import factories
from tests.conftest import World, signed_in_client

pytestmark = pytest.mark.django_db

# The session, the person, her authenticator, her places and her providers; the groups and
# programmes to choose from; the five queries of the figures; the layout's two (her open work,
# the site's wording); the session saved (three statements).
PAGE_QUERIES = 17
PAGE, PDF, CSV = "/groups/fidelity/", "/groups/fidelity/pdf/", "/groups/fidelity/csv/"


@dataclass
class Fixture:
    world: World
    group: Group  # the world's provider's, with two men and a session held
    other_group: Group  # the other provider's
    other_programme: Programme  # the other provider's


@pytest.fixture(scope="module")
def module_fx(module_world: World) -> Fixture:
    world = module_world
    group = factories.group(world.org, start_date=clock.today() - timedelta(weeks=3))
    for _ in range(2):
        factories.allocated(world.org, group)
    factories.session_recorded(queries.sessions_of(group)[0])
    other_group = factories.group(world.other_org, start_date=clock.today() - timedelta(weeks=3))
    return Fixture(
        world=world,
        group=group,
        other_group=other_group,
        other_programme=factories.programme(provider=world.other_org),
    )


@pytest.fixture
def fx(module_fx: Fixture, world: World) -> Fixture:
    return replace(module_fx, world=world)


def exports() -> int:
    return AuditEntry.objects.filter(action="groups.fidelity.exported").count()


def test_a_coordinator_reads_her_providers_report_with_charts_and_tables(fx: Fixture) -> None:
    response = signed_in_client(fx.world.coordinator).get(PAGE)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Tuesday group" in page
    assert page.count('src="data:image/svg+xml;base64,') == 5
    assert page.count("<figure>") == 5
    assert page.count("<table>") >= 5
    assert f'href="{PDF}?start=' in page


def test_the_report_is_of_the_calendar_year_unless_asked_otherwise(fx: Fixture) -> None:
    response = signed_in_client(fx.world.coordinator).get(PAGE)
    scope = response.context["figures"].scope
    year = clock.today().year
    assert (scope.start.isoformat(), scope.end.isoformat()) == (f"{year}-01-01", f"{year}-12-31")
    response = signed_in_client(fx.world.coordinator).get(PAGE, {"year": year - 1})
    assert response.context["figures"].scope.start.year == year - 1


def test_a_period_may_be_given_by_its_days(fx: Fixture) -> None:
    response = signed_in_client(fx.world.coordinator).get(PAGE, {"start": "2026-03-01", "end": "2026-05-31"})
    scope = response.context["figures"].scope
    assert (scope.start.isoformat(), scope.end.isoformat()) == ("2026-03-01", "2026-05-31")
    assert len(response.context["months"]) == 3


def test_a_period_ending_before_it_starts_is_refused_with_a_message(fx: Fixture) -> None:
    response = signed_in_client(fx.world.coordinator).get(PAGE, {"start": "2026-05-01", "end": "2026-03-01"})
    assert response.status_code == 422
    assert "The end of the period comes before its start." in response.content.decode()
    assert "figures" not in response.context


@pytest.mark.parametrize("period", [{"start": "0001-01-01", "end": "0001-12-31"}, {"start": "9999-12-01"}])
def test_a_period_far_outside_the_years_of_the_reports_is_refused_with_a_message(fx: Fixture, period: dict) -> None:
    client = signed_in_client(fx.world.coordinator)
    response = client.get(PAGE, period)
    assert response.status_code == 422
    assert "Choose a day from the year 2000 to the year 2100." in response.content.decode()
    assert client.get(CSV, period).status_code == 404
    assert client.get(PDF, period).status_code == 404


def test_one_group_of_her_provider(fx: Fixture) -> None:
    response = signed_in_client(fx.world.coordinator).get(PAGE, {"group": fx.group.pk})
    assert response.status_code == 200
    assert [row.group_id for row in response.context["figures"].groups] == [fx.group.pk]


@pytest.mark.parametrize("persona", ["facilitator", "survivor_worker", "org_admin", "referrer", "analyst", "auditor"])
def test_nobody_but_a_coordinator_finds_the_report(fx: Fixture, persona: str) -> None:
    client = signed_in_client(fx.world.persona(persona))
    for url in (PAGE, PDF, CSV):
        assert client.get(url).status_code == 404, url
    assert exports() == 0


def test_someone_signed_out_is_sent_to_sign_in(fx: Fixture) -> None:
    response = signed_in_client(None).get(PAGE)
    assert response.status_code == 302


@pytest.mark.parametrize("url", [PAGE, PDF, CSV])
def test_another_providers_coordinator_does_not_find_a_group_of_this_one(fx: Fixture, url: str) -> None:
    client = signed_in_client(fx.world.outsider)
    assert client.get(url, {"group": fx.group.pk}).status_code == 404
    assert exports() == 0


def test_another_providers_programme_is_not_found(fx: Fixture) -> None:
    client = signed_in_client(fx.world.coordinator)
    assert client.get(PAGE, {"programme": fx.other_programme.pk}).status_code == 404


def test_another_provider_cannot_be_chosen(fx: Fixture) -> None:
    client = signed_in_client(fx.world.coordinator)
    assert client.get(PAGE, {"organisation": fx.world.other_org.pk}).status_code == 404
    assert client.get(CSV, {"organisation": fx.world.other_org.pk}).status_code == 404


def test_her_own_provider_may_be_named(fx: Fixture) -> None:
    # Nobody coordinates two providers (a coordinator reaches the survivor side of hers), so the
    # choice of provider is only shown to someone with several; naming her own changes nothing.
    client = signed_in_client(fx.world.coordinator)
    response = client.get(PAGE, {"organisation": fx.world.org.pk, "group": fx.group.pk})
    assert response.status_code == 200
    assert response.context["organisation"] == fx.world.org
    assert 'name="organisation"' not in response.content.decode()


def test_an_export_with_a_period_that_does_not_hold_is_not_found(fx: Fixture) -> None:
    client = signed_in_client(fx.world.coordinator)
    assert client.get(CSV, {"start": "2026-05-01", "end": "2026-03-01"}).status_code == 404
    assert exports() == 0


def test_the_page_is_in_the_coordinators_menu_only(fx: Fixture) -> None:
    assert "group_fidelity" in [link.key for link in pages_for(fx.world.coordinator)]
    assert "group_fidelity" not in [link.key for link in pages_for(fx.world.facilitator)]


def test_opening_the_page_is_not_an_export(fx: Fixture) -> None:
    signed_in_client(fx.world.coordinator).get(PAGE)
    assert exports() == 0


def test_the_page_reads_the_database_as_often_however_many_men(fx: Fixture) -> None:
    client = signed_in_client(fx.world.coordinator)
    client.get(PAGE)
    with CaptureQueriesContext(connection) as before:
        assert client.get(PAGE).status_code == 200
    more = factories.group(fx.world.org, start_date=clock.today() - timedelta(weeks=3), name="Wednesday group")
    for _ in range(3):
        factories.allocated(fx.world.org, more)
    for session in queries.sessions_of(more)[:2]:
        factories.session_recorded(session)
    with CaptureQueriesContext(connection) as after:
        assert client.get(PAGE).status_code == 200
    assert (len(before), len(after)) == (PAGE_QUERIES, PAGE_QUERIES)


def test_no_share_of_fewer_men_who_left_than_the_small_number_is_shown_or_exported(fx: Fixture) -> None:
    from tandem.groups.actions import allocation

    member = queries.members_of(fx.group)[0]
    allocation.end_membership(member.case, "dropped_out")
    client = signed_in_client(fx.world.coordinator)
    response = client.get(PAGE)
    assert response.context["outcome_rates"]["dropped_out"] == NONE
    assert response.context["groups"][0]["dropout"] == NONE
    rows = list(csv.reader(io.StringIO(client.get(CSV).content.decode("utf-8-sig"))))
    header, totals = rows[0], next(row for row in rows if row and row[0] == "All groups")
    assert totals[header.index("dropped_out")] == "1"
    assert totals[header.index("dropout_percent")] == ""
