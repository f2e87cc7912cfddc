"""The outcome report of a programme provider on the web: the page, its PDF and its figures as
JSON, for one of the person's providers over a range of months.

Who reads it: the provider's coordinators and organisation administrators, who answer for the
programme, and its survivor-support workers, whose work with the partners the report measures.
It holds totals only, each over at least the threshold of people, so nobody learns a person's
answers from it; facilitators are left out all the same, because the report's main figures are
the partners' and a facilitator's work is the man's side, which his own case pages show. To
referrers, analysts, government viewers, auditors, platform staff and other providers' people,
the report does not exist (404), as everywhere in Tandem. Opening the page is not written to
the audit log (totals the readers may see again and again); a PDF or JSON file leaves Tandem and
is audited (``report_actions``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language, gettext as _, gettext_lazy
from django.views.decorators.http import require_safe

from tandem.core.http import audit_context, signed_in_user
from tandem.core.models import Organisation, User
from tandem.core.policy import places_of
from tandem.core.roles import OrganisationKind, Role
from tandem.outcomes.report import Period, build_report
from tandem.outcomes.report_actions import record_report_export
from tandem.outcomes.report_render import filename, render_json, render_pdf, report_context

READERS = (Role.COORDINATOR, Role.ORG_ADMIN, Role.SURVIVOR_WORKER)
MONTH = re.compile(r"^(\d{4})-(\d{2})$")
FIRST_YEAR, LAST_YEAR = 2000, 2100
# More months than this and the report reads the whole history of a provider.
MAX_MONTHS = 10 * 12


def readable_providers(user: Any) -> list[int]:
    """The programme providers whose outcome report the person may read."""
    return sorted(
        {
            place.organisation_id
            for place in places_of(user)
            if place.role in READERS and place.kind == OrganisationKind.PROGRAMME_PROVIDER
        }
    )


def reads_outcome_reports(user: Any) -> bool:
    """For the navigation: told by the person's roles alone, without reading the database again."""
    return bool(readable_providers(user))


def parse_month(text: str) -> tuple[int, int] | None:
    found = MONTH.match(text.strip())
    if found is None:
        return None
    year, month = int(found[1]), int(found[2])
    if not (FIRST_YEAR <= year <= LAST_YEAR and 1 <= month <= 12):
        return None
    return year, month


class MonthField(forms.CharField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_length=7, required=False, **kwargs)
        self.widget.attrs.update({"placeholder": "YYYY-MM", "inputmode": "numeric", "pattern": r"\d{4}-\d{2}"})

    def clean(self, value: Any) -> tuple[int, int] | None:
        text = str(super().clean(value) or "").strip()
        if not text:
            return None
        month = parse_month(text)
        if month is None:
            raise forms.ValidationError(
                _("Give a month as year and month, such as 2025-03, from 2000 to 2100."), code="invalid"
            )
        return month


class PeriodForm(forms.Form):
    """``?from=YYYY-MM&to=YYYY-MM``: the months whose starters are counted (default: the last
    24 months)."""

    start = MonthField(label=gettext_lazy("From (year and month)"))
    end = MonthField(label=gettext_lazy("To (year and month)"))

    def add_prefix(self, field_name: str) -> str:
        # The address says ?from=…&to=…, words the person reads; "from" is a Python keyword.
        return {"start": "from", "end": "to"}.get(field_name, field_name)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors:
            return cleaned
        default = Period.default()
        first = cleaned.get("start") or None
        last = cleaned.get("end") or None
        if first is None:
            period = Period.ending(last) if last is not None else default
        else:
            period = Period.of_months(first, last or (default.end.year, default.end.month))
        if period.end < period.start:
            self.add_error("end", _("The last month comes before the first: give them the other way round."))
        elif (period.end.year - period.start.year) * 12 + period.end.month - period.start.month >= MAX_MONTHS:
            self.add_error("end", _("Choose at most ten years."))
        cleaned["period"] = period
        return cleaned


@dataclass(frozen=True)
class Asked:
    organisation: Organisation
    organisations: list[Organisation]
    form: PeriodForm
    period: Period | None

    def query(self) -> str:
        if self.period is None:
            return ""
        return "?" + urlencode(
            {
                "organisation": self.organisation.pk,
                "from": f"{self.period.start:%Y-%m}",
                "to": f"{self.period.end:%Y-%m}",
            }
        )


def _asked(request: HttpRequest) -> Asked:
    user: User = signed_in_user(request)
    ids = readable_providers(user)
    if not ids:
        raise Http404
    organisations = list(Organisation.objects.filter(pk__in=ids).order_by("name", "pk"))
    chosen = request.GET.get("organisation", "")
    organisation = next((o for o in organisations if str(o.pk) == chosen), None) if chosen else organisations[0]
    if organisation is None:
        # Not one of hers: as if there were no such report.
        raise Http404
    form = PeriodForm(request.GET)
    period = form.cleaned_data["period"] if form.is_valid() else None
    return Asked(organisation, organisations, form, period)


@login_required
@require_safe
def report_view(request: HttpRequest) -> HttpResponse:
    asked = _asked(request)
    context: dict[str, Any] = {
        "organisation": asked.organisation,
        "organisations": asked.organisations,
        "form": asked.form,
        "query": asked.query(),
    }
    if asked.period is None:
        return render(request, "outcomes/report/page.html", context, status=422)
    context.update(report_context(build_report(asked.organisation, asked.period)))
    return render(request, "outcomes/report/page.html", context)


def _exported(request: HttpRequest) -> tuple[Asked, Period]:
    asked = _asked(request)
    if asked.period is None:
        # A download is only asked for from the page's own links: a period that does not hold
        # is no report.
        raise Http404
    return asked, asked.period


@login_required
@require_safe
def report_pdf_view(request: HttpRequest) -> HttpResponse:
    asked, period = _exported(request)
    language = get_language()
    report = build_report(asked.organisation, period)
    content = render_pdf(report, language=language, base_url=request.build_absolute_uri())
    record_report_export(
        report,
        file_format="pdf",
        language=language,
        acting_user=signed_in_user(request),
        context=audit_context(request),
    )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename(report, "pdf")}"'
    return response


@login_required
@require_safe
def report_json_view(request: HttpRequest) -> HttpResponse:
    asked, period = _exported(request)
    language = get_language()
    report = build_report(asked.organisation, period)
    content = render_json(report, language=language)
    record_report_export(
        report,
        file_format="json",
        language=language,
        acting_user=signed_in_user(request),
        context=audit_context(request),
    )
    response = HttpResponse(content, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename(report, "json")}"'
    return response
