"""The one door to records that are not for everyone.

Every app's ``access_*`` helpers fetch single records through ``access``: it answers 404
whether a record is missing or out of the person's scope, so that a record's existence never
leaks, writes every attempt on an existing record outside that scope to the audit log, and
writes every read of a survivor-compartment record there too. Which rows a person reaches is
decided by the policy (``tandem.core.policy``, from the tables in ``tandem.core.roles``);
nothing here may grant more than that.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.http import Http404

from tandem.core import audit
from tandem.core.audit import AuditContext
from tandem.core.policy import (
    NOTHING,
    Grant,
    ScopedModel,
    ScopedQuerySet,
    forget_memberships,
    has_capacity,
    has_role,
    is_active,
    organisations_granting,
    organisations_with,
    organisations_with_role,
    places_of,
    requires_two_factor,
    roles_of,
    scope_q,
)
from tandem.core.roles import Action, Compartment

_M = TypeVar("_M", bound=models.Model)

__all__ = [
    "NOTHING",
    "Grant",
    "ScopedModel",
    "ScopedQuerySet",
    "access",
    "assert_can",
    "can",
    "forget_memberships",
    "has_capacity",
    "has_role",
    "is_active",
    "organisations_granting",
    "organisations_with",
    "organisations_with_role",
    "places_of",
    "record_denied",
    "record_reads",
    "requires_two_factor",
    "roles_of",
    "scope_q",
]


def can(user: Any, action: Action, obj: ScopedModel) -> bool:
    model = type(obj)
    return model._base_manager.filter(pk=obj.pk).filter(scope_q(model, user, action)).exists()


def assert_can(
    user: Any,
    action: Action,
    obj: ScopedModel,
    *,
    context: AuditContext | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    """Raise 404 (never 403) and record the attempt when ``user`` may not ``action`` ``obj``."""
    if not can(user, action, obj):
        record_denied(user, type(obj), obj.pk, action, context, detail=detail)
        raise Http404


def access(
    model: type[_M],
    user: Any,
    pk: Any,
    *,
    action: Action = Action.VIEW,
    context: AuditContext | None = None,
    queryset: models.QuerySet[Any] | None = None,
    visible: models.QuerySet[Any] | None = None,
) -> _M:
    """Fetch one record through the policy, or answer 404.

    ``queryset`` narrows or prepares what is fetched (select_related, a round's own jobs);
    the policy still applies to it. A model outside ``ScopedModel`` (an organisation, an
    authenticator) has no policy of its own: its caller passes the rows its rule lets the
    person reach as ``visible``, and gets the same 404 and the same audit of refused attempts."""
    if visible is not None:
        candidates = visible
    else:
        base = queryset if queryset is not None else model._base_manager.all()
        candidates = base.filter(scope_q(model, user, action))
    try:
        obj: _M = candidates.get(pk=pk)
    except (ObjectDoesNotExist, ValueError, TypeError):
        if _exists(model, pk):
            record_denied(user, model, pk, action, context)
        raise Http404 from None
    if getattr(model, "compartment", None) == Compartment.SURVIVOR:
        audit.record(
            f"survivor.{action}",
            actor=user,
            obj=obj,
            organisation=_organisation_id(obj),
            compartment=Compartment.SURVIVOR,
            context=context,
        )
    return obj


def record_reads(user: Any, objs: Iterable[ScopedModel], *, context: AuditContext | None = None) -> None:
    """Audit a list page that shows survivor-compartment rows: one entry per row shown."""
    for obj in objs:
        if type(obj).compartment == Compartment.SURVIVOR:
            audit.record(
                "survivor.view",
                actor=user,
                obj=obj,
                organisation=_organisation_id(obj),
                compartment=Compartment.SURVIVOR,
                context=context,
                detail={"listed": True},
            )


def _organisation_id(obj: models.Model) -> int | None:
    value: Any = obj
    for part in getattr(type(obj), "organisation_path", "organisation_id").split("__"):
        value = getattr(value, part, None)
        if value is None:
            return None
    return value if isinstance(value, int) else getattr(value, "pk", None)


def _exists(model: type[models.Model], pk: Any) -> bool:
    try:
        return model._base_manager.filter(pk=pk).exists()
    except (ValueError, TypeError):
        return False


def record_denied(
    user: Any,
    model: type[models.Model],
    pk: Any,
    action: Action | str,
    context: AuditContext | None = None,
    *,
    detail: dict[str, Any] | None = None,
) -> None:
    """Write an attempt on an existing record outside the user's scope to the audit log.
    Call it outside any transaction that is about to be rolled back: the refusal must stay
    on the record even when the change it refused is not made."""
    audit.record(
        "access.denied",
        actor=user if getattr(user, "is_authenticated", False) else None,
        compartment=str(getattr(model, "compartment", "") or ""),
        context=context,
        detail={"model": model._meta.label_lower, "id": str(pk), "action": str(action), **(detail or {})},
    )
