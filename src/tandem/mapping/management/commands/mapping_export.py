from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from tandem.core.audit import COMMAND_LINE
from tandem.core.command_options import output_path, write_output
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
        output = output_path(options["output"]) if options["output"] else None
        programmes = exported_programmes()
        text = opendata.render(BUILDERS[export_format](programmes))
        if output is None:
            self.stdout.write(text, ending="")
        else:
            write_output(output, text.encode("utf-8"))
        # Every export is on the record: who took which open data out, and how much of it.
        record_open_data_export(
            file_format=export_format, programmes=len(programmes), acting_user=None, context=COMMAND_LINE
        )
        if output is not None:
            self.stdout.write(
                _("%(count)d programmes written to %(path)s.") % {"count": len(programmes), "path": output}
            )
