"""The fidelity figures of group work (``tandem.groups.fidelity``), from a small provider whose
story is told through the actions: one group of three men over ten weeks, with a session led
under an override by a stand-in, one that did not take place, two never recorded, a dropout, a
completion and catch-ups; a second group of the same provider outside the programme; a group
of another provider."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tandem.cases import actions as case_actions
from tandem.core import clock, events
from tandem.core.models import AuditEntry, Organisation, User
from tandem.groups import queries
from tandem.groups.actions import allocation, attendance, planning
from tandem.groups.fidelity import Band, Scope, band_of, bands_for, fidelity
from tandem.groups.models import FacilitatorProfile, Group, GroupSession, Membership, SessionFacilitator
from tandem.mapping.models import Programme
from tests import factories
from tests.conftest import World, signed_in_client

pytestmark = pytest.mark.django_db

A, LATE, EXCUSED, NO_SHOW = "attended", "late", "acceptable_absence", "unacceptable_absence"


def planned(
    provider: Organisation,
    team: list[FacilitatorProfile],
    *,
    coordinator: User,
    weeks_ago: int,
    programme: Programme | None = None,
    name: str = "Tuesday group",
    override_reason: str = "",
) -> Group:
    """A group on the shipped curriculum, planned by the provider's coordinator (``factories.group``
    with a programme)."""
    return planning.plan_group(
        organisation=provider,
        plan=planning.GroupPlan(
            name=name,
            curriculum="tandem-generic-1",
            intake="closed",
            venue="Community centre, room 2",
            weekday=1,
            start_time=time(17, 30),
            start_date=clock.today() - timedelta(weeks=weeks_ago),
            capacity=12,
            language="sq",
            programme_id=programme.pk if programme is not None else None,
        ),
        facilitator_ids=[profile.pk for profile in team],
        override=bool(override_reason),
        override_reason=override_reason,
        acting_user=coordinator,
    )


def record(session: GroupSession, codes: dict[Membership, str]) -> None:
    factories.session_recorded(session, {membership.pk: code for membership, code in codes.items()})


def local_day(moment: datetime) -> date:
    return timezone.localdate(moment)


@dataclass
class Story:
    world: World
    programme: Programme
    group: Group
    sessions: list[GroupSession]
    m1: Membership  # attends all seven held sessions, then completes
    m2: Membership  # attends two, misses four, drops out
    m3: Membership  # attends four, excused for three, makes one up
    other_group: Group  # the provider's, outside the programme: one session held under an override
    foreign_group: Group  # another provider's: one session held
    now: datetime  # the report's clock: an hour after the tenth session ended

    def scope(self, **narrower: object) -> Scope:
        """The first session's day to the last one's, for the provider's groups."""
        whole = Scope(
            organisation_id=self.world.org.pk,
            start=local_day(self.sessions[0].start),
            end=local_day(self.sessions[-1].start),
        )
        return replace(whole, **narrower)  # type: ignore[arg-type]


def tell_story(world: World) -> Story:
    woman, man = factories.facilitator(world.org, "woman"), factories.facilitator(world.org, "man")
    stand_in = factories.facilitator(world.org, "woman")
    programme = factories.programme(provider=world.org)
    # Planned and filled a week before it began, as a provider does.
    with clock.frozen(clock.now() - timedelta(weeks=13)):
        group = planned(world.org, [woman, man], coordinator=world.coordinator, weeks_ago=-1, programme=programme)
        m1, m2, m3 = (factories.allocated(world.org, group) for _ in range(3))
    s = queries.sessions_of(group)
    for number in (1, 2):
        record(s[number - 1], {m1: A, m2: A, m3: A})
    for number in (3, 4):
        record(s[number - 1], {m1: A, m2: NO_SHOW, m3: A})
    for number in (5, 6):
        record(s[number - 1], {m1: A, m2: NO_SHOW, m3: EXCUSED})
    m2.case.refresh_from_db()
    with clock.frozen(s[5].end + timedelta(hours=1)):
        case_actions.move_case(
            case=m2.case,
            event="drop_out",
            expected_version=m2.case.version,
            acting_user=world.coordinator,
            reason="Stopped coming after the second session.",
        )
        events.deliver_pending()
    planning.set_session_team(
        session=s[6],
        facilitator_ids=[woman.pk, stand_in.pk],
        expected_version=s[6].version,
        acting_user=world.coordinator,
        override=True,
        override_reason="The man facilitator was ill and no man could stand in.",
    )
    s[6].refresh_from_db()
    record(s[6], {m1: LATE, m3: EXCUSED})
    with clock.frozen(s[6].end + timedelta(hours=1)):
        allocation.end_membership(m1.case, "completed")
    attendance.record_session(
        session=s[7],
        held=False,
        marks=[],
        expected_version=s[7].version,
        submission=None,
        acting_user=world.coordinator,
    )
    m3.refresh_from_db()
    for number in (5,):
        catch_up = attendance.plan_catch_up(
            membership=m3,
            number=number,
            start=s[number - 1].start + timedelta(days=2),
            facilitator=woman,
            acting_user=world.coordinator,
        )
        attendance.record_catch_up(
            catch_up=catch_up, attended=True, expected_version=catch_up.version, acting_user=world.coordinator
        )
    other_group = planned(
        world.org,
        [man, factories.facilitator(world.org, "man")],
        coordinator=world.coordinator,
        weeks_ago=12,
        name="Thursday group",
        override_reason="No woman facilitator is free on Thursdays.",
    )
    record(queries.sessions_of(other_group)[0], {})
    foreign_group = factories.group(world.other_org, start_date=clock.today() - timedelta(weeks=12))
    factories.session_recorded(queries.sessions_of(foreign_group)[0])
    for membership in (m1, m2, m3):
        membership.refresh_from_db()
    return Story(
        world=world,
        programme=programme,
        group=group,
        sessions=queries.sessions_of(group),
        m1=m1,
        m2=m2,
        m3=m3,
        other_group=other_group,
        foreign_group=foreign_group,
        now=s[9].end + timedelta(hours=1),
    )


