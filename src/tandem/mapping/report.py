"""The mapping report: a regional mapping study of perpetrator programmes, rebuilt from the
published answers of a survey round whenever it is asked for, as HTML and as PDF.

It reads like a study made by hand: an executive summary with the key figures, an overview of
the countries with a map, the findings by theme (availability, functioning, accessibility,
staffing, survivor safety, evaluation, funding and standards) with a chart and a table for
every indicator, a chapter per country, recommendations built from the results, the
methodology and an annex that lists the programmes whose answers it uses.

Two steps, so that one computation serves every language:

- ``build_report`` reads the database once and keeps numbers and decisions only (which
  indicators miss their target in which countries, which regions have no functioning
  programme): the ``Report``.
- ``render_report_html`` / ``render_report_pdf`` turn a ``Report`` into text inside
  ``translation.override(language)``: every sentence, number, date, chart and the map are
  made there, so they come out in the report's language. The PDF is the same HTML, through
  ``tandem.reports.pdf.html_to_pdf``.

Rules that hold everywhere in the report:

- Only published answers count (``queries.published_answers``, also behind the indicators
  and the coverage).
- A programme whose registry record may not be published (``Programme.publish``) is never
  named, neither by name nor by reference: it is counted ("and 2 programmes not named at their
  request") and its locations are never on the map. Private delivery locations
  (``DeliveryLocation.publish``) are never on the map either.
- A share over fewer programmes than the small-number threshold is never a bare percentage:
  figures are shown with ``Figure.display()`` (counts and a caution), and charts draw them as
  a hatched stub with the counts.

Public API::

    THEMES                                   # the themes of the findings, in order
    Report                                   # everything the template needs, language-neutral
    build_report(*, survey_round, country=None) -> Report
    previous_round(survey_round, country=None) -> SurveyRound | None   # compared in the report
    render_report_html(report, *, language, standalone=False, page=None) -> str
    render_report_pdf(report, *, language, base_url=None) -> bytes
    report_filename(report, extension) -> str
    record_report(report, *, file_format, language, actor, request=None)   # the audit entry
"""

from __future__ import annotations

import base64
import gc
import statistics
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Count
from django.template.loader import render_to_string
from django.utils import numberformat, timezone, translation
from django.utils.formats import get_format, number_format
from django.utils.functional import Promise
from django.utils.text import slugify
from django.utils.translation import gettext as _, gettext_lazy, ngettext

from tandem.core import audit
from tandem.core.audit import AuditContext
from tandem.core.models import SiteSettings, User
from tandem.geo.models import FOOTNOTED, Country, Region
from tandem.mapping.models import DeliveryLocation, Programme, Status, SurveyRound
from tandem.mapping.queries.answers import published_answers
from tandem.mapping.queries.figures import compute_coverage, compute_indicators
from tandem.mapping.queries.rounds import previous_round
from tandem.mapping.rules.coverage import CountryCoverage, CoverageResults, RegionCoverage
from tandem.mapping.rules.figures import (
    COUNTRY,
    RESPONSE_RATE,
    ROUND,
    ComplianceFigure,
    Figure,
    IndicatorResults,
    IndicatorRow,
    Where,
    make_figure,
)
from tandem.mapping.rules.indicators import INDICATORS, Indicator
from tandem.mapping.rules.questionnaire import definition_of, text_in
from tandem.reports import maps
from tandem.reports.charts import Bar, Group, Stack, bar_chart, grouped_bar_chart, stacked_bar
from tandem.reports.numbers import percent_text
from tandem.reports.pdf import find_static_file, html_to_pdf
from tandem.reports.svg import as_image

TEMPLATE = "mapping/report.html"
# The stylesheets the report links, as static names: the shared print stylesheet of reports,
# then the mapping report's own layout.
STYLESHEETS = ("reports/report.css", "mapping/report.css")
# A country where more than this share of the population lives in a region without a
# functioning programme gets the coverage recommendation.
COVERAGE_SHARE = 50.0
# The survivor-safety indicators compared with the previous round.
SURVIVOR_SAFETY = ("joint_planning", "survivors_informed", "partner_contact", "risk_assessment", "information_sharing")
# What a programme says of itself in the answer's "status" question, in display order.
STATUSES = (Status.FUNCTIONING, Status.ON_PAPER, Status.SUSPENDED, Status.CLOSED)

AUDIT_ACTION = "mapping.report"
# The map's height at most, in the units of its width of 640: with its legend it then fits on
# a printed page under the section's heading.
MAP_HEIGHT = 520


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


