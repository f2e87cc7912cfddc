"""Writes of group work, one function per business event, each taking ``acting_user`` and an
audit context, audited in its transaction, emitting the events case work and the survivor side
act on: ``attendance.unacceptable_absence`` and ``attendance.partner_concern``, with the case
as subject and never a word of what was said.

Who may do what is decided here, against the person's role in the group's organisation:
coordinators plan groups, assign cover, allocate men and record non-associations; the
provider's facilitators and coordinators record attendance and catch-ups.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from tandem.core import audit
from tandem.core.audit import AuditContext
from tandem.core.models import User
from tandem.core.policy import has_role
from tandem.core.roles import Action, Role
from tandem.core.scoping import record_denied

PLANNERS = (Role.COORDINATOR,)
RECORDERS = (Role.FACILITATOR, Role.COORDINATOR)
MAX_TEXT = 10_000


class GroupRefused(Exception):
    """The step cannot be taken; ``messages`` say why and what would let it through, ``rule``
    names the rule that refused."""

    def __init__(self, messages: tuple[str, ...] | list[str] | str, rule: str = "") -> None:
        found = (messages,) if isinstance(messages, str) else tuple(messages)
        super().__init__(" ".join(found))
        self.messages = found
        self.message = " ".join(found)
        self.rule = rule


class StaleRecord(GroupRefused):
    """Someone else changed the record since the form was opened."""


def require_role(
    acting_user: User,
    organisation_id: int,
    roles: tuple[Role, ...],
    record: Any,
    context: AuditContext | None,
    *,
    what: str,
) -> None:
    """Refuse, on the record, a step the person's role in the organisation does not allow."""
    if has_role(acting_user, organisation_id, *roles):
        return
    message = (
        _("Only the programme's coordinators can do this.")
        if roles == PLANNERS
        else _("Only the programme's facilitators and coordinators can do this.")
    )
    if any(has_role(acting_user, organisation_id, role) for role in Role):
        audit.record(
            f"groups.{what}.refused",
            actor=acting_user,
            obj=record,
            organisation=organisation_id,
            compartment=getattr(record, "compartment", ""),
            context=context,
            detail={"rule": "role"},
        )
        raise GroupRefused(message, rule="role")
    record_denied(acting_user, type(record), getattr(record, "pk", None), Action.CHANGE, context, detail={"step": what})
    raise GroupRefused(message, rule="role")


def checked_text(value: str, field: str, *, required: bool = False, message: str = "") -> str:
    text = value.strip()
    if required and not text:
        raise ValidationError({field: message or str(forms.Field.default_error_messages["required"])})
    if len(text) > MAX_TEXT:
        raise ValidationError({field: _("At most %(count)s characters.") % {"count": MAX_TEXT}})
    return text
