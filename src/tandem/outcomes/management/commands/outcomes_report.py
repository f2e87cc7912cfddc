"""``tandem outcomes report``: the outcome report of one programme provider as an HTML file, a
PDF or JSON, in one of Tandem's languages, for the cases that started in a range of months.

The HTML file stands alone (its stylesheet embedded, its charts images inside it). The report
holds totals only, with small numbers suppressed as on the page. Every report written is on the
audit record."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from tandem.core.audit import COMMAND_LINE
from tandem.core.command_options import output_path, resolve_language, write_output
from tandem.outcomes.queries.report import provider, providers
from tandem.outcomes.report import Period, build_report
from tandem.outcomes.report_actions import record_report_export
from tandem.outcomes.report_render import render_document, render_json, render_pdf
from tandem.outcomes.report_views import MAX_MONTHS, parse_month

FORMATS = ("html", "pdf", "json")


def _month(option: str, text: str | None) -> tuple[int, int] | None:
    if not text:
        return None
    month = parse_month(text)
    if month is None:
        raise CommandError(
            _("%(option)s %(value)s: give a month as YYYY-MM, from 2000 to 2100.") % {"option": option, "value": text},
            returncode=2,
        )
    return month


def resolve_period(first_text: str | None, last_text: str | None) -> Period:
    """The months asked for; a missing end is this month, a missing start 24 months before the end."""
    first, last = _month("--from", first_text), _month("--to", last_text)
    default = Period.default()
    last = last or (default.end.year, default.end.month)
    period = Period.of_months(first, last) if first is not None else Period.ending(last)
    if period.end < period.start:
        raise CommandError(_("--to comes before --from: give them the other way round."), returncode=2)
    if (period.end.year - period.start.year) * 12 + period.end.month - period.start.month >= MAX_MONTHS:
        raise CommandError(_("--from and --to: choose at most ten years."), returncode=2)
    return period


class Command(BaseCommand):
    help = (
        "Build the outcome report of a programme provider (response rates, matched change with confidence "
        "intervals, headline figures, methodology) as HTML, PDF or JSON."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--programme", type=int, required=True, metavar="ID", help="the programme provider's id")
        parser.add_argument("--format", choices=FORMATS, required=True, help="html, pdf or json")
        parser.add_argument("--output", required=True, metavar="PATH", help="where to write the report")
        parser.add_argument("--from", dest="start", metavar="YYYY-MM", help="first month (default: 24 months back)")
        parser.add_argument("--to", dest="end", metavar="YYYY-MM", help="last month (default: this month)")
        parser.add_argument("--language", default="en", metavar="LANG", help="language of the report (default en)")

    def handle(self, *args: Any, **options: Any) -> None:
        language = resolve_language(options.get("language"))
        file_format = options.get("format") or ""
        if file_format not in FORMATS:
            raise CommandError(
                _("--format %(format)s: choose html, pdf or json.") % {"format": file_format}, returncode=2
            )
        if not options.get("output"):
            raise CommandError(_("--output: give the file to write the report to."), returncode=2)
        output = output_path(options["output"])
        period = resolve_period(options.get("start"), options.get("end"))
        organisation = provider(options["programme"]) if options.get("programme") is not None else None
        if organisation is None:
            listed = "; ".join(f"{found.pk} {found.name}" for found in providers()) or "—"
            raise CommandError(
                _("--programme %(id)s: no programme provider has this id. The programme providers: %(list)s.")
                % {"id": options.get("programme"), "list": listed},
                returncode=2,
            )
        with translation.override(language):
            report = build_report(organisation, period)
        if file_format == "pdf":
            content = render_pdf(report, language=language)
        elif file_format == "json":
            content = render_json(report, language=language)
        else:
            content = render_document(report, language=language, standalone=True).encode("utf-8")
        write_output(output, content)
        record_report_export(report, file_format=file_format, language=language, acting_user=None, context=COMMAND_LINE)
        self.stdout.write(
            _("The outcome report of %(name)s was written to %(path)s.") % {"name": organisation.name, "path": output}
        )
