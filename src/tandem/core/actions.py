"""Changes to tenancy and accounts. Each is one business event, audited in its transaction.

Every action takes the person acting (``acting_user``) and, from a web page, an
``AuditContext`` with the client's address and browser; never an HTTP request."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tandem.core import audit, clock
from tandem.core.audit import AuditContext
from tandem.core.models import AuthenticatorDevice, Invitation, Membership, Organisation, User
from tandem.core.policy import organisations_with
from tandem.core.queries import (
    all_devices_of,
    get_invitation_for_update,
    get_membership_for_update,
    hash_token,
    is_member,
    member_elsewhere_roles,
    organisation_has_other_admins,
    organisation_ids_of,
    own_devices,
)
from tandem.core.roles import Capacity, OrganisationKind, Role
from tandem.core.rules import role_problem
from tandem.core.scoping import forget_memberships, requires_two_factor
from tandem.geo.models import Country

INVITATION_VALID_DAYS = 7


def record_membership(
    event: str,
    membership: Membership,
    *,
    acting_user: User | None,
    context: AuditContext | None = None,
    organisation: Organisation | None = None,
    detail: dict[str, Any],
) -> None:
    """Audit a membership event in one shape, whether Tandem's pages or the platform admin made it."""
    audit.record(
        f"membership.{event}",
        actor=acting_user,
        obj=membership,
        organisation=organisation,
        context=context,
        detail={"user": membership.user.get_username(), **detail},
    )


def ensure_role_allowed(*, user: User | None, organisation: Organisation, role: Role) -> None:
    """Refuse a role the organisation cannot give, or one that would put the person on both
    sides of the survivor compartment."""
    elsewhere = [Role(r) for r in member_elsewhere_roles(user, organisation)] if user and user.pk else []
    problem = role_problem(kind=OrganisationKind(organisation.kind), role=role, roles_elsewhere=elsewhere)
    if problem:
        raise ValidationError(problem)


@transaction.atomic
def create_organisation(
    *,
    name: str,
    kind: OrganisationKind,
    country: Country | None,
    acting_user: User | None,
    context: AuditContext | None = None,
) -> Organisation:
    """A new organisation, as the platform administrator creates it."""
    organisation = Organisation(name=name, kind=kind, country=country)
    organisation.full_clean()
    organisation.save()
    audit.record(
        "organisation.created",
        actor=acting_user,
        obj=organisation,
        organisation=organisation,
        context=context,
        detail={"fields": ["country", "kind", "name"]},
    )
    return organisation


@transaction.atomic
def add_member(
    *,
    organisation: Organisation,
    user: User,
    role: Role,
    acting_user: User | None,
    context: AuditContext | None = None,
) -> Membership:
    """Give a person a place in an organisation directly, as the platform administrator does
    for an organisation's first administrator."""
    if is_member(user, organisation):
        raise ValidationError(
            _("%(name)s is already a member of %(organisation)s.")
            % {"name": user.get_username(), "organisation": organisation.name}
        )
    ensure_role_allowed(user=user, organisation=organisation, role=role)
    membership = Membership.objects.create(user=user, organisation=organisation, role=role)
    record_membership("created", membership, acting_user=acting_user, context=context, detail={"role": str(role)})
    forget_memberships(user)
    return membership


@transaction.atomic
def invite_user(
    *,
    organisation: Organisation,
    role: Role,
    invitee_name: str,
    acting_user: User,
    context: AuditContext | None = None,
) -> tuple[Invitation, str]:
    """Create a one-time invitation link. The token is returned once and only its hash kept."""
    ensure_role_allowed(user=None, organisation=organisation, role=role)
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        organisation=organisation,
        role=role,
        invitee_name=invitee_name,
        token_hash=hash_token(token),
        created_by=acting_user,
        expires_at=clock.now() + timedelta(days=INVITATION_VALID_DAYS),
    )
    audit.record(
        "invitation.created",
        actor=acting_user,
        obj=invitation,
        organisation=organisation,
        context=context,
        detail={"role": str(role)},
    )
    return invitation, token


