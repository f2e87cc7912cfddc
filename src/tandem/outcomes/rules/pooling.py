"""The pooled outcome dataset's records: pseudonymised and minimised, computed without the ORM.

A record is one time point of one respondent (the man, or one partner of his): answered, declined,
or not reached (closed, or its window passed, without answers); a point whose window is still open
is not settled and is left out. An answered point gives one row per sub-scale score (long format,
so that the columns stay the same whatever sub-scales a questionnaire version has), or one row
without a score when too little was answered to score any.

What a record holds, and why nothing more:

* ``case_key``: HMAC-SHA256 of the organisation and the case under a key drawn for the
  contribution from the pooling key, so that a case's records link within the contribution but
  cannot be turned back into a case without the key, nor joined with another contribution's;
  ``respondent_key`` the same for the man or for one partner of the case (her answers are
  matched with her own earlier ones, never with another partner's);
* the programme's pseudonym, its country and, where all of its registered programmes lie in one,
  its first-level region;
* the period of the answers, or of the end of the window for a point not answered: at finest the
  month (``YYYY-MM``), no day is ever written;
* his age band when case work knows his date of birth, and how his case ended (completed,
  dropped out, excluded, transferred) or that it has not ended: attrition matters;
* the questionnaire's key and version, the language and its translation version, how it was
  answered, and the sub-scale with its score.

No name, no free text, no exact date and no record id is ever written.

The pool keeps these records on the server, where only the benchmarks read them. Pseudonyms are
not enough for the dataset that leaves it (``tandem outcomes pool``): someone who knows that a
man of a programme, in his forties, dropped out in March, could find his rows by those facts, and
through the case's pseudonym his partner's answers. So the export (``anonymised``) coarsens, per
programme, what can be known of a case from outside (age band, how the case ended, and for the
man and each partner when each time point fell, whether and how it was answered) until every case
shares it with at least the small-number threshold of other cases (k-anonymity): months become
quarters, half-years, years or nothing, age bands two wide bands or nothing, the least first; an
ending too rare even then is left out for the cases that have it, and the few cases that still
stand out are left out of the export, the man with his partners.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

MAN, PARTNER = "man", "partner"
ANSWERED, DECLINED, NOT_REACHED = "answered", "declined", "not_reached"
ONGOING = "ongoing"
# Case work's endings, as pooled; a case that has none of them has not ended.
ENDINGS = ("completed", "dropped_out", "excluded", "transferred")
EXITS = (*ENDINGS, ONGOING)
RESPONSES = (ANSWERED, DECLINED, NOT_REACHED)
# Bands wide enough that a band never points at one man in a small programme's figures.
AGE_BANDS = ((0, 18, "under_18"), (18, 25, "18-24"), (25, 35, "25-34"), (35, 45, "35-44"), (45, 55, "45-54"))
OLDEST_BAND = "55+"
# The two wide bands the age bands are coarsened to.
UNDER_35, FROM_35 = "under_35", "35+"
WIDE_BANDS = {"under_18": UNDER_35, "18-24": UNDER_35, "25-34": UNDER_35, "35-44": FROM_35, "45-54": FROM_35}
# How coarse the periods and the ages of a contribution are written, finest first.
PERIOD_LEVELS = ("month", "quarter", "half_year", "year", "none")
AGE_LEVELS = ("band", "wide", "none")


@dataclass(frozen=True)
class Column:
    name: str
    sql_type: str  # DuckDB's type of the column in the Parquet file
    description: Promise
    values: tuple[str, ...] = ()  # the values a coded column takes (empty: free of a fixed list)


COLUMNS: tuple[Column, ...] = (
    Column("respondent", "VARCHAR", _("Who answered: the man, or a partner or ex-partner of his."), (MAN, PARTNER)),
    Column(
        "case_key",
        "VARCHAR",
        _(
            "A pseudonym of the case (HMAC-SHA256 under a key drawn for each export): the same in all of the "
            "export's rows of the case, different in every other export, and not to be turned back into a case."
        ),
    ),
    Column(
        "respondent_key",
        "VARCHAR",
        _("A pseudonym of the man, or of one partner, of the case: a person's answers over time share it."),
    ),
    Column("programme", "VARCHAR", _("The pseudonym of the programme provider.")),
    Column("country", "VARCHAR", _("The provider's country (ISO 3166-1 alpha-2), where recorded.")),
    Column(
        "region",
        "VARCHAR",
        _(
            "The first-level region (ISO 3166-2) when every registered programme of the provider lies in one; "
            "else empty."
        ),
    ),
    Column(
        "age_band",
        "VARCHAR",
        _(
            "The man's age in years when his case opened, in bands, or in two wide bands (under_35, 35+) where "
            "the programme's numbers are small; empty when his date of birth is not recorded or when even the "
            "wide bands would single him out."
        ),
        (*(band for _low, _high, band in AGE_BANDS), OLDEST_BAND, UNDER_35, FROM_35),
    ),
    Column(
        "exit",
        "VARCHAR",
        _(
            "How the man's case ended (completed, dropped out, excluded, transferred), or that it has not ended; "
            "empty when so few of the programme's cases ended that way that it would single them out."
        ),
        EXITS,
    ),
    Column(
        "time_point",
        "VARCHAR",
        _("The time point: start, half-way, end, 6 and 12 months after the end."),
        ("start", "midway", "end", "follow_up_6", "follow_up_12"),
    ),
    Column(
        "response",
        "VARCHAR",
        _(
            "Whether the questionnaire was answered, declined, or not reached (closed, or its window "
            "passed, without answers)."
        ),
        RESPONSES,
    ),
    Column(
        "period",
        "VARCHAR",
        _(
            "When it was answered, or for a point not answered when its window closed: a month (2026-03), a "
            "quarter (2026-Q1), a half-year (2026-H1) or a year (2026), as coarse as the programme's numbers "
            "need for no respondent to stand out; empty when even a year would single someone out."
        ),
    ),
    Column("instrument", "VARCHAR", _("The questionnaire's key (answered points only).")),
    Column("instrument_version", "INTEGER", _("The questionnaire's version (answered points only).")),
    Column("language", "VARCHAR", _("The language it was answered in (answered points only).")),
    Column("translation_version", "INTEGER", _("The version of its wording in that language (answered points only).")),
    Column(
        "mode",
        "VARCHAR",
        _("How it was answered: in a session, entered by staff, by interview, through her own link, or imported."),
        ("session", "staff_form", "interview", "link", "import"),
    ),
    Column(
        "subscale",
        "VARCHAR",
        _(
            "The sub-scale of the score (see the questionnaires below); empty when too little was answered "
            "to score any."
        ),
    ),
    Column(
        "value",
        "DOUBLE",
        _(
            "The sub-scale's score: for a sub-scale of occurrences 1 (it happened) or 0 (it did not), else the "
            "mean of its answered items on the answer scale."
        ),
    ),
)
COLUMN_NAMES = tuple(column.name for column in COLUMNS)


@dataclass(frozen=True)
class CaseFacts:
    case_id: int
    ending: str  # one of ENDINGS, or ONGOING
    birth_date: date | None
    opened_on: date


@dataclass(frozen=True)
class PointFacts:
    """One time point with its answers' particulars where answered (nothing of the answers)."""

    point_id: int
    case_id: int
    partner_id: int | None  # None for his points
    time_point: str
    state: str  # the point's state: due, answered, declined, missed
    closes_on: date
    answered_on: date | None = None
    instrument: str = ""
    instrument_version: int | None = None
    language: str = ""
    translation_version: int | None = None
    mode: str = ""


