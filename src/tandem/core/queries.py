"""Reads for the core app: organisations a person administers, their members and invitations,
a person's own places and authenticators. Every single record is fetched through
``scoping.access``; ``get_*`` functions fetch without a permission check, for actions that
lock a record they were handed, and are never called from a view."""

from __future__ import annotations

import hashlib
from typing import Any

from django.db import models
from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404
from django.utils import timezone

from tandem.core import clock
from tandem.core.audit import AuditContext
from tandem.core.models import AuthenticatorDevice, Invitation, Membership, Organisation, User, WorkItem
from tandem.core.roles import Action, Capacity
from tandem.core.scoping import access, is_active, organisations_with, places_of


def administered_organisations(user: User) -> QuerySet[Organisation]:
    """Organisations in which the user is an organisation administrator."""
    return Organisation.objects.filter(pk__in=organisations_with(user, Capacity.ADMINISTER))


def access_administered_organisation(
    user: User, organisation_id: int, *, context: AuditContext | None = None, action: Action = Action.CHANGE
) -> Organisation:
    """The organisation, if the user administers it; 404 for any other, existing or not."""
    return access(
        Organisation, user, organisation_id, action=action, context=context, visible=administered_organisations(user)
    )


def members_of(organisation: Organisation, user: User) -> QuerySet[Membership]:
    """The members of an organisation, as far as ``user`` may see them, each with whether she
    has set up an authenticator."""
    members: QuerySet[Membership] = (
        Membership.objects.visible_to(user)
        .filter(organisation=organisation)
        .select_related("user")
        .annotate(
            has_authenticator=Exists(AuthenticatorDevice.objects.filter(user_id=OuterRef("user_id"), confirmed=True))
        )
        .order_by("user__last_name", "user__username")
    )
    return members


def access_membership(
    user: User, organisation_id: int, membership_id: int, *, context: AuditContext | None = None
) -> Membership:
    """A member of an organisation the user administers (the URL's organisation, not another)."""
    organisation = access_administered_organisation(user, organisation_id, context=context)
    return access(
        Membership,
        user,
        membership_id,
        action=Action.CHANGE,
        context=context,
        queryset=Membership.objects.filter(organisation=organisation).select_related("user", "organisation"),
    )


def get_membership_for_update(membership: Membership) -> Membership:
    """The membership again, locked until the caller's transaction ends."""
    return Membership._base_manager.select_for_update().select_related("user", "organisation").get(pk=membership.pk)


def open_invitations(organisation: Organisation, user: User) -> QuerySet[Invitation]:
    return Invitation.objects.visible_to(user).filter(
        organisation=organisation, accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
    )


def access_invitation_for_admin(
    user: User, organisation_id: int, invitation_id: int, *, context: AuditContext | None = None
) -> Invitation:
    organisation = access_administered_organisation(user, organisation_id, context=context)
    return access(
        Invitation,
        user,
        invitation_id,
        action=Action.CHANGE,
        context=context,
        queryset=Invitation.objects.filter(
            organisation=organisation, accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=clock.now()
        ),
    )


