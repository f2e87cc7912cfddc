"""Outcome monitoring's fieldwork pages × every persona (``tests/outcomes/matrix_fieldwork.py``)."""

from __future__ import annotations

from dataclasses import dataclass, replace

import pytest

from tandem.core import events
from tandem.core.models import Organisation, User
from tandem.core.roles import OrganisationKind, Role
from tandem.outcomes.models import CasePoint, ManResponse, PartnerPoint, PartnerResponse, PointState
from tests import factories
from tests.conftest import World
from tests.matrix_check import check_row
from tests.outcomes.matrix_fieldwork import ROWS
from tests.outcomes.support import her_points, his_points, started
from tests.permission_matrix import PERSONAS, Row


@dataclass
class Fixture:
    world: World
    platform_admin: User
    his_point: CasePoint
    her_point: PartnerPoint
    other_his_point: CasePoint
    other_her_point: PartnerPoint

    def user(self, persona: str) -> User | None:
        if persona == "anonymous":
            return None
        if persona == "platform_admin":
            return self.platform_admin
        return self.world.persona(persona)

    def fresh_his_point(self) -> CasePoint:
        """His start point, open again: each persona that may import finds it unanswered."""
        ManResponse._base_manager.filter(point=self.his_point).delete()
        CasePoint._base_manager.filter(pk=self.his_point.pk).update(state=PointState.DUE, version=1)
        return self.his_point

    def fresh_her_point(self) -> PartnerPoint:
        PartnerResponse._base_manager.filter(point=self.her_point).delete()
        PartnerPoint._base_manager.filter(pk=self.her_point.pk).update(state=PointState.DUE, version=1)
        return self.her_point


def _points_of(provider: Organisation) -> tuple[CasePoint, PartnerPoint]:
    case = started(provider)
    partner = factories.partner(case)
    factories.consent(partner, channel="phone", purpose="questionnaires")
    events.deliver_pending()
    return his_points(case)["start"], her_points(partner)["start"]


@pytest.fixture(scope="module")
def module_fx(module_world: World) -> Fixture:
    platform_admin = factories.platform_admin("fieldwork_matrix_admin")
    factories.totp_device(platform_admin)
    elsewhere = factories.organisation(name="Provider W", kind=OrganisationKind.PROGRAMME_PROVIDER)
    for role in (Role.COORDINATOR, Role.SURVIVOR_WORKER, Role.FACILITATOR):
        factories.member(elsewhere, role)
    his_point, her_point = _points_of(module_world.org)
    other_his, other_her = _points_of(elsewhere)
    return Fixture(module_world, platform_admin, his_point, her_point, other_his, other_her)


@pytest.fixture
def fx(module_fx: Fixture, world: World) -> Fixture:
    return replace(module_fx, world=world)


@pytest.mark.parametrize(
    ("row", "persona"),
    [
        pytest.param(row, persona, id=f"{row.name}-{row.method}-{row.relation}-{index}-{persona}")
        for index, row in enumerate(ROWS)
        for persona in PERSONAS
    ],
)
def test_fieldwork_permission_matrix(fx: Fixture, row: Row, persona: str) -> None:
    check_row(fx, row, persona)
