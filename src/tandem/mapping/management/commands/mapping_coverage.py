"""``tandem mapping coverage``: per region, whether a functioning programme serves it, the
population without one, and the distance to the nearest; per country, the population and
share of it in regions without one. From a round's published answers, or from the registry
when no round is given.

JSON, on one line (``| python -m json.tool`` to read it)::

    {"round": null | {"id", "name"}, "source": "round" | "registry",
     "country": null | {"code", "name"}, "generated_at": ISO 8601,
     "distance": how distances are measured (text),
     "regions": [{"code", "name", "name_en", "country", "population", "served", "programmes",
                  "population_without", "distance_km" (null: no functioning programme in the
                  country), "distance_display"}],
     "countries": [{"code", "name", "population", "population_without", "share_without",
                    "share_display", "regions", "regions_without", "programmes"}],
     "total": {"population", "population_without", "share_without"}}

CSV: one row per region with the header ``render.exports.COVERAGE_CSV_HEADER``.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from tandem.mapping.management.commands._mapping_scope import (
    ensure_country_in_round,
    export_figures,
    resolve_country,
    resolve_round,
)
from tandem.mapping.queries.figures import compute_coverage
from tandem.mapping.render import exports


class Command(BaseCommand):
    help = (
        "Compute, per region, whether a functioning programme serves it, from a round's published answers "
        "(or from the registry when no round is given)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--country", metavar="CC", help="one country, by code (e.g. AL)")
        parser.add_argument("--round", type=int, metavar="ID", help="the survey round (default: the registry)")
        parser.add_argument("--format", choices=["json", "csv"], default="json", help="output format (default json)")

    def handle(self, *args: Any, **options: Any) -> None:
        country = resolve_country(options.get("country"))
        survey_round = resolve_round(options.get("round"))
        ensure_country_in_round(country, survey_round)
        results = compute_coverage(survey_round=survey_round, country=country)
        export_figures(
            self,
            kind="coverage",
            survey_round=survey_round,
            country=country,
            output_format=options.get("format", "json"),
            header=exports.COVERAGE_CSV_HEADER,
            rows=exports.coverage_csv_rows(results),
            document=lambda: exports.coverage_json(results),
        )
