"""Each case gets its schedule of questionnaires when the man starts, keeps it after he leaves
(dropouts included), and his partner's points mirror his."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tandem.cases import actions as case_actions
from tandem.cases.models import Case
from tandem.cases.rules.lifecycle import State as CaseState
from tandem.core import clock, events, work
from tandem.core.models import WorkItem
from tandem.core.roles import Role
from tandem.outcomes import actions
from tandem.outcomes.models import PointState
from tandem.outcomes.rules.schedule import START, ScheduleError, schedule_of
from tests import factories
from tests.conftest import World
from tests.outcomes.support import her_points, his_points, left, started

pytestmark = pytest.mark.django_db


def test_starting_the_programme_schedules_the_start_and_half_way(world: World) -> None:
    points = his_points(started(world.org))
    today = clock.today()
    assert set(points) == {"start", "midway"}
    assert (points["start"].opens_on, points["start"].closes_on) == (today, today + timedelta(days=21))
    assert points["midway"].opens_on == today + timedelta(days=91)


def test_leaving_schedules_the_end_and_two_follow_ups(world: World) -> None:
    points = his_points(left(world.org))
    today = clock.today()
    assert {"end", "follow_up_6", "follow_up_12"} <= set(points)
    assert points["follow_up_6"].opens_on == today + timedelta(days=182)
    assert points["follow_up_12"].opens_on == today + timedelta(days=365)


@pytest.mark.parametrize("how", [CaseState.DROPPED_OUT, CaseState.EXCLUDED])
def test_a_man_who_drops_out_or_is_excluded_keeps_his_follow_ups(world: World, how: CaseState) -> None:
    assert {"end", "follow_up_6", "follow_up_12"} <= set(his_points(left(world.org, how)))


def test_half_way_is_missed_when_he_left_before_it(world: World) -> None:
    midway = his_points(left(world.org, CaseState.DROPPED_OUT))["midway"]
    assert midway.state == PointState.MISSED
    assert not WorkItem.objects.filter(subject_id=str(midway.pk), rule="outcomes.his_questionnaire", state="open")


def test_an_event_delivered_twice_changes_nothing(world: World) -> None:
    case = started(world.org)
    actions.make_schedule(case, START, clock.today())
    assert len(his_points(case)) == 2


def test_each_point_of_his_is_work_for_the_facilitators_due_when_it_closes(world: World) -> None:
    start = his_points(started(world.org))["start"]
    [item] = WorkItem.objects.filter(rule="outcomes.his_questionnaire", subject_id=str(start.pk))
    assert (item.team_role, item.subject_compartment) == ("facilitator", "programme")
    assert item.due_at.date() == start.closes_on


def test_his_partner_gets_the_same_points_on_her_side(world: World) -> None:
    case = factories.case(world.org, state=CaseState.WAITING)
    partner = factories.partner(case)
    events.deliver_pending()
    case = started_from_waiting(case)
    hers, his = her_points(partner), his_points(case)
    assert set(hers) == set(his) == {"start", "midway"}
    assert hers["start"].closes_on == his["start"].closes_on
    [item] = WorkItem.objects.filter(rule="outcomes.her_questionnaire", subject_id=str(hers["start"].pk))
    assert (item.team_role, item.subject_compartment) == ("survivor_worker", "survivor")


def test_a_partner_recorded_after_he_started_gets_the_points_of_the_case(world: World) -> None:
    case = started(world.org)
    partner = factories.partner(case)
    events.deliver_pending()
    assert set(her_points(partner)) == {"start", "midway"}


def test_the_work_on_her_points_never_names_the_case_to_his_side(world: World) -> None:
    case = started(world.org)
    factories.partner(case)
    events.deliver_pending()
    for item in WorkItem.objects.filter(rule="outcomes.her_questionnaire"):
        assert "case" not in item.params
        assert "#" not in work.title_of(item)


def test_a_case_closes_while_its_follow_ups_are_still_to_come(world: World) -> None:
    case = left(world.org, CaseState.CLOSED)
    assert case.state == CaseState.CLOSED
    assert his_points(case)["follow_up_12"].state == PointState.DUE


def started_from_waiting(case: Case) -> Case:
    factories.risk_assessment(case)
    factories.partner_side_ready(case)
    case.refresh_from_db()
    coordinator = factories._someone(case.organisation, Role.COORDINATOR)
    moved = case_actions.move_case(
        case=case, event="start_programme", expected_version=case.version, acting_user=coordinator
    )
    events.deliver_pending()
    return moved


@pytest.mark.parametrize(
    "entry",
    [
        {"point": "later", "anchor": "start", "after_days": 0, "window_days": 1},
        {"point": "start", "anchor": "birthday", "after_days": 0, "window_days": 1},
        {"point": "start", "anchor": "start", "after_days": -3, "window_days": 1},
        {"point": "start", "anchor": "start", "after_days": 0, "window_days": 0},
    ],
)
def test_a_schedule_setting_out_of_shape_is_refused(entry: dict[str, object]) -> None:
    with pytest.raises(ScheduleError):
        schedule_of([entry], ["start", "midway"])
