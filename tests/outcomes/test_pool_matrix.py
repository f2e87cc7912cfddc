"""The pooled outcome dataset's pages × every persona (``tests/outcomes/matrix_pool.py``)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace

import pytest
from django.test import override_settings

from tandem.core.models import Organisation, User
from tandem.core.roles import OrganisationKind, Role
from tandem.outcomes.pool_models import SharingAgreement
from tests import factories
from tests.conftest import World
from tests.matrix_check import check_row
from tests.outcomes.matrix_pool import ROWS
from tests.outcomes.pool_support import agreement, history, staff
from tests.permission_matrix import PERSONAS, Row


@dataclass
class Fixture:
    world: World
    platform_admin: User
    agreement: SharingAgreement
    elsewhere: Organisation
    other_agreement: SharingAgreement

    def user(self, persona: str) -> User | None:
        if persona == "anonymous":
            return None
        if persona == "platform_admin":
            return self.platform_admin
        return self.world.persona(persona)


@pytest.fixture(scope="module")
def module_fx(module_world: World, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fixture]:
    with override_settings(TANDEM_POOL_DIR=str(tmp_path_factory.mktemp("pool"))):
        platform_admin = factories.platform_admin("pool_matrix_admin")
        factories.totp_device(platform_admin)
        elsewhere = factories.organisation(name="Provider P", kind=OrganisationKind.PROGRAMME_PROVIDER)
        staff(elsewhere, Role.COORDINATOR)
        history(module_world.org, name="Agim Leka", partner_name="Mimoza Leka", his={"start": 2}, hers={"start": 1})
        yield Fixture(module_world, platform_admin, agreement(module_world.org), elsewhere, agreement(elsewhere))


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
def test_pool_permission_matrix(fx: Fixture, row: Row, persona: str) -> None:
    check_row(fx, row, persona)
