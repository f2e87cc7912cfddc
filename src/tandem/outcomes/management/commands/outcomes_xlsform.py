"""``tandem outcomes xlsform --respondent man|partner --output PATH``: the current outcome
questionnaire of the man or of his partner as an XLSForm, every language in it, for asking it
in the field with KoboToolbox or ODK. The form holds no personal data."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from tandem.core.command_options import output_path, write_output
from tandem.outcomes.rules.instruments import RESPONDENTS, current_instrument
from tandem.outcomes.xlsform import xlsform_bytes


class Command(BaseCommand):
    help = (
        "Write the current outcome questionnaire of the man or of his partner as an XLSForm (XLSX) with "
        "every translation, ready to upload to KoboToolbox or to convert with pyxform."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--respondent", required=True, choices=RESPONDENTS, help="whose questionnaire")
        parser.add_argument("--output", required=True, metavar="PATH", help="where to write the .xlsx file")

    def handle(self, *args: Any, **options: Any) -> None:
        output = output_path(options["output"])
        respondent = options["respondent"]
        write_output(output, xlsform_bytes(respondent))
        self.stdout.write(
            _("The form of the questionnaire %(name)s was written to %(path)s.")
            % {"name": current_instrument(respondent).name, "path": output}
        )
