"""Figures of the mapping: one indicator over one scope (the round, a country, a region or a
programme), counted as ``numerator`` of ``denominator`` programmes with the small-number rule
of ``tandem.core.suppression`` applied, and the results that hold them all."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils.functional import cached_property
from django.utils.translation import gettext as _

from tandem.core.suppression import share
from tandem.geo.models import Country
from tandem.mapping.models import SurveyRound
from tandem.mapping.rules.indicators import INDICATORS, POSITION, Indicator
from tandem.mapping.rules.standards import (
    Assessment,
    Criterion,
    Standard,
)
from tandem.reports.numbers import percent_text

ROUND, COUNTRY, REGION, PROGRAMME = "round", "country", "region", "programme"


MEETS, DOES_NOT_MEET, NOT_ANSWERED = "meets", "does_not_meet", "not_answered"


RESPONSE_RATE = "response_rate"


def _scope_dict(figure: Figure | ComplianceFigure) -> dict[str, str]:
    """Where a figure stands, as every export names it."""
    return {
        "scope": figure.scope,
        "code": figure.scope_code,
        "name": figure.scope_name,
        "country": figure.country_code,
    }


@dataclass(frozen=True)
class Figure:
    """One indicator over one scope: ``numerator`` of ``denominator`` programmes.

    ``percent`` is None when fewer than the small-number threshold answered (then ``small``
    is True) or none did, and always for a single programme (scope "programme"), whose
    figure is 1 of 1 (meets), 0 of 1 (does not meet) or 0 of 0 (not answered)."""

    indicator: str
    scope: str
    scope_code: str
    scope_name: str
    numerator: int
    denominator: int
    percent: float | None
    small: bool
    country_code: str = ""

    @property
    def outcome(self) -> str | None:
        if self.scope != PROGRAMME:
            return None
        if not self.denominator:
            return NOT_ANSWERED
        return MEETS if self.numerator else DOES_NOT_MEET

    def display(self) -> str:
        outcome = self.outcome
        if outcome is not None:
            return {MEETS: _("meets"), DOES_NOT_MEET: _("does not meet"), NOT_ANSWERED: _("not answered")}[outcome]
        if not self.denominator:
            return _("no answers")
        if self.percent is None:
            return _("%(numerator)s of %(denominator)s (few programmes: read with caution)") % {
                "numerator": self.numerator,
                "denominator": self.denominator,
            }
        return percent_text(self.percent)

    def __str__(self) -> str:
        return self.display()

    def as_dict(self) -> dict[str, Any]:
        return {
            **_scope_dict(self),
            "numerator": self.numerator,
            "denominator": self.denominator,
            "percent": None if self.percent is None else round(self.percent, 1),
            "small": self.small,
            "display": self.display(),
        }


def make_figure(key: str, where: Where, numerator: int, denominator: int, *, threshold: int) -> Figure:
    """A figure with the small-number rule of ``tandem.core.suppression`` applied."""
    if where.scope == PROGRAMME:
        return Figure(key, where.scope, where.code, where.name, numerator, denominator, None, False, where.country)
    counted = share(numerator, denominator, threshold=threshold)
    return Figure(
        key,
        where.scope,
        where.code,
        where.name,
        numerator,
        denominator,
        counted.percent,
        counted.suppressed,
        where.country,
    )


@dataclass(frozen=True)
class Where:
    """The scope of a figure: the round, a country, a region or a programme."""

    scope: str
    code: str
    name: str
    country: str = ""


@dataclass(frozen=True)
class Place:
    code: str
    name: str
    country_code: str


@dataclass(frozen=True)
class IndicatorRow:
    """One indicator and its figures: the whole round (or the chosen country), each country,
    each region served by an answering programme, all in display order."""

    indicator: Indicator
    overall: Figure
    countries: tuple[Figure, ...]
    regions: tuple[Figure, ...]

    @property
    def key(self) -> str:
        return self.indicator.key

    @property
    def misses_target(self) -> bool | None:
        return self.indicator.misses_target(self.overall)


@dataclass(frozen=True)
class ProgrammeRow:
    """One programme's answer: for each indicator (in INDICATORS order) whether it meets it,
    and its assessment against the Article 16 criteria."""

    id: int
    code: str
    name: str
    country_code: str
    country_name: str
    # False when the programme asked not to appear in public: a public report must not name it.
    public: bool
    outcomes: tuple[str, ...]  # MEETS | DOES_NOT_MEET | NOT_ANSWERED, in INDICATORS order
    assessment: Assessment

    @cached_property
    def figures(self) -> tuple[Figure, ...]:
        """The outcomes as figures of scope "programme" (1 of 1, 0 of 1, 0 of 0)."""
        return tuple(
            Figure(
                item.key,
                PROGRAMME,
                self.code,
                self.name,
                1 if outcome == MEETS else 0,
                0 if outcome == NOT_ANSWERED else 1,
                None,
                False,
                self.country_code,
            )
            for item, outcome in zip(INDICATORS, self.outcomes, strict=True)
        )

    def outcome(self, key: str) -> str:
        return self.outcomes[POSITION[key]]


@dataclass(frozen=True)
class ComplianceFigure:
    """The Article 16 compliance of the programmes in one scope: their mean score (the weight
    of the criteria met over the weight of those with evidence, 0-100) and the share that
    meet every criterion. ``programmes`` counts those whose answer gives evidence on at least
    one criterion; below the small-number threshold there is no mean and no share."""

    scope: str
    scope_code: str
    scope_name: str
    programmes: int
    mean_score: float | None
    all_met: Figure
    small: bool
    country_code: str = ""

    def display(self) -> str:
        if not self.programmes:
            return _("no answers")
        if self.mean_score is None:
            return _("%(count)s programmes (few programmes: read with caution)") % {"count": self.programmes}
        return percent_text(self.mean_score)

    def __str__(self) -> str:
        return self.display()

    def as_dict(self) -> dict[str, Any]:
        return {
            **_scope_dict(self),
            "programmes": self.programmes,
            "mean_score": None if self.mean_score is None else round(self.mean_score, 1),
            "small": self.small,
            "display": self.display(),
            "all_criteria_met": self.all_met.as_dict(),
        }


@dataclass(frozen=True)
class CriterionRow:
    """One criterion of the standard: the share of programmes meeting it among those whose
    answer gives evidence on it."""

    criterion: Criterion
    overall: Figure
    countries: tuple[Figure, ...]


@dataclass(frozen=True)
class ComplianceResults:
    standard: Standard
    overall: ComplianceFigure
    countries: tuple[ComplianceFigure, ...]
    criteria: tuple[CriterionRow, ...]


@dataclass(frozen=True)
class IndicatorResults:
    survey_round: SurveyRound
    country: Country | None
    generated_at: datetime
    small_number: int
    answers: int  # published answers counted
    programmes_asked: int  # programmes of the registry in the round's countries (or the chosen one)
    response: Figure  # answers among programmes asked (indicator "response_rate")
    countries: tuple[Place, ...]
    regions: tuple[Place, ...]
    rows: tuple[IndicatorRow, ...]
    compliance: ComplianceResults
    programmes: tuple[ProgrammeRow, ...]

    def row(self, key: str) -> IndicatorRow:
        for row in self.rows:
            if row.key == key:
                return row
        raise KeyError(key)

    def figures(self) -> Iterator[Figure]:
        """Every indicator figure, indicator by indicator: round, countries, regions, programmes."""
        for position, row in enumerate(self.rows):
            yield row.overall
            yield from row.countries
            yield from row.regions
            for programme in self.programmes:
                yield programme.figures[position]

    def below_target(self) -> list[IndicatorRow]:
        """Indicators whose overall figure misses its target, for the recommendations."""
        return [row for row in self.rows if row.misses_target]
