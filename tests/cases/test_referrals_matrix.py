"""The referral pages × every persona (``tests/cases/matrix_referrals.py``)."""

from __future__ import annotations

from dataclasses import dataclass, replace

import pytest

from tandem.cases import actions
from tandem.cases.models import Referral
from tandem.core.models import Organisation, User
from tandem.core.roles import OrganisationKind, Role
from tests import factories
from tests.cases.matrix_referrals import ROWS
from tests.conftest import World
from tests.matrix_check import check_row
from tests.permission_matrix import PERSONAS, Row


@dataclass
class Fixture:
    world: World
    platform_admin: User
    other_agency: Organisation  # a court nobody of the world belongs to
    other_provider: Organisation  # a provider nobody of the world belongs to
    referral: Referral  # submitted by the world's agency to the world's provider
    asked: Referral  # the same, asked for more information
    other_referral: Referral  # submitted by the other agency to the other provider
    other_asked: Referral  # the same, asked for more information

    def user(self, persona: str) -> User | None:
        if persona == "anonymous":
            return None
        if persona == "platform_admin":
            return self.platform_admin
        return self.world.persona(persona)


def _asked(referral: Referral, coordinator: User) -> Referral:
    return actions.ask_for_more_information(
        referral=referral, expected_version=referral.version, reason="His date of birth?", acting_user=coordinator
    )


@pytest.fixture(scope="module")
def module_fx(module_world: World) -> Fixture:
    world = module_world
    platform_admin = factories.platform_admin("referral_matrix_admin")
    factories.totp_device(platform_admin)
    other_agency = factories.organisation(name="Court C", kind=OrganisationKind.COURT)
    other_provider = factories.organisation(name="Provider C", kind=OrganisationKind.PROGRAMME_PROVIDER)
    other_coordinator = factories.member(other_provider, Role.COORDINATOR)
    return Fixture(
        world=world,
        platform_admin=platform_admin,
        other_agency=other_agency,
        other_provider=other_provider,
        referral=factories.referral(world.org, agency=world.agency),
        asked=_asked(factories.referral(world.org, agency=world.agency), world.coordinator),
        other_referral=factories.referral(other_provider, agency=other_agency),
        other_asked=_asked(factories.referral(other_provider, agency=other_agency), other_coordinator),
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
def test_referral_pages_permission_matrix(fx: Fixture, row: Row, persona: str) -> None:
    check_row(fx, row, persona)
