"""The text of the mapping report: key figures and findings, a section per indicator with its
table and chart, country chapters and recommendations, all written inside
``translation.override`` in the report's language (``Writer.context`` is the template's)."""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _, ngettext

from tandem.core.catalogues import text_in
from tandem.core.models import SiteSettings
from tandem.core.suppression import too_few
from tandem.geo.models import FOOTNOTED, Country
from tandem.mapping.models import Status
from tandem.mapping.render.report_pictures import Pictures
from tandem.mapping.render.report_words import (
    FigureLine,
    Scope,
    bar,
    counts_text,
    label_of,
    line_of,
    target_text,
)
from tandem.mapping.rules.coverage import RegionCoverage
from tandem.mapping.rules.figures import (
    COUNTRY,
    RESPONSE_RATE,
    ComplianceFigure,
    Figure,
    IndicatorRow,
    Where,
    make_figure,
)
from tandem.mapping.rules.indicators import Indicator
from tandem.mapping.rules.report import (
    COVERAGE_SHARE,
    EXTEND_COVERAGE,
    NO_PROGRAMME,
    STATUSES,
    SURVIVOR_SAFETY,
    TOO_FEW,
    IndicatorFinding,
    Report,
    TargetCount,
    Theme,
    target_count,
    themes,
    why_no_mean_score,
)
from tandem.reports import maps
from tandem.reports.charts import bar_chart
from tandem.reports.numbers import count_text, percent_text
from tandem.reports.svg import as_image


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
    compliance_text: str
    below: tuple[str, ...]
    closing: str
    unserved: tuple[RegionCoverage, ...]


@dataclass(frozen=True)
class RecommendationText:
    theme: str
    action: str
    finding: str
    countries: str