@pytest.fixture(scope="module")
def module_story(module_world: World) -> Story:
    return tell_story(module_world)


@pytest.fixture
def story(module_story: Story, world: World) -> Story:
    return replace(module_story, world=world)


# --- Sessions ------------------------------------------------------------------------------------


def test_delivery_counts_held_sessions_against_those_due(story: Story) -> None:
    with clock.frozen(story.now):
        sessions = fidelity(story.scope(group_id=story.group.pk)).sessions
    assert (sessions.scheduled, sessions.held, sessions.cancelled, sessions.unrecorded, sessions.upcoming) == (
        26,
        7,
        1,
        2,
        16,
    )
    assert sessions.due == 10
    assert sessions.delivery_rate == pytest.approx(0.7)


def test_a_session_held_under_an_override_counts_against_the_mixed_gender_rate(story: Story) -> None:
    with clock.frozen(story.now):
        sessions = fidelity(story.scope(group_id=story.group.pk)).sessions
    assert (sessions.mixed, sessions.overridden) == (6, 1)
    assert sessions.mixed_rate == pytest.approx(6 / 7)


def test_an_override_kept_on_a_session_counts_against_the_rate_whatever_its_team(world: World) -> None:
    # The actions keep a reason only for a team that breaks the rule; a reason on the record
    # still means the rule was set aside for the session, so it is never counted as met.
    group = planned(
        world.org,
        [factories.facilitator(world.org, "woman"), factories.facilitator(world.org, "man")],
        coordinator=world.coordinator,
        weeks_ago=3,
        name="Monday group",
    )
    first = queries.sessions_of(group)[0]
    GroupSession._base_manager.filter(pk=first.pk).update(override_reason="Recorded by an earlier version.")
    factories.session_recorded(first)
    scope = Scope(organisation_id=world.org.pk, group_id=group.pk, start=local_day(first.start), end=clock.today())
    sessions = fidelity(scope).sessions
    assert (sessions.held, sessions.mixed, sessions.overridden) == (1, 0, 1)


def test_a_session_led_without_a_man_is_not_mixed_even_without_an_override(world: World) -> None:
    # The actions never save such a team without a reason; the figures read the team itself.
    man = factories.facilitator(world.org, "man")
    group = planned(
        world.org, [factories.facilitator(world.org, "woman"), man], coordinator=world.coordinator, weeks_ago=3
    )
    first = queries.sessions_of(group)[0]
    SessionFacilitator._base_manager.filter(session_id=first.pk, facilitator_id=man.pk).delete()
    factories.session_recorded(first)
    scope = Scope(organisation_id=world.org.pk, group_id=group.pk, start=local_day(first.start), end=clock.today())
    sessions = fidelity(scope).sessions
    assert (sessions.held, sessions.mixed, sessions.overridden) == (1, 0, 0)


def test_a_group_planned_under_an_override_has_no_mixed_session(story: Story) -> None:
    with clock.frozen(story.now):
        sessions = fidelity(story.scope(group_id=story.other_group.pk)).sessions
    assert (sessions.held, sessions.mixed, sessions.overridden) == (1, 0, 1)
    assert sessions.mixed_rate == 0


def test_a_stand_in_counts_against_continuity(story: Story) -> None:
    with clock.frozen(story.now):
        sessions = fidelity(story.scope(group_id=story.group.pk)).sessions
    assert (sessions.covered, sessions.own_team) == (1, 6)
    assert sessions.continuity_rate == pytest.approx(6 / 7)


