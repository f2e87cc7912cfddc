"""The pages of planning around her safety cost as many queries with many records as with few."""

from __future__ import annotations

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tandem.core import clock
from tandem.core.models import User
from tests import factories
from tests.conftest import World, signed_in_client


def _queries(user: User, url: str) -> int:
    client = signed_in_client(user)
    client.get(url)  # the session and the language are settled once
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def _partner_with(world: World, count: int):
    case = factories.case(world.org)
    partner = factories.partner(case)
    factories.safety_plan(partner)
    service = factories.survivor_service()
    factories.share_with(partner, service)
    for number in range(count):
        factories.shared_item(partner, text=f"Item {number}")
    review = factories.joint_review(case, service)
    for number in range(count):
        factories.review_item(review, kind="action", owner="Police", due_on=clock.today(), text=f"Action {number}")
    referral = factories.conference_referral(case, referred_on=clock.today() - timedelta(days=10))
    for number in range(count):
        factories.conference_action(referral, text=f"Conference action {number}")
    return case, partner, review


def test_her_record_costs_as_many_queries_with_many_shared_items_as_with_few(world: World) -> None:
    _c, few, _r = _partner_with(world, 2)
    _c, many, _r = _partner_with(world, 8)
    assert _queries(world.survivor_worker, reverse("survivors:partner", args=[many.pk])) == _queries(
        world.survivor_worker, reverse("survivors:partner", args=[few.pk])
    )


def test_a_joint_review_costs_as_many_queries_with_many_items_as_with_few(world: World) -> None:
    _c, _p, few = _partner_with(world, 2)
    _c, _p, many = _partner_with(world, 8)
    assert _queries(world.coordinator, reverse("survivors:joint_review", args=[many.pk])) == _queries(
        world.coordinator, reverse("survivors:joint_review", args=[few.pk])
    )


def test_the_conference_page_costs_as_many_queries_with_many_actions_as_with_few(world: World) -> None:
    few, _p, _r = _partner_with(world, 2)
    many, _p, _r = _partner_with(world, 8)
    assert _queries(world.coordinator, reverse("survivors:conference", args=[many.pk])) == _queries(
        world.coordinator, reverse("survivors:conference", args=[few.pk])
    )


def test_his_case_page_costs_as_many_queries_with_many_shared_items_as_with_few(world: World) -> None:
    few, _p, _r = _partner_with(world, 2)
    many, _p, _r = _partner_with(world, 8)
    assert _queries(world.facilitator, reverse("cases:case", args=[many.pk])) == _queries(
        world.facilitator, reverse("cases:case", args=[few.pk])
    )
