"""The outcome report of one programme provider over a period: response rates and attrition at
each time point, matched before-and-after change on every sub-scale, the headline figures of
Project Mirabal's measures of success, and how all of it was counted.

His answers and hers are reported side by side, and never one without the other's caveats: his
view of his own behaviour is not the outcome. Her answers come from the survivor compartment and
reach this report only as aggregates over enough partners; the same threshold applies to his
figures, because a small group identifies men too.

Small numbers (``tandem.core.suppression``):

* primary: a count of fewer people than the threshold (but not none) is not shown, nor any
  statistic computed over fewer people than the threshold;
* differencing: two aggregates of the same answers over groups of people that nearly coincide
  give away the few between them (12 and 11 nested people: one person's start score). Every
  figure is recorded with the people whose answers it counts (``Published``), and a comparison's
  means, or a headline share, are shown only when every part of those groups is empty or at
  least the threshold (``apart_enough``; the rule is in ``settle_changes``);
* secondary: where counts add up to a total (answered, declined and missed make the points due),
  a hidden count must not be recoverable by subtraction: one more count of the row is hidden
  beside it, the smallest, and the answered count last, because the comparisons and headline
  figures count the people who answered too. A share is shown only when both its count and the
  count of the rest are shown.

Everything that reads the database is in ``tandem.outcomes.queries.report``; this module only
counts and computes, so the page, its downloads and the command line report alike.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

import numpy
from django.db import transaction
from django.utils.translation import gettext as _, ngettext

from tandem.core import clock
from tandem.core.models import Organisation
from tandem.core.suppression import threshold_for, too_few
from tandem.outcomes import report_ledger as ledger
from tandem.outcomes.models import PointState, TimePoint
from tandem.outcomes.queries import report as queries
from tandem.outcomes.queries.report import PointCount, ScoreRow
from tandem.outcomes.report_ledger import Entry, PersonKey
from tandem.outcomes.report_models import ShownFigure
from tandem.outcomes.rules.analysis import POINT_ORDER
from tandem.outcomes.rules.instruments import (
    ANY,
    MAN,
    PARTNER,
    Instrument,
    InstrumentError,
    Subscale,
    current_instrument,
    shipped_instrument,
)
from tandem.outcomes.rules.stats import paired_change, transitions, wilson

DEFAULT_MONTHS = 24
BEFORE = TimePoint.START.value
AFTER = (TimePoint.END.value, TimePoint.FOLLOW_UP_6.value, TimePoint.FOLLOW_UP_12.value)
# Her sub-scales whose matched change is a headline figure (Mirabal's measures 2 and 3): her
# fear, and her space for action. They are looked up in the questionnaire and left out of the
# headline when a version does not have them.
HEADLINE_CHANGES = ("fear", "space_for_action")
SAFETY = "safety"
CHILDHOODS = "childhoods"
# The quantities the headline shares count that are not a sub-scale's score (``ScoreClasses``).
FREE_OF_VIOLENCE = "free_of_violence"
CHILDREN_EXPOSED = "children_exposed_at_start"
CHILDREN_NO_LONGER = "children_no_longer_exposed"
EPSILON = 1e-9


# --- Cells: a figure, or the fact that it is not shown ---------------------------------------------


@dataclass(frozen=True)
class Cell:
    """One figure of the report. ``value`` is None when it is suppressed (``suppressed``) or when
    there is nothing to compute it from; ``small`` tells a count hidden because it is itself
    below the threshold from one hidden to protect another."""

    value: float | None
    suppressed: bool = False
    small: bool = False

    def as_json(self) -> dict[str, Any]:
        return {"value": None if self.suppressed else self.value, "suppressed": self.suppressed}


def shown(value: float | None) -> Cell:
    return Cell(value)


HIDDEN = Cell(None, suppressed=True)
SMALL = Cell(None, suppressed=True, small=True)
NOTHING = Cell(None)


def hidden_in_row(
    total: int, parts: Sequence[int], threshold: int, *, keep: int | None = None
) -> tuple[bool, list[bool]]:
    """Which counts of a row to hide: the total and its ``parts`` (which add up to it).

    A total below the threshold hides the whole row. Otherwise each part below the threshold is
    hidden (primary); then, while exactly one part is hidden, the smallest part still shown is
    hidden beside it (secondary), so that the total less the shown parts gives a sum of hidden
    parts, never one of them. The part at ``keep`` (the answered points, which other tables of
    the report count too) is hidden last: hiding it would leave those tables to give it away.
    """
    if too_few(total, threshold):
        return True, [True] * len(parts)
    hidden = [too_few(part, threshold) for part in parts]
    if sum(hidden) == 1:
        candidates = [(i == keep, part, i) for i, (part, h) in enumerate(zip(parts, hidden, strict=True)) if not h]
        if not candidates:
            return True, [True] * len(parts)
        hidden[min(candidates)[2]] = True
    return False, hidden


def _count_cells(
    total: int, parts: Sequence[int], threshold: int, *, keep: int | None = None
) -> tuple[Cell, list[Cell]]:
    total_hidden, hidden = hidden_in_row(total, parts, threshold, keep=keep)
    total_cell = SMALL if total_hidden and too_few(total, threshold) else HIDDEN if total_hidden else shown(total)
    cells = [
        (SMALL if too_few(part, threshold) else HIDDEN) if h else shown(part)
        for part, h in zip(parts, hidden, strict=True)
    ]
    return total_cell, cells


# --- Differencing: no person found by subtracting one figure from another -------------------------

# A quantity of one respondent: a sub-scale's score at one time point.
Quantity = tuple[str, str]
# A group of people as the bits of a number: the report numbers the people it counts, and person i
# is in the group when bit i is set. Parts of groups are then found with a few operations on whole
# groups (``parts_of``), not person by person, which keeps a report of thousands of people fast.
Group = int


def group_of(people: Iterable[int]) -> Group:
    """The group of the people numbered ``people`` (NumPy sets the bits: a report makes
    hundreds of groups of thousands of people)."""
    numbers = numpy.fromiter(people, dtype=numpy.int64)
    if not numbers.size:
        return 0
    bits = numpy.zeros(int(numbers.max()) + 1, dtype=bool)
    bits[numbers] = True
    return int.from_bytes(numpy.packbits(bits, bitorder="little").tobytes(), "little")


def size(group: Group) -> int:
    return group.bit_count()


def parts_of(groups: Iterable[Group]) -> list[Group]:
    """The parts of ``groups``: the people in exactly the same of them, one part per combination.
    Each group splits the parts found so far into the people in it and those not, and adds its
    people in none of them as a part of their own."""
    parts: list[Group] = []
    for group in groups:
        if not group:
            continue
        split: list[Group] = []
        alone = group
        for part in parts:
            split.extend(piece for piece in (part & group, part & ~group) if piece)
            alone &= ~part
        if alone:
            split.append(alone)
        parts = split
    return parts


def apart_enough(groups: Iterable[Group], threshold: int, alike: Sequence[Group] = ()) -> bool:
    """Whether aggregates over ``groups`` can all be published without a few people's answers
    being worked out from them: every part (the people in exactly the same of the groups) holds
    at least ``threshold`` people.

    Any figure worked out from sums over the groups, by adding and subtracting them in any number
    and order, is a sum over whole parts; when every part is at least the threshold, no such figure
    is about fewer people than the primary rule allows. Two groups of 12 and 11 nested people have
    a part of one: it fails. Two groups of 12 and 7 nested people (threshold 5) pass. So do
    identical groups, which only repeat one figure.

    ``alike`` are the groups of people who have the same score (one group per score): a part
    whose people all have the same score gives each one's score away, however many they are
    ("all five of them reported violence"), so it fails too.
    """
    listed = list(groups)
    # One group alone is one figure: its own rules say when all alike may not be shown.
    alike = alike if len(set(listed)) > 1 else ()
    for part in parts_of(listed):
        if too_few(size(part), threshold) or any(not part & ~same for same in alike):
            return False
    return True


class ScoreClasses:
    """The people of one respondent's scores grouped by the score they have, per quantity, and per
    change between two quantities (see ``apart_enough``)."""

    def __init__(self, scores: Scores) -> None:
        self.scores = scores
        # Quantities that are not a sub-scale's score: whether a partner was free of violence at a
        # time point, whether her children were exposed at the start, and no longer at a later one.
        self.derived: dict[Quantity, dict[int, float]] = {}
        self._found: dict[tuple[Quantity, ...], list[Group]] = {}

    @staticmethod
    def _classes(values: Iterable[tuple[int, float]]) -> list[Group]:
        by_value: dict[float, list[int]] = defaultdict(list)
        for number, value in values:
            by_value[round(value, 9)].append(number)
        return [group_of(people) for people in by_value.values()]

    def of(self, quantity: Quantity) -> list[Group]:
        found = self._found.get((quantity,))
        if found is None:
            subscale, point = quantity
            values = self.derived.get(quantity) or self.scores.get((point, subscale), {})
            found = self._found[(quantity,)] = self._classes(values.items())
        return found

    def of_change(self, first: Quantity, second: Quantity) -> list[Group]:
        found = self._found.get((first, second))
        if found is None:
            before = self.scores.get((first[1], first[0]), {})
            after = self.scores.get((second[1], second[0]), {})
            found = self._found[(first, second)] = self._classes(
                (number, after[number] - before[number]) for number in before.keys() & after.keys()
            )
        return found


def covered(group: Group, groups: Iterable[Group]) -> bool:
    """Whether ``group`` is a union of whole parts of ``groups``: then a sum over it may be worked
    out from sums over them (the reading is cautious: it may also say so when it cannot)."""
    parts = parts_of(groups)
    union = 0
    for part in parts:
        union |= part
    return bool(group) and not group & ~union and all(not part & ~group or not part & group for part in parts)


@dataclass
class Published:
    """What one respondent's figures of the report have published so far: for each quantity, the
    groups of people over which an aggregate of it was shown, and the changes shown without their
    means (``differences``: the sum of one quantity less another over one group).

    A change is a difference: shown over a group on which a sum of either of its quantities can be
    worked out, it gives the sum of the other over that group too. ``allows`` follows these links
    before it checks the parts of every quantity it touches, so that a figure is refused when it
    would make any quantity's groups fail ``apart_enough``.
    """

    threshold: int
    sums: dict[Quantity, list[Group]] = field(default_factory=lambda: defaultdict(list))
    differences: list[tuple[Quantity, Quantity, Group]] = field(default_factory=list)
    # What ``publish`` and ``publish_difference`` added, for the ledger of figures shown.
    added: list[tuple[str, Quantity, Quantity | None, Group]] = field(default_factory=list)
    # Who has which score, when known (see ``apart_enough``).
    classes: ScoreClasses | None = None

    def _alike(self, quantity: Quantity) -> list[Group]:
        return self.classes.of(quantity) if self.classes is not None else []

    def _implied(self, additions: Iterable[tuple[Quantity, Group]]) -> set[tuple[Quantity, Group]]:
        found = set(additions)
        while True:
            more = set()
            for first, second, group in self.differences:
                for known, other in ((first, second), (second, first)):
                    groups = [*self.sums[known], *(g for q, g in found if q == known)]
                    if (other, group) not in found and covered(group, groups):
                        more.add((other, group))
            if not more:
                return found
            found |= more

    def _fits(self, found: set[tuple[Quantity, Group]]) -> bool:
        quantities = {quantity for quantity, _group in found}
        for q in quantities:
            groups = [*self.sums[q], *(group for other, group in found if other == q)]
            # Who has which score matters only where two figures set people apart: found lazily.
            alike = self._alike(q) if len(set(groups)) > 1 else []
            if not apart_enough(groups, self.threshold, alike):
                return False
        return True

    def allows(self, additions: Sequence[tuple[Quantity, Group]]) -> bool:
        """Whether aggregates of these quantities over these groups may be shown beside the rest."""
        return self._fits(self._implied(additions))

    def publish(self, additions: Sequence[tuple[Quantity, Group]]) -> None:
        for quantity, group in self._implied(additions):
            if group not in self.sums[quantity]:
                self.sums[quantity].append(group)
                self.added.append((ShownFigure.SUM, quantity, None, group))

    def allows_difference(self, first: Quantity, second: Quantity, group: Group) -> bool:
        """Whether the change from ``first`` to ``second`` over ``group`` may be shown without the
        sums of either."""
        same = [g for a, b, g in self.differences if {a, b} == {first, second}]
        groups = [*same, group]
        alike = self.classes.of_change(first, second) if self.classes is not None and len(set(groups)) > 1 else []
        if not apart_enough(groups, self.threshold, alike):
            return False
        self.differences.append((first, second, group))
        try:
            return self._fits(self._implied(()))
        finally:
            self.differences.pop()

    def publish_difference(self, first: Quantity, second: Quantity, group: Group) -> None:
        self.differences.append((first, second, group))
        self.added.append((ShownFigure.DIFFERENCE, first, second, group))
        self.publish(())


def members(group: Group) -> list[int]:
    """The numbers of the people in ``group``."""
    return [at for at, bit in enumerate(reversed(bin(group)[2:])) if bit == "1"]


def published_before(
    threshold: int, numbers: dict[PersonKey, int], entries: Iterable[Entry], scores: Scores
) -> Published:
    """The figures the ledger says were shown, over the people as this report numbers them (a
    person no longer counted gets a number of their own), with who has which score now."""
    published = Published(threshold, classes=ScoreClasses(scores))
    for entry in entries:
        found = list(map(numbers.get, entry.people))
        if None in found:
            found = [numbers.setdefault(key, len(numbers)) for key in entry.people]
        group = group_of(found)  # type: ignore[arg-type]  # no None left
        if entry.kind == ShownFigure.SUM:
            if group not in published.sums[entry.first]:
                published.sums[entry.first].append(group)
        elif entry.second is not None:
            published.differences.append((entry.first, entry.second, group))
    return published


def shown_now(published: Published, numbers: Mapping[PersonKey, int]) -> list[Entry]:
    """What ``published`` added, for the ledger."""
    keys = {number: key for key, number in numbers.items()}
    return [
        Entry(kind, first, second, frozenset(keys[number] for number in members(group)))
        for kind, first, second, group in published.added
    ]


@dataclass(frozen=True)
class Rate:
    """A share (0 to 1) with its Wilson 95 % interval, or suppressed."""

    share: Cell
    low: Cell
    high: Cell

    @property
    def suppressed(self) -> bool:
        return self.share.suppressed

    def as_json(self) -> dict[str, Any]:
        return {"share": self.share.as_json(), "ci_low": self.low.as_json(), "ci_high": self.high.as_json()}


SUPPRESSED_RATE = Rate(HIDDEN, HIDDEN, HIDDEN)
NO_RATE = Rate(NOTHING, NOTHING, NOTHING)


def rate_of(count: int, n: int, *, hidden: bool) -> Rate:
    if hidden:
        return SUPPRESSED_RATE
    if n == 0:
        return NO_RATE
    found = wilson(count, n)
    return Rate(shown(found.share), shown(found.ci_low), shown(found.ci_high))


# --- The report's parts ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """The months of the report: the cases whose start point opened from ``start`` to ``end``."""

    start: date
    end: date

    @classmethod
    def of_months(cls, first: tuple[int, int], last: tuple[int, int]) -> Period:
        (year, month), (end_year, end_month) = first, last
        return cls(date(year, month, 1), date(end_year, end_month, calendar.monthrange(end_year, end_month)[1]))

    @classmethod
    def ending(cls, last: tuple[int, int]) -> Period:
        """The 24 months up to ``last`` (year, month), that one included."""
        months = last[0] * 12 + last[1] - 1 - (DEFAULT_MONTHS - 1)
        return cls.of_months((months // 12, months % 12 + 1), last)

    @classmethod
    def default(cls, today: date | None = None) -> Period:
        """The last 24 months, this one included."""
        today = today or clock.today()
        return cls.ending((today.year, today.month))


@dataclass(frozen=True)
class ResponseRow:
    """The points of one time point whose answers are no longer awaited: answered, declined or
    missed (closed unanswered, or their window passed)."""

    point: str
    scheduled: Cell
    answered: Cell
    declined: Cell
    missed: Cell
    response: Rate  # answered of scheduled
    attrition: Rate  # declined or missed, of scheduled

    def as_json(self) -> dict[str, Any]:
        return {
            "time_point": self.point,
            "scheduled": self.scheduled.as_json(),
            "answered": self.answered.as_json(),
            "declined": self.declined.as_json(),
            "missed": self.missed.as_json(),
            "response_rate": self.response.as_json(),
            "attrition": self.attrition.as_json(),
        }


@dataclass(frozen=True)
class ChangeRow:
    """Matched change on one sub-scale between two time points, over the people who have a score
    at both."""

    subscale: str
    title: str
    measure: str
    better: str
    occurrence: bool  # an "any" sub-scale: the mean is the share who reported it
    n: Cell
    mean_before: Cell
    mean_after: Cell
    change: Cell
    ci_low: Cell
    ci_high: Cell

    @property
    def suppressed(self) -> bool:
        return self.change.suppressed

    @property
    def improved(self) -> bool | None:
        """Whether the whole interval lies on the better side of no change (None: it does not)."""
        if self.ci_low.value is None or self.ci_high.value is None:
            return None
        if self.ci_low.value > 0:
            return self.better == "higher"
        if self.ci_high.value < 0:
            return self.better == "lower"
        return None

    def as_json(self) -> dict[str, Any]:
        return {
            "subscale": self.subscale,
            "measure": self.measure,
            "better": self.better,
            "score": ANY if self.occurrence else "mean",
            "n": self.n.as_json(),
            "mean_before": self.mean_before.as_json(),
            "mean_after": self.mean_after.as_json(),
            "mean_change": self.change.as_json(),
            "ci_low": self.ci_low.as_json(),
            "ci_high": self.ci_high.as_json(),
        }


@dataclass(frozen=True)
class Comparison:
    before: str
    after: str
    rows: tuple[ChangeRow, ...]

    def as_json(self) -> dict[str, Any]:
        return {"before": self.before, "after": self.after, "subscales": [row.as_json() for row in self.rows]}


@dataclass(frozen=True)
class Side:
    """His figures, or hers."""

    respondent: str
    instruments: tuple[str, ...]  # "<key>-<version>" of the answers counted
    responses: tuple[ResponseRow, ...]
    comparisons: tuple[Comparison, ...]

    def as_json(self) -> dict[str, Any]:
        return {
            "instruments": list(self.instruments),
            "response_rates": [row.as_json() for row in self.responses],
            "matched_change": [comparison.as_json() for comparison in self.comparisons],
        }


@dataclass(frozen=True)
class ShareRow:
    """A headline share at one time point: ``count`` of ``n`` partners."""

    point: str
    count: Cell
    n: Cell
    rate: Rate

    def as_json(self) -> dict[str, Any]:
        return {"time_point": self.point, "count": self.count.as_json(), "n": self.n.as_json(), **self.rate.as_json()}


@dataclass(frozen=True)
class Headline:
    """Mirabal's measures as the partners report them."""

    violence_subscales: tuple[str, ...]  # titles of the "any" safety sub-scales counted
    violence_free: tuple[ShareRow, ...]
    changes: tuple[Comparison, ...]  # her fear and space for action, matched
    children_subscale: str  # title, empty when the questionnaire asks nothing of the children
    children_no_longer_exposed: tuple[ShareRow, ...]

    def as_json(self) -> dict[str, Any]:
        return {
            "no_physical_or_sexual_violence": [row.as_json() for row in self.violence_free],
            "matched_change": [comparison.as_json() for comparison in self.changes],
            "children_no_longer_exposed": [row.as_json() for row in self.children_no_longer_exposed],
        }