def test_group_size_counts_men_expected_and_present_late_included(story: Story) -> None:
    with clock.frozen(story.now):
        sessions = fidelity(story.scope(group_id=story.group.pk)).sessions
    assert (sessions.expected, sessions.present) == (20, 13)
    assert sessions.average_present == pytest.approx(13 / 7)


def test_the_months_add_up_to_the_period(story: Story) -> None:
    with clock.frozen(story.now):
        figures = fidelity(story.scope(group_id=story.group.pk))
    assert figures.months[0].month == story.scope().start.replace(day=1)
    assert len(figures.months) >= 6
    for name in ("held", "cancelled", "unrecorded", "expected", "present"):
        assert sum(getattr(m.sessions, name) for m in figures.months) == getattr(figures.sessions, name), name


def test_nothing_is_due_before_its_time() -> None:
    # Without a session held, a rate is not 0: there is nothing to divide.
    from tandem.groups.fidelity import Sessions

    assert Sessions(scheduled=3, upcoming=3).delivery_rate is None
    assert Sessions().mixed_rate is None


# --- Men -----------------------------------------------------------------------------------------


def test_dosage_counts_attended_sessions_and_catch_ups_each_once(story: Story) -> None:
    # m1 attended 7 (late counts); m2 2; m3 4 and made up the fifth (his catch-up of the second,
    # which he had attended, adds nothing): 7, 2 and 5 against a minimum of 22.
    with clock.frozen(story.now):
        figures = fidelity(story.scope(group_id=story.group.pk))
    assert [(band.low, band.high, band.count) for band in figures.bands] == [
        (0, 5, 2),
        (6, 10, 1),
        (11, 16, 0),
        (17, 21, 0),
        (22, None, 0),
    ]
    assert figures.men.reached_minimum == 0
    assert figures.minimums == (22,)


def test_completion_and_dropout_are_shares_of_the_men_who_left_in_the_period(story: Story) -> None:
    with clock.frozen(story.now):
        men = fidelity(story.scope(group_id=story.group.pk)).men
    assert (men.in_groups, men.ended, men.completed, men.dropped_out, men.excluded) == (3, 2, 1, 1, 0)
    assert (men.completion_rate, men.dropout_rate) == (0.5, 0.5)


def test_men_gone_before_the_period_are_not_in_it(story: Story) -> None:
    after = local_day(story.sessions[7].start)
    with clock.frozen(story.now):
        figures = fidelity(story.scope(group_id=story.group.pk, start=after))
    assert (figures.men.in_groups, figures.men.ended) == (1, 0)
    assert figures.men.completion_rate is None
    assert (figures.sessions.held, figures.sessions.cancelled) == (0, 1)


def test_sessions_after_the_period_count_for_nobody(story: Story) -> None:
    # The period ends before the catch-up of the fifth session: m3 has only his four.
    with clock.frozen(story.now):
        figures = fidelity(story.scope(group_id=story.group.pk, end=local_day(story.sessions[3].start)))
    assert figures.sessions.held == 4
    assert [band.count for band in figures.bands] == [3, 0, 0, 0, 0]


# --- Which groups --------------------------------------------------------------------------------


def test_the_provider_report_has_a_row_per_group_and_none_of_another_provider(story: Story) -> None:
    with clock.frozen(story.now):
        figures = fidelity(story.scope())
    assert [row.group_id for row in figures.groups] == [story.other_group.pk, story.group.pk]
    assert figures.sessions.held == 8
    assert figures.sessions.overridden == 2
    row = figures.groups[1]
    assert (row.programme, row.sessions.held, row.men.in_groups, row.dosage) == (
        story.programme.name,
        7,
        3,
        (2, 1, 0, 0, 0),
    )


def test_a_programme_report_leaves_out_the_groups_of_no_programme(story: Story) -> None:
    with clock.frozen(story.now):
        figures = fidelity(story.scope(programme_id=story.programme.pk))
    assert [row.group_id for row in figures.groups] == [story.group.pk]
    assert figures.sessions.held == 7


def test_a_period_without_sessions_or_men_has_no_rows(story: Story) -> None:
    before = story.scope().start - timedelta(days=400)
    with clock.frozen(story.now):
        figures = fidelity(story.scope(start=before, end=before + timedelta(days=30)))
    assert figures.groups == []
    assert figures.sessions.delivery_rate is None


def test_a_scope_cannot_end_before_it_starts() -> None:
    with pytest.raises(ValueError, match="ends on or after"):
        Scope(organisation_id=1, start=date(2026, 2, 1), end=date(2026, 1, 31))


# --- Dosage bands ---------------------------------------------------------------------------------


def test_the_bands_are_quarters_of_the_way_to_the_minimum() -> None:
    assert [band_of(n, 22) for n in (0, 5, 6, 10, 11, 16, 17, 21, 22, 26)] == [0, 0, 1, 1, 2, 2, 3, 3, 4, 4]


