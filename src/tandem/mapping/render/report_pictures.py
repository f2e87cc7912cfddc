"""The pictures of the mapping report: what programmes say of themselves, coverage, the
comparison with the previous round, Article 16 criteria, and the map."""

from __future__ import annotations

from django.utils.translation import gettext as _, ngettext

from tandem.core.suppression import too_few
from tandem.mapping.render.report_words import Scope, bar, counts_text, label_of
from tandem.mapping.rules.report import (
    STATUSES,
    SURVIVOR_SAFETY,
    Report,
)
from tandem.reports import maps
from tandem.reports.charts import Bar, Group, Stack, bar_chart, grouped_bar_chart, stacked_bar
from tandem.reports.numbers import count_text, percent_text
from tandem.reports.svg import as_image

# The map's height at most, in the units of its width of 640: with its legend it then fits on
# a printed page under the section's heading.
MAP_HEIGHT = 520


class Pictures:
    """The charts and the map of the report, drawn on the server as SVG in the report's
    language; a share over too few programmes is drawn as a hatched stub with its counts."""

    def __init__(self, report: Report, scope: Scope) -> None:
        self.report = report
        self.scope = scope
        self.names = scope.names
        self.regional = scope.regional
        self.scope_name = scope.name

    def status_chart(self) -> str:
        report = self.report
        scopes = self.scope.facts_of(report)
        rows = []
        for name, facts in scopes:
            if not facts.answers or too_few(facts.answers, report.small_number):
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
                small_label=self.scope.small_label(),
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
                    note=count_text(coverage.population_without),
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
                    note=count_text(item.population_without),
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
                    label_of(key),
                    [figure.percent for figure in figures],
                    notes=[
                        ""
                        if figure.percent is not None
                        else (counts_text(figure) if figure.denominator else _("no answers"))
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
                small_label=self.scope.small_label(),
            )
        )

    def compliance_chart(self) -> str:
        criteria = self.report.indicators.compliance.criteria
        if not any(row.overall.percent is not None for row in criteria):
            return ""
        return as_image(
            bar_chart(
                [bar(row.criterion.text(), row.overall) for row in criteria],
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
                small_label=self.scope.small_label(),
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
                "people": count_text(region.population),
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