@transaction.atomic
def accept_invitation(*, invitation: Invitation, acting_user: User, context: AuditContext | None = None) -> Membership:
    """Join the invitation's organisation with its role. Someone already a member keeps one
    membership; the invitation cannot change an existing role."""
    invitation = get_invitation_for_update(invitation)
    if invitation.accepted_at is not None or invitation.revoked_at is not None:
        raise ValidationError(_("This invitation has already been used or withdrawn."))
    if is_member(acting_user, invitation.organisation):
        raise ValidationError(
            _("You are already a member of %(organisation)s. Ask its administrator to change your role.")
            % {"organisation": invitation.organisation.name}
        )
    ensure_role_allowed(user=acting_user, organisation=invitation.organisation, role=Role(invitation.role))
    membership = Membership.objects.create(user=acting_user, organisation=invitation.organisation, role=invitation.role)
    invitation.accepted_at = clock.now()
    invitation.accepted_by = acting_user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    record_membership(
        "created",
        membership,
        acting_user=acting_user,
        context=context,
        organisation=invitation.organisation,
        detail={"role": invitation.role, "invitation": invitation.pk},
    )
    forget_memberships(acting_user)
    return membership


@transaction.atomic
def revoke_invitation(*, invitation: Invitation, acting_user: User, context: AuditContext | None = None) -> None:
    invitation.revoked_at = clock.now()
    invitation.save(update_fields=["revoked_at"])
    audit.record("invitation.revoked", actor=acting_user, obj=invitation, context=context)


def _ensure_an_admin_remains(membership: Membership, new_role: Role | None) -> None:
    if membership.role != Role.ORG_ADMIN or new_role == Role.ORG_ADMIN:
        return
    if not organisation_has_other_admins(membership):
        raise ValidationError(
            _("An organisation needs at least one administrator. Make someone else administrator first.")
        )


@transaction.atomic
def change_role(
    *, membership: Membership, role: Role, acting_user: User, context: AuditContext | None = None
) -> Membership:
    """Change a member's role. The member's open sessions re-check their second factor on the
    next request (see ``RequireTwoFactorMiddleware``)."""
    membership = get_membership_for_update(membership)
    old = membership.role
    if old == role:
        return membership
    _ensure_an_admin_remains(membership, role)
    ensure_role_allowed(user=membership.user, organisation=membership.organisation, role=role)
    membership.role = role
    membership.save(update_fields=["role"])
    record_membership(
        "role_changed", membership, acting_user=acting_user, context=context, detail={"from": old, "to": str(role)}
    )
    forget_memberships(membership.user)
    return membership


@transaction.atomic
def remove_member(*, membership: Membership, acting_user: User, context: AuditContext | None = None) -> None:
    membership = get_membership_for_update(membership)
    _ensure_an_admin_remains(membership, None)
    record_membership("removed", membership, acting_user=acting_user, context=context, detail={"role": membership.role})
    membership.delete()
    forget_memberships(membership.user)


@transaction.atomic
def create_account(
    *,
    username: str,
    password: str,
    first_name: str,
    last_name: str,
    language: str,
    acting_user: User | None,
    context: AuditContext | None = None,
) -> User:
    """A new account. ``acting_user`` is None when a person makes her own account through an
    invitation link: she is then the one who acts."""
    user = User(username=username, first_name=first_name, last_name=last_name, language=language)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    audit.record("account.created", actor=acting_user or user, obj=user, context=context)
    return user


@transaction.atomic
def create_platform_admin(
    *, username: str, password: str, email: str = "", context: AuditContext | None = None
) -> User:
    """A platform administrator: she creates organisations and their first administrators.
    She signs in with a second factor, set up at her first sign-in."""
    user = User(username=username, email=email, is_staff=True, is_superuser=True)
    password_validation.validate_password(password, user)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    audit.record("account.created", actor=None, obj=user, context=context, detail={"platform_admin": True})
    return user


