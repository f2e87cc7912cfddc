"""Reads for the core app: organisations administered by a user, their members and invitations."""

from __future__ import annotations

import hashlib

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from tandem.core.models import Invitation, Membership, Organisation, User
from tandem.core.roles import Action, Role
from tandem.core.scoping import has_role, organisations_with_role, record_denied


def administered_organisations(user: User) -> QuerySet[Organisation]:
    """Organisations in which the user is an organisation administrator."""
    return Organisation.objects.filter(pk__in=organisations_with_role(user, Role.ORG_ADMIN))


def access_administered_organisation(
    user: User, organisation_id: int, *, request: HttpRequest | None = None, action: Action = Action.CHANGE
) -> Organisation:
    """The organisation, if the user administers it; 404 for any other, existing or not.
    An attempt on an existing organisation is audited."""
    if not has_role(user, organisation_id, Role.ORG_ADMIN):
        if Organisation.objects.filter(pk=organisation_id).exists():
            record_denied(user, Organisation, organisation_id, action, request)
        raise Http404
    try:
        return Organisation.objects.get(pk=organisation_id)
    except Organisation.DoesNotExist:
        raise Http404 from None


def members_of(organisation: Organisation) -> QuerySet[Membership]:
    return organisation.memberships.select_related("user").order_by("user__last_name", "user__username")


def access_membership(
    user: User, organisation_id: int, membership_id: int, *, request: HttpRequest | None = None
) -> Membership:
    organisation = access_administered_organisation(user, organisation_id, request=request)
    try:
        return organisation.memberships.select_related("user", "organisation").get(pk=membership_id)
    except Membership.DoesNotExist:
        if Membership.objects.filter(pk=membership_id).exists():
            record_denied(user, Membership, membership_id, Action.CHANGE, request)
        raise Http404 from None


def open_invitations(organisation: Organisation) -> QuerySet[Invitation]:
    return organisation.invitations.filter(
        accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
    )


def access_invitation_for_admin(
    user: User, organisation_id: int, invitation_id: int, *, request: HttpRequest | None = None
) -> Invitation:
    organisation = access_administered_organisation(user, organisation_id, request=request)
    try:
        return open_invitations(organisation).get(pk=invitation_id)
    except Invitation.DoesNotExist:
        if Invitation.objects.filter(pk=invitation_id).exclude(organisation=organisation).exists():
            record_denied(user, Invitation, invitation_id, Action.CHANGE, request)
        raise Http404 from None


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def access_invitation_by_token(token: str) -> Invitation:
    """An open invitation by its secret token; 404 once used, revoked or expired."""
    try:
        return Invitation.objects.select_related("organisation").get(
            token_hash=hash_token(token),
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
    except Invitation.DoesNotExist:
        raise Http404 from None


def memberships_of(user: User) -> QuerySet[Membership]:
    return user.memberships.select_related("organisation", "organisation__country")


def access_own_device(user: User, device_id: int, *, request: HttpRequest | None = None) -> TOTPDevice:
    """One of the user's own confirmed authenticators; 404 for anyone else's (audited)."""
    device: TOTPDevice | None = TOTPDevice.objects.filter(user=user, confirmed=True, pk=device_id).first()
    if device is None:
        if TOTPDevice.objects.filter(pk=device_id).exists():
            record_denied(user, TOTPDevice, device_id, Action.CHANGE, request)
        raise Http404
    return device
