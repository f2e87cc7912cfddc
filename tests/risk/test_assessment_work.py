"""Assessments that cannot be forgotten: the events of a case make an assessment due (at
intake, after a new incident, at exit) as work for its coordinators, and the assessment that
does it closes it; the start gate passes once the risk is assessed."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tandem.cases import actions as case_actions
from tandem.cases.actions.records import add_note
from tandem.cases.models import Case
from tandem.cases.queries import case_facts
from tandem.cases.rules.lifecycle import State
from tandem.core import clock, events, work
from tandem.core.models import Organisation, WorkItem
from tandem.core.queries import get_open_work_on
from tandem.core.roles import OrganisationKind, Role
from tandem.geo.models import Country
from tandem.risk.work_rules import (
    DUE_ASSESSMENTS,
    EXIT_ASSESSMENT,
    INTAKE_ASSESSMENT,
    OPENED_BY_EVENT,
    REASSESS_AFTER_INCIDENT,
)
from tests import factories
from tests.conftest import World, signed_in_client
from tests.risk.support import STANDARD, form_data, work_on

pytestmark = pytest.mark.django_db

BELGRADE = ZoneInfo("Europe/Belgrade")
# Monday 7 December 2026; 8 December is a public holiday in Albania.
MONDAY = datetime(2026, 12, 7, 11, tzinfo=BELGRADE)


@pytest.fixture
def albanian_provider() -> Organisation:
    provider = factories.organisation(
        name="Provider in Tirana", kind=OrganisationKind.PROGRAMME_PROVIDER, country=Country.objects.get(code="AL")
    )
    factories.member(provider, Role.COORDINATOR, with_device=False)
    return provider


def opened(provider: Organisation, **fields: object) -> Case:
    with clock.frozen(MONDAY):
        made = factories.case(provider, **fields)  # type: ignore[arg-type]
    events.deliver_pending()
    return made


def assess(case: Case, occasion: str, trigger: str = "") -> None:
    factories.risk_assessment(case, answers=STANDARD, occasion=occasion, trigger=trigger)
    events.deliver_pending()


def test_the_rules_are_a_table_of_events_and_the_work_they_open() -> None:
    assert {kind: [due.rule.key for due in dues] for kind, dues in OPENED_BY_EVENT.items()} == {
        "case.opened": ["risk.intake_assessment"],
        "case.new_incident": ["risk.reassess_after_incident"],
        "attendance.partner_concern": ["risk.reassess_after_group_concern"],
        "case.completed": ["risk.exit_assessment"],
        "case.dropped_out": ["risk.exit_assessment"],
        "case.excluded": ["risk.exit_assessment"],
    }
    assert len(DUE_ASSESSMENTS) == 4


def test_an_opened_case_waits_for_its_intake_assessment(albanian_provider: Organisation) -> None:
    case = opened(albanian_provider)
    [item] = work_on(case, INTAKE_ASSESSMENT.key)
    assert (item.team_role, item.organisation, item.state) == ("coordinator", albanian_provider, "open")
    assert item.params["country_code"] == "AL"
    # Ten working days of Albania: 8 December is National Youth Day.
    assert item.due_at == datetime(2026, 12, 22, 11, tzinfo=BELGRADE)
    assert work.title_of(item) == f"Assess the risk in case #{case.pk} at intake"
    assert work.link_of(item) == f"/cases/{case.pk}/risk/new/?occasion=intake"


def test_without_a_country_the_intake_is_due_in_ten_weekdays(world: World) -> None:
    case = opened(world.org)
    [item] = work_on(case, INTAKE_ASSESSMENT.key)
    assert "country_code" not in item.params
    assert item.due_at == datetime(2026, 12, 21, 11, tzinfo=BELGRADE)


def test_the_first_assessment_closes_the_intake_work(world: World) -> None:
    case = opened(world.org)
    assess(case, "intake")
    [item] = work_on(case, INTAKE_ASSESSMENT.key)
    assert (item.state, item.fulfilled_by) == (WorkItem.State.DONE, "risk.assessment.recorded")


def test_the_first_assessment_on_the_web_closes_the_intake_work(world: World) -> None:
    case = opened(world.org)
    response = signed_in_client(world.facilitator).post(f"/cases/{case.pk}/risk/new/", form_data(STANDARD))
    assert response.status_code == 302
    [item] = work_on(case, INTAKE_ASSESSMENT.key)
    assert (item.state, item.closed_by) == (WorkItem.State.DONE, world.facilitator)


def test_a_man_assessed_before_the_event_arrives_has_no_intake_work(world: World) -> None:
    case = factories.case(world.org)
    factories.risk_assessment(case)
    events.deliver_pending()
    assert work_on(case, INTAKE_ASSESSMENT.key) == []


def test_a_man_found_not_suitable_needs_no_intake_assessment(world: World) -> None:
    case = opened(world.org, state=State.ASSESSMENT)
    case_actions.move_case(
        case=case,
        event="assess_unsuitable",
        expected_version=case.version,
        reason="He denies any violence.",
        acting_user=world.coordinator,
    )
    events.deliver_pending()
    [item] = work_on(case, INTAKE_ASSESSMENT.key)
    assert (item.state, item.fulfilled_by) == (WorkItem.State.CANCELLED, "case.not_suitable")


def incident(case: Case, world: World) -> None:
    with clock.frozen(MONDAY):
        add_note(case=case, category="incident", text="Police called to her flat.", acting_user=world.facilitator)
    events.deliver_pending()


def test_a_new_incident_makes_a_reassessment_due_in_two_working_days(albanian_provider: Organisation) -> None:
    case = opened(albanian_provider)
    assess(case, "intake")
    facilitator = factories.member(albanian_provider, Role.FACILITATOR, with_device=False)
    with clock.frozen(MONDAY):
        add_note(case=case, category="incident", text="Police called to her flat.", acting_user=facilitator)
    events.deliver_pending()
    [item] = work_on(case, REASSESS_AFTER_INCIDENT.key)
    assert (item.team_role, item.priority) == ("coordinator", WorkItem.Priority.HIGH)
    assert item.due_at == datetime(2026, 12, 10, 11, tzinfo=BELGRADE)
    assert work.link_of(item) == f"/cases/{case.pk}/risk/new/?occasion=trigger&trigger=new_incident"


def test_an_assessment_before_the_incident_does_not_do_the_reassessment(world: World) -> None:
    case = opened(world.org)
    assess(case, "trigger", "court_date")
    incident(case, world)
    assert [item.state for item in work_on(case, REASSESS_AFTER_INCIDENT.key)] == [WorkItem.State.OPEN]


def test_the_next_assessment_after_a_trigger_closes_the_reassessment(world: World) -> None:
    case = opened(world.org)
    assess(case, "intake")
    incident(case, world)
    assess(case, "mid_programme")
    assert [item.state for item in work_on(case, REASSESS_AFTER_INCIDENT.key)] == [WorkItem.State.OPEN]
    assess(case, "trigger", "new_incident")
    assert [item.state for item in work_on(case, REASSESS_AFTER_INCIDENT.key)] == [WorkItem.State.DONE]


@pytest.mark.parametrize("state", [State.COMPLETED, State.DROPPED_OUT, State.EXCLUDED])
def test_the_end_of_the_programme_makes_an_exit_assessment_due(world: World, state: State) -> None:
    case = opened(world.org, state=state)
    [item] = work_on(case, EXIT_ASSESSMENT.key)
    assert item.state == WorkItem.State.OPEN
    assert work.link_of(item) == f"/cases/{case.pk}/risk/new/?occasion=exit"


def test_an_exit_assessment_closes_the_exit_work_and_no_other_does(world: World) -> None:
    case = opened(world.org, state=State.COMPLETED)
    assess(case, "mid_programme")
    assert [item.state for item in work_on(case, EXIT_ASSESSMENT.key)] == [WorkItem.State.OPEN]
    assess(case, "exit")
    assert [item.state for item in work_on(case, EXIT_ASSESSMENT.key)] == [WorkItem.State.DONE]


def test_an_exit_assessment_made_before_the_completion_counts(world: World) -> None:
    case = factories.case(world.org, state=State.IN_PROGRAMME)
    factories.risk_assessment(case, occasion="exit")
    case_actions.move_case(case=case, event="complete", expected_version=case.version, acting_user=world.coordinator)
    events.deliver_pending()
    assert work_on(case, EXIT_ASSESSMENT.key) == []


def test_open_exit_work_keeps_the_case_from_being_closed(world: World) -> None:
    case = opened(world.org, state=State.COMPLETED)
    assert case_facts(case).open_safety_work
    assess(case, "exit")
    # What keeps it from closing now is only the survivor side's work of telling the partner.
    open_rules = {item.rule for item in get_open_work_on(case)}
    assert "risk.exit_assessment" not in open_rules
    assert open_rules <= {"survivors.inform_completion", "survivors.offer_support"}


def test_the_start_gate_passes_the_risk_fact_once_an_assessment_exists(world: World) -> None:
    case = factories.case(world.org, state=State.WAITING)
    factories.partner_side_ready(case)
    assert not case_facts(case).risk_assessed
    with pytest.raises(case_actions.CaseRefused) as refused:
        case_actions.move_case(
            case=case, event="start_programme", expected_version=case.version, acting_user=world.coordinator
        )
    assert refused.value.gate == "risk_assessed"
    signed_in_client(world.facilitator).post(f"/cases/{case.pk}/risk/new/", form_data(STANDARD))
    assert case_facts(case).risk_assessed
    moved = case_actions.move_case(
        case=case, event="start_programme", expected_version=case.version, acting_user=world.coordinator
    )
    assert moved.state == State.IN_PROGRAMME