def build_report(*, survey_round: SurveyRound, country: Country | None = None) -> Report:
    """The report of a round's published answers, for all its countries or for one of them."""
    countries = tuple(survey_round.countries.all())
    if country is not None:
        if country.code not in {item.code for item in countries}:
            raise ValueError(f"{country.code} is not a country of round {survey_round.pk}.")
        countries = (country,)
    codes = [item.code for item in countries]
    results = compute_indicators(survey_round=survey_round, country=country)
    coverage = compute_coverage(survey_round=survey_round, country=country)
    earlier = previous_round(survey_round, country)
    previous = _comparison(earlier, country, results.small_number) if earlier is not None else None

    facts, overall_facts, functioning = _answer_facts(survey_round, country, codes)
    asked = dict.fromkeys(codes, 0)
    for code, count in (
        Programme.objects.filter(country__code__in=codes).values_list("country__code").annotate(count=Count("pk"))
    ):
        asked[code] = count
    findings = tuple(_finding(row) for row in results.rows)
    questionnaire = survey_round.questionnaire
    return Report(
        survey_round=survey_round,
        country=country,
        countries=countries,
        generated_at=timezone.now(),
        indicators=results,
        coverage=coverage,
        previous=previous,
        questionnaire_title=definition_of(questionnaire.definition).title,
        questionnaire_version=questionnaire.version,
        asked=asked,
        facts=facts,
        overall_facts=overall_facts,
        findings=findings,
        recommendations=_recommendations(findings, coverage),
        within_target=_within_target(findings, codes),
        programme_lists=_programme_lists(results, codes),
        locations=_locations(survey_round, country, functioning),
        region_points=_region_points(coverage),
    )


def _comparison(survey_round: SurveyRound, country: Country | None, threshold: int) -> Comparison:
    """The compared indicators of an earlier round. Only these few are needed, so they are
    counted here in one pass, with the indicators' own tests and small-number rule, rather
    than by computing every indicator, region and criterion of that round."""
    compared = [item for item in INDICATORS if item.key in SURVIVOR_SAFETY]
    numerators, denominators = Counter[str](), Counter[str]()
    rows = published_answers(survey_round=survey_round, country=country).values_list("values", flat=True)
    for values in rows.iterator(chunk_size=2000):
        if not isinstance(values, dict):
            continue
        for item in compared:
            counted = item.counts(values)
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


def _answer_facts(
    survey_round: SurveyRound, country: Country | None, codes: Sequence[str]
) -> tuple[dict[str, AnswerFacts], AnswerFacts, set[int]]:
    """Per country and overall: programmes by state, places and men reached, waiting times;
    and the programmes that say they are functioning."""
    statuses: dict[str, Counter[str]] = {code: Counter() for code in codes}
    totals: dict[str, Counter[str]] = {code: Counter() for code in codes}
    waits: dict[str, list[float]] = {code: [] for code in codes}
    functioning: set[int] = set()
    rows = published_answers(survey_round=survey_round, country=country).values_list(
        "programme_id", "programme__country__code", "values"
    )
    for programme_id, code, values in rows.iterator(chunk_size=2000):
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
        scope = list(scope)
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


def _finding(row: IndicatorRow) -> IndicatorFinding:
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


def _recommendations(findings: Sequence[IndicatorFinding], coverage: CoverageResults) -> tuple[Recommendation, ...]:
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


def _within_target(findings: Sequence[IndicatorFinding], codes: Sequence[str]) -> tuple[str, ...]:
    """Countries that miss no target and can be judged on at least one indicator."""
    missing = {figure.scope_code for finding in findings for figure in finding.below}
    judged = {figure.scope_code for finding in findings for figure in finding.meets}
    return tuple(code for code in codes if code in judged and code not in missing)


# A printed list of several hundred names per country helps nobody and makes the PDF slow;
# beyond this the annex gives the count and points to the per-programme data.
ANNEX_NAMES_PER_COUNTRY = 150


def _programme_lists(results: IndicatorResults, codes: Sequence[str]) -> tuple[ProgrammeList, ...]:
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


def _locations(survey_round: SurveyRound, country: Country | None, functioning: set[int]) -> tuple[Location, ...]:
    """Public locations of public programmes whose published answer says they are functioning."""
    if not functioning:
        return ()
    answering = published_answers(survey_round=survey_round, country=country).values("programme_id")
    rows = (
        DeliveryLocation.objects.filter(publish=True, programme__publish=True, programme_id__in=answering)
        .order_by("programme__code", "town", "pk")
        .values_list("programme_id", "latitude", "longitude", "programme__code", "programme__name", "town")
    )
    return tuple(
        Location(latitude, longitude, code, name, town)
        for programme_id, latitude, longitude, code, name, town in rows
        if programme_id in functioning
    )


def _region_points(coverage: CoverageResults) -> dict[str, tuple[float, float]]:
    codes = [region.code for region in coverage.regions if not region.served]
    if not codes:
        return {}
    return {
        code: (latitude, longitude)
        for code, latitude, longitude in Region.objects.filter(code__in=codes).values_list(
            "code", "latitude", "longitude"
        )
    }


# --- Writing it: text, numbers, charts and the map in the report's language ----------------------