@dataclass(frozen=True)
class OutcomeReport:
    organisation: Organisation
    period: Period
    threshold: int
    generated_at: datetime
    his: Side
    hers: Side
    headline: Headline
    methodology: tuple[str, ...] = field(default=())

    def as_json(self) -> dict[str, Any]:
        """The same numbers as the page, for another program: a suppressed figure is null with
        ``"suppressed": true``."""
        return {
            "report": "tandem-outcomes",
            "programme": {"id": self.organisation.pk, "name": self.organisation.name},
            "period": {"from": self.period.start.isoformat(), "to": self.period.end.isoformat()},
            "generated_at": self.generated_at.isoformat(),
            "suppression_threshold": self.threshold,
            "men": self.his.as_json(),
            "partners": self.hers.as_json(),
            "headline": self.headline.as_json(),
            "methodology": list(self.methodology),
        }


# --- Building it ----------------------------------------------------------------------------------


def build_report(organisation: Organisation, period: Period | None = None) -> OutcomeReport:
    """The report of ``organisation`` for ``period`` (default: the last 24 months). The caller
    has checked that whoever asks may read it."""
    period = period or Period.default()
    today = clock.today()
    threshold = threshold_for(organisation)
    his_scores, his_used, his_numbers = _numbered(queries.his_scores(organisation.pk, period.start, period.end))
    her_scores, her_used, her_numbers = _numbered(queries.her_scores(organisation.pk, period.start, period.end))
    his_counts = queries.his_point_counts(organisation.pk, period.start, period.end, today)
    her_counts = queries.her_point_counts(organisation.pk, period.start, period.end, today)
    his_instrument = current_instrument(MAN)
    her_instrument = current_instrument(PARTNER)
    with transaction.atomic():
        # Every figure is checked against those shown before, by any report of the programme
        # (another period, or the same one before the latest answers), and recorded when shown.
        ledger.lock(organisation)
        his_published = published_before(threshold, his_numbers, ledger.shown(organisation, MAN), his_scores)
        her_published = published_before(threshold, her_numbers, ledger.shown(organisation, PARTNER), her_scores)
        # The headline figures are settled first: where one of them and a comparison's means would
        # give each other away, the headline figure is the one kept.
        shares = _headline_shares(her_instrument, her_scores, threshold, her_published)
        his = _side(MAN, his_instrument, his_used, his_scores, his_counts, threshold=threshold, published=his_published)
        hers = _side(
            PARTNER, her_instrument, her_used, her_scores, her_counts, threshold=threshold, published=her_published
        )
        ledger.record(organisation, MAN, shown_now(his_published, his_numbers))
        ledger.record(organisation, PARTNER, shown_now(her_published, her_numbers))
    headline = _headline(shares, hers)
    return OutcomeReport(
        organisation=organisation,
        period=period,
        threshold=threshold,
        generated_at=clock.now(),
        his=his,
        hers=hers,
        headline=headline,
        methodology=methodology(threshold, his.instruments, hers.instruments),
    )


