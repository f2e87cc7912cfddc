"""Pages of outcome monitoring: his questionnaire at a time point (the programme's staff), hers
(her support workers, an interview), and her outcomes over time beside his (her side only)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language, gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from tandem.core import clock
from tandem.core.http import audit_context, signed_in_user
from tandem.core.roles import Action
from tandem.outcomes import actions, import_actions, link_views, queries
from tandem.outcomes.actions import Answers, OutcomeRefused
from tandem.outcomes.forms import CloseForm, StaffAnswersForm, her_modes, his_modes
from tandem.outcomes.models import CasePoint, PartnerPoint, PointState, TimePoint
from tandem.outcomes.rules import analysis
from tandem.outcomes.rules.instruments import MAN, PARTNER, Instrument, current_instrument
from tandem.survivors import queries as survivor_queries, rules as survivor_rules
from tandem.survivors.http import survivor_reader

FORM_METHODS = ["GET", "HEAD", "POST"]


def _language(request: HttpRequest, instrument: Instrument) -> str:
    """The language the questionnaire is asked in: the one chosen, else the page's, else English."""
    wanted = request.POST.get("language") or request.GET.get("language") or get_language() or "en"
    for candidate in (wanted, wanted.replace("-latn", "_Latn"), wanted.split("-")[0]):
        if candidate in instrument.languages:
            return candidate
    return "en"


def _language_choices(instrument: Instrument) -> list[tuple[str, str]]:
    names = {code.replace("-latn", "_Latn"): name for code, name in settings.LANGUAGES}
    return [(code, str(names.get(code, code))) for code in instrument.languages]


@dataclass(frozen=True)
class Page:
    template: str
    point: CasePoint | PartnerPoint
    instrument: Instrument
    language: str
    extra: dict[str, Any]

    def render(self, request: HttpRequest, form: StaffAnswersForm, close: CloseForm, status: int = 200) -> HttpResponse:
        return render(
            request,
            self.template,
            {
                **self.extra,
                "point": self.point,
                "instrument": self.instrument,
                "language": self.language,
                "languages": _language_choices(self.instrument),
                "form": form,
                "close_form": close,
                "open": self.point.state in (PointState.DUE, PointState.MISSED) and not hasattr(self.point, "response"),
            },
            status=status,
        )


def _handle(
    request: HttpRequest,
    page: Page,
    *,
    make_form: Callable[..., StaffAnswersForm],
    record: Callable[[dict[str, Any], dict[str, int | None]], object],
    close: Callable[[dict[str, Any]], object],
    then: Callable[[], HttpResponse],
) -> HttpResponse:
    version = {"version": page.point.version}
    if request.method != "POST":
        return page.render(request, make_form(initial=version), CloseForm(initial=version))
    closing = request.POST.get("do") == "close"
    form = make_form(None if closing else request.POST, initial=version)
    close_form = CloseForm(request.POST if closing else None, initial=version)
    bound: Any = close_form if closing else form
    if not bound.is_valid():
        return page.render(request, form, close_form, status=422)
    try:
        if closing:
            close(close_form.cleaned_data)
        else:
            record(form.cleaned_data, form.answers())
    except OutcomeRefused as refused:
        bound.add_error("channel" if refused.rule == "consent" and "channel" in bound.fields else None, refused.message)
        return page.render(request, form, close_form, status=409 if refused.rule in ("version", "closed") else 422)
    except ValidationError as invalid:
        for field, errors in invalid.message_dict.items():
            bound.add_error(field if field in bound.fields else None, errors)
        return page.render(request, form, close_form, status=422)
    messages.success(request, _("The time point is closed: no answers.") if closing else _("The answers are recorded."))
    return then()


def _scores(instrument: Instrument, point: CasePoint | PartnerPoint) -> list[analysis.NamedScore]:
    response = getattr(point, "response", None)
    return analysis.named_scores(instrument, response.scores.all()) if response is not None else []


