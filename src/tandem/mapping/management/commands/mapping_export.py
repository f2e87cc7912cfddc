from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from tandem.core.audit import COMMAND_LINE
from tandem.mapping.actions.exports import record_open_data_export
from tandem.mapping.queries.registry import exported_programmes
from tandem.mapping.render import opendata

BUILDERS = {"hsds": opendata.hsds_dataset, "geojson": opendata.geojson_collection}


class Command(BaseCommand):
    help = (
        "Export the functioning programmes that may be published, as Open Referral HSDS 3.0 JSON or as "
        "GeoJSON. Locations marked private are never included."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=sorted(BUILDERS), required=True, help="hsds or geojson")
        parser.add_argument("--output", metavar="PATH", help="where to write (default: standard output)")

    def handle(self, *args: Any, **options: Any) -> None:
        export_format: str = options["format"]
        output = Path(options["output"]) if options["output"] else None
        if output is not None and not output.parent.is_dir():
            raise CommandError(
                _("%(path)s: the folder %(folder)s does not exist.") % {"path": output, "folder": output.parent},
                returncode=2,
            )
        if output is not None and output.is_dir():
            raise CommandError(_("%(path)s is a folder; give a file name.") % {"path": output}, returncode=2)
        programmes = exported_programmes()
        text = opendata.render(BUILDERS[export_format](programmes))
        if output is None:
            self.stdout.write(text, ending="")
        else:
            try:
                output.write_text(text, encoding="utf-8")
            except OSError as error:
                raise CommandError(
                    _("%(path)s could not be written: %(reason)s.") % {"path": output, "reason": error.strerror},
                    returncode=2,
                ) from None
        # Every export is on the record: who took which open data out, and how much of it.
        record_open_data_export(
            file_format=export_format, programmes=len(programmes), acting_user=None, context=COMMAND_LINE
        )
        if output is not None:
            self.stdout.write(
                _("%(count)d programmes written to %(path)s.") % {"count": len(programmes), "path": output}
            )
