"""``tandem outcomes benchmark --format json [--output PATH]``: the benchmarks of the pool, each
programme under its pseudonym beside the whole pool, small cells suppressed. Only aggregates.

JSON::

    {"small_number": N, "programmes": [pseudonym],
     "response": [SHARE (key: respondent, time_point)],
     "attrition": [SHARE (key: exit)],
     "change": [{"scope", "key": {respondent, subscale, time_point}, "n", "mean_start", "mean_then",
                 "mean_change", "better", "suppressed"}],
     "no_violence": [SHARE (key: subscale, time_point)]}

    SHARE = {"scope": "pool" | pseudonym, "key", "count", "total", "percent", "suppressed"}
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from tandem.core.audit import COMMAND_LINE
from tandem.outcomes.pool import PoolError, benchmarks, benchmarks_json
from tandem.outcomes.pool_actions import record_pool_export


class Command(BaseCommand):
    help = "Compute the benchmarks of the pooled outcome dataset, small cells suppressed."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=["json"], default="json", help="output format (json)")
        parser.add_argument("--output", metavar="PATH", help="where to write (default: standard output)")

    def handle(self, *args: Any, **options: Any) -> None:
        output = Path(options["output"]) if options.get("output") else None
        if output is not None and output.is_dir():
            raise CommandError(_("%(path)s is a folder; give a file name.") % {"path": output}, returncode=2)
        if output is not None and not output.parent.is_dir():
            raise CommandError(
                _("%(path)s: the folder %(folder)s does not exist.") % {"path": output, "folder": output.parent},
                returncode=2,
            )
        try:
            result = benchmarks()
        except PoolError as error:
            raise CommandError(str(error), returncode=2) from None
        text = benchmarks_json(result) + "\n"
        if output is not None:
            try:
                output.write_text(text, encoding="utf-8")
            except OSError as error:
                raise CommandError(
                    _("%(path)s could not be written: %(reason)s.") % {"path": output, "reason": error.strerror},
                    returncode=2,
                ) from None
        record_pool_export(
            kind="benchmarks",
            detail={"format": options["format"], "programmes": len(result.programmes)},
            acting_user=None,
            context=COMMAND_LINE,
        )
        if output is None:
            self.stdout.write(text, ending="")
        else:
            self.stdout.write(_("The benchmarks are written to %(path)s.") % {"path": output})