def _side(
    respondent: str,
    instrument: Instrument,
    used: Collection[tuple[str, int]],
    scores: Scores,
    counts: Sequence[PointCount],
    *,
    threshold: int,
    published: Published,
) -> Side:
    subscales = _subscales(instrument, used)
    found = {
        (after, subscale.key): _change(subscale, scores, BEFORE, after, threshold)
        for after in AFTER
        for subscale in subscales
    }
    settled = settle_changes(found, published)
    comparisons = tuple(
        Comparison(BEFORE, after, tuple(settled[(after, subscale.key)] for subscale in subscales)) for after in AFTER
    )
    return Side(
        respondent=respondent,
        instruments=tuple(f"{key}-{version}" for key, version in sorted(set(used))),
        responses=response_rows(counts, threshold),
        comparisons=comparisons,
    )


def _subscales(current: Instrument, used: Iterable[tuple[str, int]]) -> list[Subscale]:
    """The sub-scales to report, in the questionnaire's order: the current version's, then any
    that only an earlier version counted."""
    found = list(current.subscales)
    known = {subscale.key for subscale in found}
    for key, version in sorted(set(used)):
        try:
            earlier = shipped_instrument(f"{key}-{version}")
        except InstrumentError:
            continue
        for subscale in earlier.subscales:
            if subscale.key not in known:
                found.append(subscale)
                known.add(subscale.key)
    return found


