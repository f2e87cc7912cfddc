"""The fidelity of group work: whether a provider's groups ran as the programme means them to.

For one provider, optionally one of its groups or programmes, and a period: how many sessions
were delivered of those planned, how many were led by a woman and a man together (an override
of the co-facilitation rule counts against it, see ``rules/cofacilitation.py``), how many by
the group's own team without a stand-in, how many men came each month, the dosage the men
reached against their curriculum's minimum, and how the men who left the groups in the period
left them (completed, dropped out, excluded, transferred). Every figure is given for all the
groups in scope and for each group.

These are the provider's own figures for its coordinators, who see every man of its groups
anyway: counts per group and per month, never a man's row. As the report leaves the provider as
a PDF or a spreadsheet, a share of the men who left over fewer than the small number
(``tandem.core.suppression``) is not shown; counts of sessions are about no person.

The figures come from a fixed number of aggregate queries (``fidelity.queries``), however many
groups, sessions and men there are; this module only adds them up.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from datetime import date, datetime, time, timedelta
from typing import Self

from django.utils import timezone

from tandem.core import clock
from tandem.groups.fidelity import queries
from tandem.groups.rules import curriculum as curricula

ENDINGS = ("completed", "dropped_out", "excluded", "transferred")
SESSION_COUNTS = ("scheduled", "held", "cancelled", "unrecorded", "upcoming", "mixed", "overridden", "covered")
BANDS = 5  # the dosage bands: quarters of the way to the minimum, and the minimum reached


@dataclass(frozen=True)
class Scope:
    """What a report covers: one provider's groups (or one group, or those of one programme)
    and the days from ``start`` to ``end``, both included, in the installation's time zone."""

    organisation_id: int
    start: date
    end: date
    group_id: int | None = None
    programme_id: int | None = None

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("a period ends on or after its start")

    @property
    def since(self) -> datetime:
        return _midnight(self.start)

    @property
    def until(self) -> datetime:
        """The first moment after the period."""
        return _midnight(self.end + timedelta(days=1))

    def month_ends(self) -> list[datetime]:
        """The moment each month of the period ends: the next month's first midnight, and
        ``until`` for the last."""
        return [_midnight(month) for month in self.months()[1:]] + [self.until]

    def months(self) -> list[date]:
        """The first day of each month the period touches, in order."""
        found, month = [], self.start.replace(day=1)
        while month <= self.end:
            found.append(month)
            month = (month + timedelta(days=32)).replace(day=1)
        return found


def _midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time()), timezone.get_default_timezone())


def _share(part: int, whole: int) -> float | None:
    """``part`` per ``whole`` (a fraction from 0 to 1, or an average); None when there is
    nothing to divide: no session held is not a rate of 0."""
    return part / whole if whole else None


class _Summable:
    """Counts that add up field by field: a group's, a month's, all groups'."""

    @classmethod
    def total(cls, items: Iterable[Self]) -> Self:
        found = list(items)
        names = [f.name for f in fields(cls)]  # type: ignore[arg-type]
        return cls(**{name: sum(getattr(item, name) for item in found) for name in names})


@dataclass(frozen=True)
class Sessions(_Summable):
    """The sessions dated in the period, by what became of them, and of those held, how they
    were led and attended."""

    scheduled: int = 0  # every session dated in the period
    held: int = 0
    cancelled: int = 0  # recorded as not taking place
    unrecorded: int = 0  # planned, over, and never recorded: not delivered as far as anyone knows
    upcoming: int = 0  # planned and not over yet: not counted either way
    mixed: int = 0  # held, led by at least one woman and one man, without an override
    overridden: int = 0  # held after a coordinator went ahead without the co-facilitation rule
    covered: int = 0  # held with someone standing in for a member of the group's team
    expected: int = 0  # men expected at the held sessions (one attendance record each)
    present: int = 0  # of them, those who came and took part (on time or late)

    @property
    def due(self) -> int:
        """The sessions that should have taken place by now."""
        return self.held + self.cancelled + self.unrecorded

    @property
    def delivery_rate(self) -> float | None:
        return _share(self.held, self.due)

    @property
    def mixed_rate(self) -> float | None:
        return _share(self.mixed, self.held)

    @property
    def own_team(self) -> int:
        """Held sessions led by the group's own team, nobody standing in."""
        return self.held - self.covered

    @property
    def continuity_rate(self) -> float | None:
        return _share(self.own_team, self.held)

    @property
    def average_expected(self) -> float | None:
        return _share(self.expected, self.held)

    @property
    def average_present(self) -> float | None:
        return _share(self.present, self.held)

    @property
    def attendance_rate(self) -> float | None:
        return _share(self.present, self.expected)


@dataclass(frozen=True)
class Men(_Summable):
    """The men in the groups at some time in the period, and how those who left in it left."""

    in_groups: int = 0
    reached_minimum: int = 0  # attended or made up at least the curriculum's minimum by the period's end
    ended: int = 0  # left their group in the period
    completed: int = 0
    dropped_out: int = 0
    excluded: int = 0
    transferred: int = 0

    @property
    def completion_rate(self) -> float | None:
        return _share(self.completed, self.ended)

    @property
    def dropout_rate(self) -> float | None:
        return _share(self.dropped_out, self.ended)

    @property
    def exclusion_rate(self) -> float | None:
        return _share(self.excluded, self.ended)

    @property
    def transfer_rate(self) -> float | None:
        return _share(self.transferred, self.ended)


@dataclass(frozen=True)
class Band:
    """One bar of the dosage distribution: men whose sessions counted fall in it.

    ``index`` 0 to 3 are the quarters of the way to the curriculum's minimum, 4 the minimum
    reached. ``low`` and ``high`` give the band in sessions when every man in the report
    follows a curriculum with the same minimum (``high`` None: "or more"); otherwise the band
    is only a share of the minimum."""

    index: int
    count: int
    low: int | None = None
    high: int | None = None