@dataclass(frozen=True)
class Programme:
    organisation_id: int
    country: str | None
    region: str | None


Record = tuple[Any, ...]


def pseudonym(key: bytes, *parts: object) -> str:
    """HMAC-SHA256 of the parts under ``key``, in hexadecimal."""
    message = "\x1f".join(str(part) for part in parts).encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def programme_pseudonym(key: bytes, organisation_id: int) -> str:
    """A short pseudonym of a provider, to be read in tables (40 bits: no two collide in a network)."""
    return "P-" + pseudonym(key, "programme", organisation_id)[:10].upper()


def month_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def age_band(birth_date: date | None, on: date) -> str | None:
    if birth_date is None:
        return None
    years = on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))
    for low, high, band in AGE_BANDS:
        if low <= years < high:
            return band
    return OLDEST_BAND if years >= AGE_BANDS[-1][1] else None


def ending_of(endings: Sequence[str]) -> str:
    """How a case ended: the last of case work's endings it reached (a case may be taken on again
    after a transfer), or ONGOING."""
    found = [state for state in endings if state in ENDINGS]
    return found[-1] if found else ONGOING


def response_of(point: PointFacts, today: date) -> str | None:
    """The point as pooled, or None while it is not settled (due, its window still open)."""
    if point.state == ANSWERED:
        return ANSWERED
    if point.state == DECLINED:
        return DECLINED
    if point.state == "missed" or point.closes_on < today:
        return NOT_REACHED
    return None