# (time point, sub-scale) → person → score, the people numbered from 0 (``Group``).
Scores = Mapping[tuple[str, str], Mapping[int, float]]


def _numbered(rows: Sequence[ScoreRow]) -> tuple[Scores, set[tuple[str, int]], dict[PersonKey, int]]:
    """The scores of ``rows`` by time point and sub-scale, each person (a partner of one case counts
    as one person per case) numbered in the order first met, for the figures do not depend on it;
    the questionnaire versions (key, version) they were given in; and the people's numbers."""
    numbers: dict[PersonKey, int] = {}
    found: dict[tuple[str, str], dict[int, float]] = defaultdict(dict)
    for person, case, point, subscale, value, _key, _version in rows:
        key = person << 32 | case  # ``report_ledger.person_key``, inline: tens of thousands of rows
        number = numbers.get(key)
        if number is None:
            number = numbers[key] = len(numbers)
        found[(point, subscale)][number] = value
    return found, {(row[5], row[6]) for row in rows}, numbers


def _pairs(scores: Scores, subscale: str, before: str, after: str) -> tuple[list[int], list[float], list[float]]:
    """The people with a score on ``subscale`` at both points, and their scores."""
    first = scores.get((before, subscale), {})
    then = scores.get((after, subscale), {})
    people = sorted(first.keys() & then.keys())
    return people, [first[person] for person in people], [then[person] for person in people]


