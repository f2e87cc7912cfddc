"""Working days: weekdays that are not public holidays in a country.

Deadlines that people meet at work ("review within 10 working days", "send the report within
3 working days") are counted in the working days of the country where the work is done. The
public holidays come from the maintained ``holidays`` package, which knows each country's
fixed and movable feasts (Orthodox and Catholic Easter, Eid, and the rest).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from types import MappingProxyType

import holidays
from django.utils import timezone

SATURDAY = 5


@lru_cache(maxsize=128)
def public_holidays(country_code: str, year: int, subdivision: str | None = None) -> Mapping[date, str]:
    """The public holidays of a country (or one of its regions) in a year, with their names."""
    try:
        found = holidays.country_holidays(country_code, subdiv=subdivision, years=year)
    except NotImplementedError:
        if subdivision is None:
            # A country the package does not know: none, rather than no deadline or schedule.
            return MappingProxyType({})
        # A region the package does not know still keeps its country's national holidays.
        return public_holidays(country_code, year)
    return MappingProxyType(dict(found))


def _holidays(country_code: str, year: int) -> Mapping[date, str]:
    return public_holidays(country_code, year)


def is_working_day(day: date, country_code: str | None) -> bool:
    if day.weekday() >= SATURDAY:
        return False
    return not country_code or day not in _holidays(country_code.upper(), day.year)


def add_working_days(start: datetime, days: int, country_code: str | None) -> datetime:
    """The moment ``days`` working days after ``start``, at the same time of day (local time).
    Work that arrives on a weekend or a holiday starts counting at the beginning of the next
    working day."""
    local = timezone.localtime(start)
    day, time_of_day = local.date(), local.time()
    if not is_working_day(day, country_code):
        while not is_working_day(day, country_code):
            day += timedelta(days=1)
        time_of_day = time.min
    counted = 0
    while counted < days:
        day += timedelta(days=1)
        if is_working_day(day, country_code):
            counted += 1
    return timezone.make_aware(datetime.combine(day, time_of_day), timezone.get_current_timezone())
