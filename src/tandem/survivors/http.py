"""The survivor side's door for pages, shared by every app whose pages show her records (her
record here, her outcome questionnaires in ``outcomes``)."""

from __future__ import annotations

from django.http import Http404, HttpRequest

from tandem.core.audit import AuditContext
from tandem.core.http import signed_in_user
from tandem.core.models import User
from tandem.core.policy import organisations_granting
from tandem.core.roles import Action, Compartment
from tandem.survivors import alerts


def survivor_reader(request: HttpRequest, context: AuditContext) -> User:
    """The signed-in person, if she has a place on the survivor side; else 404, audited, and an
    alert when she works on the man's side."""
    user = signed_in_user(request)
    if not organisations_granting(user, Compartment.SURVIVOR, Action.VIEW):
        alerts.programme_side_tried(user, request.path, context)
        raise Http404
    return user
