"""``tandem outcomes pool --output DIR``: the pooled outcome dataset of the newest contribution of
every provider whose agreement is in force, as one Parquet file (``outcomes.parquet``) with its
codebook (``codebook.json``): pseudonymised records, no identifier."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from tandem.core.audit import COMMAND_LINE
from tandem.outcomes.pool import PoolError, write_pool
from tandem.outcomes.pool_actions import record_pool_export


class Command(BaseCommand):
    help = "Write the pooled outcome dataset (Parquet) and its codebook (JSON) into a folder."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", required=True, metavar="DIR", help="the folder to write into")

    def handle(self, *args: Any, **options: Any) -> None:
        output = Path(options["output"])
        if output.exists() and not output.is_dir():
            raise CommandError(_("%(path)s is a file; give a folder.") % {"path": output}, returncode=2)
        if not output.parent.is_dir():
            raise CommandError(
                _("%(path)s: the folder %(folder)s does not exist.") % {"path": output, "folder": output.parent},
                returncode=2,
            )
        try:
            written = write_pool(output)
        except PoolError as error:
            raise CommandError(str(error), returncode=2) from None
        except OSError as error:
            raise CommandError(
                _("%(path)s could not be written: %(reason)s.") % {"path": output, "reason": error.strerror},
                returncode=2,
            ) from None
        record_pool_export(
            kind="dataset",
            detail={"rows": written.rows, "programmes": written.programmes},
            acting_user=None,
            context=COMMAND_LINE,
        )
        self.stdout.write(
            _("%(rows)d rows of %(programmes)d programmes written to %(dataset)s, described in %(codebook)s.")
            % {
                "rows": written.rows,
                "programmes": written.programmes,
                "dataset": written.dataset,
                "codebook": written.codebook,
            }
        )
