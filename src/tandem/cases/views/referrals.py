"""The referral pages. The referrer's side: sending a referral, her agency's list, a referral's
state and decision, and sending it again when the programme asked for more. The programme's
side: the referrals waiting for a decision, entering one itself, and deciding, with the men
already known who may be the referred one. Each side reaches a referral through its own door
(``queries.referrals``), so neither sees the other's page of it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from tandem.cases import actions, queries
from tandem.cases.actions.referrals_more import resubmit_referral
from tandem.cases.forms.referrals import (
    AcceptForm,
    AskForm,
    EnterReferralForm,
    ReferralDetailsForm,
    RejectForm,
    ResubmitReferralForm,
    SendReferralForm,
)
from tandem.cases.models import Referral, ReferralState
from tandem.cases.pages import refers, works_on_cases
from tandem.cases.queries import referrals as referral_queries
from tandem.cases.queries.reports import sent_reports_about
from tandem.core.http import audit_context, say_refusals_aloud, signed_in_user
from tandem.core.policy import has_role
from tandem.core.roles import Action, Role
from tandem.core.scoping import record_denied

PAGE_SIZE = 50
FORM_METHODS = ["GET", "HEAD", "POST"]


def _show_errors(form: forms.Form, invalid: ValidationError) -> None:
    """Put an action's refusal of the input on the form, each message at the field it names."""
    for field, errors in invalid.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def _refusal_status(refused: actions.CaseRefused, referral: Referral, version: int) -> int:
    # A form opened before the referral moved on is a conflict, whatever the action noticed
    # first (that it was decided meanwhile, or that its version changed).
    if isinstance(refused, actions.StaleCase) or referral.version != version:
        return 409
    return 422


# --- The referrer's side ------------------------------------------------------------------------