@login_required
@require_http_methods(FORM_METHODS)
def man_answers_view(request: HttpRequest, point_id: int) -> HttpResponse:
    user = signed_in_user(request)
    context = audit_context(request)
    action = Action.CHANGE if request.method == "POST" else Action.VIEW
    point = queries.access_case_point(user, point_id, action=action, context=context)
    instrument = current_instrument(MAN)
    language = _language(request, instrument)
    page = Page(
        "outcomes/man_answers.html",
        point,
        instrument,
        language,
        {
            "case": point.case,
            "may_change": queries.may_change(user, point),
            "scores": _scores(instrument, point),
        },
    )

    def form(data: Any = None, **kwargs: Any) -> StaffAnswersForm:
        return StaffAnswersForm(data, instrument=instrument, language=language, modes=his_modes(), **kwargs)

    def record(data: dict[str, Any], values: dict[str, int | None]) -> object:
        answers = Answers(values, language, data["answered_on"], data["mode"])
        return actions.record_his_answers(
            point=point, answers=answers, expected_version=data["version"], acting_user=user, context=context
        )

    def close(data: dict[str, Any]) -> object:
        return actions.close_without_answers(
            point=point,
            state=data["state"],
            note=data["note"],
            expected_version=data["version"],
            acting_user=user,
            context=context,
        )

    return _handle(
        request,
        page,
        make_form=form,
        record=record,
        close=close,
        then=lambda: redirect("cases:case", case_id=point.case_id),
    )


@login_required
@require_http_methods(FORM_METHODS)
def partner_answers_view(request: HttpRequest, point_id: int) -> HttpResponse:
    context = audit_context(request)
    user = survivor_reader(request, context)
    action = Action.CHANGE if request.method == "POST" else Action.VIEW
    point = queries.access_partner_point(user, point_id, action=action, context=context)
    partner = point.partner
    instrument = current_instrument(PARTNER)
    language = _language(request, instrument)
    terms = survivor_queries.consents_with_terms(partner)
    page = Page(
        "outcomes/partner_answers.html",
        point,
        instrument,
        language,
        {
            "partner": partner,
            "may_change": queries.may_change(user, point),
            "valid_consents": [c for c, term in terms if survivor_rules.state_of(term, clock.today()) == "valid"],
            "scores": _scores(instrument, point),
        },
    )

    def form(data: Any = None, **kwargs: Any) -> StaffAnswersForm:
        return StaffAnswersForm(
            data, instrument=instrument, language=language, modes=her_modes(), channels=True, **kwargs
        )

    def record(data: dict[str, Any], values: dict[str, int | None]) -> object:
        answers = Answers(values, language, data["answered_on"], data["mode"], data["channel"])
        return actions.record_her_answers(
            point=point, answers=answers, expected_version=data["version"], acting_user=user, context=context
        )

    def close(data: dict[str, Any]) -> object:
        return actions.close_without_answers(
            point=point,
            state=data["state"],
            note=data["note"],
            expected_version=data["version"],
            acting_user=user,
            context=context,
        )

    return _handle(
        request,
        page,
        make_form=form,
        record=record,
        close=close,
        then=lambda: redirect("outcomes:partner_outcomes", partner_id=partner.pk),
    )


@login_required
@require_safe
def partner_outcomes_view(request: HttpRequest, partner_id: int) -> HttpResponse:
    """Her questionnaires over time, and beside each of her sub-scales his view of the same."""
    context = audit_context(request)
    user = survivor_reader(request, context)
    partner = survivor_queries.access_partner(user, partner_id, context=context)
    points = queries.partner_points(partner)
    hers = current_instrument(PARTNER)
    his = current_instrument(MAN)
    cases = sorted({point.case_number for point in points})
    comparisons = [
        analysis.side_by_side(
            hers,
            his,
            [point for point in points if point.case_number == number],
            queries.his_scores_for(user, number),
        )
        for number in cases
    ]
    his_view = any(cell.his is not None for comparison in comparisons for row in comparison.rows for cell in row.cells)
    return render(
        request,
        "outcomes/partner_outcomes.html",
        {
            "partner": partner,
            "cases": [
                (number, comparison, [TimePoint(name).label for name in comparison.points])
                for number, comparison in zip(cases, comparisons, strict=True)
            ],
            "points": points,
            "his_view": his_view,
            "imports": partner.organisation_id in import_actions.importing_organisations(user, PARTNER),
            **link_views.links_panel(user, partner, points),
        },
    )