def _count(number: int) -> str:
    """A whole number with the thousands grouped in the active language's way. Some of Django's
    locales (Albanian, Bosnian) give a separator but no grouping size: three is meant."""
    return numberformat.format(
        number,
        get_format("DECIMAL_SEPARATOR"),
        decimal_pos=0,
        grouping=get_format("NUMBER_GROUPING") or 3,
        thousand_sep=get_format("THOUSAND_SEPARATOR"),
        force_grouping=True,
    )


def _counts_text(figure: Figure) -> str:
    return _("%(numerator)s of %(denominator)s") % {"numerator": figure.numerator, "denominator": figure.denominator}


def _target_text(item: Indicator) -> str:
    target = percent_text(item.target)
    if item.higher_is_better:
        return _("Target: at least %(target)s of programmes.") % {"target": target}
    return _("Target: at most %(target)s of programmes.") % {"target": target}


def _judgement(item: Indicator, figure: Figure) -> str:
    """Whether a figure meets the indicator's target, in words."""
    if not figure.denominator:
        return _("no answers")
    misses = item.misses_target(figure)
    if misses is None:
        return _("too few answers to judge")
    if misses:
        return _("below the target") if item.higher_is_better else _("above the maximum")
    return _("meets the target")


def _bar(label: str, figure: Figure) -> Bar:
    """A chart bar that never shows a share over too few programmes. Bars carry no counts: the
    table under every chart has them (and every letter drawn in a PDF chart takes time)."""
    if figure.percent is None:
        note = _counts_text(figure) if figure.denominator else _("no answers")
        return Bar(label, None, note=note)
    return Bar(label, figure.percent, value_text=percent_text(figure.percent))


@dataclass(frozen=True)
class FigureLine:
    """One row of an indicator table: the figure with its counts, and how it fares against the target."""

    name: str
    figure: Figure
    result: str
    judgement: str
    misses: bool


def _line(name: str, item: Indicator, figure: Figure) -> FigureLine:
    if figure.percent is not None:
        result = _("%(percent)s (%(numerator)s of %(denominator)s)") % {
            "percent": percent_text(figure.percent),
            "numerator": figure.numerator,
            "denominator": figure.denominator,
        }
    else:
        result = figure.display()
    return FigureLine(name, figure, result, _judgement(item, figure), bool(item.misses_target(figure)))


@dataclass(frozen=True)
class IndicatorSection:
    indicator: Indicator
    anchor: str
    target: str
    overall: Figure
    lines: tuple[FigureLine, ...]
    chart: str
    scope_heading: str


@dataclass(frozen=True)
class ThemeSection:
    theme: Theme
    sections: tuple[IndicatorSection, ...]


@dataclass(frozen=True)
class CountryChapter:
    country: Country
    summary: str
    facts: tuple[tuple[str, str], ...]
    judged: tuple[tuple[str, str], ...]  # (how the indicators fare, which ones with their results)
    compliance: ComplianceFigure
    below: tuple[str, ...]
    closing: str
    unserved: tuple[RegionCoverage, ...]


@dataclass(frozen=True)
class RecommendationText:
    theme: str
    action: str
    finding: str
    countries: str


