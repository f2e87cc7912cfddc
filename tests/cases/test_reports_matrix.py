"""The reports to the referrer × every persona (``tests/cases/matrix_reports.py``)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import pytest

from tandem.cases.models import Case, CaseReport
from tandem.core.models import User
from tandem.core.roles import OrganisationKind
from tests import factories
from tests.cases.matrix_reports import ROWS
from tests.conftest import World
from tests.matrix_check import check_row
from tests.permission_matrix import PERSONAS, Row


@dataclass
class Fixture:
    world: World
    platform_admin: User
    case: Case  # of the world's provider, referred by its social work centre
    signal: Any  # the latest safety signal about the case's partner
    draft: CaseReport
    awaiting: CaseReport
    held: CaseReport
    sent: CaseReport
    other_case: Case  # of a provider nobody of the world belongs to, referred by another agency
    other_draft: CaseReport
    other_awaiting: CaseReport
    other_sent: CaseReport

    def user(self, persona: str) -> User | None:
        if persona == "anonymous":
            return None
        if persona == "platform_admin":
            return self.platform_admin
        return self.world.persona(persona)


@pytest.fixture(scope="module")
def module_fx(module_world: World) -> Fixture:
    world = module_world
    platform_admin = factories.platform_admin("report_matrix_admin")
    factories.totp_device(platform_admin)
    case = factories.case(world.org, agency=world.agency)
    signal = factories.safety_signal(case, "concern", "Worried about the hearing.")
    other_provider = factories.organisation(name="Provider D", kind=OrganisationKind.PROGRAMME_PROVIDER)
    other_agency = factories.organisation(name="Court C", kind=OrganisationKind.COURT)
    other_case = factories.case(other_provider, agency=other_agency)
    return Fixture(
        world=world,
        platform_admin=platform_admin,
        case=case,
        signal=signal,
        # The reports that left the draft first: one draft of a kind is open at a time.
        awaiting=factories.case_report(case, state="awaiting_review"),
        held=factories.case_report(case, state="held"),
        sent=factories.case_report(case, state="sent"),
        draft=factories.case_report(case),
        other_case=other_case,
        other_awaiting=factories.case_report(other_case, state="awaiting_review"),
        other_sent=factories.case_report(other_case, state="sent"),
        other_draft=factories.case_report(other_case),
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
def test_report_pages_permission_matrix(fx: Fixture, row: Row, persona: str) -> None:
    check_row(fx, row, persona)
