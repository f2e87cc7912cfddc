"""A group's session dates: one session a week on the group's weekday, at its local time.

The rule for public holidays is deliberate: a session that falls on a public holiday of the
group's country does not happen that week. It is not moved to the next day, because the men
and the facilitators keep the group's weekday and time in their lives (work, court orders,
childcare) and a one-off Tuesday session is the one they miss. The session takes the next
week's slot instead, and every later session follows one week on. Only a deliberate move of a
single session (``move_session``) changes one date without touching the others.

Holidays come from the maintained ``holidays`` package, the same source as the working days of
``tandem.core.working_days``. A group may meet on a Saturday, so a holiday counts here whatever
the weekday, not only on working days.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from tandem.core.working_days import public_holidays

WEEK = timedelta(days=7)
SUNDAY = 6


@dataclass(frozen=True)
class PlannedSession:
    """One session of a group's schedule; ``start`` and ``end`` are in the installation's time zone."""

    number: int
    start: datetime
    end: datetime

    @property
    def day(self) -> date:
        return timezone.localtime(self.start, timezone.get_default_timezone()).date()

    @property
    def duration(self) -> timedelta:
        return self.end - self.start


@dataclass(frozen=True)
class SkippedHoliday:
    """A week without a session because its slot fell on a public holiday; shown to planners so
    that the gap in the dates is explained."""

    day: date
    name: str  # as the holidays package names it


@dataclass(frozen=True)
class Schedule:
    sessions: tuple[PlannedSession, ...]
    skipped: tuple[SkippedHoliday, ...]


@dataclass(frozen=True)
class Moved:
    sessions: tuple[PlannedSession, ...]
    session: PlannedSession  # the session in its new place


@dataclass(frozen=True)
class MoveRefused:
    rule: str  # a stable key, for tests and for forms that attach the message to a field
    message: str


def _public_holidays(country_code: str, subdivision: str | None, year: int) -> Mapping[date, str]:
    return public_holidays(country_code, year, subdivision)


def public_holiday(day: date, country_code: str | None, subdivision: str | None = None) -> str | None:
    """The name of the public holiday on ``day``, or None when the day is not one."""
    if not country_code:
        return None
    return _public_holidays(country_code.upper(), subdivision.upper() if subdivision else None, day.year).get(day)


def first_slot(start_date: date, weekday: int) -> date:
    """The first day on or after ``start_date`` that falls on ``weekday`` (Monday is 0)."""
    if not 0 <= weekday <= SUNDAY:
        raise ValueError(f"weekday must be between 0 (Monday) and 6 (Sunday), not {weekday}")
    return start_date + timedelta(days=(weekday - start_date.weekday()) % 7)


def _at(day: date, local_time: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, local_time), timezone.get_default_timezone())


def plan_sessions(
    *,
    start_date: date,
    weekday: int,
    local_time: time,
    count: int,
    duration: timedelta,
    country_code: str | None,
    subdivision: str | None = None,
) -> Schedule:
    """``count`` weekly sessions from the first ``weekday`` on or after ``start_date``.

    A slot on a public holiday is skipped and the session takes the next week's slot; the
    sessions after it follow, one week apart. Times are local: a group that meets at 18:00 meets
    at 18:00 on both sides of a change to or from summer time.
    """
    if count < 1:
        raise ValueError("a schedule has at least one session")
    if duration <= timedelta(0):
        raise ValueError("a session lasts some time")
    slot = first_slot(start_date, weekday)
    sessions: list[PlannedSession] = []
    skipped: list[SkippedHoliday] = []
    while len(sessions) < count:
        holiday = public_holiday(slot, country_code, subdivision)
        if holiday is not None:
            skipped.append(SkippedHoliday(day=slot, name=holiday))
        else:
            start = _at(slot, local_time)
            sessions.append(PlannedSession(number=len(sessions) + 1, start=start, end=start + duration))
        slot += WEEK
    return Schedule(sessions=tuple(sessions), skipped=tuple(skipped))


def _date_label(day: date) -> str:
    return formats.date_format(day, "DATE_FORMAT")


def _number(session: PlannedSession) -> int:
    return session.number


def move_session(
    sessions: Sequence[PlannedSession], number: int, new_start: datetime, *, country_code: str | None = None
) -> Moved | MoveRefused:
    """Move session ``number`` to ``new_start``, keeping its length and leaving every other
    session where it is.

    Refused on a public holiday of ``country_code``, when another session is already on that day,
    or when the move would put the session
    on or before the previous session's day or on or after the next one's: the sessions follow
    the curriculum in order, so session 5 may not be held before session 4.
    """
    if timezone.is_naive(new_start):
        raise ValueError("new_start must be an aware datetime")
    by_number = {session.number: session for session in sessions}
    session = by_number.get(number)
    if session is None:
        return MoveRefused(
            rule="schedule.unknown_session",
            message=_("There is no session %(number)d in this schedule.") % {"number": number},
        )
    local_start = timezone.localtime(new_start, timezone.get_default_timezone())
    new_day = local_start.date()
    holiday = public_holiday(new_day, country_code)
    if holiday is not None:
        return MoveRefused(
            rule="schedule.holiday",
            message=_("%(date)s is a public holiday (%(holiday)s). Choose another day for session %(number)d.")
            % {"date": _date_label(new_day), "holiday": holiday, "number": number},
        )
    for other in sessions:
        if other.number != number and other.day == new_day:
            return MoveRefused(
                rule="schedule.same_day",
                message=_("Session %(other)d is already on %(date)s. Choose another day for session %(number)d.")
                % {"other": other.number, "date": _date_label(new_day), "number": number},
            )
    # Neighbours by number rather than number ± 1, so a schedule with a gap in its numbering
    # (a session cancelled and not replaced) is still kept in order.
    previous = max((other for other in sessions if other.number < number), key=_number, default=None)
    following = min((other for other in sessions if other.number > number), key=_number, default=None)
    if previous is not None and new_day < previous.day:
        return MoveRefused(
            rule="schedule.before_previous",
            message=_(
                "Session %(number)d cannot be held before session %(previous)d, which is on %(date)s. "
                "Choose a day after %(date)s."
            )
            % {"number": number, "previous": previous.number, "date": _date_label(previous.day)},
        )
    if following is not None and new_day > following.day:
        return MoveRefused(
            rule="schedule.after_next",
            message=_(
                "Session %(number)d cannot be held after session %(next)d, which is on %(date)s. "
                "Choose a day before %(date)s."
            )
            % {"number": number, "next": following.number, "date": _date_label(following.day)},
        )
    moved = PlannedSession(number=number, start=local_start, end=local_start + session.duration)
    return Moved(
        sessions=tuple(moved if other.number == number else other for other in sessions),
        session=moved,
    )
