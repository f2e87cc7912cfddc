"""The risk assessment pages × every persona (``tests/cases/matrix_risk.py``)."""

from __future__ import annotations

from dataclasses import dataclass, replace

import pytest

from tandem.cases.models import Case
from tandem.core import events
from tandem.core.models import User
from tandem.core.roles import OrganisationKind
from tandem.risk.models import RiskAssessment
from tests import factories
from tests.cases.matrix_risk import ROWS
from tests.conftest import World
from tests.matrix_check import check_row
from tests.permission_matrix import PERSONAS, Row
from tests.risk.support import STRANGULATION


@dataclass
class Fixture:
    world: World
    platform_admin: User
    case: Case  # of the world's provider, assessed high: its escalation is open
    assessment: RiskAssessment
    other_case: Case  # of a provider nobody of the world belongs to, assessed high too
    other_assessment: RiskAssessment

    def user(self, persona: str) -> User | None:
        if persona == "anonymous":
            return None
        if persona == "platform_admin":
            return self.platform_admin
        return self.world.persona(persona)


@pytest.fixture(scope="module")
def module_fx(module_world: World) -> Fixture:
    world = module_world
    platform_admin = factories.platform_admin("risk_matrix_admin")
    factories.totp_device(platform_admin)
    case = factories.case(world.org, agency=world.agency)
    other_case = factories.case(factories.organisation(name="Provider C", kind=OrganisationKind.PROGRAMME_PROVIDER))
    assessment = factories.risk_assessment(case, answers=STRANGULATION)
    other_assessment = factories.risk_assessment(other_case, answers=STRANGULATION)
    events.deliver_pending()
    return Fixture(
        world=world,
        platform_admin=platform_admin,
        case=case,
        assessment=assessment,
        other_case=other_case,
        other_assessment=other_assessment,
    )


@pytest.fixture
def fx(module_fx: Fixture, world: World) -> Fixture:
    return replace(module_fx, world=world)


@pytest.mark.parametrize(
    ("row", "persona"),
    [
        pytest.param(row, persona, id=f"{row.name}-{row.method}-{row.relation}-{persona}-{index}")
        for index, row in enumerate(ROWS)
        for persona in PERSONAS
    ],
)
def test_risk_pages_permission_matrix(fx: Fixture, row: Row, persona: str) -> None:
    check_row(fx, row, persona)
