"""The fidelity report of a provider's group work, for its coordinators: the page, its PDF and
its figures as CSV, for all its groups, one group or one programme, over a year or a period.

Only the provider's coordinators reach it; to anyone else, and for a group or a programme of
another provider, the report does not exist (404). Opening the page is not written to the audit
log: it shows counts the coordinators see group by group anyway. A PDF or a CSV is a copy that
leaves Tandem, and is audited (``fidelity.actions``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from typing import Any, cast
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.formats import date_format
from django.utils.safestring import SafeString
from django.utils.translation import get_language, gettext as _, gettext_lazy, ngettext, pgettext_lazy
from django.views.decorators.http import require_safe

from tandem.core import clock
from tandem.core.http import audit_context, signed_in_user
from tandem.core.models import Organisation
from tandem.core.policy import organisations_with_role
from tandem.core.roles import Role
from tandem.core.spreadsheets import csv_writer
from tandem.core.suppression import threshold_for, too_few
from tandem.groups.fidelity import BANDS, Band, FidelityFigures, Men, Scope, Sessions, fidelity, queries
from tandem.groups.fidelity.actions import record_fidelity_export
from tandem.groups.models import GroupState
from tandem.reports.charts import (
    Bar,
    Group as ChartGroup,
    Stack,
    bar_chart,
    format_value,
    grouped_bar_chart,
    stacked_bar,
)
from tandem.reports.pdf import html_to_pdf
from tandem.reports.svg import as_image

FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2100, 12, 31)
# A report over more years than this has more months than its charts can show legibly.
MAX_DAYS = 5 * 366
NONE = "–"


class FidelityFilter(forms.Form):
    """``?group=&programme=&year=`` or ``?start=&end=``: the report's groups and period. A
    group or programme must be the provider's own; without dates, the calendar year."""

    group = forms.TypedChoiceField(
        label=pgettext_lazy("a men's group", "Group"), required=False, coerce=int, empty_value=None
    )
    programme = forms.TypedChoiceField(label=gettext_lazy("Programme"), required=False, coerce=int, empty_value=None)
    year = forms.IntegerField(label=gettext_lazy("Year"), required=False, min_value=2000, max_value=2100)
    start = forms.DateField(
        label=gettext_lazy("From"),
        required=False,
        help_text=gettext_lazy("Or give a period: it replaces the year."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    end = forms.DateField(
        label=gettext_lazy("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, data: Any, *, groups: list[tuple[int, str, date]], programmes: list[tuple[int, str]]) -> None:
        super().__init__(data)
        self.options: dict[str, list[tuple[int | str, str]]] = {
            "group": [
                ("", _("All groups")),
                *[
                    (
                        pk,
                        _("%(name)s (from %(date)s)") % {"name": name, "date": date_format(first, "SHORT_DATE_FORMAT")},
                    )
                    for pk, name, first in groups
                ],
            ],
            "programme": [("", _("All programmes")), *programmes],
        }
        for name, options in self.options.items():
            cast(forms.TypedChoiceField, self.fields[name]).choices = options

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.has_error("start") or self.has_error("end") or self.has_error("year"):
            return cleaned
        start: date | None = cleaned.get("start")
        end: date | None = cleaned.get("end")
        for name, day in (("start", start), ("end", end)):
            # The same years as the year field: far outside them a period's months overflow.
            if day is not None and not FIRST_DAY <= day <= LAST_DAY:
                self.add_error(name, _("Choose a day from the year 2000 to the year 2100."))
        if self.has_error("start") or self.has_error("end"):
            return cleaned
        if start is not None:
            end = end or start.replace(month=12, day=31)
        elif end is not None:
            start = end.replace(month=1, day=1)
        else:
            year = cleaned.get("year") or clock.today().year
            start, end = date(year, 1, 1), date(year, 12, 31)
        if end < start:
            self.add_error("end", _("The end of the period comes before its start."))
        elif (end - start).days > MAX_DAYS:
            self.add_error("end", _("Choose a period of at most five years."))
        cleaned["start"], cleaned["end"] = start, end
        return cleaned


@dataclass(frozen=True)
class Request:
    """What the person asked for: whose report, with its filter, and the scope when it is valid."""

    organisation: Organisation
    organisations: list[Organisation]
    groups: list[tuple[int, str, date]]
    programmes: list[tuple[int, str]]
    form: FidelityFilter
    scope: Scope | None

    def query(self) -> str:
        """The filter as a query string, with the period spelled out, for the PDF and CSV links."""
        if self.scope is None:
            return ""
        values: dict[str, Any] = {}
        if len(self.organisations) > 1:
            values["organisation"] = self.organisation.pk
        if self.scope.group_id is not None:
            values["group"] = self.scope.group_id
        if self.scope.programme_id is not None:
            values["programme"] = self.scope.programme_id
        values.update(start=self.scope.start.isoformat(), end=self.scope.end.isoformat())
        return "?" + urlencode(values)


def coordinated(user: Any) -> list[Organisation]:
    """The providers whose fidelity report the person may read: those she coordinates."""
    return list(Organisation.objects.filter(pk__in=organisations_with_role(user, Role.COORDINATOR)).order_by("name"))


def _request(request: HttpRequest) -> Request:
    organisations = coordinated(signed_in_user(request))
    if not organisations:
        raise Http404
    chosen = request.GET.get("organisation", "")
    organisation = next((o for o in organisations if str(o.pk) == chosen), None) if chosen else organisations[0]
    if organisation is None:
        # Not one of hers: as if there were no such report.
        raise Http404
    groups = queries.group_choices(organisation.pk)
    programmes = queries.programme_choices(organisation.pk)
    form = FidelityFilter(request.GET, groups=groups, programmes=programmes)
    valid = form.is_valid()
    if form.has_error("group") or form.has_error("programme"):
        # A group or programme of another provider, or none at all: no such report.
        raise Http404
    scope = None
    if valid:
        data = form.cleaned_data
        scope = Scope(
            organisation_id=organisation.pk,
            start=data["start"],
            end=data["end"],
            group_id=data["group"],
            programme_id=data["programme"],
        )
    return Request(
        organisation=organisation,
        organisations=organisations,
        groups=groups,
        programmes=programmes,
        form=form,
        scope=scope,
    )


# --- What the page and the PDF show ---------------------------------------------------------------


def percent(value: float | None) -> str:
    return format_value(round(100 * value, 1), "%") if value is not None else NONE


def men_percent(rate: float | None, men: Men, threshold: int) -> str:
    """A share of the men who left: not shown when they are so few that it would point at them
    (the report leaves the provider as a PDF or a spreadsheet)."""
    return NONE if too_few(men.ended, threshold) else percent(rate)


def average(value: float | None) -> str:
    return format_value(round(value, 1), "") if value is not None else NONE


def month_label(month: date) -> str:
    return date_format(month, "YEAR_MONTH_FORMAT")


def band_label(band: Band) -> str:
    if band.low is not None and band.high is None:
        return ngettext("%(low)d session or more", "%(low)d sessions or more", band.low) % {"low": band.low}
    if band.low is not None and band.high is not None:
        if band.low == band.high:
            return ngettext("%(count)d session", "%(count)d sessions", band.low) % {"count": band.low}
        return _("%(low)d to %(high)d sessions") % {"low": band.low, "high": band.high}
    return (
        _("Under a quarter of the minimum"),
        _("A quarter to half of the minimum"),
        _("Half to three quarters of the minimum"),
        _("Three quarters of the minimum, short of it"),
        _("The minimum or more"),
    )[band.index]


def _scale(values: list[float]) -> float:
    """A chart's top: the largest value rounded up to a multiple of four, so the grid's quarters are whole."""
    return float(max(4, 4 * math.ceil(max(values, default=0) / 4)))


def charts_of(figures: FidelityFigures) -> dict[str, SafeString]:
    """The report's charts as images; each has the same figures in a table beside it."""
    months = [(month_label(m.month), m.sessions) for m in figures.months]
    sessions, men = figures.sessions, figures.men
    size_values = [v for _label, s in months for v in (s.average_expected, s.average_present) if v is not None]
    return {
        "delivery": as_image(
            stacked_bar(
                [Stack(label, [s.held, s.cancelled, s.unrecorded] if s.due else None) for label, s in months],
                categories=[_("Held"), _("Did not take place"), _("Not recorded")],
                title=_("Sessions due each month"),
                description=_(
                    "For each month, the sessions that were due: held, recorded as not taking place, or never recorded."
                ),
                small_label=_("No session due"),
            )
        ),
        "size": as_image(
            grouped_bar_chart(
                [
                    ChartGroup(
                        label,
                        [s.average_expected, s.average_present],
                        value_texts=[average(s.average_expected), average(s.average_present)],
                    )
                    for label, s in months
                ],
                series=[_("Men expected"), _("Men present")],
                title=_("Group size over time"),
                description=_("For each month, the average number of men expected and present per session held."),
                max_value=_scale(size_values),
                unit="",
                small_label=_("No session held"),
            )
        ),
        "team": as_image(
            bar_chart(
                [
                    Bar(
                        _("Sessions delivered"),
                        _hundred(sessions.delivery_rate),
                        note=_of(sessions.held, sessions.due),
                    ),
                    Bar(
                        _("Led by a woman and a man"),
                        _hundred(sessions.mixed_rate),
                        note=_of(sessions.mixed, sessions.held),
                    ),
                    Bar(
                        _("Led by the group's own team"),
                        _hundred(sessions.continuity_rate),
                        note=_of(sessions.own_team, sessions.held),
                    ),
                ],
                title=_("Delivery and co-facilitation"),
                description=_(
                    "Sessions held of those due; of the sessions held, those led by a woman and a man "
                    "without an override, and those led by the group's own team with nobody standing in."
                ),
                small_label=_("No session to count"),
            )
        ),
        "dosage": as_image(
            bar_chart(
                [Bar(band_label(band), float(band.count), value_text=str(band.count)) for band in figures.bands],
                title=_("Dosage"),
                description=_("Men in the groups in the period, by the sessions they attended or made up."),
                max_value=_scale([band.count for band in figures.bands]),
                unit="",
            )
        ),
        "outcomes": as_image(
            stacked_bar(
                [
                    Stack(
                        _("Men who left their group"),
                        [men.completed, men.dropped_out, men.excluded, men.transferred] if men.ended else None,
                    )
                ],
                categories=[_("Completed"), _("Dropped out"), _("Excluded"), _("Transferred")],
                title=_("How men left their groups"),
                description=_("The men who left their group in the period, by how their case ended."),
                small_label=_("Nobody left a group in the period"),
            )
        ),
    }


def _hundred(value: float | None) -> float | None:
    return 100 * value if value is not None else None


def _of(part: int, whole: int) -> str:
    return _("%(part)s of %(whole)s") % {"part": part, "whole": whole}


def _session_cells(sessions: Sessions) -> dict[str, Any]:
    return {
        "sessions": sessions,
        "delivery": percent(sessions.delivery_rate),
        "mixed": percent(sessions.mixed_rate),
        "continuity": percent(sessions.continuity_rate),
        "average_expected": average(sessions.average_expected),
        "average_present": average(sessions.average_present),
    }


def report_context(asked: Request, figures: FidelityFigures) -> dict[str, Any]:
    states = dict(GroupState.choices)
    threshold = threshold_for(asked.organisation)
    scope = figures.scope
    group_names = {pk: name for pk, name, _first in asked.groups}
    programmes = dict(asked.programmes)
    return {
        "organisation": asked.organisation,
        "figures": figures,
        "charts": charts_of(figures),
        "group_name": group_names.get(scope.group_id, "") if scope.group_id else "",
        "programme_name": programmes.get(scope.programme_id, "") if scope.programme_id else "",
        "totals": _session_cells(figures.sessions),
        "men": figures.men,
        "outcome_rates": {
            "completed": men_percent(figures.men.completion_rate, figures.men, threshold),
            "dropped_out": men_percent(figures.men.dropout_rate, figures.men, threshold),
            "excluded": men_percent(figures.men.exclusion_rate, figures.men, threshold),
            "transferred": men_percent(figures.men.transfer_rate, figures.men, threshold),
        },
        "threshold": threshold,
        "months": [{"label": month_label(m.month), **_session_cells(m.sessions)} for m in figures.months],
        "bands": [{"label": band_label(band), "count": band.count} for band in figures.bands],
        "minimums": figures.minimums,
        "groups": [
            {
                "name": row.name,
                "programme": row.programme,
                "state": states.get(row.state, row.state),
                "men": row.men,
                "completion": men_percent(row.men.completion_rate, row.men, threshold),
                "dropout": men_percent(row.men.dropout_rate, row.men, threshold),
                **_session_cells(row.sessions),
            }
            for row in figures.groups
        ],
    }


# --- The page, the PDF and the CSV ----------------------------------------------------------------


@login_required
@require_safe
def fidelity_view(request: HttpRequest) -> HttpResponse:
    asked = _request(request)
    context: dict[str, Any] = {
        "organisation": asked.organisation,
        "organisations": asked.organisations,
        "form": asked.form,
        "selects": [_select(asked.form, "group"), _select(asked.form, "programme")],
        "selected_names": ("group", "programme"),
        "query": asked.query(),
    }
    if asked.scope is None:
        return render(request, "groups/fidelity.html", context, status=422)
    context.update(report_context(asked, fidelity(asked.scope)))
    return render(request, "groups/fidelity.html", context)


def _select(form: FidelityFilter, name: str) -> dict[str, Any]:
    """A choice of the filter as (value, label, selected) options: a provider may have a
    thousand groups, and Django's widgets draw each option through a template of its own."""
    field = form[name]
    chosen = str(field.value() or "")
    return {
        "field": field,
        "options": [(str(value), label, str(value) == chosen) for value, label in form.options[name]],
    }


def _filename(scope: Scope, extension: str) -> str:
    # Ids and dates only: a group's name would show in download lists and mail attachments.
    parts = ["fidelity", str(scope.organisation_id)]
    if scope.programme_id is not None:
        parts.append(f"programme-{scope.programme_id}")
    if scope.group_id is not None:
        parts.append(f"group-{scope.group_id}")
    parts += [scope.start.isoformat(), scope.end.isoformat()]
    return "-".join(parts) + f".{extension}"


def _exported_scope(request: HttpRequest) -> tuple[Request, Scope]:
    asked = _request(request)
    if asked.scope is None:
        # An export is only ever asked for from the page's own links: a filter that does not
        # hold is no report.
        raise Http404
    return asked, asked.scope


@login_required
@require_safe
def fidelity_pdf_view(request: HttpRequest) -> HttpResponse:
    asked, scope = _exported_scope(request)
    language = get_language()
    html = render_to_string(
        "groups/fidelity_pdf.html", {**report_context(asked, fidelity(scope)), "language_code": language}
    )
    content = html_to_pdf(html, base_url=request.build_absolute_uri())
    record_fidelity_export(
        scope=scope,
        file_format="pdf",
        language=language,
        acting_user=signed_in_user(request),
        context=audit_context(request),
    )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_filename(scope, "pdf")}"'
    return response


GROUP_HEADER = (
    "group",
    "programme",
    "state",
    "period_start",
    "period_end",
    "sessions_scheduled",
    "sessions_held",
    "sessions_not_taking_place",
    "sessions_not_recorded",
    "sessions_to_come",
    "delivery_percent",
    "held_with_woman_and_man",
    "mixed_gender_percent",
    "held_with_override",
    "held_with_cover",
    "own_team_percent",
    "men_expected",
    "men_present",
    "average_men_present",
    "men_in_groups",
    "men_reached_minimum",
    "men_left",
    "completed",
    "dropped_out",
    "excluded",
    "transferred",
    "completion_percent",
    "dropout_percent",
    *[f"dosage_band_{i + 1}" for i in range(BANDS)],
)
MONTH_HEADER = (
    "month",
    "sessions_held",
    "sessions_not_taking_place",
    "sessions_not_recorded",
    "men_expected",
    "men_present",
    "average_men_expected",
    "average_men_present",
)


def _number(value: float | None) -> float | str:
    """A rate or an average for a spreadsheet: a plain number, or empty when there is none."""
    return round(value, 1) if value is not None else ""


def csv_rows(figures: FidelityFigures, *, threshold: int) -> list[list[Any]]:
    """One row per group and one for all of them, under ``GROUP_HEADER``; then, after an empty
    row, one row per month under ``MONTH_HEADER``."""
    scope = figures.scope
    states = dict(GroupState.choices)

    def line(*, name: str, programme: str, state: str, s: Sessions, men: Men, dosage: tuple[int, ...]) -> list[Any]:
        hundred = [_hundred(rate) for rate in (s.delivery_rate, s.mixed_rate, s.continuity_rate)]
        return [
            name,
            programme,
            state,
            scope.start.isoformat(),
            scope.end.isoformat(),
            s.scheduled,
            s.held,
            s.cancelled,
            s.unrecorded,
            s.upcoming,
            _number(hundred[0]),
            s.mixed,
            _number(hundred[1]),
            s.overridden,
            s.covered,
            _number(hundred[2]),
            s.expected,
            s.present,
            _number(s.average_present),
            men.in_groups,
            men.reached_minimum,
            men.ended,
            men.completed,
            men.dropped_out,
            men.excluded,
            men.transferred,
            "" if too_few(men.ended, threshold) else _number(_hundred(men.completion_rate)),
            "" if too_few(men.ended, threshold) else _number(_hundred(men.dropout_rate)),
            *dosage,
        ]

    rows: list[list[Any]] = [list(GROUP_HEADER)]
    for row in figures.groups:
        state = str(states.get(row.state, row.state))
        rows.append(
            line(name=row.name, programme=row.programme, state=state, s=row.sessions, men=row.men, dosage=row.dosage)
        )
    totals = tuple(sum(row.dosage[i] for row in figures.groups) for i in range(BANDS))
    rows.append(line(name=_("All groups"), programme="", state="", s=figures.sessions, men=figures.men, dosage=totals))
    rows.append([])
    rows.append(list(MONTH_HEADER))
    for month in figures.months:
        s = month.sessions
        rows.append(
            [
                month.month.strftime("%Y-%m"),
                s.held,
                s.cancelled,
                s.unrecorded,
                s.expected,
                s.present,
                _number(s.average_expected),
                _number(s.average_present),
            ]
        )
    return rows


@login_required
@require_safe
def fidelity_csv_view(request: HttpRequest) -> HttpResponse:
    asked, scope = _exported_scope(request)
    rows = csv_rows(fidelity(scope), threshold=threshold_for(asked.organisation))
    record_fidelity_export(
        scope=scope,
        file_format="csv",
        language=get_language(),
        acting_user=signed_in_user(request),
        context=audit_context(request),
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response.write("\ufeff")  # so that a spreadsheet reads the file as UTF-8 (ë, Cyrillic)
    csv_writer(response).writerows(rows)
    response["Content-Disposition"] = f'attachment; filename="{_filename(scope, "csv")}"'
    return response