def get_invitation_for_update(invitation: Invitation) -> Invitation:
    return Invitation._base_manager.select_for_update().select_related("organisation").get(pk=invitation.pk)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def access_invitation_by_token(token: str) -> Invitation:
    """An open invitation by its secret token; 404 once used, revoked or expired. The link
    itself is the permission: whoever holds it may open it."""
    try:
        return Invitation._base_manager.select_related("organisation").get(
            token_hash=hash_token(token),
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
    except Invitation.DoesNotExist:
        raise Http404 from None


def memberships_of(user: User) -> QuerySet[Membership]:
    """The user's own places."""
    return (
        Membership.objects.visible_to(user)
        .filter(user=user)
        .select_related("organisation", "organisation__country")
        .order_by("organisation__name")
    )


def member_elsewhere_roles(user: User, organisation: Organisation) -> list[str]:
    """The roles ``user`` holds in organisations other than ``organisation`` (for the rule
    that nobody sits on both sides of the survivor compartment)."""
    return list(
        Membership._base_manager.filter(user=user)
        .exclude(organisation_id=organisation.pk)
        .values_list("role", flat=True)
    )


def organisation_has_other_admins(membership: Membership) -> bool:
    from tandem.core.roles import Role

    return (
        Membership._base_manager.filter(organisation_id=membership.organisation_id, role=Role.ORG_ADMIN)
        .exclude(pk=membership.pk)
        .exists()
    )


def roles_by_membership(organisation: Organisation) -> dict[int, str]:
    """Every member's role, by membership (for the platform administrator's audit of changes)."""
    return dict(Membership._base_manager.filter(organisation=organisation).values_list("pk", "role"))


def is_member(user: User, organisation: Organisation) -> bool:
    return Membership._base_manager.filter(user=user, organisation=organisation).exists()


def organisation_ids_of(user: User) -> set[int]:
    """Every organisation ``user`` belongs to, whoever asks (for rules about her, not to show)."""
    return set(Membership._base_manager.filter(user=user).values_list("organisation_id", flat=True))


def all_devices_of(user: User) -> QuerySet[AuthenticatorDevice]:
    """Her authenticators, set up or half set up: what a reset of her second factor removes."""
    devices: QuerySet[AuthenticatorDevice] = AuthenticatorDevice.objects.filter(user=user)
    return devices


def own_devices(user: User) -> QuerySet[AuthenticatorDevice]:
    devices: QuerySet[AuthenticatorDevice] = AuthenticatorDevice.objects.filter(user=user, confirmed=True)
    return devices.order_by("pk")


def pending_device(user: User) -> AuthenticatorDevice | None:
    device: AuthenticatorDevice | None = AuthenticatorDevice.objects.filter(user=user, confirmed=False).first()
    return device


def access_own_device(user: User, device_id: int, *, context: AuditContext | None = None) -> AuthenticatorDevice:
    """One of the user's own confirmed authenticators; 404 for anyone else's (audited)."""
    confirmed = AuthenticatorDevice.objects.filter(confirmed=True)
    return access(AuthenticatorDevice, user, device_id, action=Action.CHANGE, context=context, queryset=confirmed)


def has_confirmed_device(user: Any) -> bool:
    return own_devices(user).exists()


# --- Work ---------------------------------------------------------------------------------------


def open_work_of(user: User) -> QuerySet[WorkItem]:
    """The open work that is the user's to do, soonest due first."""
    # What is assigned to her is the first thing her scope grants (``WorkItem.relation_scope``):
    # filtering by it alone reads within her scope, without the scope's terms twice over.
    if not is_active(user):
        return WorkItem._base_manager.none()
    return (
        WorkItem._base_manager.filter(WorkItem.assigned_to(user), state=WorkItem.State.OPEN)
        .select_related("organisation", "owner")
        .order_by("due_at", "-priority", "pk")
    )


def open_work_count(user: User) -> int:
    return open_work_of(user).count()


def open_work_of_organisation(organisation: Organisation, user: User) -> QuerySet[WorkItem]:
    """Every open item of an organisation that the user may see (a coordinator sees all; an
    administrator the work that is about no person)."""
    return (
        WorkItem.objects.visible_to(user)
        .filter(organisation=organisation, state=WorkItem.State.OPEN)
        .select_related("organisation", "owner")
        .order_by("due_at", "-priority", "pk")
    )


def supervised_organisations(user: User) -> QuerySet[Organisation]:
    """Organisations whose open work the user oversees (as coordinator or administrator)."""
    from tandem.core.roles import Role

    ids = [p.organisation_id for p in places_of(user) if p.role in (Role.COORDINATOR, Role.ORG_ADMIN)]
    return Organisation.objects.filter(pk__in=ids).order_by("name")


def access_supervised_organisation(
    user: User, organisation_id: int, *, context: AuditContext | None = None
) -> Organisation:
    return access(Organisation, user, organisation_id, context=context, visible=supervised_organisations(user))


def get_open_work_about(rule: str, subject: models.Model, *, owner: User | None = None) -> QuerySet[WorkItem]:
    """Open work of a rule about one record, for the action that ends it."""
    items = WorkItem._base_manager.filter(
        rule=rule, subject_type=subject._meta.label_lower, subject_id=str(subject.pk), state=WorkItem.State.OPEN
    )
    return items.filter(owner=owner) if owner is not None else items


def get_open_work_on(subject: models.Model) -> QuerySet[WorkItem]:
    """All open work about one record, whatever its rule."""
    return WorkItem._base_manager.filter(
        subject_type=subject._meta.label_lower, subject_id=str(subject.pk), state=WorkItem.State.OPEN
    )


def get_work_to_escalate(now: Any) -> QuerySet[WorkItem]:
    """Open work that is overdue and has an escalation step left, for the worker."""
    return WorkItem._base_manager.filter(state=WorkItem.State.OPEN, escalate_at__lte=now).order_by()