# --- Coarsening: no case singled out by what is known of it from outside ----------------------------


@dataclass(frozen=True)
class Coarsening:
    """How coarse one programme's records are exported: its periods and ages, the cases whose
    ending is left out, and the cases left out altogether (both by case pseudonym)."""

    period: str = PERIOD_LEVELS[0]
    age: str = AGE_LEVELS[0]
    hidden_endings: frozenset[str] = field(default_factory=frozenset)
    left_out: frozenset[str] = field(default_factory=frozenset)

    def period_of(self, month: str | None) -> str | None:
        """``month`` (YYYY-MM) as this coarsening writes it."""
        if month is None:
            return None
        year, number = month[:4], int(month[5:7])
        if self.period == "month":
            return month
        if self.period == "quarter":
            return f"{year}-Q{(number - 1) // 3 + 1}"
        if self.period == "half_year":
            return f"{year}-H{1 if number <= 6 else 2}"
        return year if self.period == "year" else None

    def age_of(self, band: str | None) -> str | None:
        if band is None or self.age == "none":
            return None
        return band if self.age == "band" else WIDE_BANDS.get(band, FROM_35)

    def ending_of(self, case_key: str, ending: str | None) -> str | None:
        return None if case_key in self.hidden_endings else ending


# Up to this share of a programme's cases may be left out of the export for the rest to be
# written finer: a few who stand out at every level must not cost everyone their periods and ages.
LEAVE_OUT_AT_MOST = 0.05
_AT = {name: position for position, name in enumerate(COLUMN_NAMES)}


@dataclass
class _Known:
    """What could be known of one case from outside, as the records say it: the man's age band, how
    his case ended, and of each of its respondents (the man, each partner) whether the man or a
    partner, and of each time point its month, whether it was answered, declined or not reached,
    which sub-scales were scored, and how it was answered (language, mode, versions: a rare language
    points at a person as well as a date does). The man and his partners are one unit: their rows
    share the case's pseudonym, so a case stands out if the combination of theirs does."""

    band: str | None
    ending: str | None
    people: dict[str, tuple[str, set[tuple[Any, ...]]]] = field(default_factory=dict)


def _known(rows: Iterable[Record]) -> dict[str, _Known]:
    at = _AT
    known: dict[str, _Known] = {}
    for row in rows:
        case = row[at["case_key"]]
        facts = known.get(case)
        if facts is None:
            facts = known[case] = _Known(row[at["age_band"]], row[at["exit"]])
        _kind, points = facts.people.setdefault(row[at["respondent_key"]], (row[at["respondent"]], set()))
        points.add(
            (
                row[at["time_point"]],
                row[at["period"]],
                row[at["response"]],
                row[at["subscale"]],  # which sub-scales were scored: a partner without children shows
                row[at["language"]],
                row[at["mode"]],
                row[at["instrument_version"]],
                row[at["translation_version"]],
            )
        )
    return known


def _written(case: str, facts: _Known, coarse: Coarsening) -> tuple[Any, ...]:
    people = []
    for kind, points in facts.people.values():
        shown = {(point, coarse.period_of(month), *rest) for point, month, *rest in points}
        people.append((kind, tuple(sorted(shown, key=str))))
    return (coarse.age_of(facts.band), coarse.ending_of(case, facts.ending), tuple(sorted(people, key=str)))


def _standing_out(known: Mapping[str, _Known], coarse: Coarsening, threshold: int) -> set[str]:
    """The cases that fewer than ``threshold`` cases resemble as ``coarse`` writes them."""
    classes: dict[tuple[Any, ...], list[str]] = defaultdict(list)
    for case, facts in known.items():
        classes[_written(case, facts, coarse)].append(case)
    return {case for members in classes.values() if len(members) < threshold for case in members}


