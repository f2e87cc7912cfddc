"""Group work's pages. Shared: taking an action from a form and answering its refusal, an
invalid field or success in the same way on every page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tandem.cases.actions import CaseRefused, StaleCase
from tandem.core.policy import has_role
from tandem.core.roles import Role
from tandem.groups.actions import GroupRefused, StaleRecord

FORM_METHODS = ["GET", "HEAD", "POST"]


def add_errors(form: forms.Form, invalid: ValidationError) -> None:
    """The action's errors, each on its field where the form has one."""
    for field, errors in invalid.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def act(
    request: HttpRequest,
    template: str,
    form: forms.Form,
    context: dict[str, Any],
    *,
    action: Callable[[dict[str, Any]], object],
    done: str,
    then: Callable[[], HttpResponse],
) -> HttpResponse:
    """Validate the form and take the action: ``then`` with ``done`` said, or the form again
    with what to fix (422) or with the refusal (409 when the record moved on, else 422)."""
    if not form.is_valid():
        return render(request, template, {**context, "form": form}, status=422)
    try:
        action(form.cleaned_data)
    except (GroupRefused, CaseRefused) as refused:
        for message in getattr(refused, "messages", (refused.message,)):
            form.add_error(None, message)
        status = 409 if isinstance(refused, (StaleRecord, StaleCase)) else 422
        return render(request, template, {**context, "form": form}, status=status)
    except ValidationError as invalid:
        add_errors(form, invalid)
        return render(request, template, {**context, "form": form}, status=422)
    messages.success(request, done)
    return then()


def coordinators_only(request: HttpRequest, organisation_id: int, back: str) -> HttpResponse | None:
    """A form only the programme's coordinators may send, opened by someone else of the team:
    she is told so at once (403) rather than after filling it in. Sending it anyway still
    reaches the action, which refuses it and records the attempt."""
    if has_role(request.user, organisation_id, Role.COORDINATOR):
        return None
    return render(request, "groups/coordinators_only.html", {"back": back}, status=403)
