"""What the mapping report decides from the figures, before a word is written: which themes
hold which indicators, how each indicator fares against its target overall and in each
country, which recommendations follow, and what the report knows (``Report``). Pure: the
figures and the facts of the published answers come in already read
(``tandem.mapping.queries.report``); the words come later (``tandem.mapping.render``).

Rules that hold everywhere in the report:

- Only published answers count, as for the indicators and the coverage.
- A programme whose registry record may not be published (``Programme.publish``) is never
  named, neither by name nor by reference: it is counted ("and 2 programmes not named at their
  request") and its locations are never on the map. Private delivery locations
  (``DeliveryLocation.publish``) are never on the map either.
- A share over fewer programmes than the small-number threshold is never a bare percentage
  (``tandem.core.suppression``).
- "Functioning" in the report is what a programme's published answer says of it in the round;
  the registry's status of today is given beside it (``Report.registry_functioning``), so that
  a reader who compares with the directory sees why the two may differ.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from tandem.geo.models import Country
from tandem.mapping.models import Status, SurveyRound
from tandem.mapping.rules.coverage import CountryCoverage, CoverageResults
from tandem.mapping.rules.figures import (
    ROUND,
    ComplianceFigure,
    Figure,
    IndicatorResults,
    IndicatorRow,
    Where,
    make_figure,
)
from tandem.mapping.rules.indicators import INDICATORS, Indicator

# A country where more than this share of the population lives in a region without a
# functioning programme gets the coverage recommendation.
COVERAGE_SHARE = 50.0
# The survivor-safety indicators compared with the previous round.
SURVIVOR_SAFETY = ("joint_planning", "survivors_informed", "partner_contact", "risk_assessment", "information_sharing")
# What a programme says of itself in the answer's "status" question, in display order.
STATUSES = (Status.FUNCTIONING, Status.ON_PAPER, Status.SUSPENDED, Status.CLOSED)


@dataclass(frozen=True)
class Theme:
    key: str
    title: Promise
    intro: Promise
    indicators: tuple[str, ...]


THEMES: tuple[Theme, ...] = (
    Theme(
        "availability",
        gettext_lazy("Availability"),
        gettext_lazy(
            "Where programmes work, how many men they reach, and how many people live in a region that no "
            "functioning programme serves."
        ),
        (),
    ),
    Theme(
        "functioning",
        gettext_lazy("Functioning"),
        gettext_lazy(
            "Whether programmes actually run. A programme that is accredited, listed or funded but runs no groups "
            "protects no one, and courts and social services may still refer men to it."
        ),
        ("functioning", "on_paper"),
    ),
    Theme(
        "accessibility",
        gettext_lazy("Accessibility"),
        gettext_lazy(
            "Whether men can take part: what it costs them, whether men with disabilities can join, and how "
            "long they wait."
        ),
        ("free_of_charge", "disability_access"),
    ),
    Theme(
        "staffing",
        gettext_lazy("Staffing"),
        gettext_lazy("Who leads the groups, and whether facilitators receive regular supervision."),
        ("cofacilitation", "supervision"),
    ),
    Theme(
        "survivor_safety",
        gettext_lazy("Survivor safety"),
        gettext_lazy(
            "Whether programmes put the safety of women and children first, as Article 16 of the Istanbul "
            "Convention requires: contact with the (ex-)partner, honest information about what the programme can "
            "do, joint planning with survivor support services, risk assessment and information sharing."
        ),
        SURVIVOR_SAFETY,
    ),
    Theme(
        "evaluation",
        gettext_lazy("Evaluation"),
        gettext_lazy("Whether programmes know what they achieve, for the men and for the (ex-)partners."),
        ("outcome_monitoring", "follow_up"),
    ),
    Theme(
        "funding",
        gettext_lazy("Funding and standards"),
        gettext_lazy(
            "Where the money comes from and whether it is secure, whether programmes follow national standards, "
            "and how they meet the criteria of Article 16 of the Istanbul Convention."
        ),
        ("state_funding", "funding_secure", "national_standards"),
    ),
)
OTHER_THEME = Theme("other", gettext_lazy("Other indicators"), gettext_lazy("Indicators outside the themes above."), ())


def themes() -> tuple[Theme, ...]:
    """The themes, with any indicator that belongs to none in a last theme of its own, so that
    every indicator is in the report."""
    themed = {key for theme in THEMES for key in theme.indicators}
    rest = tuple(item.key for item in INDICATORS if item.key not in themed)
    return (*THEMES, Theme(OTHER_THEME.key, OTHER_THEME.title, OTHER_THEME.intro, rest)) if rest else THEMES


# --- What the report knows -------------------------------------------------------------------


@dataclass(frozen=True)
class AnswerFacts:
    """What the published answers of one scope say beyond the indicators: how many programmes
    are in each state, their places and the men they reached, and their waiting times."""

    answers: int = 0
    statuses: Mapping[str, int] = field(default_factory=dict)
    places_per_year: int = 0
    men_started: int = 0
    men_completed: int = 0
    waiting_weeks: tuple[float, ...] = ()

    def status(self, status: str) -> int:
        return self.statuses.get(status, 0)


@dataclass(frozen=True)
class NamedProgramme:
    code: str
    name: str


@dataclass(frozen=True)
class ProgrammeList:
    """The programmes of one country whose published answers the report uses: the public ones
    by name, the others only counted."""

    country_code: str
    named: tuple[NamedProgramme, ...]
    unnamed: int
    # Public programmes counted but not named because the country has more than a printed
    # list can usefully hold (see ANNEX_NAMES_PER_COUNTRY).
    not_listed: int = 0


@dataclass(frozen=True)
class Location:
    """A public location of a functioning, public programme: a point on the map."""

    latitude: float
    longitude: float
    code: str
    name: str
    town: str


@dataclass(frozen=True)
class IndicatorFinding:
    """How one indicator fares: overall and in each country, against its target."""

    indicator: Indicator
    overall: Figure
    overall_misses: bool | None
    below: tuple[Figure, ...]  # countries that miss the target
    uncertain: tuple[Figure, ...]  # countries with too few answers to judge
    meets: tuple[Figure, ...]  # countries that meet the target


# Kinds of recommendation.
INDICATOR, EXTEND_COVERAGE, NO_PROGRAMME = "indicator", "extend_coverage", "no_programme"


@dataclass(frozen=True)
class Recommendation:
    """One recommendation, decided from the data; its text is written when the report is rendered."""

    kind: str
    theme: str
    finding: IndicatorFinding | None = None
    countries: tuple[CountryCoverage, ...] = ()


@dataclass(frozen=True)
class Comparison:
    """The survivor-safety indicators of an earlier round, over its published answers."""

    survey_round: SurveyRound
    figures: Mapping[str, Figure]

    def figure(self, key: str) -> Figure:
        return self.figures[key]


@dataclass(frozen=True)
class Report:
    """Everything the report shows, computed once from the database. Language-neutral: the
    text is written by ``render_report_html`` in the language asked for."""

    survey_round: SurveyRound
    country: Country | None
    countries: tuple[Country, ...]  # of the report, in display order
    generated_at: datetime
    indicators: IndicatorResults
    coverage: CoverageResults
    previous: Comparison | None  # the same organisation's previous round, for comparison
    questionnaire_title: Mapping[str, str] | str
    questionnaire_version: int
    asked: Mapping[str, int]  # programmes of the registry per country
    # Programmes the registry lists as functioning today, per country: the report counts what the
    # published answers of the round say, and gives this beside it.
    registry_functioning: Mapping[str, int]
    facts: Mapping[str, AnswerFacts]  # per country code
    overall_facts: AnswerFacts
    findings: tuple[IndicatorFinding, ...]  # in INDICATORS order
    recommendations: tuple[Recommendation, ...]
    within_target: tuple[str, ...]  # countries that meet the target on every indicator they can be judged on
    programme_lists: tuple[ProgrammeList, ...]
    locations: tuple[Location, ...]
    region_points: Mapping[str, tuple[float, float]]  # coverage unit code -> representative point

    @property
    def small_number(self) -> int:
        return self.indicators.small_number

    @property
    def country_codes(self) -> tuple[str, ...]:
        return tuple(item.code for item in self.countries)

    @property
    def unnamed(self) -> int:
        return sum(item.unnamed for item in self.programme_lists)


# Why a figure is not compared with its target, or a score not shown.
TOO_FEW, NO_ANSWERS = "too_few", "no_answers"


def why_not_judged(figure: Figure) -> str | None:
    """Why a figure of a round, a country or a region cannot be compared with its target:
    ``TOO_FEW`` when fewer programmes than the small-number threshold answered (its share is
    suppressed), ``NO_ANSWERS`` when none did; None when it can be judged."""
    if figure.percent is not None:
        return None
    return TOO_FEW if figure.denominator else NO_ANSWERS


@dataclass(frozen=True)
class TargetCount:
    """How the report's indicators fare against their targets over the report's scope. An
    indicator whose figure cannot be judged is not "within its target": it is counted apart,
    with the reason, so that "0 below the target" is never said of figures nobody could judge."""

    total: int
    below: int
    too_few: int  # suppressed: fewer programmes answered than the small-number threshold
    no_answers: int

    @property
    def not_judged(self) -> int:
        return self.too_few + self.no_answers

    @property
    def judged(self) -> int:
        return self.total - self.not_judged


def target_count(findings: Sequence[IndicatorFinding]) -> TargetCount:
    """The indicators below their target among those that can be judged, and those that
    cannot be judged by reason, from each indicator's overall figure."""
    reasons = Counter(why_not_judged(item.overall) for item in findings)
    return TargetCount(
        total=len(findings),
        below=sum(1 for item in findings if item.overall_misses),
        too_few=reasons[TOO_FEW],
        no_answers=reasons[NO_ANSWERS],
    )


