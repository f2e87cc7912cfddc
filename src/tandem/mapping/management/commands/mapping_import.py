"""``tandem mapping import FILE --round ID``: import survey answers from a CSV or XLSX file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from tandem.core.audit import COMMAND_LINE
from tandem.core.table_imports import ImportRefused
from tandem.core.tables import UnreadableFile, read_file
from tandem.mapping.actions.imports import LIMITS, import_answers
from tandem.mapping.queries.rounds import get_round


class Command(BaseCommand):
    help = (
        "Import the answers in FILE (CSV or XLSX, also as exported from KoboToolbox or ODK) into a survey "
        "round. All or nothing: a file with any problem changes nothing, and every problem is listed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", metavar="FILE", help="the CSV or XLSX file")
        parser.add_argument("--round", type=int, required=True, metavar="ID", help="the survey round")
        parser.add_argument("--dry-run", action="store_true", help="check the file and report, change nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        survey_round = get_round(options["round"])
        if survey_round is None:
            raise CommandError(_("--round %(id)s: no such survey round.") % {"id": options["round"]}, returncode=2)
        try:
            content = read_file(path, LIMITS)
        except OSError as error:
            raise CommandError(
                _("%(path)s cannot be read: %(reason)s.") % {"path": path, "reason": error.strerror or error},
                returncode=2,
            ) from None
        except UnreadableFile as error:
            raise CommandError(f"{path.name}: {error.message}", returncode=2) from None
        try:
            result = import_answers(
                survey_round=survey_round,
                filename=path.name,
                content=content,
                acting_user=None,
                context=COMMAND_LINE,
                dry_run=options["dry_run"],
            )
        except UnreadableFile as error:
            raise CommandError(f"{path.name}: {error.message}", returncode=2) from None
        except ImportRefused as refused:
            for problem in refused.problems:
                self.stderr.write(str(problem))
            raise CommandError(refused.message, returncode=2) from None
        self.stdout.write(result.message)
