"""Her questionnaire link × every persona (``tests/outcomes/matrix_link.py``)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import pytest

from tandem.core import events
from tandem.core.models import User
from tandem.core.roles import OrganisationKind, Role
from tandem.outcomes.link_actions import issue_link, withdraw_link
from tandem.outcomes.models import PartnerPoint, PartnerResponse, PointState, QuestionnaireLink
from tests import factories
from tests.conftest import World
from tests.matrix_check import check_row
from tests.outcomes.matrix_link import ROWS
from tests.outcomes.support import her_points, started
from tests.permission_matrix import PERSONAS, Row


@dataclass
class Fixture:
    world: World
    platform_admin: User
    point: PartnerPoint
    other_point: PartnerPoint
    other_link: QuestionnaireLink
    other_token: str

    def user(self, persona: str) -> User | None:
        if persona == "anonymous":
            return None
        if persona == "platform_admin":
            return self.platform_admin
        return self.world.persona(persona)

    def fresh_point(self) -> PartnerPoint:
        """Her start point, due again: each persona finds it as if nobody had answered."""
        PartnerResponse._base_manager.filter(point=self.point).delete()
        PartnerPoint._base_manager.filter(pk=self.point.pk).update(state=PointState.DUE, version=1)
        self.point.refresh_from_db()
        return self.point

    def fresh_link(self) -> tuple[QuestionnaireLink, str]:
        """A new link to her due start point (the earlier ones withdrawn by it)."""
        return issue_link(
            point=self.fresh_point(), channel="sms", language="sq", acting_user=self.world.survivor_worker
        )


def _her_point(provider: Any) -> PartnerPoint:
    partner = factories.partner(started(provider))
    factories.consent(partner, channel="sms", purpose="questionnaires")
    events.deliver_pending()
    return her_points(partner)["start"]


@pytest.fixture(scope="module")
def module_fx(module_world: World) -> Fixture:
    platform_admin = factories.platform_admin("link_matrix_admin")
    factories.totp_device(platform_admin)
    elsewhere = factories.organisation(name="Provider L", kind=OrganisationKind.PROGRAMME_PROVIDER)
    for role in (Role.COORDINATOR, Role.FACILITATOR):
        factories.member(elsewhere, role)
    worker = factories.member(elsewhere, Role.SURVIVOR_WORKER)
    other_point = _her_point(elsewhere)
    withdrawn, other_token = issue_link(point=other_point, channel="sms", language="sq", acting_user=worker)
    withdraw_link(link=withdrawn, acting_user=worker)
    other_fresh, _token = issue_link(point=other_point, channel="sms", language="sq", acting_user=worker)
    return Fixture(module_world, platform_admin, _her_point(module_world.org), other_point, other_fresh, other_token)


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
def test_link_permission_matrix(fx: Fixture, row: Row, persona: str) -> None:
    check_row(fx, row, persona)