def _change(subscale: Subscale, scores: Scores, before: str, after: str, threshold: int) -> tuple[ChangeRow, Group]:
    people, first, then = _pairs(scores, subscale.key, before, after)
    n = len(first)
    occurrence = subscale.score == ANY
    hidden = too_few(n, threshold)
    if occurrence and not hidden:
        # The mean of an "any" sub-scale is the share who reported it: the people who did, and
        # those who did not, must each be enough to show, before and after. None of them (or all
        # of them) is no exception: "none reported it" tells each one's answer.
        moved = transitions([value > 0.5 for value in first], [value > 0.5 for value in then])
        hidden = any(count < threshold for yes in (moved.yes_before, moved.yes_after) for count in (yes, n - yes))
    result = paired_change(first, then)
    if hidden:
        values: list[Cell] = [HIDDEN] * 5
    else:
        values = [
            shown(v) for v in (result.mean_before, result.mean_after, result.mean_change, result.ci_low, result.ci_high)
        ]
        # A mean of people who all gave the same score is each one's score; a change that is the
        # same for everyone is each one's change.
        if len(set(first)) == 1 or len(set(then)) == 1:
            values[0] = values[1] = HIDDEN
        if len({round(b - a, 9) for a, b in zip(first, then, strict=True)}) == 1:
            values = [HIDDEN] * 5
    row = ChangeRow(
        subscale=subscale.key,
        title=subscale.text(),
        measure=subscale.measure,
        better=subscale.better,
        occurrence=occurrence,
        n=SMALL if too_few(n, threshold) else shown(n),
        mean_before=values[0],
        mean_after=values[1],
        change=values[2],
        ci_low=values[3],
        ci_high=values[4],
    )
    return row, group_of(people)