def coarsening(known: Mapping[str, _Known], threshold: int) -> Coarsening:
    """How to export one programme's records so that every case in them (the man and his partners
    together) is alike, in all that could be known from outside (``_Known``), with at least
    ``threshold - 1`` other cases: k-anonymity, with k the small-number threshold.

    Periods and ages are coarsened together, the least information lost first (ages before
    periods among equals, because trends over time matter more to the analysis), down to the
    first level at which at most ``LEAVE_OUT_AT_MOST`` of the cases still stand out; those are
    left out, the man and his partners alike. When no level gets there, periods and ages are not
    written at all, an ending too rare is left out for its cases (with the next rarest, until those
    left out are enough to hide among each other), and whatever case still stands out is left out."""
    levels = sorted(
        itertools.product(range(len(PERIOD_LEVELS)), range(len(AGE_LEVELS))),
        key=lambda pair: (pair[0] + pair[1], pair[0]),
    )
    for period_level, age_level in levels:
        candidate = Coarsening(PERIOD_LEVELS[period_level], AGE_LEVELS[age_level])
        standing_out = _standing_out(known, candidate, threshold)
        if len(standing_out) <= LEAVE_OUT_AT_MOST * len(known):
            return Coarsening(candidate.period, candidate.age, left_out=frozenset(standing_out))
    coarsest = Coarsening(PERIOD_LEVELS[-1], AGE_LEVELS[-1], _rare_endings(known, threshold))
    return Coarsening(
        coarsest.period, coarsest.age, coarsest.hidden_endings, frozenset(_standing_out(known, coarsest, threshold))
    )


def _rare_endings(known: Mapping[str, _Known], threshold: int) -> frozenset[str]:
    """The cases whose ending is left out: those of every ending too few cases share, then the
    rarest of the rest while those left out are too few themselves."""
    counts: Counter[str | None] = Counter(facts.ending for facts in known.values())

    def rare(endings: set[str | None]) -> bool:
        return small(sum(counts[e] for e in endings), threshold)

    endings = set(counts)
    hidden = {ending for ending in endings if rare({ending})}
    while hidden and rare(hidden) and hidden != endings:
        shown = sorted(endings - hidden, key=lambda e: (counts[e], e or ""))
        hidden.add(shown[0])
    return frozenset(case for case, facts in known.items() if facts.ending in hidden)


def anonymised(rows: Sequence[Record], *, threshold: int, key: bytes) -> tuple[list[Record], Coarsening]:
    """One programme's records as exported: coarsened (``coarsening``), and with the people's
    pseudonyms keyed anew under ``key`` (drawn for the export). Exports are not linked by their
    pseudonyms; their scores can still be matched row by row, which is why each is anonymised as
    a whole and never finer than its data allows."""
    coarse = coarsening(_known(rows), threshold)
    at = _AT
    renamed: dict[str, str] = {}

    def rename(value: str) -> str:
        found = renamed.get(value)
        if found is None:
            found = renamed[value] = pseudonym(key, value)
        return found

    exported = []
    for row in rows:
        if row[at["case_key"]] in coarse.left_out:
            continue
        written = list(row)
        written[at["case_key"]] = rename(row[at["case_key"]])
        written[at["respondent_key"]] = rename(row[at["respondent_key"]])
        written[at["age_band"]] = coarse.age_of(row[at["age_band"]])
        written[at["exit"]] = coarse.ending_of(row[at["case_key"]], row[at["exit"]])
        written[at["period"]] = coarse.period_of(row[at["period"]])
        exported.append(tuple(written))
    return exported, coarse


def _month_of_point(point: PointFacts, response: str) -> str:
    answered_on = point.answered_on if response == ANSWERED else None
    return month_of(answered_on or point.closes_on)


