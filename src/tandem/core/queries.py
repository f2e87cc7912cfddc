"""Reads for the core app: organisations administered by a user, their members and invitations."""

from __future__ import annotations

import hashlib

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from tandem.core.models import Invitation, Membership, Organisation, User
from tandem.core.roles import Role
from tandem.core.scoping import has_role, organisations_with_role


def administered_organisations(user: User) -> QuerySet[Organisation]:
    """Organisations in which the user is an organisation administrator."""
    return Organisation.objects.filter(pk__in=organisations_with_role(user, Role.ORG_ADMIN))


def access_administered_organisation(user: User, organisation_id: int) -> Organisation:
    """The organisation, if the user administers it; 404 for any other, existing or not."""
    if not has_role(user, organisation_id, Role.ORG_ADMIN):
        raise Http404
    try:
        return Organisation.objects.get(pk=organisation_id)
    except Organisation.DoesNotExist:
        raise Http404 from None


def members_of(organisation: Organisation) -> QuerySet[Membership]:
    return organisation.memberships.select_related("user").order_by("user__last_name", "user__username")


def access_membership(user: User, organisation_id: int, membership_id: int) -> Membership:
    organisation = access_administered_organisation(user, organisation_id)
    try:
        return organisation.memberships.select_related("user", "organisation").get(pk=membership_id)
    except Membership.DoesNotExist:
        raise Http404 from None


def open_invitations(organisation: Organisation) -> QuerySet[Invitation]:
    return organisation.invitations.filter(
        accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
    )


def access_invitation_for_admin(user: User, organisation_id: int, invitation_id: int) -> Invitation:
    organisation = access_administered_organisation(user, organisation_id)
    try:
        return open_invitations(organisation).get(pk=invitation_id)
    except Invitation.DoesNotExist:
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