def settle_changes(
    found: Mapping[tuple[str, str], tuple[ChangeRow, Group]], published: Published
) -> dict[tuple[str, str], ChangeRow]:
    """The matched comparisons of one respondent, keyed by (time point after, sub-scale), with no
    figure that another gives away by subtraction.

    The rule: the comparisons are taken from the most people to the fewest (the earlier time point
    first among equals). A comparison's mean before and mean after are aggregates of the start
    scores and of the later scores over its people; they are shown only when ``published`` allows
    them beside every figure already shown of the same scores (the other comparisons' means, and
    for hers the headline figures), that is, when no part of the people is between one and the
    threshold less one. Otherwise both are hidden, because the mean after less the change gives
    the mean before.

    The change and its interval stay. The changes to different time points are changes of
    different scores, so setting one against another leaves every person's later scores in the
    result: nobody's start can be isolated from changes alone. A change gives a mean only beside a
    mean over the same people (or over people that whole parts of other figures make up), and
    ``published`` checks that too; if even the change would give someone away, it is hidden with
    its interval, and only the number of people remains.
    """
    settled: dict[tuple[str, str], ChangeRow] = {}
    order = sorted(found, key=lambda key: (-size(found[key][1]), AFTER.index(key[0]), key[1]))
    for after, subscale in order:
        row, group = found[(after, subscale)]
        if row.change.suppressed or row.change.value is None:
            settled[(after, subscale)] = row
            continue
        start, later = (subscale, BEFORE), (subscale, after)
        if published.allows([(start, group), (later, group)]):
            published.publish([(start, group), (later, group)])
        elif published.allows_difference(start, later, group):
            published.publish_difference(start, later, group)
            row = replace(row, mean_before=HIDDEN, mean_after=HIDDEN)
        else:
            row = replace(row, mean_before=HIDDEN, mean_after=HIDDEN, change=HIDDEN, ci_low=HIDDEN, ci_high=HIDDEN)
        settled[(after, subscale)] = row
    return settled


def response_rows(counts: Iterable[PointCount], threshold: int) -> tuple[ResponseRow, ...]:
    """Per time point: the points due (answered, declined, or missed: closed unanswered, or a
    window that passed with nothing recorded), with the response rate and the attrition. A point
    whose window is still open is not counted yet."""
    tally: dict[str, dict[str, int]] = defaultdict(lambda: {"answered": 0, "declined": 0, "missed": 0})
    for row in counts:
        if row.state == PointState.ANSWERED:
            tally[row.point]["answered"] += row.count
        elif row.state == PointState.DECLINED:
            tally[row.point]["declined"] += row.count
        elif row.state == PointState.MISSED:
            tally[row.point]["missed"] += row.count
        elif row.state == PointState.DUE:
            tally[row.point]["missed"] += row.closed
    rows = []
    for point in POINT_ORDER:
        counted = tally.get(point, {"answered": 0, "declined": 0, "missed": 0})
        parts = [counted["answered"], counted["declined"], counted["missed"]]
        scheduled = sum(parts)
        total, cells = _count_cells(scheduled, parts, threshold, keep=0)
        answered_hidden = cells[0].suppressed or total.suppressed
        rows.append(
            ResponseRow(
                point=point,
                scheduled=total,
                answered=cells[0],
                declined=cells[1],
                missed=cells[2],
                response=rate_of(parts[0], scheduled, hidden=answered_hidden),
                attrition=rate_of(parts[1] + parts[2], scheduled, hidden=answered_hidden),
            )
        )
    return tuple(rows)