class _Writer:
    """Writes the report's text, numbers and pictures; used inside ``translation.override``."""

    def __init__(self, report: Report) -> None:
        self.report = report
        self.names = {item.code: item.display_name for item in report.countries}
        self.regional = report.country is None
        self.scope_name = self.names[report.country.code] if report.country is not None else _("All countries")

    # Names and headings ------------------------------------------------------------------

    def title(self) -> str:
        if self.report.country is None:
            return _("Mapping report: %(round)s") % {"round": self.report.survey_round.name}
        return _("Mapping report: %(round)s, %(country)s") % {
            "round": self.report.survey_round.name,
            "country": self.names[self.report.country.code],
        }

    def name_of(self, figure: Figure) -> str:
        if figure.scope == COUNTRY:
            return self.names.get(figure.scope_code, figure.scope_name)
        if figure.scope == ROUND:
            return self.scope_name
        return figure.scope_name

    def country_list(self, figures: Iterable[Figure], *, counts: bool = False) -> str:
        parts = [
            _("%(country)s (%(figure)s)")
            % {"country": self.name_of(figure), "figure": _counts_text(figure) if counts else figure.display()}
            for figure in figures
        ]
        return ", ".join(parts)

    # Key figures and findings -----------------------------------------------------------

    def key_figures(self) -> list[tuple[str, str]]:
        report, results, coverage = self.report, self.report.indicators, self.report.coverage
        facts = report.overall_facts
        figures = [
            (
                _("Programmes that answered"),
                _("%(answers)s of %(asked)s programmes in the registry (%(rate)s)")
                % {
                    "answers": _count(results.answers),
                    "asked": _count(results.programmes_asked),
                    "rate": results.response.display(),
                },
            ),
            (_("Functioning programmes"), _count(facts.status(Status.FUNCTIONING))),
            (_("Programmes on paper only"), _count(facts.status(Status.ON_PAPER))),
        ]
        share = coverage.share_without
        if share is not None:
            figures.append(
                (
                    _("People living in a region without a functioning programme"),
                    _("%(people)s (%(share)s of the population)")
                    % {"people": _count(coverage.population_without), "share": percent_text(share)},
                )
            )
        figures += [
            (_("Men who started a programme in the last 12 months"), _count(facts.men_started)),
            (_("Men who completed a programme in the last 12 months"), _count(facts.men_completed)),
            (_("Article 16 compliance score (mean)"), results.compliance.overall.display()),
            (
                _("Indicators below their target"),
                _("%(below)s of %(total)s")
                % {
                    "below": len([item for item in report.findings if item.overall_misses]),
                    "total": len(report.findings),
                },
            ),
        ]
        return figures

    def main_findings(self) -> list[str]:
        report = self.report
        lines = []
        below = [item for item in report.findings if item.overall_misses]
        total = len(report.findings)
        if self.regional:
            summary = ngettext(
                "%(below)s of the %(total)s indicators is below its target across all countries of the round.",
                "%(below)s of the %(total)s indicators are below their target across all countries of the round.",
                len(below),
            )
        else:
            summary = ngettext(
                "%(below)s of the %(total)s indicators is below its target in %(scope)s.",
                "%(below)s of the %(total)s indicators are below their target in %(scope)s.",
                len(below),
            )
        lines.append(summary % {"below": len(below), "total": total, "scope": self.scope_name})
        for item in below:
            lines.append(
                _("%(indicator)s: %(figure)s. %(target)s")
                % {
                    "indicator": item.indicator.label,
                    "figure": item.overall.display(),
                    "target": _target_text(item.indicator),
                }
            )
        coverage = report.coverage
        if coverage.share_without is not None:
            lines.append(
                _(
                    "%(people)s people, %(share)s of the population, live in a region that no functioning "
                    "programme serves."
                )
                % {"people": _count(coverage.population_without), "share": percent_text(coverage.share_without)}
            )
        unnamed = report.unnamed
        if unnamed:
            lines.append(
                ngettext(
                    "%(count)s programme asked not to be named in public: it is counted, but not named.",
                    "%(count)s programmes asked not to be named in public: they are counted, but not named.",
                    unnamed,
                )
                % {"count": unnamed}
            )
        return lines

    def comparison_lines(self) -> list[str]:
        previous = self.report.previous
        if previous is None:
            return []
        lines = []
        for key in SURVIVOR_SAFETY:
            before, now = previous.figure(key), self.report.indicators.row(key).overall
            lines.append(
                _("%(indicator)s: %(before)s in %(previous)s, %(now)s in %(current)s.")
                % {
                    "indicator": _label(key),
                    "before": before.display(),
                    "previous": previous.survey_round.name,
                    "now": now.display(),
                    "current": self.report.survey_round.name,
                }
            )
        return lines

    # Tables and charts ------------------------------------------------------------------

    def indicator_lines(self, row: IndicatorRow) -> tuple[FigureLine, ...]:
        item = row.indicator
        figures: list[Figure] = [row.overall]
        if self.regional:
            figures += list(row.countries)
        else:
            figures += [figure for figure in row.regions if figure.country_code in self.names]
        return tuple(_line(self.name_of(figure), item, figure) for figure in figures)

    def indicator_sections(self, theme: Theme) -> tuple[IndicatorSection, ...]:
        sections = []
        for key in theme.indicators:
            row = self.report.indicators.row(key)
            lines = self.indicator_lines(row)
            chart = ""
            if any(line.figure.percent is not None for line in lines[1:]) or (
                len(lines) == 1 and lines[0].figure.percent is not None
            ):
                chart = as_image(
                    bar_chart(
                        [_bar(line.name, line.figure) for line in lines],
                        title=str(row.indicator.label),
                        description=self.chart_description(row.indicator),
                        small_label=self.small_label(),
                    )
                )
            sections.append(
                IndicatorSection(
                    indicator=row.indicator,
                    anchor=f"indicator-{key}",
                    target=_target_text(row.indicator),
                    overall=row.overall,
                    lines=lines,
                    chart=chart,
                    scope_heading=_("Country") if self.regional else _("Country or region"),
                )
            )
        return tuple(sections)

    def chart_description(self, item: Indicator) -> str:
        values = {"definition": item.definition, "scope": self.scope_name, "target": _target_text(item)}
        if self.regional:
            return _("%(definition)s In percent, for all countries together and for each country. %(target)s") % values
        return (
            _("%(definition)s In percent, for %(scope)s and for each region its programmes serve. %(target)s") % values
        )

    def small_label(self) -> str:
        return _("Fewer than %(count)s programmes answered: counts shown, no share") % {
            "count": self.report.small_number
        }

    def status_chart(self) -> str:
        report = self.report
        scopes = [(self.scope_name, report.overall_facts)]
        if self.regional:
            scopes += [(self.names[code], report.facts[code]) for code in report.country_codes]
        rows = []
        for name, facts in scopes:
            if facts.answers < report.small_number:
                note = ngettext("%(count)s programme", "%(count)s programmes", facts.answers) % {"count": facts.answers}
                rows.append(Stack(name, None, note=note))
            else:
                rows.append(Stack(name, [float(facts.status(status)) for status in STATUSES]))
        return as_image(
            stacked_bar(
                rows,
                categories=[str(status.label) for status in STATUSES],
                title=_("What programmes say about themselves"),
                description=_(
                    "Programmes that answered, by what they say of themselves: functioning, on paper only, "
                    "suspended or closed, as shares of those that answered. The counts are in the table below."
                ),
                small_label=self.small_label(),
            )
        )

    def coverage_chart(self) -> str:
        coverage = self.report.coverage
        rows = []
        if self.regional and coverage.share_without is not None:
            rows.append(
                Bar(
                    self.scope_name,
                    coverage.share_without,
                    value_text=percent_text(coverage.share_without),
                    note=_count(coverage.population_without),
                )
            )
        for item in coverage.countries:
            if item.share_without is None:
                continue
            rows.append(
                Bar(
                    self.names[item.code],
                    item.share_without,
                    value_text=percent_text(item.share_without),
                    note=_count(item.population_without),
                )
            )
        if not rows:
            return ""
        return as_image(
            bar_chart(
                rows,
                title=_("Population living in a region without a functioning programme"),
                description=_(
                    "Share of the population that lives in a region no functioning programme serves, in percent, "
                    "followed by the number of people."
                ),
            )
        )

    def comparison_chart(self) -> str:
        previous = self.report.previous
        if previous is None:
            return ""
        groups = []
        for key in SURVIVOR_SAFETY:
            figures = (previous.figure(key), self.report.indicators.row(key).overall)
            groups.append(
                Group(
                    _label(key),
                    [figure.percent for figure in figures],
                    notes=[
                        ""
                        if figure.percent is not None
                        else (_counts_text(figure) if figure.denominator else _("no answers"))
                        for figure in figures
                    ],
                    value_texts=[
                        percent_text(figure.percent) if figure.percent is not None else "" for figure in figures
                    ],
                )
            )
        names = {"previous": previous.survey_round.name, "current": self.report.survey_round.name}
        return as_image(
            grouped_bar_chart(
                groups,
                series=[previous.survey_round.name, self.report.survey_round.name],
                title=_("Survivor safety: %(previous)s and %(current)s") % names,
                description=_(
                    "Share of programmes meeting each survivor-safety indicator in %(previous)s and in %(current)s, "
                    "in percent."
                )
                % names,
                small_label=self.small_label(),
            )
        )

    def comparison_rows(self) -> list[tuple[str, Figure, Figure]]:
        previous = self.report.previous
        if previous is None:
            return []
        return [(_label(key), previous.figure(key), self.report.indicators.row(key).overall) for key in SURVIVOR_SAFETY]

    def compliance_chart(self) -> str:
        criteria = self.report.indicators.compliance.criteria
        if not any(row.overall.percent is not None for row in criteria):
            return ""
        return as_image(
            bar_chart(
                [_bar(row.criterion.text(), row.overall) for row in criteria],
                title=_("Programmes meeting each criterion of Article 16"),
                description=(
                    _(
                        "Share of programmes meeting each criterion, among those whose answer gives evidence on it, "
                        "across all countries of the round, in percent."
                    )
                    if self.regional
                    else _(
                        "Share of programmes meeting each criterion, among those whose answer gives evidence on it, "
                        "in %(scope)s, in percent."
                    )
                    % {"scope": self.scope_name}
                ),
                small_label=self.small_label(),
            )
        )

    def map_image(self) -> str:
        report = self.report
        points = [
            maps.MapPoint(
                item.latitude,
                item.longitude,
                _("%(name)s (%(code)s), %(town)s") % {"name": item.name, "code": item.code, "town": item.town},
            )
            for item in report.locations
        ]
        regions = []
        for region in report.coverage.regions:
            point = report.region_points.get(region.code)
            if region.served or point is None:
                continue
            label = _("%(region)s: %(people)s people, no functioning programme") % {
                "region": region.name,
                "people": _count(region.population),
            }
            regions.append(maps.MapRegion(point[0], point[1], label, served=False, population=region.population))
        return as_image(
            maps.country_map(
                {code: self.names[code] for code in report.country_codes},
                points=points,
                regions=regions,
                max_height=MAP_HEIGHT,
                title=_("Programmes and regions without a functioning programme"),
                description=_(
                    "Map of %(scope)s: the public delivery locations of functioning programmes as dots, and the "
                    "regions that no functioning programme serves as dashed red circles, larger for more people. "
                    "The same regions are listed in the annex."
                )
                % {"scope": ", ".join(self.names.values())},
            )
        )

    # Country chapters --------------------------------------------------------------------

    def chapters(self) -> list[CountryChapter]:
        report = self.report
        chapters = []
        compliance = {item.scope_code: item for item in report.indicators.compliance.countries}
        coverage = {item.code: item for item in report.coverage.countries}
        for position, country in enumerate(report.countries):
            code, name = country.code, self.names[country.code]
            facts, asked = report.facts[code], report.asked.get(code, 0)
            response = make_figure(
                RESPONSE_RATE, Where(COUNTRY, code, name, code), facts.answers, asked, threshold=report.small_number
            )
            lines = tuple(
                _line(str(row.indicator.label), row.indicator, row.countries[position])
                for row in report.indicators.rows
            )
            below = tuple(line.name for line in lines if line.misses)
            # Indicators by how they fare, as text: the findings give every figure in tables already.
            groups: dict[str, list[str]] = {}
            for line in lines:
                figure = line.figure
                if line.misses or figure.percent is not None:
                    heading = _("Missing the target") if line.misses else _("Meeting the target")
                    shown = _("%(indicator)s (%(result)s)") % {"indicator": line.name, "result": line.result}
                elif figure.denominator:
                    # The heading gives the caution; the counts follow each indicator.
                    heading = _("Too few answers to judge")
                    shown = _("%(indicator)s (%(result)s)") % {"indicator": line.name, "result": _counts_text(figure)}
                else:
                    heading, shown = _("No answers"), line.name
                groups.setdefault(heading, []).append(shown)
            judged = any(line.figure.percent is not None for line in lines)
            if below:
                closing = ngettext(
                    "%(country)s misses the target on %(count)s indicator.",
                    "%(country)s misses the target on %(count)s indicators.",
                    len(below),
                ) % {"country": name, "count": len(below)}
            elif judged:
                closing = _(
                    "%(country)s meets the target on every indicator on which enough programmes answered to judge."
                ) % {"country": name}
            else:
                closing = _("Too few programmes of %(country)s answered to compare its results with the targets.") % {
                    "country": name
                }
            country_coverage = coverage[code]
            facts_list = [
                (
                    _("Programmes that answered"),
                    _("%(answers)s of %(asked)s programmes in the registry (%(rate)s)")
                    % {"answers": _count(facts.answers), "asked": _count(asked), "rate": response.display()},
                ),
                (_("Functioning programmes"), _count(facts.status(Status.FUNCTIONING))),
                (_("Programmes on paper only"), _count(facts.status(Status.ON_PAPER))),
                (
                    _("Regions without a functioning programme"),
                    _("%(without)s of %(regions)s")
                    % {"without": country_coverage.regions_without, "regions": country_coverage.regions},
                ),
                (
                    _("People living in a region without a functioning programme"),
                    _("%(people)s (%(share)s of the population)")
                    % {
                        "people": _count(country_coverage.population_without),
                        "share": country_coverage.share_display(),
                    },
                ),
                (_("Men who started a programme in the last 12 months"), _count(facts.men_started)),
            ]
            if facts.answers:
                summary = ngettext(
                    "%(count)s programme of %(country)s answered the survey, and its answer was reviewed and "
                    "published.",
                    "%(count)s programmes of %(country)s answered the survey, and their answers were reviewed and "
                    "published.",
                    facts.answers,
                ) % {"count": facts.answers, "country": name}
            else:
                summary = _("No programme of %(country)s has a published answer in this round yet.") % {"country": name}
            chapters.append(
                CountryChapter(
                    country=country,
                    summary=summary,
                    facts=tuple(facts_list),
                    judged=tuple((heading, "; ".join(items)) for heading, items in groups.items()),
                    compliance=compliance[code],
                    below=below,
                    closing=closing,
                    unserved=tuple(region for region in report.coverage.regions_of(code) if not region.served),
                )
            )
        return chapters

    # Recommendations ---------------------------------------------------------------------

    def recommendation_texts(self) -> list[RecommendationText]:
        texts = []
        for item in self.report.recommendations:
            if item.kind == NO_PROGRAMME:
                countries = ", ".join(self.names[country.code] for country in item.countries)
                texts.append(
                    RecommendationText(
                        item.theme,
                        _("Establish at least one functioning programme in every country."),
                        _("None of the programmes that answered in %(countries)s is functioning.")
                        % {"countries": countries},
                        "",
                    )
                )
            elif item.kind == EXTEND_COVERAGE:
                parts = ", ".join(
                    _("%(country)s (%(share)s of the population)")
                    % {"country": self.names[country.code], "share": country.share_display()}
                    for country in item.countries
                )
                texts.append(
                    RecommendationText(
                        item.theme,
                        _(
                            "Extend programmes to the regions that no functioning programme serves, starting with the "
                            "most populous, or offer remote participation where travel is too far."
                        ),
                        _(
                            "More than %(threshold)s of the population lives in a region without a functioning "
                            "programme in: %(countries)s."
                        )
                        % {"threshold": percent_text(COVERAGE_SHARE), "countries": parts},
                        "",
                    )
                )
            elif item.finding is not None:
                texts.append(self.indicator_recommendation(item.theme, item.finding))
        return texts

    def indicator_recommendation(self, theme: str, finding: IndicatorFinding) -> RecommendationText:
        item = finding.indicator
        values = {
            "indicator": item.label,
            "scope": self.scope_name,
            "figure": finding.overall.display(),
            "target": percent_text(item.target),
        }
        if self.regional and item.higher_is_better:
            overall = _("%(indicator)s across all countries of the round: %(figure)s (target: at least %(target)s).")
        elif self.regional:
            overall = _("%(indicator)s across all countries of the round: %(figure)s (target: at most %(target)s).")
        elif item.higher_is_better:
            overall = _("%(indicator)s in %(scope)s: %(figure)s (target: at least %(target)s).")
        else:
            overall = _("%(indicator)s in %(scope)s: %(figure)s (target: at most %(target)s).")
        overall %= values
        parts = []
        if self.regional and finding.below:
            if item.higher_is_better:
                parts.append(_("Below the target: %(countries)s.") % {"countries": self.country_list(finding.below)})
            else:
                parts.append(_("Above the maximum: %(countries)s.") % {"countries": self.country_list(finding.below)})
        if self.regional and finding.uncertain:
            parts.append(
                _("Too few programmes answered to compare with the target: %(countries)s.")
                % {"countries": self.country_list(finding.uncertain, counts=True)}
            )
        return RecommendationText(theme, str(item.recommendation), overall, " ".join(parts))

    # Everything -------------------------------------------------------------------------

    def context(self) -> dict[str, Any]:
        report = self.report
        theme_sections = [ThemeSection(theme, self.indicator_sections(theme)) for theme in themes()]
        recommendations = self.recommendation_texts()
        # Numbered through the whole section, so that a recommendation can be referred to by its number.
        recommendation_themes: list[tuple[Theme, list[RecommendationText], int]] = []
        start = 1
        for theme in themes():
            texts = [text for text in recommendations if text.theme == theme.key]
            if texts:
                recommendation_themes.append((theme, texts, start))
                start += len(texts)
        footnote = (
            SiteSettings.current().kosovo_footnote_display()
            if any(code in FOOTNOTED for code in report.country_codes)
            else ""
        )
        results = report.indicators
        return {
            "report": report,
            "round": report.survey_round,
            "title": self.title(),
            "scope_name": self.scope_name,
            "regional": self.regional,
            "country_names": [self.names[code] for code in report.country_codes],
            "key_figures": self.key_figures(),
            "main_findings": self.main_findings(),
            "comparison_lines": self.comparison_lines(),
            "comparison_chart": self.comparison_chart(),
            "comparison_rows": self.comparison_rows(),
            "map": self.map_image(),
            "map_source": maps.source_line(),
            "overview_rows": self.overview_rows(),
            "status_chart": self.status_chart(),
            "status_rows": self.status_rows(),
            "statuses": [status.label for status in STATUSES],
            "coverage_chart": self.coverage_chart(),
            "coverage_rows": self.coverage_rows(),
            "reach_rows": self.reach_rows(),
            "waiting_rows": self.waiting_rows(),
            "themes": theme_sections,
            "compliance": results.compliance,
            "compliance_chart": self.compliance_chart(),
            "compliance_rows": [(self.name_of(item.all_met), item) for item in self.compliance_scopes()],
            "chapters": self.chapters(),
            "recommendation_themes": recommendation_themes,
            "within_target": [self.names[code] for code in report.within_target],
            "small_number": report.small_number,
            "questionnaire_title": text_in(report.questionnaire_title),
            "programme_lists": [(self.names[item.country_code], item) for item in report.programme_lists],
            "unserved_by_country": [
                (
                    self.names[country.code],
                    [
                        (region, _count(region.population))
                        for region in report.coverage.regions_of(country.code)
                        if not region.served
                    ],
                )
                for country in report.countries
            ],
            "distance_method": _(
                "Straight line (great circle) in kilometres from each region's representative point to the "
                "nearest delivery location of a functioning programme of the same country; travel by road is longer."
            ),
            "kosovo_footnote": footnote,
            "response": results.response,
        }

    def compliance_scopes(self) -> list[ComplianceFigure]:
        compliance = self.report.indicators.compliance
        return [compliance.overall, *compliance.countries] if self.regional else [compliance.overall]

    def overview_rows(self) -> list[dict[str, Any]]:
        report = self.report
        rows = []
        coverage = {item.code: item for item in report.coverage.countries}
        for code in report.country_codes:
            facts, asked = report.facts[code], report.asked.get(code, 0)
            response = make_figure(
                RESPONSE_RATE, Where(COUNTRY, code, code, code), facts.answers, asked, threshold=report.small_number
            )
            rows.append(
                {
                    "name": self.names[code],
                    "asked": _count(asked),
                    "answers": _count(facts.answers),
                    "response": response.display(),
                    "functioning": _count(facts.status(Status.FUNCTIONING)),
                    "on_paper": _count(facts.status(Status.ON_PAPER)),
                    "without": coverage[code].share_display(),
                }
            )
        return rows

    def status_rows(self) -> list[tuple[str, list[str], str]]:
        report = self.report
        scopes = [(self.scope_name, report.overall_facts)]
        if self.regional:
            scopes += [(self.names[code], report.facts[code]) for code in report.country_codes]
        return [
            (name, [_count(facts.status(status)) for status in STATUSES], _count(facts.answers))
            for name, facts in scopes
        ]

    def coverage_rows(self) -> list[dict[str, str]]:
        return [
            {
                "name": self.names[item.code],
                "population": _count(item.population),
                "regions": _count(item.regions),
                "regions_without": _count(item.regions_without),
                "population_without": _count(item.population_without),
                "share": item.share_display(),
                "programmes": _count(item.programmes),
            }
            for item in self.report.coverage.countries
        ]

    def reach_rows(self) -> list[tuple[str, str, str, str]]:
        report = self.report
        scopes = [(self.scope_name, report.overall_facts)]
        if self.regional:
            scopes += [(self.names[code], report.facts[code]) for code in report.country_codes]
        return [
            (name, _count(facts.places_per_year), _count(facts.men_started), _count(facts.men_completed))
            for name, facts in scopes
        ]

    def waiting_rows(self) -> list[tuple[str, str]]:
        report = self.report
        scopes = [(self.scope_name, report.overall_facts)]
        if self.regional:
            scopes += [(self.names[code], report.facts[code]) for code in report.country_codes]
        rows = []
        for name, facts in scopes:
            weeks = facts.waiting_weeks
            if not weeks:
                text = _("no answers")
            elif len(weeks) < report.small_number:
                text = ngettext(
                    "%(count)s programme answered (few programmes: no median shown)",
                    "%(count)s programmes answered (few programmes: no median shown)",
                    len(weeks),
                ) % {"count": len(weeks)}
            else:
                median = statistics.median(weeks)
                text = ngettext("%(weeks)s week", "%(weeks)s weeks", int(median)) % {
                    "weeks": number_format(median, 0 if float(median).is_integer() else 1)
                }
            rows.append((name, text))
        return rows


