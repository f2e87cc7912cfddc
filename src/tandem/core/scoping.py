"""The one door to personal data.

Every model that holds personal data subclasses ``ScopedModel`` and declares its
compartment. Its manager's ``visible_to(user)`` returns only the rows that the user's
memberships grant, and ``access`` fetches one row or answers 404, whether the row is
missing or out of scope, so that a record's existence never leaks. Out-of-scope attempts
and every read of a survivor-compartment record are written to the audit log.

The policy itself is the table in ``tandem.core.roles``; nothing here may grant more
than that table says. A model that forgets to declare a compartment is visible to no one.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar, Self, TypeVar

from django.db import models
from django.db.models import Q
from django.http import Http404, HttpRequest

from tandem.core import audit
from tandem.core.models import Membership, User
from tandem.core.roles import ROLE_ACCESS, TWO_FACTOR_ROLES, Action, Compartment, Role


def organisations_granting(user: User | Any, compartment: str | None, action: Action) -> list[int]:
    """Ids of the organisations in which the user's role grants ``action`` on ``compartment``."""
    if not _is_active(user) or compartment is None:
        return []
    granted = []
    for organisation_id, role in _memberships(user):
        if action in ROLE_ACCESS.get(Role(role), {}).get(Compartment(compartment), frozenset()):
            granted.append(organisation_id)
    return granted


def _memberships(user: User) -> list[tuple[int, str]]:
    # Cached on the user object for the length of one request.
    cached: list[tuple[int, str]] | None = getattr(user, "_tandem_memberships", None)
    if cached is None:
        cached = list(Membership.objects.filter(user=user).values_list("organisation_id", "role"))
        setattr(user, "_tandem_memberships", cached)  # noqa: B010 - a cache, not a model field
    return cached


def forget_memberships(user: User) -> None:
    """Drop the per-request cache after a change of role."""
    if hasattr(user, "_tandem_memberships"):
        del user._tandem_memberships


def roles_of(user: User | Any) -> set[Role]:
    if user is None or not getattr(user, "is_authenticated", False):
        return set()
    return {Role(role) for _org, role in _memberships(user)}


def requires_two_factor(user: User | Any) -> bool:
    """Platform staff and every role in ``TWO_FACTOR_ROLES`` sign in with a code."""
    if user is not None and (getattr(user, "is_superuser", False) or getattr(user, "is_staff", False)):
        return True
    return bool(roles_of(user) & TWO_FACTOR_ROLES)


def has_role(user: User | Any, organisation_id: int, *roles: Role) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return any(org == organisation_id and Role(role) in roles for org, role in _memberships(user))


def organisations_with_role(user: User | Any, *roles: Role) -> list[int]:
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    return [org for org, role in _memberships(user) if Role(role) in roles]


class ScopedQuerySet(models.QuerySet[Any]):
    def visible_to(self, user: User | Any, action: Action = Action.VIEW) -> Self:
        return self.filter(scope_q(self.model, user, action))


_M = TypeVar("_M", bound="ScopedModel")


class ScopedModel(models.Model):
    """Base for every model holding personal data."""

    compartment: ClassVar[Compartment | None] = None
    # The path from this model to its owning organisation's id.
    organisation_path: ClassVar[str] = "organisation_id"

    objects = ScopedQuerySet.as_manager()

    class Meta:
        abstract = True

    @classmethod
    def extra_scope(cls, user: User, action: Action) -> Q | None:
        """Rows granted by a relation rather than a role (e.g. a referrer's own referrals).
        None grants nothing more."""
        return None


def scope_q(model: type[models.Model], user: User | Any, action: Action = Action.VIEW) -> Q:
    """The filter that keeps ``model``'s rows to those ``user`` may ``action``."""
    compartment = getattr(model, "compartment", None)
    path = getattr(model, "organisation_path", None)
    if compartment is None or path is None or not _is_active(user):
        return Q(pk__in=[])
    organisations = organisations_granting(user, compartment, action)
    q = Q(**{f"{path}__in": organisations}) if organisations else Q(pk__in=[])
    if issubclass(model, ScopedModel):
        extra = model.extra_scope(user, action)
        if extra is not None:
            q |= extra
    return q


def _is_active(user: User | Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def can(user: User | Any, action: Action, obj: ScopedModel) -> bool:
    model = type(obj)
    return model._base_manager.filter(pk=obj.pk).filter(scope_q(model, user, action)).exists()


def assert_can(user: User | Any, action: Action, obj: ScopedModel, *, request: HttpRequest | None = None) -> None:
    """Raise 404 (never 403) and record the attempt when ``user`` may not ``action`` ``obj``."""
    if not can(user, action, obj):
        record_denied(user, type(obj), obj.pk, action, request)
        raise Http404


def access(
    model: type[_M],
    user: User | Any,
    pk: Any,
    *,
    action: Action = Action.VIEW,
    request: HttpRequest | None = None,
    queryset: models.QuerySet[_M] | None = None,
) -> _M:
    """Fetch one record through the policy. Each app's ``access_*`` helpers call this."""
    base = queryset if queryset is not None else model._base_manager.all()
    try:
        obj = base.filter(scope_q(model, user, action)).get(pk=pk)
    except (model.DoesNotExist, ValueError, TypeError):
        if _exists(model, pk):
            record_denied(user, model, pk, action, request)
        raise Http404 from None
    if model.compartment == Compartment.SURVIVOR:
        audit.record(
            f"survivor.{action}",
            actor=user,
            obj=obj,
            organisation=_organisation_id(obj),
            compartment=Compartment.SURVIVOR,
            request=request,
        )
    return obj


def record_reads(user: User, objs: Iterable[ScopedModel], *, request: HttpRequest | None = None) -> None:
    """Audit a list page that shows survivor-compartment rows: one entry per row shown."""
    for obj in objs:
        if type(obj).compartment == Compartment.SURVIVOR:
            audit.record(
                "survivor.view",
                actor=user,
                obj=obj,
                organisation=_organisation_id(obj),
                compartment=Compartment.SURVIVOR,
                request=request,
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
    user: User | Any, model: type[models.Model], pk: Any, action: Action, request: HttpRequest | None = None
) -> None:
    """Write an attempt on an existing record outside the user's scope to the audit log."""
    audit.record(
        "access.denied",
        actor=user if getattr(user, "is_authenticated", False) else None,
        compartment=str(getattr(model, "compartment", "") or ""),
        request=request,
        detail={"model": model._meta.label_lower, "id": str(pk), "action": str(action)},
    )