def why_no_mean_score(compliance: ComplianceFigure) -> str | None:
    """Why the Article 16 mean score of a scope is not shown: ``TOO_FEW`` when fewer
    programmes than the small-number threshold gave evidence, ``NO_ANSWERS`` when none did;
    None when it is shown."""
    if compliance.mean_score is not None:
        return None
    return TOO_FEW if compliance.programmes else NO_ANSWERS


def finding_of(row: IndicatorRow) -> IndicatorFinding:
    item = row.indicator
    below, uncertain, meets = [], [], []
    for figure in row.countries:
        misses = item.misses_target(figure)
        if misses is None:
            if figure.denominator:
                uncertain.append(figure)
        elif misses:
            below.append(figure)
        else:
            meets.append(figure)
    return IndicatorFinding(item, row.overall, row.misses_target, tuple(below), tuple(uncertain), tuple(meets))


def _theme_of(key: str) -> str:
    for theme in themes():
        if key in theme.indicators:
            return theme.key
    return OTHER_THEME.key


def recommendations_of(findings: Sequence[IndicatorFinding], coverage: CoverageResults) -> tuple[Recommendation, ...]:
    """For every indicator that misses its target (across the round or in a country) its
    recommendation; for coverage, countries without a functioning programme and countries where
    most people live in a region without one. In the order of the themes."""
    made: list[Recommendation] = []
    without = tuple(item for item in coverage.countries if not item.has_programme and item.population)
    if without:
        made.append(Recommendation(NO_PROGRAMME, "availability", countries=without))
    sparse = tuple(
        item
        for item in coverage.countries
        if item.has_programme and item.share_without is not None and item.share_without > COVERAGE_SHARE
    )
    if sparse:
        made.append(Recommendation(EXTEND_COVERAGE, "availability", countries=sparse))
    for finding in findings:
        if finding.overall_misses or finding.below:
            made.append(Recommendation(INDICATOR, _theme_of(finding.indicator.key), finding=finding))
    order = {theme.key: position for position, theme in enumerate(themes())}
    made.sort(key=lambda item: order.get(item.theme, len(order)))
    return tuple(made)


