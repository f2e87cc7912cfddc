"""``tandem mapping report``: the mapping report of a round (or of one country of it) as an
HTML file or a PDF, in one of Tandem's languages, built from the published answers now.

The HTML file stands alone: its stylesheets are embedded as ``data:`` URLs and its charts and
map are images inside it, so it can be opened, mailed or archived without Tandem. Every report
written is on the audit record."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from tandem.core.audit import COMMAND_LINE
from tandem.core.command_options import output_path, resolve_language, write_output
from tandem.mapping.actions.exports import record_report
from tandem.mapping.management.commands._mapping_scope import (
    ensure_country_in_round,
    resolve_country,
    resolve_round_or_latest,
)
from tandem.mapping.queries.report import build_report
from tandem.mapping.render.report import render_report_html, render_report_pdf

FORMATS = ("html", "pdf")


class Command(BaseCommand):
    help = (
        "Build the mapping report of a survey round (findings, indicator tables, charts, map, recommendations, "
        "methodology) from its published answers, as HTML or PDF."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--country", metavar="CC", help="one country, by code (default: the whole round)")
        parser.add_argument(
            "--round", type=int, metavar="ID", help="the survey round (default: the latest with published answers)"
        )
        parser.add_argument("--format", choices=FORMATS, required=True, help="html or pdf")
        parser.add_argument("--output", required=True, metavar="PATH", help="where to write the report")
        parser.add_argument("--language", default="en", metavar="LANG", help="language of the report (default en)")

    def handle(self, *args: Any, **options: Any) -> None:
        language = resolve_language(options.get("language"))
        file_format = options.get("format") or ""
        if file_format not in FORMATS:
            raise CommandError(_("--format %(format)s: choose html or pdf.") % {"format": file_format}, returncode=2)
        if not options.get("output"):
            raise CommandError(_("--output: give the file to write the report to."), returncode=2)
        output = output_path(options["output"])
        country = resolve_country(options.get("country"))
        survey_round = resolve_round_or_latest(options.get("round"))
        ensure_country_in_round(country, survey_round)

        with translation.override(language):
            report = build_report(survey_round=survey_round, country=country)
        if file_format == "pdf":
            content = render_report_pdf(report, language=language)
        else:
            content = render_report_html(report, language=language, standalone=True).encode("utf-8")
        write_output(output, content)
        record_report(report, file_format=file_format, language=language, acting_user=None, context=COMMAND_LINE)
        self.stdout.write(
            _("The mapping report of %(round)s was written to %(path)s.") % {"round": survey_round.name, "path": output}
        )
