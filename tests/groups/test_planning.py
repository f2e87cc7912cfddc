"""Planning a group: its schedule from the curriculum, and a team of a woman and a man, or a
recorded reason for going ahead without one; cover for one session is held to the same rule."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from tandem.core import clock
from tandem.geo.models import Country
from tandem.groups import queries
from tandem.groups.actions import GroupRefused, planning
from tandem.groups.models import Group, SessionFacilitator
from tandem.groups.rules.cofacilitation import MIXED_GENDER
from tests import factories
from tests.conftest import World


def test_a_group_is_planned_with_every_session_of_its_curriculum_run_by_its_team(world: World) -> None:
    woman, man = factories.facilitator(world.org, "woman"), factories.facilitator(world.org, "man")
    planned = factories.group(world.org, team=[woman, man])
    sessions = queries.sessions_of(planned)
    assert [s.number for s in sessions] == list(range(1, 27))
    assert all({row.facilitator_id for row in s.facilitators.all()} == {woman.pk, man.pk} for s in sessions)
    assert not planned.override_reason


def test_planning_with_two_men_is_refused_naming_the_rule_and_nothing_is_saved(world: World) -> None:
    men = [factories.facilitator(world.org, "man"), factories.facilitator(world.org, "man")]
    with pytest.raises(GroupRefused) as refused:
        factories.group(world.org, team=men, name="Two men")
    assert refused.value.rule == MIXED_GENDER
    assert "woman" in refused.value.message
    assert not Group.objects.filter(name="Two men").exists()


def test_going_ahead_without_a_mixed_team_needs_a_reason_that_is_kept_on_every_session(world: World) -> None:
    men = [factories.facilitator(world.org, "man"), factories.facilitator(world.org, "man")]
    planned = factories.group(world.org, team=men, override_reason="No woman facilitator until March.")
    assert planned.override_reason == "No woman facilitator until March."
    assert {s.override_reason for s in queries.sessions_of(planned)} == {"No woman facilitator until March."}


def test_going_ahead_without_a_reason_is_refused_beside_the_reason(world: World) -> None:
    men = [factories.facilitator(world.org, "man"), factories.facilitator(world.org, "man")]
    with pytest.raises(ValidationError) as invalid:
        planning.plan_group(
            organisation=world.org,
            plan=planning.GroupPlan(
                name="No reason",
                curriculum="tandem-generic-1",
                intake="closed",
                venue="Community centre",
                weekday=1,
                start_date=clock.today(),
                start_time=time(17, 30),
                capacity=10,
                language="sq",
            ),
            facilitator_ids=[m.pk for m in men],
            override=True,
            override_reason="  ",
            acting_user=world.coordinator,
        )
    assert "override_reason" in invalid.value.message_dict
    assert not Group.objects.filter(name="No reason").exists()


def test_a_week_whose_day_is_a_public_holiday_is_skipped(world: World) -> None:
    # Albania's Independence Day, 28 November 2026, is a Saturday: the session of that week
    # moves to the next Saturday and every later one follows.
    world.org.country = Country.objects.get(code="AL")
    world.org.save()
    team = [factories.facilitator(world.org, "woman"), factories.facilitator(world.org, "man")]
    with clock.frozen(datetime(2026, 11, 1, 12, tzinfo=UTC)):
        planned = _plan_saturday_group(world, team)
    days = [s.start.date() for s in queries.sessions_of(planned)[:3]]
    assert days == [date(2026, 11, 21), date(2026, 12, 5), date(2026, 12, 12)]


def _plan_saturday_group(world: World, team: list[Any]) -> Group:
    return planning.plan_group(
        organisation=world.org,
        plan=planning.GroupPlan(
            name="Saturday group",
            curriculum="tandem-generic-1",
            intake="closed",
            venue="Centre",
            weekday=5,
            start_time=time(18, 0),
            start_date=date(2026, 11, 21),
            capacity=10,
            language="sq",
        ),
        facilitator_ids=[p.pk for p in team],
        acting_user=world.coordinator,
    )


def test_a_facilitator_may_not_plan_a_group(world: World) -> None:
    team = [factories.facilitator(world.org, "woman"), factories.facilitator(world.org, "man")]
    with pytest.raises(GroupRefused):
        planning.plan_group(
            organisation=world.org,
            plan=planning.GroupPlan("G", "tandem-generic-1", "closed", "Centre", 1, time(18), clock.today(), 8, "sq"),
            facilitator_ids=[p.pk for p in team],
            acting_user=world.facilitator,
        )


def test_an_unknown_curriculum_and_a_language_it_is_not_written_in_are_named(world: World) -> None:
    team = [factories.facilitator(world.org, "woman"), factories.facilitator(world.org, "man")]
    with pytest.raises(ValidationError) as invalid:
        planning.plan_group(
            organisation=world.org,
            plan=planning.GroupPlan("G", "nonsense-9", "closed", "", 1, time(18), clock.today(), 0, "sq"),
            facilitator_ids=[p.pk for p in team],
            acting_user=world.coordinator,
        )
    assert {"curriculum", "venue", "capacity"} <= set(invalid.value.message_dict)


def test_cover_that_leaves_two_men_is_refused_and_a_woman_as_cover_is_accepted(world: World) -> None:
    woman, man = factories.facilitator(world.org, "woman"), factories.facilitator(world.org, "man")
    planned = factories.group(world.org, team=[woman, man])
    session = queries.sessions_of(planned)[3]
    other_man, cover = factories.facilitator(world.org, "man"), factories.facilitator(world.org, "woman")
    with pytest.raises(GroupRefused):
        planning.set_session_team(
            session=session,
            facilitator_ids=[man.pk, other_man.pk],
            expected_version=session.version,
            acting_user=world.coordinator,
        )
    planning.set_session_team(
        session=session,
        facilitator_ids=[man.pk, cover.pk],
        expected_version=session.version,
        acting_user=world.coordinator,
    )
    rows = {row.facilitator_id: row.cover for row in SessionFacilitator.objects.filter(session=session)}
    assert rows == {man.pk: False, cover.pk: True}


def test_moving_one_session_moves_only_that_one(world: World) -> None:
    planned = factories.group(world.org, start_date=clock.today())
    sessions = queries.sessions_of(planned)
    target = sessions[4]
    new_start = target.start + (sessions[5].start - target.start) / 7 * 2
    planning.move_session(
        session=target, new_start=new_start, expected_version=target.version, acting_user=world.coordinator
    )
    after = queries.sessions_of(planned)
    assert after[4].start == new_start
    assert [s.start for i, s in enumerate(after) if i != 4] == [s.start for i, s in enumerate(sessions) if i != 4]


def test_moving_a_session_past_the_next_one_is_refused_with_the_day_to_choose(world: World) -> None:
    planned = factories.group(world.org, start_date=clock.today())
    sessions = queries.sessions_of(planned)
    with pytest.raises(ValidationError) as invalid:
        planning.move_session(
            session=sessions[4],
            new_start=sessions[7].start,
            expected_version=sessions[4].version,
            acting_user=world.coordinator,
        )
    assert "start" in invalid.value.message_dict


def test_the_move_page_says_what_is_wrong_with_the_day_beside_the_day(world: World) -> None:
    from django.urls import reverse

    from tests.conftest import signed_in_client

    planned = factories.group(world.org, start_date=clock.today())
    sessions = queries.sessions_of(planned)
    too_late = sessions[7].start.astimezone(clock.now().tzinfo)
    response = signed_in_client(world.coordinator).post(
        reverse("groups:session_move", args=[planned.pk, sessions[4].pk]),
        {"version": sessions[4].version, "day": too_late.date().isoformat(), "time": "18:00"},
    )
    assert response.status_code == 422
    assert "day" in response.context["form"].errors
    assert "start" not in response.context["form"].errors


def test_the_weekday_reads_in_lower_case_inside_a_sentence_in_the_regions_languages(world: World) -> None:
    from django.utils import translation

    planned = factories.group(world.org)
    with translation.override("sq"):
        assert planned.weekday_name == planned.weekday_name.lower()
    with translation.override("en"):
        assert planned.weekday_name == "Tuesday"
