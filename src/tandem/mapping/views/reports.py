"""The mapping report on the web: the HTML page, the PDF download and the indicators behind it
as CSV, for everyone who can see the round, built from its published answers when asked for.

Viewing the HTML page is not written to the audit log: it shows only published answers, which
every participant of the round already sees, and people open it again and again while they
read; the log would fill with entries that prove nothing. A PDF download is a copy that leaves
Tandem, and is audited like the report written on the command line; so is the CSV."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import get_language, gettext as _
from django.views.decorators.http import require_safe

from tandem.core.http import audit_context, signed_in_user
from tandem.core.spreadsheets import csv_writer
from tandem.geo.models import Country
from tandem.mapping.actions.exports import record_figures_export, record_report
from tandem.mapping.models import SurveyRound
from tandem.mapping.queries.figures import compute_indicators, programmes_kept_from_public_view
from tandem.mapping.queries.report import build_report
from tandem.mapping.queries.rounds import access_round
from tandem.mapping.render import exports
from tandem.mapping.render.report import render_report_html, render_report_pdf, report_filename
from tandem.mapping.rules.figures import PROGRAMME
from tandem.mapping.rules.report import Report


class ReportFilterForm(forms.Form):
    """``?country=CC``: one of the round's countries, or none for the whole round."""

    country = forms.CharField(required=False, max_length=2)

    def __init__(self, data: Any, *, countries: list[Country]) -> None:
        super().__init__(data)
        self.countries = {country.code: country for country in countries}

    def clean_country(self) -> str:
        code = str(self.cleaned_data.get("country") or "").strip().upper()
        if code and code not in self.countries:
            raise forms.ValidationError(_("Choose one of the round's countries."), code="invalid_choice")
        return code

    def chosen(self) -> Country | None:
        code = self.cleaned_data.get("country") or ""
        return self.countries.get(code)


def _round_and_country(request: HttpRequest, round_id: int) -> tuple[SurveyRound, Country | None]:
    survey_round = access_round(signed_in_user(request), round_id, context=audit_context(request))
    form = ReportFilterForm(request.GET, countries=list(survey_round.countries.all()))
    if not form.is_valid():
        # A country that is not in the round: as if there were no such report.
        raise Http404
    return survey_round, form.chosen()


def _report(request: HttpRequest, round_id: int) -> tuple[SurveyRound, Report]:
    survey_round, country = _round_and_country(request, round_id)
    return survey_round, build_report(survey_round=survey_round, country=country)


def _query(report: Report) -> str:
    return "?" + urlencode({"country": report.country.code}) if report.country is not None else ""


@login_required
@require_safe
def round_report_view(request: HttpRequest, round_id: int) -> HttpResponse:
    survey_round, report = _report(request, round_id)
    page = {
        "round_url": reverse("mapping:round_detail", args=[survey_round.pk]),
        "report_url": reverse("mapping:round_report", args=[survey_round.pk]),
        "pdf_url": reverse("mapping:round_report_pdf", args=[survey_round.pk]) + _query(report),
        "csv_url": reverse("mapping:round_indicators_csv", args=[survey_round.pk]) + _query(report),
        "country_choices": [(country.code, country.display_name) for country in survey_round.countries.all()],
    }
    return HttpResponse(render_report_html(report, language=get_language(), page=page))


@login_required
@require_safe
def round_report_pdf_view(request: HttpRequest, round_id: int) -> HttpResponse:
    _survey_round, report = _report(request, round_id)
    language = get_language()
    content = render_report_pdf(report, language=language, base_url=request.build_absolute_uri())
    record_report(
        report,
        file_format="pdf",
        language=language,
        acting_user=signed_in_user(request),
        context=audit_context(request),
    )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{report_filename(report, "pdf")}"'
    return response


@login_required
@require_safe
def round_indicators_csv_view(request: HttpRequest, round_id: int) -> HttpResponse:
    """The indicators behind the report, one row per figure (programmes included), as the
    command ``tandem mapping indicators --format csv`` writes them."""
    survey_round, country = _round_and_country(request, round_id)
    results = compute_indicators(survey_round=survey_round, country=country)
    record_figures_export(
        kind="indicators",
        survey_round=survey_round,
        country=country,
        file_format="csv",
        acting_user=signed_in_user(request),
        context=audit_context(request),
    )
    rows = list(exports.results_csv_rows(results))
    # Anyone taking part in the round downloads this: a programme that asked not to be named in
    # public is counted in the figures above it, as in the report, and has no rows of its own.
    scope, code = exports.CSV_HEADER.index("scope"), exports.CSV_HEADER.index("code")
    hidden = programmes_kept_from_public_view({row[code] for row in rows if row[scope] == PROGRAMME})
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response.write("\ufeff")  # so that a spreadsheet reads the file as UTF-8 (ë, Cyrillic)
    writer = csv_writer(response)
    writer.writerow(exports.CSV_HEADER)
    writer.writerows(row for row in rows if not (row[scope] == PROGRAMME and row[code] in hidden))
    suffix = f"-{country.code.lower()}" if country is not None else ""
    response["Content-Disposition"] = f'attachment; filename="indicators-round-{survey_round.pk}{suffix}.csv"'
    return response