@dataclass(frozen=True)
class Month:
    month: date
    sessions: Sessions


@dataclass(frozen=True)
class GroupRow:
    group_id: int
    name: str
    state: str
    programme: str
    curriculum: str
    sessions: Sessions
    men: Men
    dosage: tuple[int, ...]  # men per band


@dataclass(frozen=True)
class FidelityFigures:
    scope: Scope
    computed_at: datetime
    sessions: Sessions
    men: Men
    months: list[Month]
    bands: list[Band]
    groups: list[GroupRow]
    minimums: tuple[int, ...] = field(default=())  # the curricula's minimum sessions, as found in the groups


def band_edges(minimum: int) -> tuple[int, int, int, int]:
    """The sessions at which each band after the first begins: a quarter, half and three
    quarters of the minimum (rounded up, so a band never claims more than its share), and the
    minimum itself."""
    return (math.ceil(minimum / 4), math.ceil(minimum / 2), math.ceil(3 * minimum / 4), minimum)


def band_of(counted: int, minimum: int) -> int:
    """The band of a man with ``counted`` sessions towards a curriculum's ``minimum``."""
    return sum(counted >= edge for edge in band_edges(minimum))


def bands_for(counts: Iterable[int], minimums: set[int]) -> list[Band]:
    """The dosage bands, in sessions when a single minimum applies; a band that no number of
    sessions falls in (a minimum under four) is left out."""
    values = list(counts)
    if len(minimums) != 1:
        return [Band(index=i, count=values[i]) for i in range(BANDS)]
    (minimum,) = minimums
    starts = (0, *band_edges(minimum))
    found = []
    for i in range(BANDS):
        low = starts[i]
        high = starts[i + 1] - 1 if i + 1 < BANDS else None
        if high is not None and high < low:
            continue
        found.append(Band(index=i, count=values[i], low=low, high=high))
    return found


def _curriculum_lengths(names: Iterable[str]) -> dict[str, tuple[int, int]]:
    """(sessions, minimum) of each curriculum named; a name that is not shipped any more is
    counted as having no sessions, so nobody's dosage is invented for it."""
    found: dict[str, tuple[int, int]] = {}
    for name in set(names):
        try:
            shipped = curricula.shipped_curriculum(name)
        except curricula.CurriculumError:
            found[name] = (0, 0)
        else:
            found[name] = (len(shipped.sessions), shipped.minimum_sessions)
    return found


def fidelity(scope: Scope) -> FidelityFigures:
    """The fidelity figures of ``scope``, in five queries whatever its size."""
    now = clock.now()
    groups = queries.fidelity_groups(scope)
    lengths = _curriculum_lengths(group["curriculum"] for group in groups)
    by_group: dict[int, Counter[str]] = {}
    by_month: dict[int, Counter[str]] = {}
    for row in queries.session_counts(scope, now):
        counts = {name: row[name] for name in SESSION_COUNTS}
        by_group.setdefault(row["group_id"], Counter()).update(counts)
        by_month.setdefault(row["month"], Counter()).update(counts)
    for row in queries.attendance_counts(scope):
        counts = {"expected": row["expected"], "present": row["present"]}
        by_group.setdefault(row["session__group_id"], Counter()).update(counts)
        by_month.setdefault(row["month"], Counter()).update(counts)
    men: dict[int, Counter[str]] = {}
    dosage: dict[int, list[int]] = {}
    edges = {minimum: band_edges(minimum) for _sessions, minimum in lengths.values() if minimum}
    since, until = scope.since, scope.until
    sessions_of_curricula = {name: sessions for name, (sessions, _minimum) in lengths.items()}
    made_up = queries.made_up_counts(scope, sessions_of_curricula)
    for membership_id, group_id, curriculum, ended_as, ended_at, attended in queries.membership_counts(
        scope, sessions_of_curricula
    ):
        minimum = lengths.get(curriculum, (0, 0))[1]
        counted = attended + made_up.get(membership_id, 0)
        tally = men.get(group_id)
        if tally is None:
            tally = men[group_id] = Counter()
            dosage[group_id] = [0] * BANDS
        tally["in_groups"] += 1
        if minimum and counted >= minimum:
            tally["reached_minimum"] += 1
        if ended_at is not None and since <= ended_at < until:
            tally["ended"] += 1
            if ended_as in ENDINGS:
                tally[ended_as] += 1
        dosage[group_id][sum(counted >= edge for edge in edges[minimum]) if minimum else 0] += 1
    rows = [
        GroupRow(
            group_id=group["pk"],
            name=group["name"],
            state=group["state"],
            programme=group["programme__name"] or "",
            curriculum=group["curriculum"],
            sessions=Sessions(**by_group.get(group["pk"], Counter())),
            men=Men(**men.get(group["pk"], Counter())),
            dosage=tuple(dosage.get(group["pk"], [0] * BANDS)),
        )
        for group in groups
    ]
    minimums = {lengths[row.curriculum][1] for row in rows if row.men.in_groups and lengths[row.curriculum][1]}
    totals = [sum(row.dosage[i] for row in rows) for i in range(BANDS)]
    return FidelityFigures(
        scope=scope,
        computed_at=now,
        sessions=Sessions.total(row.sessions for row in rows),
        men=Men.total(row.men for row in rows),
        months=[Month(month, Sessions(**by_month.get(index, Counter()))) for index, month in enumerate(scope.months())],
        bands=bands_for(totals, minimums),
        groups=rows,
        minimums=tuple(sorted(minimums)),
    )