def within_target(findings: Sequence[IndicatorFinding], codes: Sequence[str]) -> tuple[str, ...]:
    """Countries that miss no target and can be judged on at least one indicator."""
    missing = {figure.scope_code for finding in findings for figure in finding.below}
    judged = {figure.scope_code for finding in findings for figure in finding.meets}
    return tuple(code for code in codes if code in judged and code not in missing)


# A printed list of several hundred names per country helps nobody and makes the PDF slow;
# beyond this the annex gives the count and points to the per-programme data.
ANNEX_NAMES_PER_COUNTRY = 150


def programme_lists(results: IndicatorResults, codes: Sequence[str]) -> tuple[ProgrammeList, ...]:
    named: dict[str, list[NamedProgramme]] = {code: [] for code in codes}
    unnamed: Counter[str] = Counter()
    for programme in results.programmes:
        if programme.public:
            named[programme.country_code].append(NamedProgramme(programme.code, programme.name))
        else:
            unnamed[programme.country_code] += 1
    return tuple(
        ProgrammeList(code, tuple(named[code]), unnamed[code])
        if len(named[code]) <= ANNEX_NAMES_PER_COUNTRY
        else ProgrammeList(code, (), unnamed[code], not_listed=len(named[code]))
        for code in codes
    )


def comparison_of(survey_round: SurveyRound, values: Iterable[Any], *, threshold: int) -> Comparison:
    """The compared indicators of an earlier round, over its published answers' values. Only
    these few are needed, so they are counted here in one pass, with the indicators' own tests
    and the small-number rule, rather than by computing every indicator, region and criterion
    of that round."""
    compared = [item for item in INDICATORS if item.key in SURVIVOR_SAFETY]
    numerators, denominators = Counter[str](), Counter[str]()
    for answer in values:
        if not isinstance(answer, dict):
            continue
        for item in compared:
            counted = item.counts(answer)
            if counted is not None:
                denominators[item.key] += 1
                numerators[item.key] += int(counted)
    whole = Where(ROUND, str(survey_round.pk), survey_round.name)
    return Comparison(
        survey_round,
        {
            item.key: make_figure(item.key, whole, numerators[item.key], denominators[item.key], threshold=threshold)
            for item in compared
        },
    )


