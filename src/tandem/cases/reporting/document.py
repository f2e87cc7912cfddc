"""A report as a document: what its page and its PDF show, from the facts stored when it was
made and the programme's assessment, and nothing read from anywhere else."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import translation

from tandem.cases.models import CaseReport
from tandem.cases.reporting.view import PerpetratorView
from tandem.reports.pdf import html_to_pdf

PDF_TEMPLATE = "cases/report_pdf.html"


def facts_of(report: CaseReport) -> PerpetratorView | None:
    return PerpetratorView.from_json(report.facts) if report.facts else None


def document_context(report: CaseReport) -> dict[str, Any]:
    """The context of ``cases/report_body.html``: the report's own fields and its facts."""
    sender = report.sent_by
    return {
        "report": report,
        "facts": facts_of(report),
        "sender": (sender.get_full_name() or sender.get_username()) if sender is not None else "",
    }


def render_report_pdf(report: CaseReport, *, language: str, base_url: str | None = None) -> bytes:
    with translation.override(language):
        html = render_to_string(PDF_TEMPLATE, {**document_context(report), "language_code": language})
    return html_to_pdf(html, base_url=base_url)


def report_filename(report: CaseReport) -> str:
    # No name in the file name: it is seen in download lists and mail attachments.
    return f"report-case-{report.case_id}-{report.pk}.pdf"
