"""Deadlines counted in the working days of a country."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from tandem.core.working_days import add_working_days, is_working_day

BELGRADE = ZoneInfo("Europe/Belgrade")


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=BELGRADE)


def test_weekends_are_not_working_days() -> None:
    assert not is_working_day(date(2026, 12, 5), "AL")  # a Saturday
    assert is_working_day(date(2026, 12, 7), "AL")


def test_public_holidays_are_not_working_days_in_their_own_country_only() -> None:
    # 7 January, Orthodox Christmas, is a holiday in Serbia but not in Albania.
    assert not is_working_day(date(2026, 1, 7), "RS")
    assert is_working_day(date(2026, 1, 7), "AL")


def test_ten_working_days_skip_two_weekends() -> None:
    assert add_working_days(at(date(2026, 12, 7)), 10, "RS") == at(date(2026, 12, 21))


def test_the_same_ten_days_end_later_where_a_holiday_falls_in_them() -> None:
    # 8 December is National Youth Day in Albania.
    assert add_working_days(at(date(2026, 12, 7)), 10, "AL") == at(date(2026, 12, 22))


def test_holidays_of_the_country_push_the_deadline() -> None:
    # From Monday 29 December 2025: 1 and 2 January are holidays in Serbia, 7 January too.
    assert add_working_days(at(date(2025, 12, 29)), 5, "RS") == at(date(2026, 1, 8))


def test_work_that_arrives_on_a_weekend_counts_from_the_next_working_day() -> None:
    # From Saturday 5 December: counting starts on Monday the 7th, so one working day ends as
    # Tuesday begins.
    assert add_working_days(at(date(2026, 12, 5)), 1, "RS") == datetime(2026, 12, 8, tzinfo=BELGRADE)


def test_every_country_of_the_region_has_its_holidays() -> None:
    for code in ("AL", "BA", "XK", "ME", "MK", "RS"):
        assert not is_working_day(date(2026, 1, 1), code), code
