"""The pages a facilitator uses every week cost the same number of queries however many men the
group holds."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tandem.groups import queries
from tests import factories
from tests.conftest import World, signed_in_client


def _count(world: World, url: str) -> int:
    client = signed_in_client(world.facilitator)
    client.get(url)  # the session and the sign-in settle first
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def _group_with(world: World, men: int):
    planned = factories.group(world.org, capacity=12)
    for _ in range(men):
        factories.allocated(world.org, planned)
    first = queries.sessions_of(planned)[0]
    factories.session_recorded(first)
    return planned, first


def test_the_attendance_page_costs_the_same_queries_for_two_men_and_for_eight(world: World) -> None:
    small, small_session = _group_with(world, 2)
    large, large_session = _group_with(world, 8)
    assert _count(world, reverse("groups:session", args=[small.pk, small_session.pk])) == _count(
        world, reverse("groups:session", args=[large.pk, large_session.pk])
    )


def test_the_group_page_costs_the_same_queries_for_two_men_and_for_eight(world: World) -> None:
    small, _ = _group_with(world, 2)
    large, _ = _group_with(world, 8)
    assert _count(world, reverse("groups:group", args=[small.pk])) == _count(
        world, reverse("groups:group", args=[large.pk])
    )
