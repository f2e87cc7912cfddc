"""The pooled outcome dataset's records: pseudonymised and minimised, computed without the ORM.

A record is one time point of one respondent (the man, or one partner of his): answered, declined,
or not reached (closed, or its window passed, without answers); a point whose window is still open
is not settled and is left out. An answered point gives one row per sub-scale score (long format,
so that the columns stay the same whatever sub-scales a questionnaire version has), or one row
without a score when too little was answered to score any.

What a record holds, and why nothing more:

* ``case_key``: HMAC-SHA256 of the organisation and the case under the pooling key, so that the
  same case links across contributions but cannot be turned back into a case without the key;
  ``respondent_key`` the same for the man or for one partner of the case (her answers are
  matched with her own earlier ones, never with another partner's);
* the programme's pseudonym, its country and, where all of its registered programmes lie in one,
  its first-level region;
* the month (``YYYY-MM``) of the answers, or of the end of the window for a point not answered:
  no day is ever written;
* his age band when case work knows his date of birth, and how his case ended (completed,
  dropped out, excluded, transferred) or that it has not ended: attrition matters;
* the questionnaire's key and version, the language and its translation version, how it was
  answered, and the sub-scale with its score.

No name, no free text, no exact date and no record id is ever written.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
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
            "A pseudonym of the case (HMAC-SHA256 under the installation's pooling key): the same in every "
            "contribution, and not to be turned back into a case without the key."
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
        _("The man's age in years when his case opened, in bands; empty when his date of birth is not recorded."),
        (*(band for _low, _high, band in AGE_BANDS), OLDEST_BAND),
    ),
    Column(
        "exit",
        "VARCHAR",
        _("How the man's case ended (completed, dropped out, excluded, transferred), or that it has not ended."),
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
        "month",
        "VARCHAR",
        _("The month (YYYY-MM) it was answered, or for a point not answered the month its window closed."),
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


def records(
    *,
    key: bytes,
    programme: Programme,
    cases: Mapping[int, CaseFacts],
    points: Iterable[PointFacts],
    scores: Mapping[tuple[str, int], Sequence[tuple[str, float]]],
    today: date,
) -> Iterator[Record]:
    """The records of one provider, in ``COLUMN_NAMES`` order. ``scores`` are the sub-scale
    scores by respondent and point (his and her points are numbered apart)."""
    organisation = programme.organisation_id
    programme_key = programme_pseudonym(key, organisation)
    case_keys: dict[int, str] = {}
    for point in points:
        response = response_of(point, today)
        if response is None:
            continue
        case_key = case_keys.get(point.case_id)
        if case_key is None:
            case_key = case_keys[point.case_id] = pseudonym(key, "case", organisation, point.case_id)
        facts = cases.get(point.case_id)
        if point.partner_id is None:
            respondent, respondent_key = MAN, pseudonym(key, MAN, organisation, point.case_id)
        else:
            respondent = PARTNER
            respondent_key = pseudonym(key, PARTNER, organisation, point.case_id, point.partner_id)
        found = scores.get((respondent, point.point_id), ())
        answered_on = point.answered_on if response == ANSWERED else None
        month = month_of(answered_on or point.closes_on)
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
        self.months: set[str] = set()
        self.instruments: set[str] = set()
        self.rows = 0

    def count(self, rows: Iterable[Record]) -> Iterator[Record]:
        at = self._AT
        for row in rows:
            self.rows += 1
            respondent_key = row[at["respondent_key"]]
            (self.men if row[at["respondent"]] == MAN else self.partners).add(respondent_key)
            self.months.add(row[at["month"]])
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
