"""``tandem mapping xlsform --round ID --output PATH``: the round's questionnaire as an XLSForm."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from tandem.core.audit import COMMAND_LINE
from tandem.core.command_options import output_path, write_output
from tandem.mapping.actions.exports import record_xlsform_export
from tandem.mapping.queries.rounds import get_round
from tandem.mapping.render.xlsform import XLSFormError, xlsform_bytes


class Command(BaseCommand):
    help = (
        "Write the questionnaire of a round as an XLSForm (XLSX) with its choice lists and every translation, "
        "ready to upload to KoboToolbox or to convert with pyxform."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--round", type=int, required=True, metavar="ID", help="the survey round")
        parser.add_argument("--output", required=True, metavar="PATH", help="where to write the .xlsx file")

    def handle(self, *args: Any, **options: Any) -> None:
        survey_round = get_round(options["round"])
        if survey_round is None:
            raise CommandError(_("--round %(id)s: no such survey round.") % {"id": options["round"]}, returncode=2)
        output = output_path(options["output"])
        try:
            content = xlsform_bytes(survey_round)
        except XLSFormError as error:
            raise CommandError(error.message, returncode=2) from None
        write_output(output, content)
        record_xlsform_export(survey_round=survey_round, acting_user=None, context=COMMAND_LINE)
        self.stdout.write(
            _("The form of round %(round)s was written to %(path)s.") % {"round": survey_round.name, "path": output}
        )
