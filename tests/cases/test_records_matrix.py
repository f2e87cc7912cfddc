"""A case's records × every persona (``tests/cases/matrix_records.py``)."""

from __future__ import annotations

from dataclasses import dataclass, replace

import pytest

from tandem.cases.actions import documents as document_actions, records as actions
from tandem.cases.models import Case, CaseDocument, Child
from tandem.cases.rules.lifecycle import State
from tandem.core.models import User
from tandem.core.roles import OrganisationKind, Role
from tests import factories
from tests.cases.matrix_records import PDF, ROWS
from tests.conftest import World
from tests.matrix_check import check_row
from tests.permission_matrix import PERSONAS, Row


@dataclass
class Fixture:
    world: World
    platform_admin: User
    case: Case  # in assessment, of the world's provider
    child: Child  # on it, with no safeguarding referral yet
    document: CaseDocument  # on it
    other_case: Case  # of a provider nobody of the world belongs to
    other_child: Child
    other_document: CaseDocument

    def user(self, persona: str) -> User | None:
        if persona == "anonymous":
            return None
        if persona == "platform_admin":
            return self.platform_admin
        return self.world.persona(persona)


def _records(case: Case, worker: User) -> tuple[Child, CaseDocument]:
    child = actions.record_child(case=case, details=actions.ChildDetails(age=9, lives_with="both"), acting_user=worker)
    document = document_actions.upload_document(
        case=case, title="Letter", filename="letter.pdf", content=PDF, acting_user=worker
    )
    return child, document


@pytest.fixture(scope="module")
def module_fx(module_world: World) -> Fixture:
    world = module_world
    platform_admin = factories.platform_admin("records_matrix_admin")
    factories.totp_device(platform_admin)
    other_provider = factories.organisation(name="Provider E", kind=OrganisationKind.PROGRAMME_PROVIDER)
    other_coordinator = factories.member(other_provider, Role.COORDINATOR)
    case = factories.case(world.org, agency=world.agency, state=State.ASSESSMENT)
    other_case = factories.case(other_provider, state=State.ASSESSMENT)
    child, document = _records(case, world.facilitator)
    other_child, other_document = _records(other_case, other_coordinator)
    return Fixture(
        world=world,
        platform_admin=platform_admin,
        case=case,
        child=child,
        document=document,
        other_case=other_case,
        other_child=other_child,
        other_document=other_document,
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
def test_case_records_permission_matrix(fx: Fixture, row: Row, persona: str) -> None:
    check_row(fx, row, persona)