def _share_row(point: str, count: int, n: int, threshold: int) -> ShareRow:
    total, (yes, _no) = _count_cells(n, [count, n - count], threshold)
    if not total.suppressed and not yes.suppressed and (count < threshold or n - count < threshold):
        # None of the partners, or all of them: the share would tell each partner's answer.
        yes = SMALL if count < threshold else HIDDEN
    return ShareRow(point, yes, total, rate_of(count, n, hidden=total.suppressed or yes.suppressed))


HIDDEN_SHARE_ROW = (HIDDEN, HIDDEN, SUPPRESSED_RATE)


def _settle_share(row: ShareRow, additions: Sequence[tuple[Quantity, Group]], published: Published) -> ShareRow:
    """``row``, or the row hidden whole when the scores its shown figures count would give someone
    away beside the figures already shown (``Published``)."""
    if not additions:
        return row
    if published.allows(additions):
        published.publish(additions)
        return row
    return ShareRow(row.point, *HIDDEN_SHARE_ROW)


def _counted(cell: Cell) -> bool:
    return not cell.suppressed and cell.value is not None


@dataclass(frozen=True)
class _Shares:
    violence_subscales: tuple[str, ...]
    violence_free: tuple[ShareRow, ...]
    children_subscale: str
    children_no_longer_exposed: tuple[ShareRow, ...]


def _headline_shares(instrument: Instrument, scores: Scores, threshold: int, published: Published) -> _Shares:
    """The headline shares of her answers, each recorded in ``published`` with the scores it
    counts: the share without violence at a time point counts every violence sub-scale at that
    point over the partners who answered; the share of children no longer exposed counts, in its
    number of partners, the start scores of those with a score at both points, and in its count
    the later scores of those exposed at the start."""
    violence = [s for s in instrument.subscales if s.measure == SAFETY and s.score == ANY]
    violence_free = []
    for point in (BEFORE, *AFTER):
        answered = [scores.get((point, s.key), {}) for s in violence]
        known = set(answered[0]).intersection(*answered[1:]) if answered else set()
        free = sum(1 for person in known if all(answers[person] < 0.5 for answers in answered))
        row = _share_row(point, free, len(known), threshold)
        group = group_of(known)
        counts_scores = _counted(row.count)
        # The share is a sum of whether each partner was free of violence: a quantity of its own,
        # beside the scores it is worked out from.
        derived = (FREE_OF_VIOLENCE, point)
        if published.classes is not None:
            free_of = {person: float(all(answers[person] < 0.5 for answers in answered)) for person in known}
            published.classes.derived[derived] = free_of
        additions: list[tuple[Quantity, Group]] = (
            [*(((s.key, point), group) for s in violence), (derived, group)] if counts_scores else []
        )
        violence_free.append(_settle_share(row, additions, published))
    children = next((s for s in instrument.subscales if s.measure == CHILDHOODS and s.score != ANY), None)
    no_longer: dict[str, ShareRow] = {}
    if children is not None:
        lowest = _lowest(children)
        found: dict[str, tuple[ShareRow, Group, Group]] = {}
        for point in AFTER:
            people, first, then = _pairs(scores, children.key, BEFORE, point)
            exposed = {
                person: after
                for person, before, after in zip(people, first, then, strict=True)
                if before > lowest + EPSILON
            }
            free = sum(1 for after in exposed.values() if after <= lowest + EPSILON)
            found[point] = (_share_row(point, free, len(exposed), threshold), group_of(people), group_of(exposed))
            if published.classes is not None:
                published.classes.derived.setdefault((CHILDREN_EXPOSED, BEFORE), {}).update(
                    (person, float(before > lowest + EPSILON)) for person, before in zip(people, first, strict=True)
                )
                published.classes.derived[(CHILDREN_NO_LONGER, point)] = {
                    person: float(after <= lowest + EPSILON) for person, after in exposed.items()
                }
        for point in sorted(AFTER, key=lambda p: (-size(found[p][1]), AFTER.index(p))):
            row, paired, exposed_group = found[point]
            additions = []
            if _counted(row.n):
                additions += [((children.key, BEFORE), paired), ((CHILDREN_EXPOSED, BEFORE), paired)]
            if _counted(row.count):
                additions += [((children.key, point), exposed_group), ((CHILDREN_NO_LONGER, point), exposed_group)]
            no_longer[point] = _settle_share(row, additions, published)
    return _Shares(
        violence_subscales=tuple(s.text() for s in violence),
        violence_free=tuple(violence_free),
        children_subscale=children.text() if children is not None else "",
        children_no_longer_exposed=tuple(no_longer[point] for point in AFTER if point in no_longer),
    )


