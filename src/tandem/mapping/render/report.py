"""The mapping report as a document: the HTML page (linked stylesheets on the web, embedded ones
in a file of its own) and the PDF made from the same HTML with WeasyPrint, fetching nothing but
Tandem's static files."""

from __future__ import annotations

import base64
import gc
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.text import slugify

from tandem.mapping.render.report_text import Writer
from tandem.mapping.rules.report import (
    Report,
)
from tandem.reports.pdf import find_static_file, html_to_pdf

TEMPLATE = "mapping/report.html"
# The stylesheets the report links, as static names: the shared print stylesheet of reports,
# then the mapping report's own layout.
STYLESHEETS = ("reports/report.css", "mapping/report.css")


def _stylesheet_data_urls() -> list[str]:
    urls = []
    for name in STYLESHEETS:
        path = find_static_file(name)
        if path is not None:
            urls.append("data:text/css;base64," + base64.b64encode(path.read_bytes()).decode("ascii"))
    return urls


def render_report_html(
    report: Report, *, language: str, standalone: bool = False, page: Mapping[str, Any] | None = None
) -> str:
    """The report as a complete HTML document in ``language``.

    ``standalone`` embeds the stylesheets as ``data:`` URLs, for a file that is read without
    Tandem (the command line); otherwise they are linked as Tandem's static files. ``page``
    adds what only the web page shows (links back, the PDF link, the country filter)."""
    with translation.override(language):
        context = Writer(report).context()
        context.update(
            {
                "language_code": translation.get_language(),
                "stylesheet_urls": _stylesheet_data_urls() if standalone else [],
                "stylesheets": STYLESHEETS,
                "page": page or {},
            }
        )
        return render_to_string(TEMPLATE, context)


def render_report_pdf(report: Report, *, language: str, base_url: str | None = None) -> bytes:
    """The report as PDF: the same HTML, through WeasyPrint, fetching nothing but Tandem's static files."""
    html = render_report_html(report, language=language)
    with _collector_paused():
        return html_to_pdf(html, base_url=base_url)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector while WeasyPrint lays out the report.

    Layout creates hundreds of thousands of boxes that all stay alive until the PDF is
    written; the collector would scan them again and again, for nothing (about a sixth of the
    time of a large report). It runs again afterwards and frees whatever cycles were left."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def report_filename(report: Report, extension: str) -> str:
    """``tandem-mapping-report-western-balkans-2026-al-2026-11-25.pdf``."""
    parts = ["tandem-mapping-report", slugify(report.survey_round.name) or str(report.survey_round.pk)]
    if report.country is not None:
        parts.append(report.country.code.lower())
    parts.append(timezone.localdate(report.generated_at).isoformat())
    return "-".join(parts) + f".{extension}"
