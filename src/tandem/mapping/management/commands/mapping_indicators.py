"""``tandem mapping indicators``: the mapping indicators and the Article 16 compliance of a
round's published answers, as JSON or CSV on standard output.

JSON, on one line (``| python -m json.tool`` to read it). Every key is always present;
``percent`` and ``mean_score`` are null under the small-number threshold, and ``display``
then gives the counts with a caution::

    {"round": {"id", "name"}, "country": null | {"code", "name"},
     "generated_at": ISO 8601, "small_number": 5,
     "answers": published answers counted, "programmes_asked": programmes of the registry in scope,
     "response": FIGURE,
     "countries": [{"code", "name"}], "regions": [{"code", "name", "country"}],
     "indicators": [{"key", "label", "definition", "numerator", "denominator", "question",
                     "target", "higher_is_better", "misses_target", "recommendation",
                     "figures": [FIGURE (scope "round", then each "country", then each "region")]}],
     "compliance": {"standard": {"key", "version", "title", "source"},
                    "figures": [{"scope", "code", "name", "country", "programmes", "mean_score",
                                 "small", "display", "all_criteria_met": FIGURE}],
                    "criteria": [{"key", "label", "explanation", "weight",
                                  "evidence": {"question", "operator", "value"},
                                  "figures": [FIGURE (round, then each country)]}]},
     "programmes": [{"code", "name", "country", "public",
                     "indicators": {key: "meets" | "does_not_meet" | "not_answered"},
                     "compliance": {"score", "all_met", "criteria": {key: "met" | "not_met" | "no_evidence"}}}]}

    FIGURE = {"scope", "code", "name", "country", "numerator", "denominator", "percent", "small", "display"}

CSV: one row per figure with the header ``exports.CSV_HEADER``.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from tandem.mapping.management.commands._mapping_scope import (
    ensure_country_in_round,
    export_figures,
    resolve_country,
    resolve_round_or_latest,
)
from tandem.mapping.queries.figures import compute_indicators
from tandem.mapping.render import exports


class Command(BaseCommand):
    help = "Compute the mapping indicators and the Article 16 compliance from the published answers of a round."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--country", metavar="CC", help="one country, by code (e.g. AL)")
        parser.add_argument(
            "--round", type=int, metavar="ID", help="the survey round (default: the latest with published answers)"
        )
        parser.add_argument("--format", choices=["json", "csv"], default="json", help="output format (default json)")

    def handle(self, *args: Any, **options: Any) -> None:
        country = resolve_country(options.get("country"))
        survey_round = resolve_round_or_latest(options.get("round"))
        ensure_country_in_round(country, survey_round)
        results = compute_indicators(survey_round=survey_round, country=country)
        export_figures(
            self,
            kind="indicators",
            survey_round=survey_round,
            country=country,
            output_format=options.get("format", "json"),
            header=exports.CSV_HEADER,
            rows=exports.results_csv_rows(results),
            document=lambda: exports.results_json(results),
        )