class Writer:
    """Writes the report's text, numbers and pictures; used inside ``translation.override``."""

    def __init__(self, report: Report) -> None:
        self.report = report
        self.scope = Scope.of(report)
        self.names = self.scope.names
        self.regional = self.scope.regional
        self.scope_name = self.scope.name
        self.pictures = Pictures(report, self.scope)

    def name_of(self, figure: Figure) -> str:
        return self.scope.name_of(figure)

    # Names and headings ------------------------------------------------------------------

    def title(self) -> str:
        if self.report.country is None:
            return _("Mapping report: %(round)s") % {"round": self.report.survey_round.name}
        return _("Mapping report: %(round)s, %(country)s") % {
            "round": self.report.survey_round.name,
            "country": self.names[self.report.country.code],
        }

    def country_list(self, figures: Iterable[Figure], *, counts: bool = False) -> str:
        parts = [
            _("%(country)s (%(figure)s)")
            % {"country": self.name_of(figure), "figure": counts_text(figure) if counts else figure.display()}
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
                    "answers": count_text(results.answers),
                    "asked": count_text(results.programmes_asked),
                    "rate": results.response.display(),
                },
            ),
            (_("Functioning programmes, as their published answers say"), count_text(facts.status(Status.FUNCTIONING))),
            (
                _("Functioning programmes in the registry today"),
                count_text(sum(report.registry_functioning.get(code, 0) for code in report.country_codes)),
            ),
            (_("Programmes on paper only"), count_text(facts.status(Status.ON_PAPER))),
        ]
        share = coverage.share_without
        if share is not None:
            figures.append(
                (
                    _("People living in a region without a functioning programme"),
                    _("%(people)s (%(share)s of the population)")
                    % {"people": count_text(coverage.population_without), "share": percent_text(share)},
                )
            )
        figures += [
            (_("Men who started a programme in the last 12 months"), count_text(facts.men_started)),
            (_("Men who completed a programme in the last 12 months"), count_text(facts.men_completed)),
            (_("Article 16 compliance score (mean)"), self.compliance_text(results.compliance.overall)),
            (_("Indicators below their target"), self.target_tile(target_count(report.findings))),
        ]
        return figures

    def compliance_text(self, compliance: ComplianceFigure) -> str:
        """The mean score, or why it is not shown: a bare count of programmes in its place
        would read as a score."""
        if why_no_mean_score(compliance) == TOO_FEW:
            threshold = self.report.small_number
            return ngettext(
                "not shown: fewer than %(threshold)s programme gave evidence",
                "not shown: fewer than %(threshold)s programmes gave evidence",
                threshold,
            ) % {"threshold": count_text(threshold)}
        return compliance.display()

    def target_tile(self, count: TargetCount) -> str:
        """How many indicators are below their target, of those that could be judged."""
        if not count.not_judged:
            return _("%(below)s of %(total)s") % {"below": count_text(count.below), "total": count_text(count.total)}
        parts = [
            ngettext(
                "%(below)s of %(judged)s that could be judged",
                "%(below)s of %(judged)s that could be judged",
                count.judged,
            )
            % {"below": count_text(count.below), "judged": count_text(count.judged)}
        ]
        if count.too_few:
            parts.append(
                ngettext(
                    "%(count)s could not be judged: too few answers",
                    "%(count)s could not be judged: too few answers",
                    count.too_few,
                )
                % {"count": count_text(count.too_few)}
            )
        if count.no_answers:
            parts.append(
                ngettext(
                    "%(count)s could not be judged: no answers",
                    "%(count)s could not be judged: no answers",
                    count.no_answers,
                )
                % {"count": count_text(count.no_answers)}
            )
        return "; ".join(parts)

    def target_summary(self, count: TargetCount) -> str:
        """The first finding: the indicators below their target among those that could be
        judged, then those that could not be, with the reason."""
        values = {
            "below": count_text(count.below),
            "total": count_text(count.total),
            "judged": count_text(count.judged),
            "scope": self.scope_name,
        }
        if not count.not_judged and self.regional:
            return (
                ngettext(
                    "%(below)s of the %(total)s indicators is below its target across all countries of the round.",
                    "%(below)s of the %(total)s indicators are below their target across all countries of the round.",
                    count.below,
                )
                % values
            )
        if not count.not_judged:
            return (
                ngettext(
                    "%(below)s of the %(total)s indicators is below its target in %(scope)s.",
                    "%(below)s of the %(total)s indicators are below their target in %(scope)s.",
                    count.below,
                )
                % values
            )
        if not count.judged and self.regional:
            sentences = [_("No indicator could be judged against its target across all countries of the round.")]
        elif not count.judged:
            sentences = [_("No indicator could be judged against its target in %(scope)s.") % values]
        elif self.regional:
            sentences = [
                ngettext(
                    "%(below)s of the %(judged)s indicators that could be judged is below its target across all "
                    "countries of the round.",
                    "%(below)s of the %(judged)s indicators that could be judged are below their target across all "
                    "countries of the round.",
                    count.below,
                )
                % values
            ]
        else:
            sentences = [
                ngettext(
                    "%(below)s of the %(judged)s indicators that could be judged is below its target in %(scope)s.",
                    "%(below)s of the %(judged)s indicators that could be judged are below their target in %(scope)s.",
                    count.below,
                )
                % values
            ]
        if count.too_few:
            sentences.append(
                ngettext(
                    "%(count)s indicator could not be judged because too few programmes answered its question.",
                    "%(count)s indicators could not be judged because too few programmes answered their questions.",
                    count.too_few,
                )
                % {"count": count_text(count.too_few)}
            )
        if count.no_answers:
            sentences.append(
                ngettext(
                    "%(count)s indicator could not be judged because no programme answered its question.",
                    "%(count)s indicators could not be judged because no programme answered their questions.",
                    count.no_answers,
                )
                % {"count": count_text(count.no_answers)}
            )
        return " ".join(sentences)

    def main_findings(self) -> list[str]:
        report = self.report
        lines = [self.target_summary(target_count(report.findings))]
        below = [item for item in report.findings if item.overall_misses]
        for item in below:
            lines.append(
                _("%(indicator)s: %(figure)s. %(target)s")
                % {
                    "indicator": item.indicator.label,
                    "figure": item.overall.display(),
                    "target": target_text(item.indicator),
                }
            )
        coverage = report.coverage
        if coverage.share_without is not None:
            lines.append(
                _(
                    "%(people)s people, %(share)s of the population, live in a region that no functioning "
                    "programme serves."
                )
                % {"people": count_text(coverage.population_without), "share": percent_text(coverage.share_without)}
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
                    "indicator": label_of(key),
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
        return tuple(line_of(self.name_of(figure), item, figure) for figure in figures)

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
                        [bar(line.name, line.figure) for line in lines],
                        title=str(row.indicator.label),
                        description=self.chart_description(row.indicator),
                        small_label=self.scope.small_label(),
                    )
                )
            sections.append(
                IndicatorSection(
                    indicator=row.indicator,
                    anchor=f"indicator-{key}",
                    target=target_text(row.indicator),
                    overall=row.overall,
                    lines=lines,
                    chart=chart,
                    scope_heading=_("Country") if self.regional else _("Country or region"),
                )
            )
        return tuple(sections)

    def chart_description(self, item: Indicator) -> str:
        values = {"definition": item.definition, "scope": self.scope_name, "target": target_text(item)}
        if self.regional:
            return _("%(definition)s In percent, for all countries together and for each country. %(target)s") % values
        return (
            _("%(definition)s In percent, for %(scope)s and for each region its programmes serve. %(target)s") % values
        )

    def comparison_rows(self) -> list[tuple[str, Figure, Figure]]:
        previous = self.report.previous
        if previous is None:
            return []
        return [
            (label_of(key), previous.figure(key), self.report.indicators.row(key).overall) for key in SURVIVOR_SAFETY
        ]

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
                line_of(str(row.indicator.label), row.indicator, row.countries[position])
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
                    shown = _("%(indicator)s (%(result)s)") % {"indicator": line.name, "result": counts_text(figure)}
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
                    % {"answers": count_text(facts.answers), "asked": count_text(asked), "rate": response.display()},
                ),
                (
                    _("Functioning programmes, as their published answers say"),
                    count_text(facts.status(Status.FUNCTIONING)),
                ),
                (
                    _("Functioning programmes in the registry today"),
                    count_text(report.registry_functioning.get(code, 0)),
                ),
                (_("Programmes on paper only"), count_text(facts.status(Status.ON_PAPER))),
                (
                    _("Regions without a functioning programme"),
                    _("%(without)s of %(regions)s")
                    % {"without": country_coverage.regions_without, "regions": country_coverage.regions},
                ),
                (
                    _("People living in a region without a functioning programme"),
                    _("%(people)s (%(share)s of the population)")
                    % {
                        "people": count_text(country_coverage.population_without),
                        "share": country_coverage.share_display(),
                    },
                ),
                (_("Men who started a programme in the last 12 months"), count_text(facts.men_started)),
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
                    compliance_text=self.compliance_text(compliance[code]),
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

    def no_recommendation(self, count: TargetCount) -> str:
        """Why no recommendation follows, without saying that indicators nobody could judge meet their target."""
        if not count.not_judged:
            return _(
                "Every indicator meets its target, and every country has a functioning programme: no recommendation "
                "follows from the results."
            )
        return ngettext(
            "No indicator that could be judged misses its target, and every country has a functioning programme: no "
            "recommendation follows from the results. %(count)s indicator could not be judged: too few programmes "
            "answered.",
            "No indicator that could be judged misses its target, and every country has a functioning programme: no "
            "recommendation follows from the results. %(count)s indicators could not be judged: too few programmes "
            "answered.",
            count.not_judged,
        ) % {"count": count_text(count.not_judged)}

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
            "comparison_chart": self.pictures.comparison_chart(),
            "comparison_rows": self.comparison_rows(),
            "map": self.pictures.map_image(),
            "map_source": maps.source_line(),
            "overview_rows": self.overview_rows(),
            "status_chart": self.pictures.status_chart(),
            "status_rows": self.status_rows(),
            "statuses": [status.label for status in STATUSES],
            "coverage_chart": self.pictures.coverage_chart(),
            "coverage_rows": self.coverage_rows(),
            "reach_rows": self.reach_rows(),
            "waiting_rows": self.waiting_rows(),
            "themes": theme_sections,
            "compliance": results.compliance,
            "compliance_chart": self.pictures.compliance_chart(),
            "compliance_rows": [
                (self.name_of(item.all_met), item, self.compliance_text(item)) for item in self.compliance_scopes()
            ],
            "chapters": self.chapters(),
            "recommendation_themes": recommendation_themes,
            "no_recommendation": self.no_recommendation(target_count(report.findings)),
            "within_target": [self.names[code] for code in report.within_target],
            "small_number": report.small_number,
            "questionnaire_title": text_in(report.questionnaire_title),
            "programme_lists": [(self.names[item.country_code], item) for item in report.programme_lists],
            "unserved_by_country": [
                (
                    self.names[country.code],
                    [
                        (region, count_text(region.population))
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
            "counts_note": _(
                "The report counts what each programme said of itself in its answer to this round, once the "
                "answer was reviewed and published. The directory of programmes shows the registry's status "
                "today, which may differ: a programme may have started or stopped since it answered, and one "
                "that has not answered, or whose answer is not yet published, is not counted here."
            ),
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
                    "asked": count_text(asked),
                    "answers": count_text(facts.answers),
                    "response": response.display(),
                    "functioning": count_text(facts.status(Status.FUNCTIONING)),
                    "on_paper": count_text(facts.status(Status.ON_PAPER)),
                    "without": coverage[code].share_display(),
                }
            )
        return rows

    def status_rows(self) -> list[tuple[str, list[str], str]]:
        report = self.report
        scopes = self.scope.facts_of(report)
        return [
            (name, [count_text(facts.status(status)) for status in STATUSES], count_text(facts.answers))
            for name, facts in scopes
        ]

    def coverage_rows(self) -> list[dict[str, str]]:
        return [
            {
                "name": self.names[item.code],
                "population": count_text(item.population),
                "regions": count_text(item.regions),
                "regions_without": count_text(item.regions_without),
                "population_without": count_text(item.population_without),
                "share": item.share_display(),
                "programmes": count_text(item.programmes),
            }
            for item in self.report.coverage.countries
        ]

    def reach_rows(self) -> list[tuple[str, str, str, str]]:
        report = self.report
        scopes = self.scope.facts_of(report)
        return [
            (name, count_text(facts.places_per_year), count_text(facts.men_started), count_text(facts.men_completed))
            for name, facts in scopes
        ]

    def waiting_rows(self) -> list[tuple[str, str]]:
        report = self.report
        scopes = self.scope.facts_of(report)
        rows = []
        for name, facts in scopes:
            weeks = facts.waiting_weeks
            if not weeks:
                text = _("no answers")
            elif too_few(len(weeks), report.small_number):
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
