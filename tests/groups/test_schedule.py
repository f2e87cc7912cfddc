"""A group's session dates: weekly on its weekday, a public holiday's session taking the next
week's slot, and a single session moved without touching the others."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import formats

from tandem.groups.rules.schedule import (
    Moved,
    MoveRefused,
    PlannedSession,
    Schedule,
    SkippedHoliday,
    move_session,
    plan_sessions,
)

MONDAY, TUESDAY, THURSDAY, SATURDAY = 0, 1, 3, 5
EVENING = time(18, 0)
TWO_HOURS = timedelta(hours=2)
BELGRADE = ZoneInfo("Europe/Belgrade")


@pytest.fixture(autouse=True)
def _installation_in_belgrade(settings: Any) -> None:
    settings.TIME_ZONE = "Europe/Belgrade"


def plan(
    start_date: date,
    weekday: int,
    count: int,
    country_code: str | None,
    subdivision: str | None = None,
) -> Schedule:
    return plan_sessions(
        start_date=start_date,
        weekday=weekday,
        local_time=EVENING,
        count=count,
        duration=TWO_HOURS,
        country_code=country_code,
        subdivision=subdivision,
    )


def days(schedule: Schedule) -> list[date]:
    return [session.day for session in schedule.sessions]


def october_in_montenegro() -> tuple[PlannedSession, ...]:
    # Tuesdays 6 to 27 October 2026: no public holiday in Montenegro.
    return plan(date(2026, 10, 6), TUESDAY, 4, "ME").sessions


def at(day: date, hour: int = 18) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=BELGRADE)


# Generating the schedule


def test_sessions_are_weekly_on_the_weekday_at_the_local_time() -> None:
    sessions = october_in_montenegro()

    assert [(s.number, s.start) for s in sessions] == [
        (1, at(date(2026, 10, 6))),
        (2, at(date(2026, 10, 13))),
        (3, at(date(2026, 10, 20))),
        (4, at(date(2026, 10, 27))),
    ]


def test_a_start_date_on_the_weekday_is_the_first_session() -> None:
    assert days(plan(date(2026, 10, 6), TUESDAY, 1, "ME")) == [date(2026, 10, 6)]


def test_a_start_date_off_the_weekday_starts_at_the_next_such_weekday() -> None:
    # Wednesday 7 October 2026: the next Tuesday is 13 October, not the day before.
    assert days(plan(date(2026, 10, 7), TUESDAY, 1, "ME")) == [date(2026, 10, 13)]


def test_session_end_is_its_start_plus_the_duration() -> None:
    session = october_in_montenegro()[0]

    assert session.end == at(date(2026, 10, 6), hour=20)


def test_sessions_start_in_the_installation_time_zone(settings: Any) -> None:
    settings.TIME_ZONE = "Europe/Tirane"

    start = plan(date(2026, 10, 6), TUESDAY, 1, "AL").sessions[0].start

    assert start.tzinfo == ZoneInfo("Europe/Tirane")
    assert (start.hour, start.minute) == (18, 0)


def test_session_time_stays_local_across_the_change_to_summer_time() -> None:
    # Summer time starts on Sunday 29 March 2026: the group still meets at 18:00 local time,
    # which is an hour earlier in UTC.
    before, after = plan(date(2026, 3, 26), THURSDAY, 2, None).sessions

    assert (before.start.hour, after.start.hour) == (18, 18)
    assert before.start.utcoffset() == timedelta(hours=1)
    assert after.start.utcoffset() == timedelta(hours=2)


# Public holidays: the session takes the next week's slot


def test_session_on_orthodox_christmas_in_serbia_takes_the_next_weeks_slot_not_the_next_day() -> None:
    # Thursday 7 January 2027 is Orthodox Christmas Day in Serbia.
    schedule = plan(date(2026, 12, 31), THURSDAY, 2, "RS")

    assert days(schedule) == [date(2026, 12, 31), date(2027, 1, 14)]


def test_sessions_after_a_skipped_holiday_follow_one_week_apart() -> None:
    schedule = plan(date(2026, 12, 31), THURSDAY, 5, "RS")

    assert days(schedule) == [
        date(2026, 12, 31),
        date(2027, 1, 14),
        date(2027, 1, 21),
        date(2027, 1, 28),
        date(2027, 2, 4),
    ]
    assert [s.number for s in schedule.sessions] == [1, 2, 3, 4, 5]


def test_skipped_holiday_is_reported_with_its_name() -> None:
    schedule = plan(date(2026, 12, 31), THURSDAY, 2, "RS")

    assert schedule.skipped == (SkippedHoliday(day=date(2027, 1, 7), name="Orthodox Christmas Day"),)


def test_albanian_independence_day_is_skipped() -> None:
    # Tuesday 28 November 2028 is Flag and Independence Day in Albania.
    schedule = plan(date(2028, 11, 21), TUESDAY, 2, "AL")

    assert days(schedule) == [date(2028, 11, 21), date(2028, 12, 5)]


def test_a_holiday_on_a_saturday_is_skipped_for_a_saturday_group() -> None:
    # 28 November 2026 falls on a Saturday; a group that meets on Saturdays does not meet then.
    schedule = plan(date(2026, 11, 21), SATURDAY, 2, "AL")

    assert days(schedule) == [date(2026, 11, 21), date(2026, 12, 5)]


def test_a_holidays_observed_weekday_is_skipped() -> None:
    # In Albania in 2026, Alphabet Day (Sunday 22 November) is observed on Monday 23 November
    # and Independence Day (Saturday 28 November) on Monday 30 November.
    schedule = plan(date(2026, 11, 16), MONDAY, 2, "AL")

    assert days(schedule) == [date(2026, 11, 16), date(2026, 12, 7)]
    assert [skipped.day for skipped in schedule.skipped] == [date(2026, 11, 23), date(2026, 11, 30)]


def test_both_easter_mondays_in_kosovo_are_skipped() -> None:
    # In 2026 Catholic Easter is on 5 April and Orthodox Easter on 12 April; Kosovo observes
    # each on the Monday after.
    schedule = plan(date(2026, 3, 30), MONDAY, 2, "XK")

    assert days(schedule) == [date(2026, 3, 30), date(2026, 4, 20)]
    assert [skipped.day for skipped in schedule.skipped] == [date(2026, 4, 6), date(2026, 4, 13)]


def test_republika_srpska_skips_its_own_holidays_as_well_as_the_national_ones() -> None:
    # Orthodox New Year (Thursday 14 January 2027) is a holiday in Republika Srpska only.
    national = plan(date(2026, 12, 31), THURSDAY, 2, "BA")
    srpska = plan(date(2026, 12, 31), THURSDAY, 2, "BA", subdivision="SRP")

    assert days(national) == [date(2026, 12, 31), date(2027, 1, 14)]
    assert days(srpska) == [date(2026, 12, 31), date(2027, 1, 21)]


def test_an_unknown_subdivision_keeps_the_countrys_holidays() -> None:
    schedule = plan(date(2026, 12, 31), THURSDAY, 2, "BA", subdivision="XX")

    assert days(schedule) == [date(2026, 12, 31), date(2027, 1, 14)]


def test_country_code_is_read_in_any_case() -> None:
    assert days(plan(date(2026, 12, 31), THURSDAY, 2, "rs")) == [date(2026, 12, 31), date(2027, 1, 14)]


def test_an_unknown_country_skips_no_dates() -> None:
    assert days(plan(date(2026, 12, 31), THURSDAY, 2, "ZZ")) == [date(2026, 12, 31), date(2027, 1, 7)]


def test_no_country_skips_no_dates() -> None:
    assert days(plan(date(2026, 12, 31), THURSDAY, 2, None)) == [date(2026, 12, 31), date(2027, 1, 7)]


# Arguments that no schedule can have


def test_a_schedule_without_sessions_is_rejected() -> None:
    with pytest.raises(ValueError, match="at least one session"):
        plan(date(2026, 10, 6), TUESDAY, 0, "ME")


def test_a_session_without_duration_is_rejected() -> None:
    with pytest.raises(ValueError, match="lasts"):
        plan_sessions(
            start_date=date(2026, 10, 6),
            weekday=TUESDAY,
            local_time=EVENING,
            count=1,
            duration=timedelta(0),
            country_code="ME",
        )


def test_a_weekday_outside_monday_to_sunday_is_rejected() -> None:
    with pytest.raises(ValueError, match="weekday"):
        plan(date(2026, 10, 6), 7, 1, "ME")


# Moving one session


def moved(result: Moved | MoveRefused) -> Moved:
    assert isinstance(result, Moved), result
    return result


def refused(result: Moved | MoveRefused) -> MoveRefused:
    assert isinstance(result, MoveRefused), result
    return result


def test_moving_a_session_changes_only_that_session() -> None:
    sessions = october_in_montenegro()

    result = moved(move_session(sessions, 2, at(date(2026, 10, 15), hour=17)))

    assert [s.start for s in result.sessions] == [
        at(date(2026, 10, 6)),
        at(date(2026, 10, 15), hour=17),
        at(date(2026, 10, 20)),
        at(date(2026, 10, 27)),
    ]


def test_a_moved_session_keeps_its_length() -> None:
    result = moved(move_session(october_in_montenegro(), 2, at(date(2026, 10, 15), hour=17)))

    assert result.session.end == at(date(2026, 10, 15), hour=19)


def test_a_moved_session_is_in_the_installation_time_zone() -> None:
    in_utc = datetime(2026, 10, 15, 15, 0, tzinfo=ZoneInfo("UTC"))

    result = moved(move_session(october_in_montenegro(), 2, in_utc))

    assert result.session.start.tzinfo == BELGRADE
    assert result.session.start.hour == 17


def test_a_session_may_move_to_another_time_on_its_own_day() -> None:
    result = moved(move_session(october_in_montenegro(), 2, at(date(2026, 10, 13), hour=10)))

    assert result.session.start == at(date(2026, 10, 13), hour=10)


def test_the_first_session_may_move_earlier() -> None:
    result = moved(move_session(october_in_montenegro(), 1, at(date(2026, 10, 1))))

    assert result.session.day == date(2026, 10, 1)


def test_the_last_session_may_move_later() -> None:
    result = moved(move_session(october_in_montenegro(), 4, at(date(2026, 11, 5))))

    assert result.session.day == date(2026, 11, 5)


def test_a_move_onto_a_public_holiday_is_refused_naming_it() -> None:
    # 1 November is not a holiday in Montenegro; Albania's 28 November is.
    result = refused(move_session(october_in_montenegro(), 4, at(date(2026, 11, 28)), country_code="AL"))

    assert result.rule == "schedule.holiday"
    assert "public holiday" in result.message


def test_a_move_onto_another_sessions_day_is_refused() -> None:
    result = refused(move_session(october_in_montenegro(), 2, at(date(2026, 10, 20), hour=10)))

    assert result.rule == "schedule.same_day"
    assert "Session 3 is already on" in result.message


def test_a_move_before_the_previous_session_is_refused() -> None:
    result = refused(move_session(october_in_montenegro(), 3, at(date(2026, 10, 12))))

    assert result.rule == "schedule.before_previous"
    assert result.message == (
        "Session 3 cannot be held before session 2, which is on {day}. Choose a day after {day}.".format(
            day=formats.date_format(date(2026, 10, 13), "DATE_FORMAT")
        )
    )


def test_a_move_after_the_next_session_is_refused() -> None:
    result = refused(move_session(october_in_montenegro(), 2, at(date(2026, 10, 21))))

    assert result.rule == "schedule.after_next"
    assert "before session" not in result.message
    assert "after session 3" in result.message


def test_neighbours_are_found_across_a_gap_in_the_numbering() -> None:
    first, _, third, fourth = october_in_montenegro()

    result = refused(move_session((first, third, fourth), 3, at(date(2026, 10, 5))))

    assert result.rule == "schedule.before_previous"


def test_a_move_of_a_session_not_in_the_schedule_is_refused() -> None:
    result = refused(move_session(october_in_montenegro(), 9, at(date(2026, 11, 5))))

    assert result.rule == "schedule.unknown_session"


def test_a_refused_move_leaves_the_schedule_as_it_was() -> None:
    sessions = october_in_montenegro()

    move_session(sessions, 2, at(date(2026, 10, 20)))

    assert sessions == october_in_montenegro()


def test_a_move_to_a_time_without_a_time_zone_is_rejected() -> None:
    with pytest.raises(ValueError, match="aware"):
        move_session(october_in_montenegro(), 2, datetime(2026, 10, 15, 17, 0))  # noqa: DTZ001
