"""A facilitator's calendar address: a secret URL from which her calendar app reads her own
sessions and catch-ups. Only she makes it, since the secret is shown to whoever makes it and
opens her timetable; she or a coordinator of the provider stops it (a coordinator does when
she leaves, or when the address may have been seen by someone else). Only a hash of the
secret is kept, as for invitations."""

from __future__ import annotations

import secrets
from typing import NoReturn

from django.db import transaction
from django.utils.translation import gettext as _

from tandem.core import audit, clock
from tandem.core.audit import AuditContext
from tandem.core.models import User
from tandem.core.policy import has_role
from tandem.core.queries import hash_token
from tandem.core.roles import Action, Role
from tandem.core.scoping import record_denied
from tandem.groups import queries
from tandem.groups.actions import RECORDERS, GroupRefused
from tandem.groups.models import CalendarFeed, FacilitatorProfile


def _refuse(acting_user: User, profile: FacilitatorProfile, context: AuditContext | None, message: str) -> NoReturn:
    """Refuse on the record: an attempt on someone else's calendar is worth knowing about."""
    if any(has_role(acting_user, profile.organisation_id, role) for role in Role):
        audit.record(
            "groups.calendar_feed.refused",
            actor=acting_user,
            obj=profile,
            organisation=profile.organisation_id,
            compartment=FacilitatorProfile.compartment,
            context=context,
            detail={"rule": "role"},
        )
    else:
        record_denied(
            acting_user, FacilitatorProfile, profile.pk, Action.CHANGE, context, detail={"step": "calendar_feed"}
        )
    raise GroupRefused(message, rule="role")


def stop_feeds_of(profile: FacilitatorProfile) -> int:
    """A facilitator who no longer runs sessions: her calendar address stops for good (made
    active again, she makes a new one)."""
    return _stop_live_feeds(profile)


def _stop_live_feeds(profile: FacilitatorProfile) -> int:
    return CalendarFeed._base_manager.filter(facilitator_id=profile.pk, revoked_at__isnull=True).update(
        revoked_at=clock.now()
    )


def make_feed(*, profile: FacilitatorProfile, acting_user: User, context: AuditContext | None = None) -> str:
    """Make the facilitator's calendar address, stopping any address she had before, and
    return its secret; it is not kept and cannot be shown again. Only she may make it: a
    coordinator who made it would hold the secret to her timetable."""
    if acting_user.pk != profile.user_id:
        _refuse(
            acting_user, profile, context, _("Only the person whose sessions it shows can make a calendar address.")
        )
    if not has_role(acting_user, profile.organisation_id, *RECORDERS):
        _refuse(acting_user, profile, context, _("Only the programme's facilitators and coordinators can do this."))
    if not profile.active:
        raise GroupRefused(
            _("Your facilitator profile says you no longer run groups here: there are no sessions to subscribe to."),
            rule="inactive",
        )
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        # Two requests at once must not leave two live addresses.
        queries.lock_profile(profile)
        stopped = _stop_live_feeds(profile)
        feed = CalendarFeed.objects.create(facilitator=profile, token_hash=hash_token(token), created_at=clock.now())
        audit.record(
            "groups.calendar_feed.made",
            actor=acting_user,
            obj=feed,
            organisation=profile.organisation_id,
            compartment=CalendarFeed.compartment,
            context=context,
            detail={"facilitator": profile.pk, "replaced": stopped},
        )
    return token


def revoke_feed(*, profile: FacilitatorProfile, acting_user: User, context: AuditContext | None = None) -> bool:
    """Stop the facilitator's calendar address: by herself, or by a coordinator of the provider.
    False when she had none (nothing changes, nothing is recorded)."""
    if acting_user.pk != profile.user_id and not has_role(acting_user, profile.organisation_id, Role.COORDINATOR):
        _refuse(
            acting_user,
            profile,
            context,
            _("Only the person whose sessions it shows or a coordinator of the programme can stop its address."),
        )
    with transaction.atomic():
        queries.lock_profile(profile)
        feed = queries.live_feed_of(profile)
        if feed is None:
            return False
        _stop_live_feeds(profile)
        audit.record(
            "groups.calendar_feed.revoked",
            actor=acting_user,
            obj=feed,
            organisation=profile.organisation_id,
            compartment=CalendarFeed.compartment,
            context=context,
            detail={"facilitator": profile.pk, "by_herself": acting_user.pk == profile.user_id},
        )
    return True