def facts_of(
    rows: Iterable[tuple[int, str, Any]], codes: Sequence[str]
) -> tuple[dict[str, AnswerFacts], AnswerFacts, set[int]]:
    """From published answers (programme, country, values): per country and overall, the
    programmes by what they say of themselves, the places and men reached, the waiting times;
    and the programmes that say they are functioning."""
    statuses: dict[str, Counter[str]] = {code: Counter() for code in codes}
    totals: dict[str, Counter[str]] = {code: Counter() for code in codes}
    waits: dict[str, list[float]] = {code: [] for code in codes}
    functioning: set[int] = set()
    for programme_id, code, values in rows:
        if code not in statuses or not isinstance(values, dict):
            continue
        status = values.get("status")
        totals[code]["answers"] += 1
        if isinstance(status, str):
            statuses[code][status] += 1
        if status == Status.FUNCTIONING:
            functioning.add(programme_id)
        for question, key in (
            ("places_per_year", "places"),
            ("men_started_12m", "started"),
            ("men_completed_12m", "completed"),
        ):
            number = values.get(question)
            if isinstance(number, int | float) and not isinstance(number, bool):
                totals[code][key] += int(number)
        weeks = values.get("waiting_weeks")
        if isinstance(weeks, int | float) and not isinstance(weeks, bool):
            waits[code].append(float(weeks))

    def facts(scope: Iterable[str]) -> AnswerFacts:
        merged: Counter[str] = Counter()
        total: Counter[str] = Counter()
        weeks: list[float] = []
        for code in scope:
            merged.update(statuses[code])
            total.update(totals[code])
            weeks.extend(waits[code])
        return AnswerFacts(
            answers=total["answers"],
            statuses=dict(merged),
            places_per_year=total["places"],
            men_started=total["started"],
            men_completed=total["completed"],
            waiting_weeks=tuple(sorted(weeks)),
        )

    return {code: facts([code]) for code in codes}, facts(codes), functioning
