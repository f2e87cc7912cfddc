"""Which roles a person may be given."""

from __future__ import annotations

import pytest

from tandem.core.roles import OrganisationKind, Role
from tandem.core.rules import role_problem

PROVIDER = OrganisationKind.PROGRAMME_PROVIDER


def test_a_provider_can_give_a_facilitator_role_to_someone_new() -> None:
    assert role_problem(kind=PROVIDER, role=Role.FACILITATOR, roles_elsewhere=[]) is None


def test_a_court_cannot_give_a_facilitator_role() -> None:
    assert role_problem(kind=OrganisationKind.COURT, role=Role.FACILITATOR, roles_elsewhere=[])


@pytest.mark.parametrize(
    ("new", "elsewhere"),
    [
        (Role.FACILITATOR, Role.SURVIVOR_WORKER),
        (Role.SURVIVOR_WORKER, Role.FACILITATOR),
        (Role.SURVIVOR_WORKER, Role.REFERRER),
        (Role.COORDINATOR, Role.SURVIVOR_WORKER),
        (Role.SURVIVOR_WORKER, Role.COORDINATOR),
        (Role.COORDINATOR, Role.COORDINATOR),
    ],
)
def test_nobody_works_on_both_sides_of_the_survivor_compartment(new: Role, elsewhere: Role) -> None:
    assert role_problem(kind=PROVIDER, role=new, roles_elsewhere=[elsewhere])


@pytest.mark.parametrize(
    ("new", "elsewhere"),
    [
        (Role.FACILITATOR, Role.FACILITATOR),
        (Role.SURVIVOR_WORKER, Role.SURVIVOR_WORKER),
        (Role.ORG_ADMIN, Role.COORDINATOR),
    ],
)
def test_roles_on_the_same_side_combine(new: Role, elsewhere: Role) -> None:
    assert role_problem(kind=PROVIDER, role=new, roles_elsewhere=[elsewhere]) is None
