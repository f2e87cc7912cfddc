"""The outcome report × every persona (``tests/outcomes/matrix_report.py``)."""

from __future__ import annotations

from dataclasses import dataclass, replace

import pytest

from tandem.core.models import User
from tests import factories
from tests.conftest import World
from tests.matrix_check import check_row
from tests.outcomes.matrix_report import ROWS
from tests.outcomes.report_worlds import hers, his, pair
from tests.permission_matrix import PERSONAS, Row


@dataclass
class Fixture:
    world: World
    platform_admin: User

    def user(self, persona: str) -> User | None:
        if persona == "anonymous":
            return None
        if persona == "platform_admin":
            return self.platform_admin
        return self.world.persona(persona)


@pytest.fixture(scope="module")
def module_fx(module_world: World) -> Fixture:
    platform_admin = factories.platform_admin("report_matrix_admin")
    factories.totp_device(platform_admin)
    found = pair(module_world.org)
    his(found, "start", physical=1)
    hers(found, "start", physical=1)
    return Fixture(module_world, platform_admin)


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
def test_report_permission_matrix(fx: Fixture, row: Row, persona: str) -> None:
    check_row(fx, row, persona)
