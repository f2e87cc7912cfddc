"""The words and numbers the mapping report is written with, in the active language: whom it is
about, how a figure reads against its target, and a figure as a chart bar."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.translation import gettext as _

from tandem.mapping.rules.figures import (
    COUNTRY,
    ROUND,
    Figure,
)
from tandem.mapping.rules.indicators import INDICATORS, Indicator
from tandem.mapping.rules.report import (
    AnswerFacts,
    Report,
)
from tandem.reports.charts import Bar
from tandem.reports.numbers import percent_text


@dataclass(frozen=True)
class Scope:
    """Whom the report is about, named in the report's language."""

    names: Mapping[str, str]  # country code -> name
    regional: bool  # the whole round, not one country
    name: str
    small_number: int

    @classmethod
    def of(cls, report: Report) -> Scope:
        names = {item.code: item.display_name for item in report.countries}
        name = names[report.country.code] if report.country is not None else _("All countries")
        return cls(names, report.country is None, name, report.small_number)

    def name_of(self, figure: Figure) -> str:
        if figure.scope == COUNTRY:
            return self.names.get(figure.scope_code, figure.scope_name)
        if figure.scope == ROUND:
            return self.name
        return figure.scope_name

    def facts_of(self, report: Report) -> list[tuple[str, AnswerFacts]]:
        """The answers' facts named by whom they are about: the whole scope first, then (in a
        regional report) each country."""
        scopes = [(self.name, report.overall_facts)]
        if self.regional:
            scopes += [(self.names[code], report.facts[code]) for code in report.country_codes]
        return scopes

    def small_label(self) -> str:
        return _("Fewer than %(count)s programmes answered: counts shown, no share") % {"count": self.small_number}


def counts_text(figure: Figure) -> str:
    return _("%(numerator)s of %(denominator)s") % {"numerator": figure.numerator, "denominator": figure.denominator}


def target_text(item: Indicator) -> str:
    target = percent_text(item.target)
    if item.higher_is_better:
        return _("Target: at least %(target)s of programmes.") % {"target": target}
    return _("Target: at most %(target)s of programmes.") % {"target": target}


def judgement(item: Indicator, figure: Figure) -> str:
    """Whether a figure meets the indicator's target, in words."""
    if not figure.denominator:
        return _("no answers")
    misses = item.misses_target(figure)
    if misses is None:
        return _("too few answers to judge")
    if misses:
        return _("below the target") if item.higher_is_better else _("above the maximum")
    return _("meets the target")


def bar(label: str, figure: Figure) -> Bar:
    """A chart bar that never shows a share over too few programmes. Bars carry no counts: the
    table under every chart has them (and every letter drawn in a PDF chart takes time)."""
    if figure.percent is None:
        note = counts_text(figure) if figure.denominator else _("no answers")
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


def line_of(name: str, item: Indicator, figure: Figure) -> FigureLine:
    if figure.percent is not None:
        result = _("%(percent)s (%(numerator)s of %(denominator)s)") % {
            "percent": percent_text(figure.percent),
            "numerator": figure.numerator,
            "denominator": figure.denominator,
        }
    else:
        result = figure.display()
    return FigureLine(name, figure, result, judgement(item, figure), bool(item.misses_target(figure)))


def label_of(key: str) -> str:
    return str(next(item.label for item in INDICATORS if item.key == key))
