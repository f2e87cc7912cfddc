"""Changes to tenancy and accounts. Each is one business event, audited in its transaction."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from tandem.core import audit
from tandem.core.models import Invitation, Membership, Organisation, User
from tandem.core.queries import hash_token
from tandem.core.roles import TWO_FACTOR_ROLES, OrganisationKind, Role
from tandem.core.rules import role_problem
from tandem.core.scoping import forget_memberships

INVITATION_VALID_DAYS = 7


def record_membership(
    event: str,
    membership: Membership,
    *,
    actor: User | None,
    request: HttpRequest | None = None,
    organisation: Organisation | None = None,
    detail: dict[str, Any],
) -> None:
    """Audit a membership event in one shape, whether Tandem's pages or the platform admin made it."""
    audit.record(
        f"membership.{event}",
        actor=actor,
        obj=membership,
        organisation=organisation,
        request=request,
        detail={"user": membership.user.get_username(), **detail},
    )


def ensure_role_allowed(*, user: User | None, organisation: Organisation, role: Role) -> None:
    """Refuse a role the organisation cannot give, or one that would put the person on both
    sides of the survivor compartment."""
    elsewhere: list[Role] = []
    if user is not None and user.pk is not None:
        elsewhere = [
            Role(r)
            for r in Membership.objects.filter(user=user)
            .exclude(organisation_id=organisation.pk)
            .values_list("role", flat=True)
        ]
    problem = role_problem(kind=OrganisationKind(organisation.kind), role=role, roles_elsewhere=elsewhere)
    if problem:
        raise ValidationError(problem)


@transaction.atomic
def invite_user(
    *, organisation: Organisation, role: Role, invitee_name: str, acting_user: User, request: HttpRequest | None = None
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
        expires_at=timezone.now() + timedelta(days=INVITATION_VALID_DAYS),
    )
    audit.record(
        "invitation.created",
        actor=acting_user,
        obj=invitation,
        organisation=organisation,
        request=request,
        detail={"role": str(role)},
    )
    return invitation, token


@transaction.atomic
def accept_invitation(*, invitation: Invitation, user: User, request: HttpRequest | None = None) -> Membership:
    """Join the invitation's organisation with its role. Someone already a member keeps one
    membership; the invitation cannot change an existing role."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None or invitation.revoked_at is not None:
        raise ValidationError(_("This invitation has already been used or withdrawn."))
    if Membership.objects.filter(user=user, organisation=invitation.organisation).exists():
        raise ValidationError(
            _("You are already a member of %(organisation)s. Ask its administrator to change your role.")
            % {"organisation": invitation.organisation.name}
        )
    ensure_role_allowed(user=user, organisation=invitation.organisation, role=Role(invitation.role))
    membership = Membership.objects.create(user=user, organisation=invitation.organisation, role=invitation.role)
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    record_membership(
        "created",
        membership,
        actor=user,
        request=request,
        organisation=invitation.organisation,
        detail={"role": invitation.role, "invitation": invitation.pk},
    )
    forget_memberships(user)
    return membership


@transaction.atomic
def revoke_invitation(*, invitation: Invitation, acting_user: User, request: HttpRequest | None = None) -> None:
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    audit.record("invitation.revoked", actor=acting_user, obj=invitation, request=request)


def _ensure_an_admin_remains(membership: Membership, new_role: Role | None) -> None:
    if membership.role != Role.ORG_ADMIN or new_role == Role.ORG_ADMIN:
        return
    others = Membership.objects.filter(organisation=membership.organisation, role=Role.ORG_ADMIN).exclude(
        pk=membership.pk
    )
    if not others.exists():
        raise ValidationError(
            _("An organisation needs at least one administrator. Make someone else administrator first.")
        )


@transaction.atomic
def change_role(
    *, membership: Membership, role: Role, acting_user: User, request: HttpRequest | None = None
) -> Membership:
    """Change a member's role. The member's open sessions re-check their second factor on the
    next request (see ``RequireTwoFactorMiddleware``)."""
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    old = membership.role
    if old == role:
        return membership
    _ensure_an_admin_remains(membership, role)
    ensure_role_allowed(user=membership.user, organisation=membership.organisation, role=role)
    membership.role = role
    membership.save(update_fields=["role"])
    record_membership(
        "role_changed", membership, actor=acting_user, request=request, detail={"from": old, "to": str(role)}
    )
    forget_memberships(membership.user)
    return membership


@transaction.atomic
def remove_member(*, membership: Membership, acting_user: User, request: HttpRequest | None = None) -> None:
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    _ensure_an_admin_remains(membership, None)
    record_membership("removed", membership, actor=acting_user, request=request, detail={"role": membership.role})
    membership.delete()
    forget_memberships(membership.user)


@transaction.atomic
def create_account(*, username: str, password: str, first_name: str, last_name: str, language: str) -> User:
    user = User(username=username, first_name=first_name, last_name=last_name, language=language)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    audit.record("account.created", actor=user, obj=user)
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
    request: HttpRequest | None = None,
) -> Membership:
    """Create the invitee's account and membership together, or neither."""
    account = create_account(
        username=username, password=password, first_name=first_name, last_name=last_name, language=language
    )
    return accept_invitation(invitation=invitation, user=account, request=request)


@transaction.atomic
def set_language(*, user: User, language: str) -> None:
    user.language = language
    user.save(update_fields=["language"])


def start_totp_enrolment(*, user: User) -> TOTPDevice:
    """An unconfirmed authenticator for the user to scan; it counts only once confirmed."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    name = _("Authenticator app")
    return TOTPDevice.objects.create(user=user, name=name, confirmed=False)


@transaction.atomic
def confirm_totp_device(*, device: TOTPDevice, token: str, request: HttpRequest | None = None) -> bool:
    if not device.verify_token(token):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit.record("second_factor.added", actor=device.user, obj=device, request=request)
    return True


@transaction.atomic
def remove_totp_device(*, device: TOTPDevice, acting_user: User, request: HttpRequest | None = None) -> None:
    remaining = TOTPDevice.objects.filter(user=acting_user, confirmed=True).exclude(pk=device.pk)
    roles = {Role(r) for r in Membership.objects.filter(user=acting_user).values_list("role", flat=True)}
    if roles & TWO_FACTOR_ROLES and not remaining.exists():
        raise ValidationError(
            _("Your role requires a second factor. Add another authenticator before removing this one.")
        )
    audit.record("second_factor.removed", actor=acting_user, obj=device, request=request)
    device.delete()
