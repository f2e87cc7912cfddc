"""The safety gates of a case, with the records they read made by the people who make them:
the risk assessment by the programme, the partner's contact and the explanation of the
programme's limits by the survivor side, and safety work through the work items."""

from __future__ import annotations

import pytest

from tandem.cases import actions
from tandem.cases.actions import CaseRefused
from tandem.cases.models import Case
from tandem.cases.rules.lifecycle import State
from tandem.core import work
from tandem.core.models import AuditEntry, WorkItem
from tandem.core.roles import Role
from tests import factories
from tests.conftest import World

pytestmark = pytest.mark.django_db


def start(case: Case, world: World) -> Case:
    return actions.move_case(
        case=case, event="start_programme", expected_version=case.version, acting_user=world.coordinator
    )


def refused_gate(case: Case, world: World) -> str:
    with pytest.raises(CaseRefused) as refused:
        start(case, world)
    return refused.value.gate


def test_no_start_without_a_completed_risk_assessment(world: World) -> None:
    case = factories.case(world.org, state=State.WAITING)
    factories.partner_side_ready(case)
    assert refused_gate(case, world) == "risk_assessed"


def test_no_start_while_the_survivor_side_has_recorded_nothing(world: World) -> None:
    case = factories.case(world.org, state=State.WAITING)
    factories.risk_assessment(case)
    assert refused_gate(case, world) == "partner_contact"


def test_no_start_while_the_limits_are_not_explained_to_her(world: World) -> None:
    case = factories.case(world.org, state=State.WAITING)
    factories.risk_assessment(case)
    factories.partner_side_ready(case, limits_explained=False)
    assert refused_gate(case, world) == "limitations_explained"


def test_a_recorded_reason_why_contact_is_impossible_settles_the_contact(world: World) -> None:
    case = factories.case(world.org, state=State.WAITING)
    factories.risk_assessment(case)
    factories.partner_side_ready(case, offered=False, impossible_because="She moved abroad; no way to reach her.")
    assert start(case, world).state == State.IN_PROGRAMME


def test_with_every_record_made_the_man_starts_in_a_group(world: World) -> None:
    case = factories.case(world.org, state=State.WAITING)
    factories.risk_assessment(case)
    factories.partner_side_ready(case)
    assert start(case, world).state == State.IN_PROGRAMME
    assert AuditEntry.objects.filter(action="cases.case.start_programme", object_id=str(case.pk)).exists()


def test_the_refusal_names_the_gate_in_the_persons_language(world: World) -> None:
    from django.utils import translation

    case = factories.case(world.org, state=State.WAITING)
    with translation.override("sr"), pytest.raises(CaseRefused) as refused:
        start(case, world)
    assert "процен" in refused.value.message.lower() or "ризик" in refused.value.message.lower()


SAFETY = work.register(
    work.WorkRule(key="test.safety", title="Inform the partner", due=work.WorkingDays(1))  # type: ignore[arg-type]
)


def test_a_case_cannot_be_closed_while_safety_work_on_it_is_open(world: World) -> None:
    case = factories.case(world.org, state=State.COMPLETED)
    work.open_work(rule=SAFETY, organisation=world.org, subject=case, params={}, team_role=Role.SURVIVOR_WORKER)
    with pytest.raises(CaseRefused) as refused:
        actions.move_case(case=case, event="close", expected_version=case.version, acting_user=world.coordinator)
    assert refused.value.gate == "no_open_safety_work"
    assert Case.objects.get(pk=case.pk).state == State.COMPLETED


def test_a_case_closes_once_its_safety_work_is_done(world: World) -> None:
    case = factories.case(world.org, state=State.COMPLETED)
    work.open_work(rule=SAFETY, organisation=world.org, subject=case, params={}, team_role=Role.SURVIVOR_WORKER)
    work.close_work(rule=SAFETY, subject=case, fulfilled_by="test", acting_user=world.survivor_worker)
    closed = actions.move_case(case=case, event="close", expected_version=case.version, acting_user=world.coordinator)
    assert closed.state == State.CLOSED
    assert not WorkItem.objects.filter(subject_id=str(case.pk), state=WorkItem.State.OPEN).exists()


def test_the_case_page_shows_only_yes_no_or_a_date_of_the_partners_side(world: World) -> None:
    from tests.conftest import signed_in_client

    case = factories.case(world.org, state=State.WAITING)
    factories.partner_side_ready(case, offered=False, impossible_because="CANARY-she lives at 12 Rruga")
    page = signed_in_client(world.coordinator).get(f"/cases/{case.pk}/").content.decode()
    assert "CANARY" not in page
    assert "the reason is recorded" in page
