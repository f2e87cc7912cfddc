"""Group work × every persona (``tests/groups/matrix.py``)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

import pytest

from tandem.core import clock
from tandem.core.models import User
from tandem.core.roles import OrganisationKind, Role
from tandem.groups import queries
from tandem.groups.actions import attendance, feeds
from tests import factories
from tests.conftest import World
from tests.groups.matrix import ALL_ROWS as ROWS
from tests.matrix_check import check_row
from tests.permission_matrix import PERSONAS, Row


@dataclass
class Fixture:
    world: World
    platform_admin: User
    today: date
    woman: Any
    man: Any
    cover: Any
    group: Any  # of the world's provider, begun four weeks ago
    past_session: Any
    future_session: Any
    future_day: date  # a day the future session may move to
    membership: Any
    catch_up: Any  # planned, in the past
    waiting: Any  # another man of the provider, waiting
    other_group: Any  # of a provider nobody of the world belongs to
    other_session: Any
    other_membership: Any
    other_catch_up: Any
    other_profile: Any
    profiles_of: dict[int, Any]  # the persona's own facilitator profile, by user id
    feed_token: str  # a live calendar address of another facilitator than the persona

    def user(self, persona: str) -> User | None:
        if persona == "anonymous":
            return None
        if persona == "platform_admin":
            return self.platform_admin
        return self.world.persona(persona)


def _catch_up(membership: Any, facilitator: Any, coordinator: User) -> Any:
    return attendance.plan_catch_up(
        membership=membership,
        number=1,
        start=clock.now() - timedelta(days=1),
        facilitator=facilitator,
        acting_user=coordinator,
    )


@pytest.fixture(scope="module")
def module_fx(module_world: World) -> Fixture:
    world = module_world
    platform_admin = factories.platform_admin("groups_matrix_admin")
    factories.totp_device(platform_admin)
    woman, man = factories.facilitator(world.org, "woman"), factories.facilitator(world.org, "man")
    own = factories.facilitator(world.org, "man", person=world.facilitator)
    coordinating = factories.facilitator(world.org, "woman", person=world.coordinator)
    # The woman's calendar address is live, for the feed and for a coordinator to stop.
    token = feeds.make_feed(profile=woman, acting_user=woman.user)
    cover = factories.facilitator(world.org, "man")
    # Rolling, so that men are still placed once it has begun; he missed its first two sessions.
    group = factories.group(world.org, team=[woman, man], intake="rolling")
    membership = factories.allocated(world.org, group)
    for session in queries.sessions_of(group)[:2]:
        factories.session_recorded(session, {membership.pk: "acceptable_absence"})
    sessions = queries.sessions_of(group)
    future = sessions[20]
    other_provider = factories.organisation(name="Provider G", kind=OrganisationKind.PROGRAMME_PROVIDER)
    other_coordinator = factories.member(other_provider, Role.COORDINATOR)
    other_group = factories.group(other_provider)
    other_membership = factories.allocated(other_provider, other_group)
    factories.session_recorded(queries.sessions_of(other_group)[0], {other_membership.pk: "acceptable_absence"})
    return Fixture(
        world=world,
        platform_admin=platform_admin,
        today=clock.today(),
        woman=woman,
        man=man,
        cover=cover,
        group=group,
        past_session=sessions[0],
        future_session=future,
        future_day=(future.start + timedelta(days=1)).date(),
        membership=membership,
        catch_up=_catch_up(membership, woman, world.coordinator),
        waiting=factories.waiting_case(world.org),
        other_group=other_group,
        other_session=queries.sessions_of(other_group)[0],
        other_membership=other_membership,
        other_catch_up=_catch_up(other_membership, queries.team_of(other_group)[0], other_coordinator),
        other_profile=queries.team_of(other_group)[0],
        profiles_of={world.facilitator.pk: own, world.coordinator.pk: coordinating},
        feed_token=token,
    )


@pytest.fixture
def fx(module_fx: Fixture, world: World) -> Fixture:
    return replace(module_fx, world=world)


@pytest.mark.parametrize(
    ("row", "persona"),
    [
        pytest.param(row, persona, id=f"{row.name}-{row.method}-{row.relation}-{persona}")
        for row in ROWS
        for persona in PERSONAS
    ],
)
def test_group_work_permission_matrix(fx: Fixture, row: Row, persona: str) -> None:
    check_row(fx, row, persona)
