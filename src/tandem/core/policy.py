"""Who may reach which rows: the policy of ``tandem.core.roles`` turned into query filters.

Every model that holds personal data, or organisational records that are not public (a
survey answer before it is published, a member list), subclasses ``ScopedModel`` and
declares how it is reached:

* ``compartment``: personal data of the man's case or of his partner's support, reached by
  the roles that ``ROLE_ACCESS`` grants on that compartment inside the record's organisation
  (``organisation_path``);
* ``grants``: reached through a ``Capacity`` (``CAPACITIES``) in the organisation at a path,
  e.g. the organisation running a survey round;
* ``relation_scope``: reached through a relation to the person herself (her own work items,
  the answers of the country she was asked to review).

A row is visible when any of them lets the user reach it, and to no one when a model
declares none of them: the policy fails closed. ``tandem.core.scoping`` is the door that
fetches single records through this policy.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Self

from django.db import models
from django.db.models import Q

from tandem.core.roles import (
    ROLE_ACCESS,
    TWO_FACTOR_ROLES,
    Action,
    Capacity,
    Compartment,
    OrganisationKind,
    Role,
    capacity_granted,
)

NOTHING = Q(pk__in=[])


@dataclass(frozen=True)
class Grant:
    """Rows reached by people with ``capacity`` in the organisation found at ``path``."""

    capacity: Capacity
    path: str
    actions: frozenset[Action] = frozenset({Action.VIEW})


@dataclass(frozen=True)
class Place:
    """One membership of a person: her organisation, its kind, and her role there."""

    organisation_id: int
    kind: OrganisationKind
    role: Role


def is_active(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def places_of(user: Any) -> list[Place]:
    """The user's memberships, read once per request (one query) and kept on the user."""
    if not is_active(user):
        return []
    cached: list[Place] | None = getattr(user, "_tandem_places", None)
    if cached is None:
        from tandem.core.models import Membership

        rows = Membership._base_manager.filter(user=user).values_list("organisation_id", "organisation__kind", "role")
        cached = [Place(organisation, OrganisationKind(kind), Role(role)) for organisation, kind, role in rows]
        setattr(user, "_tandem_places", cached)  # noqa: B010 - a cache, not a model field
    return cached


def forget_memberships(user: Any) -> None:
    """Drop the per-request cache after a change of role."""
    if hasattr(user, "_tandem_places"):
        del user._tandem_places


def roles_of(user: Any) -> set[Role]:
    return {place.role for place in places_of(user)}


def requires_two_factor(user: Any) -> bool:
    """Platform staff and every role in ``TWO_FACTOR_ROLES`` sign in with a code."""
    if user is not None and (getattr(user, "is_superuser", False) or getattr(user, "is_staff", False)):
        return True
    return bool(roles_of(user) & TWO_FACTOR_ROLES)


def has_role(user: Any, organisation_id: int, *roles: Role) -> bool:
    return any(p.organisation_id == organisation_id and p.role in roles for p in places_of(user))


def organisations_with_role(user: Any, *roles: Role) -> list[int]:
    return [p.organisation_id for p in places_of(user) if p.role in roles]


def organisations_granting(
    user: Any, compartment: str | None, action: Action, *, roles: frozenset[Role] | None = None
) -> list[int]:
    """Ids of the organisations in which the user's role grants ``action`` on ``compartment``
    (only by one of ``roles``, when given)."""
    if compartment is None:
        return []
    wanted = Compartment(compartment)
    return [
        p.organisation_id
        for p in places_of(user)
        if action in ROLE_ACCESS[p.role].get(wanted, frozenset()) and (roles is None or p.role in roles)
    ]


def organisations_with(user: Any, capacity: Capacity) -> list[int]:
    """Ids of the organisations for which the user acts in ``capacity``."""
    return [p.organisation_id for p in places_of(user) if capacity_granted(capacity, p.kind, p.role)]


def has_capacity(user: Any, capacity: Capacity, organisation_id: int | None) -> bool:
    return organisation_id is not None and organisation_id in organisations_with(user, capacity)


class ScopedQuerySet(models.QuerySet[Any]):
    def visible_to(self, user: Any, action: Action = Action.VIEW) -> Self:
        return self.filter(scope_q(self.model, user, action))


class ScopedModel(models.Model):
    """Base for every model whose rows are not for everyone (see the module docstring)."""

    compartment: ClassVar[Compartment | None] = None
    # The path from this model to the id of the organisation whose compartment holds it.
    organisation_path: ClassVar[str] = "organisation_id"
    grants: ClassVar[tuple[Grant, ...]] = ()
    # The roles whose reach into the compartment extends to this model (None: all of them). A
    # survivor's own record is for her support workers; a coordinator reaches it only through a
    # relation (``relation_scope``), such as a recorded, time-limited break-the-glass access.
    compartment_roles: ClassVar[frozenset[Role] | None] = None

    objects = ScopedQuerySet.as_manager()

    class Meta:
        abstract = True

    @classmethod
    def relation_scope(cls, user: Any, action: Action) -> Q | None:
        """Rows granted by a relation to the person rather than by a role (e.g. the answers a
        reviewer was assigned). None grants nothing more."""
        return None


def declares_a_policy(model: type[models.Model]) -> bool:
    """Whether a scoped model says at all how it is reached (else it is visible to no one)."""
    if not issubclass(model, ScopedModel):
        return False
    own_relation = model.relation_scope.__func__ is not ScopedModel.relation_scope.__func__  # type: ignore[attr-defined]
    return model.compartment is not None or bool(model.grants) or own_relation


def scope_q(model: type[models.Model], user: Any, action: Action = Action.VIEW) -> Q:
    """The filter that keeps ``model``'s rows to those ``user`` may ``action``."""
    if not is_active(user) or not issubclass(model, ScopedModel):
        return NOTHING
    parts: list[Q] = []
    organisations = organisations_granting(user, model.compartment, action, roles=model.compartment_roles)
    if organisations:
        parts.append(Q(**{f"{model.organisation_path}__in": organisations}))
    for grant in model.grants:
        if action in grant.actions:
            granting = organisations_with(user, grant.capacity)
            if granting:
                parts.append(Q(**{f"{grant.path}__in": granting}))
    related = model.relation_scope(user, action)
    if related is not None:
        parts.append(related)
    if not parts:
        return NOTHING
    combined = parts[0]
    for part in parts[1:]:
        combined |= part
    return combined
