"""``tandem mapping rounds``: every survey round with its id, which the other mapping commands
take as ``--round``. One line per round, or JSON on one line::

    {"rounds": [{"id", "name", "owner": {"id", "name"}, "opens_on": ISO 8601 date,
                 "closes_on": ISO 8601 date, "countries": [code],
                 "answers": {"draft", "submitted", "returned", "accepted", "published"}}]}
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from tandem.mapping.models import AnswerStatus, SurveyRound
from tandem.mapping.queries.rounds import all_rounds_for_command_line


def answer_counts(survey_round: SurveyRound) -> dict[str, int]:
    return {status: getattr(survey_round, f"answers_{status}") for status in AnswerStatus.values}


def round_json(survey_round: SurveyRound) -> dict[str, Any]:
    return {
        "id": survey_round.pk,
        "name": survey_round.name,
        "owner": {"id": survey_round.owner_id, "name": survey_round.owner.name},
        "opens_on": survey_round.opens_on.isoformat(),
        "closes_on": survey_round.closes_on.isoformat(),
        "countries": [country.code for country in survey_round.countries.all()],
        "answers": answer_counts(survey_round),
    }


def round_line(survey_round: SurveyRound) -> str:
    counts = answer_counts(survey_round)
    return _("%(id)d  %(name)s  run by %(owner)s  %(opens)s–%(closes)s  %(countries)s  answers: %(counts)s") % {
        "id": survey_round.pk,
        "name": survey_round.name,
        "owner": survey_round.owner.name,
        # ISO dates: the listing is read by scripts as much as by people.
        "opens": survey_round.opens_on.isoformat(),
        "closes": survey_round.closes_on.isoformat(),
        "countries": ", ".join(country.code for country in survey_round.countries.all()),
        "counts": ", ".join(
            _("%(status)s %(count)d") % {"status": AnswerStatus(status).label, "count": counts[status]}
            for status in AnswerStatus.values
        ),
    }


class Command(BaseCommand):
    help = "List the survey rounds with their ids, owners, dates, countries and answers per status."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=["text", "json"], default="text", help="output format (default text)")

    def handle(self, *args: Any, **options: Any) -> None:
        rounds = list(all_rounds_for_command_line())
        if options.get("format") == "json":
            self.stdout.write(json.dumps({"rounds": [round_json(r) for r in rounds]}, ensure_ascii=False))
            return
        if not rounds:
            self.stdout.write(_("No survey rounds yet."))
        for survey_round in rounds:
            self.stdout.write(round_line(survey_round))