def test_a_small_minimum_leaves_out_the_bands_no_count_falls_in() -> None:
    assert bands_for([1, 0, 2, 0, 3], {2}) == [
        Band(index=0, count=1, low=0, high=0),
        Band(index=2, count=2, low=1, high=1),
        Band(index=4, count=3, low=2, high=None),
    ]


def test_curricula_with_different_minimums_give_bands_without_sessions() -> None:
    assert [band.low for band in bands_for([1, 1, 1, 1, 1], {22, 18})] == [None] * 5


# --- Queries --------------------------------------------------------------------------------------


def test_the_figures_take_five_queries_however_many_men(world: World) -> None:
    team = [factories.facilitator(world.org, "woman"), factories.facilitator(world.org, "man")]
    first = planned(world.org, team, coordinator=world.coordinator, weeks_ago=6, name="First")
    men = [factories.allocated(world.org, first) for _ in range(2)]
    factories.session_recorded(queries.sessions_of(first)[0])
    scope = Scope(organisation_id=world.org.pk, start=clock.today() - timedelta(weeks=7), end=clock.today())

    with CaptureQueriesContext(connection) as before:
        smaller = fidelity(scope)
    second = planned(world.org, team, coordinator=world.coordinator, weeks_ago=6, name="Second")
    men += [factories.allocated(world.org, second) for _ in range(2)]
    for session in queries.sessions_of(second)[:2]:
        factories.session_recorded(session, {men[2].pk: "acceptable_absence"} if session.number == 2 else None)
    catch_up = attendance.plan_catch_up(
        membership=men[2],
        number=2,
        start=clock.now() - timedelta(days=1),
        facilitator=team[0],
        acting_user=world.coordinator,
    )
    attendance.record_catch_up(catch_up=catch_up, attended=True, expected_version=1, acting_user=world.coordinator)
    with CaptureQueriesContext(connection) as after:
        figures = fidelity(scope)

    assert figures.men.in_groups == smaller.men.in_groups + 2
    assert figures.sessions.expected == smaller.sessions.expected + 4
    assert (len(before), len(after)) == (5, 5)


# --- Exports --------------------------------------------------------------------------------------


def test_the_csv_neutralises_a_group_name_a_spreadsheet_would_run(story: Story) -> None:
    team = [factories.facilitator(story.world.org, "woman"), factories.facilitator(story.world.org, "man")]
    planned(
        story.world.org,
        team,
        coordinator=story.world.coordinator,
        weeks_ago=12,
        name='=HYPERLINK("https://example.org","x")',
    )
    client = signed_in_client(story.world.coordinator)
    scope = story.scope()
    with clock.frozen(story.now):
        response = client.get("/groups/fidelity/csv/", {"start": str(scope.start), "end": str(scope.end)})
    assert response.status_code == 200
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    names = [row[0] for row in rows[1:] if row]
    assert '\'=HYPERLINK("https://example.org","x")' in names
    assert not any(name.startswith("=") for name in names)


def test_the_csv_has_a_row_per_group_then_all_groups(story: Story) -> None:
    client = signed_in_client(story.world.coordinator)
    scope = story.scope()
    with clock.frozen(story.now):
        response = client.get("/groups/fidelity/csv/", {"start": str(scope.start), "end": str(scope.end)})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8").lstrip("\ufeff"))))
    header = rows[0]
    by_name = {row[0]: dict(zip(header, row, strict=True)) for row in rows[1:4]}
    assert list(by_name) == ["Thursday group", "Tuesday group", "All groups"]
    assert by_name["Tuesday group"]["sessions_held"] == "7"
    assert by_name["Tuesday group"]["delivery_percent"] == "70.0"
    assert by_name["All groups"]["sessions_held"] == "8"
    assert rows[4] == []
    assert rows[5][0] == "month"


def test_the_pdf_is_a_pdf_and_its_export_is_on_the_record(story: Story) -> None:
    client = signed_in_client(story.world.coordinator)
    scope = story.scope()
    with clock.frozen(story.now):
        response = client.get("/groups/fidelity/pdf/", {"start": str(scope.start), "end": str(scope.end)})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    entry = AuditEntry.objects.filter(action="groups.fidelity.exported").latest("seq")
    assert (entry.actor_id, entry.organisation_id) == (story.world.coordinator.pk, story.world.org.pk)
    assert '"format":"pdf"' in entry.detail


def test_a_csv_export_is_on_the_record(story: Story) -> None:
    client = signed_in_client(story.world.coordinator)
    before = AuditEntry.objects.filter(action="groups.fidelity.exported").count()
    client.get("/groups/fidelity/csv/", {"year": clock.today().year})
    entries = AuditEntry.objects.filter(action="groups.fidelity.exported")
    assert entries.count() == before + 1
    assert '"format":"csv"' in entries.latest("seq").detail