@transaction.atomic
def join_with_new_account(
    *,
    invitation: Invitation,
    username: str,
    password: str,
    first_name: str,
    last_name: str,
    language: str,
    context: AuditContext | None = None,
) -> Membership:
    """Create the invitee's account and membership together, or neither. Whoever holds the
    link acts; there is no signed-in person yet."""
    account = create_account(
        username=username,
        password=password,
        first_name=first_name,
        last_name=last_name,
        language=language,
        acting_user=None,
        context=context,
    )
    return accept_invitation(invitation=invitation, acting_user=account, context=context)


@transaction.atomic
def set_language(*, acting_user: User, language: str) -> None:
    acting_user.language = language
    acting_user.save(update_fields=["language"])


def start_totp_enrolment(*, acting_user: User, key: str | None = None) -> AuthenticatorDevice:
    """An unconfirmed authenticator for the person to scan; it counts only once confirmed.
    ``key`` is for the demo, whose accounts keep the same secret from one run to the next."""
    AuthenticatorDevice.objects.filter(user=acting_user, confirmed=False).delete()
    name = _("Authenticator app")
    extra = {"key": key} if key is not None else {}
    return AuthenticatorDevice.objects.create(user=acting_user, name=name, confirmed=False, **extra)


@transaction.atomic
def confirm_totp_device(
    *, device: AuthenticatorDevice, token: str, acting_user: User, context: AuditContext | None = None
) -> bool:
    """Confirm the person's new authenticator with a code it shows; False for a wrong code."""
    if device.user_id != acting_user.pk or not device.verify_token(token):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit.record("second_factor.added", actor=acting_user, obj=device, context=context)
    return True


@transaction.atomic
def remove_totp_device(*, device: AuthenticatorDevice, acting_user: User, context: AuditContext | None = None) -> None:
    remaining = own_devices(acting_user).exclude(pk=device.pk)
    if requires_two_factor(acting_user) and not remaining.exists():
        raise ValidationError(
            _("Your role requires a second factor. Add another authenticator before removing this one.")
        )
    audit.record("second_factor.removed", actor=acting_user, obj=device, context=context)
    device.delete()


@transaction.atomic
def reset_second_factor(*, membership: Membership, acting_user: User, context: AuditContext | None = None) -> int:
    """Remove every authenticator of a member who lost hers; she sets up a new one at her next
    sign-in. Only an administrator of every organisation the person belongs to may do it: the
    administrator of one place must not open the account someone uses in another."""
    person = membership.user
    if person.pk == acting_user.pk:
        raise ValidationError(_("Your own authenticators are managed on your account page."))
    if person.is_staff or person.is_superuser:
        raise ValidationError(_("A platform administrator's second factor is reset on the command line."))
    elsewhere = organisation_ids_of(person) - set(organisations_with(acting_user, Capacity.ADMINISTER))
    if elsewhere:
        raise ValidationError(
            _(
                "%(name)s also belongs to an organisation you do not administer; "
                "ask the platform administrator to reset the second factor."
            )
            % {"name": person.get_username()}
        )
    removed, _kinds = all_devices_of(person).delete()
    audit.record(
        "second_factor.reset",
        actor=acting_user,
        obj=membership,
        organisation=membership.organisation_id,
        context=context,
        detail={"user": person.get_username(), "devices": removed},
    )
    return removed


@transaction.atomic
def reset_second_factor_on_server(*, person: User, context: AuditContext) -> int:
    """The same for any account, from the server's command line (a platform administrator's,
    or a member's whose administrators cannot do it): whoever can run commands there holds the
    installation's keys anyway."""
    removed, _kinds = all_devices_of(person).delete()
    audit.record(
        "second_factor.reset",
        actor=None,
        obj=person,
        context=context,
        detail={"user": person.get_username(), "devices": removed},
    )
    return removed