def _label(key: str) -> str:
    return str(next(item.label for item in INDICATORS if item.key == key))


def _stylesheet_data_urls() -> list[str]:
    urls = []
    for name in STYLESHEETS:
        path = find_static_file(name)
        if path is not None:
            urls.append("data:text/css;base64," + base64.b64encode(path.read_bytes()).decode("ascii"))
    return urls


def render_report_html(
    report: Report, *, language: str, standalone: bool = False, page: Mapping[str, Any] | None = None
) -> str:
    """The report as a complete HTML document in ``language``.

    ``standalone`` embeds the stylesheets as ``data:`` URLs, for a file that is read without
    Tandem (the command line); otherwise they are linked as Tandem's static files. ``page``
    adds what only the web page shows (links back, the PDF link, the country filter)."""
    with translation.override(language):
        context = _Writer(report).context()
        context.update(
            {
                "language_code": translation.get_language(),
                "stylesheet_urls": _stylesheet_data_urls() if standalone else [],
                "stylesheets": STYLESHEETS,
                "page": page or {},
            }
        )
        return render_to_string(TEMPLATE, context)


def render_report_pdf(report: Report, *, language: str, base_url: str | None = None) -> bytes:
    """The report as PDF: the same HTML, through WeasyPrint, fetching nothing but Tandem's static files."""
    html = render_report_html(report, language=language)
    with _collector_paused():
        return html_to_pdf(html, base_url=base_url)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector while WeasyPrint lays out the report.

    Layout creates hundreds of thousands of boxes that all stay alive until the PDF is
    written; the collector would scan them again and again, for nothing (about a sixth of the
    time of a large report). It runs again afterwards and frees whatever cycles were left."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def report_filename(report: Report, extension: str) -> str:
    """``tandem-mapping-report-western-balkans-2026-al-2026-11-25.pdf``."""
    parts = ["tandem-mapping-report", slugify(report.survey_round.name) or str(report.survey_round.pk)]
    if report.country is not None:
        parts.append(report.country.code.lower())
    parts.append(timezone.localdate(report.generated_at).isoformat())
    return "-".join(parts) + f".{extension}"


def record_report(
    report: Report,
    *,
    file_format: str,
    language: str,
    acting_user: User | None,
    context: AuditContext | None = None,
) -> None:
    """A report that leaves Tandem as a file is on the record: who took which round's report,
    for which country, in which format and language."""
    audit.record(
        AUDIT_ACTION,
        actor=acting_user,
        obj=report.survey_round,
        organisation=report.survey_round.owner_id,
        context=context,
        detail={
            "round": report.survey_round.pk,
            "country": report.country.code if report.country is not None else None,
            "format": file_format,
            "language": language,
        },
    )
