"""Completion by dosage: a man in a group completes through case work's step, and only once his
attendance meets the curriculum's rule; however his case ends, he leaves the group."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tandem.cases.actions import CaseRefused, move_case
from tandem.cases.models import Case
from tandem.core import clock, events
from tandem.groups import queries
from tandem.groups.actions import attendance
from tandem.groups.models import CatchUpState, MembershipState
from tests import factories
from tests.conftest import World


def _finished_group(world: World, missed: set[int]):
    planned = factories.group(world.org, start_date=clock.today() - timedelta(days=7 * 30))
    member = factories.allocated(world.org, planned)
    for session in queries.sessions_of(planned):
        code = "acceptable_absence" if session.number in missed else "attended"
        factories.session_recorded(session, {member.pk: code})
    return planned, member


def _complete(case: Case, world: World) -> Case:
    case.refresh_from_db()
    return move_case(case=case, event="complete", expected_version=case.version, acting_user=world.coordinator)


def test_completion_is_refused_while_his_attendance_falls_short(world: World) -> None:
    curriculum_sessions = 26
    _planned, member = _finished_group(world, missed=set(range(1, curriculum_sessions - 10)))
    with pytest.raises(CaseRefused) as refused:
        _complete(member.case, world)
    assert refused.value.gate == "dosage_met"


def test_completion_waits_for_a_missed_catch_up_session_to_be_made_up(world: World) -> None:
    planned, member = _finished_group(world, missed=set())
    must = next(s.number for s in queries.curriculum_of(planned).sessions if s.catch_up)
    # He missed one session that must be made up: recorded as an absence instead.
    session = next(s for s in queries.sessions_of(planned) if s.number == must)
    attendance.record_session(
        session=session,
        held=True,
        marks=[attendance.Mark(member.pk, "acceptable_absence")],
        expected_version=session.version,
        submission=None,
        acting_user=world.coordinator,
    )
    with pytest.raises(CaseRefused):
        _complete(member.case, world)
    catch_up = attendance.plan_catch_up(
        membership=member,
        number=must,
        start=clock.now() - timedelta(hours=2),
        facilitator=queries.team_of(planned)[0],
        acting_user=world.coordinator,
    )
    attendance.record_catch_up(
        catch_up=catch_up, attended=True, expected_version=catch_up.version, acting_user=world.facilitator
    )
    assert catch_up.state == CatchUpState.ATTENDED
    assert _complete(member.case, world).state == "completed"


def test_a_man_whose_case_ends_leaves_his_group(world: World) -> None:
    planned = factories.group(world.org)
    member = factories.allocated(world.org, planned)
    case = member.case
    case.refresh_from_db()
    move_case(
        case=case, event="drop_out", expected_version=case.version, acting_user=world.coordinator, reason="Moved away."
    )
    events.deliver_pending()
    member.refresh_from_db()
    assert member.state == MembershipState.ENDED
    assert member.ended_as == "dropped_out"
