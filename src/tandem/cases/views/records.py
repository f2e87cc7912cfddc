"""Pages for a case's records: its intake assessment, a note, a child and a child's safeguarding
referral. Each is reached only through the case's scoping (404 for anyone else) and sends back
to the case page, where the records are shown."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tandem.cases import queries
from tandem.cases.actions import CaseRefused, StaleCase, records as actions
from tandem.cases.forms.records import ChildForm, IntakeForm, NoteForm, SafeguardingForm
from tandem.cases.models import Case
from tandem.cases.queries import records as record_queries
from tandem.core.http import audit_context, signed_in_user
from tandem.core.roles import Action

FORM_METHODS = ["GET", "HEAD", "POST"]


def add_errors(form: forms.Form, invalid: ValidationError) -> None:
    """The action's errors, each on its field where the form has one."""
    for field, errors in invalid.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def render_refused(
    request: HttpRequest, template: str, form: forms.Form, refused: CaseRefused, context: dict[str, Any]
) -> HttpResponse:
    form.add_error(None, refused.message)
    status = 409 if isinstance(refused, StaleCase) else 422
    return render(request, template, {**context, "form": form}, status=status)


def submit(
    request: HttpRequest,
    template: str,
    form: forms.Form,
    context: dict[str, Any],
    *,
    act: Callable[[dict[str, Any]], object],
    done: str,
) -> HttpResponse:
    """Validate the form and take the action with its cleaned data: back to the case page with
    ``done`` said, or the form again with what to fix (422), or with the refusal (409 / 422)."""
    if not form.is_valid():
        return render(request, template, {**context, "form": form}, status=422)
    try:
        act(form.cleaned_data)
    except CaseRefused as refused:
        return render_refused(request, template, form, refused, context)
    except ValidationError as invalid:
        add_errors(form, invalid)
        return render(request, template, {**context, "form": form}, status=422)
    messages.success(request, done)
    return redirect("cases:case", case_id=context["case"].pk)


def _case(request: HttpRequest, case_id: int) -> Case:
    return queries.access_case(signed_in_user(request), case_id, action=Action.CHANGE, context=audit_context(request))


@login_required
@require_http_methods(FORM_METHODS)
def intake_view(request: HttpRequest, case_id: int) -> HttpResponse:
    user = signed_in_user(request)
    case = _case(request, case_id)
    intake = record_queries.intake_of(user, case)
    template = "cases/intake_form.html"
    context: dict[str, Any] = {"case": case, "intake": intake}
    if request.method != "POST":
        if intake is None:
            form = IntakeForm(initial={"version": 0})
        else:
            fields = ("motivation", "denial", "substance_use", "mental_health", "language_needs", "summary")
            form = IntakeForm(initial={"version": intake.version, **{f: getattr(intake, f) for f in fields}})
        return render(request, template, {**context, "form": form})
    return submit(
        request,
        template,
        IntakeForm(request.POST),
        context,
        act=lambda data: actions.record_intake(
            case=case,
            answers=actions.IntakeAnswers(
                motivation=data["motivation"],
                denial=data["denial"],
                substance_use=data["substance_use"],
                mental_health=data["mental_health"],
                language_needs=data["language_needs"],
                summary=data["summary"],
            ),
            expected_version=data["version"],
            acting_user=user,
            context=audit_context(request),
        ),
        done=_("The intake assessment is recorded."),
    )


@login_required
@require_http_methods(FORM_METHODS)
def note_add_view(request: HttpRequest, case_id: int) -> HttpResponse:
    user = signed_in_user(request)
    case = _case(request, case_id)
    template = "cases/note_form.html"
    context: dict[str, Any] = {"case": case}
    if request.method != "POST":
        return render(request, template, {**context, "form": NoteForm()})
    return submit(
        request,
        template,
        NoteForm(request.POST),
        context,
        act=lambda data: actions.add_note(
            case=case, category=data["category"], text=data["text"], acting_user=user, context=audit_context(request)
        ),
        done=_("The note is added."),
    )


@login_required
@require_http_methods(FORM_METHODS)
def child_add_view(request: HttpRequest, case_id: int) -> HttpResponse:
    user = signed_in_user(request)
    case = _case(request, case_id)
    template = "cases/child_form.html"
    context: dict[str, Any] = {"case": case}
    if request.method != "POST":
        return render(request, template, {**context, "form": ChildForm()})
    return submit(
        request,
        template,
        ChildForm(request.POST),
        context,
        act=lambda data: actions.record_child(
            case=case,
            details=actions.ChildDetails(
                age=data["age"],
                lives_with=data["lives_with"],
                child_protection=data["child_protection"],
                safeguarding_referral_on=data["safeguarding_referral_on"],
                safeguarding_referral_to=data["safeguarding_referral_to"],
            ),
            acting_user=user,
            context=audit_context(request),
        ),
        done=_("The child is recorded."),
    )


@login_required
@require_http_methods(FORM_METHODS)
def child_safeguarding_view(request: HttpRequest, case_id: int, child_id: int) -> HttpResponse:
    user = signed_in_user(request)
    case = _case(request, case_id)
    child = record_queries.access_child(user, case, child_id, action=Action.CHANGE, context=audit_context(request))
    template = "cases/child_safeguarding_form.html"
    context: dict[str, Any] = {"case": case, "child": child}
    if request.method != "POST":
        return render(request, template, {**context, "form": SafeguardingForm()})
    return submit(
        request,
        template,
        SafeguardingForm(request.POST),
        context,
        act=lambda data: actions.record_safeguarding_referral(
            child=child,
            referral_on=data["safeguarding_referral_on"],
            referral_to=data["safeguarding_referral_to"],
            acting_user=user,
            context=audit_context(request),
        ),
        done=_("The safeguarding referral is recorded."),
    )