def _headline(shares: _Shares, hers: Side) -> Headline:
    changes = tuple(
        Comparison(
            comparison.before,
            comparison.after,
            tuple(row for row in comparison.rows if row.subscale in HEADLINE_CHANGES),
        )
        for comparison in hers.comparisons
    )
    return Headline(
        violence_subscales=shares.violence_subscales,
        violence_free=shares.violence_free,
        changes=changes,
        children_subscale=shares.children_subscale,
        children_no_longer_exposed=shares.children_no_longer_exposed,
    )


def _lowest(subscale: Subscale) -> float:
    """The score of a mean sub-scale when nothing it asks about happened."""
    return min(min(item.counted(option.value) for option in item.scale.options) for item in subscale.items)


# --- How it was counted ---------------------------------------------------------------------------


def methodology(threshold: int, his_instruments: Sequence[str], her_instruments: Sequence[str]) -> tuple[str, ...]:
    """The paragraphs that say who is counted and how, in the active language."""
    versions = sorted({*his_instruments, *her_instruments})
    used = (
        _("Questionnaires counted: %(versions)s.") % {"versions": ", ".join(versions)}
        if versions
        else _("No answers were recorded for the cases of this period yet.")
    )
    return (
        _(
            "Who is counted: the men whose programme started in the period (their first time point opened in "
            "it), with every later time point of theirs and of their partners, whenever it fell. Each partner "
            "answers about the man of one case; her answers are recorded by her support workers or given "
            "through her own link, and only their totals appear here."
        ),
        _(
            "Response rates: a time point counts once its window has closed or it was answered. It was "
            "answered, declined, or missed (nobody could be reached in the window, or the man left before "
            "it). Attrition is the share declined or missed. Points whose window is still open are not counted."
        ),
        ngettext(
            "How many answered is shown whenever the points due are, even when fewer than %(threshold)d person "
            "did not answer: the comparisons and the headline figures count the same people, so it could be "
            "worked out from them. Whether those who did not answer declined or were missed is then not shown.",
            "How many answered is shown whenever the points due are, even when fewer than %(threshold)d people "
            "did not answer: the comparisons and the headline figures count the same people, so it could be "
            "worked out from them. Whether those who did not answer declined or were missed is then not shown.",
            threshold,
        )
        % {"threshold": threshold},
        _(
            "Figures shown before count too: every mean, change and share a report of this programme has shown, "
            "for any period and on any day, is kept in a ledger (which people it counted, never their answers), "
            "and one that would give someone's answers away beside them is not shown, nor one that sets apart "
            "people who all gave the same answer. A figure shown once may so be hidden in a later report, until "
            "enough more people are counted. Counts of questionnaires answered, declined or missed are not kept "
            "in it."
        ),
        _(
            "Matched change: each comparison counts only the people with a score on the sub-scale at both "
            "time points, so that the change is the same people's change, not a change in who answered. A "
            "sub-scale is scored only when enough of its questions were answered; an unanswered question is "
            "never read as a no."
        ),
        _(
            "Confidence intervals: %(level)s intervals, from the t distribution for a mean change over matched "
            "pairs and the Wilson score interval for a share. With small numbers they are wide: a change whose "
            "interval includes zero may be chance."
        )
        % {"level": "95 %"},
        ngettext(
            "Small numbers: a figure about fewer than %(threshold)d person is not shown, for the men as for the "
            "partners. Where figures add up to a total, one more is hidden beside a hidden one, so that it cannot "
            "be worked out from the others; a share is shown only when both the people it counts and the rest "
            "are enough to show.",
            "Small numbers: a figure about fewer than %(threshold)d people is not shown, for the men as for the "
            "partners. Where figures add up to a total, one more is hidden beside a hidden one, so that it cannot "
            "be worked out from the others; a share is shown only when both the people it counts and the rest "
            "are enough to show.",
            threshold,
        )
        % {"threshold": threshold},
        ngettext(
            "Figures that could be subtracted: two figures about nearly the same people would give away the "
            "answers of the few between them. So the means before and after of a matched comparison are shown "
            "only when, set beside the other figures about the same answers (the other comparisons' means, and "
            "the headline figures), no group of people counted by some of them and not by the others is smaller "
            "than %(threshold)d person. Otherwise only its number of people, its change and its interval are "
            "shown; and when even those would give someone away, only its number of people. Headline figures are "
            "kept first, then the comparisons with the most people.",
            "Figures that could be subtracted: two figures about nearly the same people would give away the "
            "answers of the few between them. So the means before and after of a matched comparison are shown "
            "only when, set beside the other figures about the same answers (the other comparisons' means, and "
            "the headline figures), no group of people counted by some of them and not by the others is smaller "
            "than %(threshold)d people. Otherwise only its number of people, its change and its interval are "
            "shown; and when even those would give someone away, only its number of people. Headline figures are "
            "kept first, then the comparisons with the most people.",
            threshold,
        )
        % {"threshold": threshold},
        _(
            "Headline figures follow Project Mirabal's measures of success, from the partners' answers: the share "
            "reporting no physical and no sexual violence, the change in her fear and in her space for action, "
            "and, of the partners who reported the children exposed to violence at the start, the share who "
            "report them no longer exposed."
        ),
        used,
    )
