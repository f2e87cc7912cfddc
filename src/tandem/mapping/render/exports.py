"""The figures of the mapping as they leave Tandem from the command line: JSON documents and CSV
rows (written through ``tandem.core.spreadsheets``, which neutralises formulas). The shapes are
documented in the commands that print them (``tandem mapping indicators`` and ``coverage``)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext as _

from tandem.mapping.models import SurveyRound
from tandem.mapping.rules.coverage import CoverageResults
from tandem.mapping.rules.figures import (
    DOES_NOT_MEET,
    MEETS,
    NOT_ANSWERED,
    PROGRAMME,
    RESPONSE_RATE,
    Figure,
    IndicatorResults,
)
from tandem.mapping.rules.indicators import POSITION
from tandem.reports.numbers import percent_text

CSV_HEADER = (
    "indicator",
    "label",
    "scope",
    "code",
    "name",
    "country",
    "numerator",
    "denominator",
    "percent",
    "small",
    "display",
)


def _round_json(survey_round: SurveyRound) -> dict[str, Any]:
    return {"id": survey_round.pk, "name": survey_round.name}


def results_json(results: IndicatorResults) -> dict[str, Any]:
    """The results as a JSON-ready structure (its shape is documented in the module docstring
    of ``management/commands/mapping_indicators.py``)."""
    standard = results.compliance.standard
    return {
        "round": _round_json(results.survey_round),
        "country": None
        if results.country is None
        else {"code": results.country.code, "name": results.country.display_name},
        "generated_at": results.generated_at.isoformat(),
        "small_number": results.small_number,
        "answers": results.answers,
        "programmes_asked": results.programmes_asked,
        "response": results.response.as_dict(),
        "countries": [{"code": place.code, "name": place.name} for place in results.countries],
        "regions": [{"code": p.code, "name": p.name, "country": p.country_code} for p in results.regions],
        "indicators": [
            {
                "key": row.indicator.key,
                "label": str(row.indicator.label),
                "definition": str(row.indicator.definition),
                "numerator": str(row.indicator.numerator),
                "denominator": str(row.indicator.denominator),
                "question": row.indicator.question,
                "target": row.indicator.target,
                "higher_is_better": row.indicator.higher_is_better,
                "misses_target": row.misses_target,
                "recommendation": str(row.indicator.recommendation),
                "figures": [figure.as_dict() for figure in (row.overall, *row.countries, *row.regions)],
            }
            for row in results.rows
        ],
        "compliance": {
            "standard": {
                "key": standard.key,
                "version": standard.version,
                "title": standard.text(),
                "source": standard.source_text(),
            },
            "figures": [item.as_dict() for item in (results.compliance.overall, *results.compliance.countries)],
            "criteria": [
                {
                    "key": row.criterion.key,
                    "label": row.criterion.text(),
                    "explanation": row.criterion.explanation_text(),
                    "weight": row.criterion.weight,
                    "evidence": {
                        "question": row.criterion.evidence.question,
                        "operator": row.criterion.evidence.operator,
                        "value": row.criterion.evidence.value,
                    },
                    "figures": [figure.as_dict() for figure in (row.overall, *row.countries)],
                }
                for row in results.compliance.criteria
            ],
        },
        "programmes": [
            {
                "code": programme.code,
                "name": programme.name,
                "country": programme.country_code,
                "public": programme.public,
                "indicators": dict(zip(POSITION, programme.outcomes, strict=True)),
                "compliance": {
                    "score": None if programme.assessment.score is None else round(programme.assessment.score, 1),
                    "all_met": programme.assessment.all_met,
                    "criteria": dict(programme.assessment.outcomes),
                },
            }
            for programme in results.programmes
        ],
    }


def results_csv_rows(results: IndicatorResults) -> Iterator[list[Any]]:
    """One row per figure, under ``CSV_HEADER``: the response rate, every indicator (round,
    countries, regions, programmes), then the compliance (mean score and share meeting every
    criterion per scope, each criterion, each programme's score). For a mean score the
    ``percent`` column holds the score and ``denominator`` the programmes it is over."""
    labels = {row.key: str(row.indicator.label) for row in results.rows}
    labels[RESPONSE_RATE] = _("Response rate")

    def line(figure: Figure, label: str) -> list[Any]:
        data = figure.as_dict()
        return [
            figure.indicator,
            label,
            data["scope"],
            data["code"],
            data["name"],
            data["country"],
            data["numerator"],
            data["denominator"],
            "" if data["percent"] is None else data["percent"],
            "yes" if data["small"] else "no",
            data["display"],
        ]

    yield line(results.response, labels[RESPONSE_RATE])
    outcome_texts = {MEETS: _("meets"), DOES_NOT_MEET: _("does not meet"), NOT_ANSWERED: _("not answered")}
    for position, row in enumerate(results.rows):
        key, label = row.key, labels[row.key]
        for figure in (row.overall, *row.countries, *row.regions):
            yield line(figure, label)
        for programme in results.programmes:
            outcome = programme.outcomes[position]
            yield [
                key,
                label,
                PROGRAMME,
                programme.code,
                programme.name,
                programme.country_code,
                1 if outcome == MEETS else 0,
                0 if outcome == NOT_ANSWERED else 1,
                "",
                "no",
                outcome_texts[outcome],
            ]
    compliance = results.compliance
    standard_key = compliance.standard.key
    score_label, all_label = _("Article 16 compliance score"), _("Programmes meeting every Article 16 criterion")
    for item in (compliance.overall, *compliance.countries):
        mean = "" if item.mean_score is None else round(item.mean_score, 1)
        yield [
            f"{standard_key}:score",
            score_label,
            item.scope,
            item.scope_code,
            item.scope_name,
            item.country_code,
            "",
            item.programmes,
            mean,
            "yes" if item.small else "no",
            item.display(),
        ]
        yield line(item.all_met, all_label)
    for criterion_row in compliance.criteria:
        for figure in (criterion_row.overall, *criterion_row.countries):
            yield line(figure, criterion_row.criterion.text())
    for programme in results.programmes:
        score = programme.assessment.score
        yield [
            f"{standard_key}:score",
            score_label,
            PROGRAMME,
            programme.code,
            programme.name,
            programme.country_code,
            "",
            1 if score is not None else 0,
            "" if score is None else round(score, 1),
            "no",
            percent_text(score) if score is not None else _("not answered"),
        ]


# --- Coverage -------------------------------------------------------------------------------

COVERAGE_CSV_HEADER = (
    "country",
    "code",
    "name",
    "name_en",
    "population",
    "served",
    "programmes",
    "population_without",
    "distance_km",
    "distance_display",
)


def coverage_json(results: CoverageResults) -> dict[str, Any]:
    """The results as a JSON-ready structure (its shape is documented in the module docstring
    of ``management/commands/mapping_coverage.py``)."""
    share = results.share_without
    return {
        "round": None
        if results.survey_round is None
        else {"id": results.survey_round.pk, "name": results.survey_round.name},
        "source": results.source,
        "country": None
        if results.country is None
        else {"code": results.country.code, "name": results.country.display_name},
        "generated_at": results.generated_at.isoformat(),
        "distance": _(
            "Straight line (great circle) in kilometres from each region's representative point to the "
            "nearest delivery location of a functioning programme of the same country; travel by road is longer."
        ),
        "regions": [region.as_dict() for region in results.regions],
        "countries": [item.as_dict() for item in results.countries],
        "total": {
            "population": results.population,
            "population_without": results.population_without,
            "share_without": None if share is None else round(share, 1),
        },
    }


def coverage_csv_rows(results: CoverageResults) -> list[list[Any]]:
    """One row per region under ``COVERAGE_CSV_HEADER``."""
    rows = []
    for region in results.regions:
        data = region.as_dict()
        rows.append(
            [
                data["country"],
                data["code"],
                data["name"],
                data["name_en"],
                data["population"],
                "yes" if data["served"] else "no",
                data["programmes"],
                data["population_without"],
                "" if data["distance_km"] is None else data["distance_km"],
                data["distance_display"],
            ]
        )
    return rows