@login_required
@require_safe
def referral_sent_list_view(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    if not refers(user):
        raise Http404
    page = Paginator(referral_queries.sent_referrals(user), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        # Of the case, the referrer reads only where he is, in the words written for her.
        "rows": [
            (referral, referral_queries.REFERRER_WORDS.get(getattr(referral, "case_state", None) or ""))
            for referral in page
        ],
        "may_send": referral_queries.referring_agencies_of(user).exists(),
    }
    return render(request, "cases/referral_sent_list.html", context)


@login_required
@require_http_methods(FORM_METHODS)
def referral_new_view(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    context = audit_context(request)
    agencies = referral_queries.referring_agencies_of(user)
    if not agencies.exists():
        raise Http404
    providers = referral_queries.programme_providers()
    if request.method != "POST":
        form = SendReferralForm(agencies=agencies, providers=providers)
        return _render_form(request, form, purpose="send")
    form = SendReferralForm(request.POST, agencies=agencies, providers=providers)
    if not form.is_valid():
        return _render_form(request, form, purpose="send", status=422)
    try:
        referral = actions.submit_referral(
            provider=form.cleaned_data["provider"],
            details=form.details(),
            referring_organisation=form.cleaned_data["agency"],
            acting_user=user,
            context=context,
        )
    except actions.CaseRefused as refused:
        form.add_error(None, refused.message)
        return _render_form(request, form, purpose="send", status=422)
    except ValidationError as invalid:
        _show_errors(form, invalid)
        return _render_form(request, form, purpose="send", status=422)
    messages.success(request, _("The referral was sent. The programme will decide on it."))
    return redirect("cases:referral", referral_id=referral.pk)


def _render_form(
    request: HttpRequest,
    form: ReferralDetailsForm,
    *,
    purpose: str,
    referral: Referral | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {"form": form, "purpose": purpose, "referral": referral}
    return render(request, "cases/referral_form.html", context, status=status)


@login_required
@require_safe
def referral_view(request: HttpRequest, referral_id: int) -> HttpResponse:
    user = signed_in_user(request)
    referral = referral_queries.access_sent_referral(user, referral_id, context=audit_context(request))
    context = {
        "referral": referral,
        "progress": (
            referral_queries.get_progress_for_referrer(referral) if referral.state == ReferralState.ACCEPTED else None
        ),
        "may_resubmit": referral.state == ReferralState.MORE_INFORMATION
        and referral_queries.may_resubmit(user, referral),
        # The reports the programme sent to her agency about him, as the policy lets her read them.
        "reports": sent_reports_about(user, referral),
    }
    return render(request, "cases/referral_detail.html", context)


def _page_of(user: Any, referral: Referral) -> str:
    """Where a person follows the referral: the referrer's page or the programme's."""
    if referral.referring_organisation_id is not None and has_role(
        user, referral.referring_organisation_id, Role.REFERRER
    ):
        return "cases:referral"
    return "cases:referral_decide"


@login_required
@require_http_methods(FORM_METHODS)
def referral_edit_view(request: HttpRequest, referral_id: int) -> HttpResponse:
    user = signed_in_user(request)
    context = audit_context(request)
    referral = queries.access_referral(user, referral_id, context=context)
    if not referral_queries.may_resubmit(user, referral):
        record_denied(user, Referral, referral.pk, Action.CHANGE, context, detail={"event": "resubmit"})
        raise Http404
    back = _page_of(user, referral)
    if request.method != "POST":
        if referral.state != ReferralState.MORE_INFORMATION:
            messages.info(request, _("The programme has not asked for more information on this referral."))
            return redirect(back, referral_id=referral.pk)
        form = ResubmitReferralForm(initial=ResubmitReferralForm.initial_from(referral))
        return _render_form(request, form, purpose="resubmit", referral=referral)
    form = ResubmitReferralForm(request.POST)
    if not form.is_valid():
        return _render_form(request, form, purpose="resubmit", referral=referral, status=422)
    version: int = form.cleaned_data["version"]
    try:
        resubmit_referral(
            referral=referral, expected_version=version, details=form.details(), acting_user=user, context=context
        )
    except actions.CaseRefused as refused:
        form.add_error(None, refused.message)
        status = _refusal_status(refused, referral, version)
        return _render_form(request, form, purpose="resubmit", referral=referral, status=status)
    except ValidationError as invalid:
        _show_errors(form, invalid)
        return _render_form(request, form, purpose="resubmit", referral=referral, status=422)
    messages.success(request, _("The referral was sent again. The programme will decide on it."))
    return redirect(back, referral_id=referral.pk)


# --- The programme's side -----------------------------------------------------------------------


@login_required
@require_safe
def referral_inbox_view(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    if not works_on_cases(user):
        raise Http404
    page = Paginator(referral_queries.referrals_to_decide(user), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "may_enter": referral_queries.providers_entering_for(user).exists(),
    }
    return render(request, "cases/referral_inbox.html", context)


@login_required
@require_http_methods(FORM_METHODS)
def referral_enter_view(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    context = audit_context(request)
    providers = referral_queries.providers_entering_for(user)
    if not providers.exists():
        raise Http404
    if request.method != "POST":
        return _render_form(request, EnterReferralForm(providers=providers), purpose="enter")
    form = EnterReferralForm(request.POST, providers=providers)
    if not form.is_valid():
        return _render_form(request, form, purpose="enter", status=422)
    try:
        referral = actions.submit_referral(
            provider=form.cleaned_data["provider"],
            details=form.details(),
            route=form.cleaned_data["route"],
            acting_user=user,
            context=context,
        )
    except actions.CaseRefused as refused:
        form.add_error(None, refused.message)
        return _render_form(request, form, purpose="enter", status=422)
    except ValidationError as invalid:
        _show_errors(form, invalid)
        return _render_form(request, form, purpose="enter", status=422)
    messages.success(request, _("The referral was entered. Decide on it below."))
    return redirect("cases:referral_decide", referral_id=referral.pk)


def _render_decide(
    request: HttpRequest,
    referral: Referral,
    *,
    known: list[referral_queries.KnownMan] | None = None,
    accept: AcceptForm | None = None,
    reject: RejectForm | None = None,
    ask: AskForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = signed_in_user(request)
    waiting = referral.state in referral_queries.WAITING_FOR_DECISION
    if known is None:
        known = referral_queries.get_known_men(referral) if waiting else []
    initial = {"version": referral.version}
    context = {
        "referral": referral,
        "case": getattr(referral, "case", None),
        "waiting": waiting,
        "known": known,
        "may_decide": waiting and has_role(user, referral.organisation_id, *referral_queries.DECIDING_ROLES),
        "may_resubmit": referral.state == ReferralState.MORE_INFORMATION
        and referral_queries.may_resubmit(user, referral),
        "accept": accept or AcceptForm(initial=initial, known=known, prefix="accept"),
        "reject": reject or RejectForm(initial=initial, prefix="reject"),
        "ask": ask or AskForm(initial=initial, prefix="ask"),
    }
    if not context["may_decide"]:
        say_refusals_aloud(request, accept, reject, ask)
    return render(request, "cases/referral_decide.html", context, status=status)


@login_required
@require_safe
def referral_decide_view(request: HttpRequest, referral_id: int) -> HttpResponse:
    user = signed_in_user(request)
    referral = referral_queries.access_referral_to_decide(user, referral_id, context=audit_context(request))
    return _render_decide(request, referral)


@login_required
@require_POST
def referral_accept_view(request: HttpRequest, referral_id: int) -> HttpResponse:
    user = signed_in_user(request)
    context = audit_context(request)
    referral = referral_queries.access_referral_to_decide(user, referral_id, context=context)
    known = referral_queries.get_known_men(referral)
    form = AcceptForm(request.POST, known=known, prefix="accept")
    if not form.is_valid():
        return _render_decide(request, referral, known=known, accept=form, status=422)
    chosen = form.chosen_participant_id()
    existing = next((man.participant for man in known if man.participant.pk == chosen), None)
    version: int = form.cleaned_data["version"]
    try:
        case = actions.accept_referral(
            referral=referral, expected_version=version, existing=existing, acting_user=user, context=context
        )
    except actions.CaseRefused as refused:
        form.add_error(None, refused.message)
        status = _refusal_status(refused, referral, version)
        return _render_decide(request, referral, known=known, accept=form, status=status)
    if existing is not None:
        messages.success(request, _("The referral was accepted, and his case opened on the man already known."))
    else:
        messages.success(request, _("The referral was accepted, and his case opened."))
    return redirect("cases:case", case_id=case.pk)


def _decide_with_reason(request: HttpRequest, referral_id: int, *, reject: bool) -> HttpResponse:
    user = signed_in_user(request)
    context = audit_context(request)
    referral = referral_queries.access_referral_to_decide(user, referral_id, context=context)
    form: RejectForm | AskForm = (
        RejectForm(request.POST, prefix="reject") if reject else AskForm(request.POST, prefix="ask")
    )
    forms_shown: dict[str, Any] = {"reject": form} if reject else {"ask": form}
    if not form.is_valid():
        return _render_decide(request, referral, status=422, **forms_shown)
    version: int = form.cleaned_data["version"]
    decide = actions.reject_referral if reject else actions.ask_for_more_information
    try:
        decide(
            referral=referral,
            expected_version=version,
            reason=form.cleaned_data["reason"],
            acting_user=user,
            context=context,
        )
    except actions.CaseRefused as refused:
        form.add_error(None, refused.message)
        status = _refusal_status(refused, referral, version)
        return _render_decide(request, referral, status=status, **forms_shown)
    except ValidationError as invalid:
        _show_errors(form, invalid)
        return _render_decide(request, referral, status=422, **forms_shown)
    if reject:
        messages.success(request, _("The referral was rejected. The referrer can read your reason."))
    else:
        messages.success(request, _("The referrer was asked for more information."))
    return redirect("cases:referral_decide", referral_id=referral.pk)


@login_required
@require_POST
def referral_reject_view(request: HttpRequest, referral_id: int) -> HttpResponse:
    return _decide_with_reason(request, referral_id, reject=True)


@login_required
@require_POST
def referral_ask_view(request: HttpRequest, referral_id: int) -> HttpResponse:
    return _decide_with_reason(request, referral_id, reject=False)