def records(
    *,
    key: bytes,
    programme: Programme,
    cases: Mapping[int, CaseFacts],
    points: Iterable[PointFacts],
    scores: Mapping[tuple[str, int], Sequence[tuple[str, float]]],
    today: date,
    salt: bytes = b"",
) -> Iterator[Record]:
    """The records of one provider, in ``COLUMN_NAMES`` order, as the pool keeps them: months and
    age bands (the export coarsens them further, ``anonymised``). ``scores`` are the sub-scale
    scores by respondent and point (his and her points are numbered apart)."""
    organisation = programme.organisation_id
    programme_key = programme_pseudonym(key, organisation)
    # The people's pseudonyms are keyed anew for every contribution (``salt``): nothing needs to
    # link a case across contributions, and two of them cannot be joined.
    person_key = hmac.new(key, b"contribution\x1f" + salt, hashlib.sha256).digest() if salt else key
    case_keys: dict[int, str] = {}
    for point in points:
        response = response_of(point, today)
        if response is None:
            continue
        case_key = case_keys.get(point.case_id)
        if case_key is None:
            case_key = case_keys[point.case_id] = pseudonym(person_key, "case", organisation, point.case_id)
        facts = cases.get(point.case_id)
        if point.partner_id is None:
            respondent, respondent_key = MAN, pseudonym(person_key, MAN, organisation, point.case_id)
        else:
            respondent = PARTNER
            respondent_key = pseudonym(person_key, PARTNER, organisation, point.case_id, point.partner_id)
        found = scores.get((respondent, point.point_id), ())
        answered_on = point.answered_on if response == ANSWERED else None
        month = _month_of_point(point, response)
        common = (
            respondent,
            case_key,
            respondent_key,
            programme_key,
            programme.country,
            programme.region,
            age_band(facts.birth_date, facts.opened_on) if facts else None,
            facts.ending if facts else ONGOING,
            point.time_point,
            response,
            month,
        )
        if answered_on is None:
            yield (*common, None, None, None, None, None, None, None)
            continue
        particulars = (
            point.instrument,
            point.instrument_version,
            point.language,
            point.translation_version,
            point.mode,
        )
        if not found:
            yield (*common, *particulars, None, None)
        for subscale, value in sorted(found):
            yield (*common, *particulars, subscale, float(value))


@dataclass(frozen=True)
class Summary:
    men: int
    partners: int
    questionnaires: int
    rows: int
    first_month: str
    last_month: str
    instruments: tuple[str, ...]  # "<key>-<version>" of every questionnaire answered


class Tally:
    """What the contribution log keeps of a provider's records, counted as they are written."""

    _AT = {name: position for position, name in enumerate(COLUMN_NAMES)}

    def __init__(self) -> None:
        self.men: set[str] = set()
        self.partners: set[str] = set()
        self.answered: set[tuple[str, str]] = set()
        self.instruments: set[str] = set()
        self.months: set[str] = set()
        self.rows = 0

    def count(self, rows: Iterable[Record]) -> Iterator[Record]:
        at = self._AT
        for row in rows:
            self.rows += 1
            respondent_key = row[at["respondent_key"]]
            (self.men if row[at["respondent"]] == MAN else self.partners).add(respondent_key)
            self.months.add(row[at["period"]])
            if row[at["response"]] == ANSWERED:
                self.answered.add((respondent_key, row[at["time_point"]]))
                self.instruments.add(f"{row[at['instrument']]}-{row[at['instrument_version']]}")
            yield row

    def summary(self) -> Summary:
        return Summary(
            men=len(self.men),
            partners=len(self.partners),
            questionnaires=len(self.answered),
            rows=self.rows,
            first_month=min(self.months, default=""),
            last_month=max(self.months, default=""),
            instruments=tuple(sorted(self.instruments)),
        )


# --- Small cells ---------------------------------------------------------------------------------


def small(count: int, threshold: int) -> bool:
    """A count too small to show: more than none, fewer than the threshold."""
    return 0 < count < threshold


def also_suppressed(suppressed: Mapping[str, bool], sizes: Mapping[str, int]) -> set[str]:
    """The programmes whose figure for one key must be suppressed too, beside the pool's figure
    that is shown: when only one programme's figure is suppressed, the pool's total less the
    others would give it away, so the smallest other one goes with it."""
    hidden = [name for name, flag in suppressed.items() if flag]
    if len(hidden) != 1:
        return set()
    others = [name for name, flag in suppressed.items() if not flag and sizes.get(name, 0) > 0]
    return {min(others, key=lambda name: (sizes[name], name))} if others else set()
