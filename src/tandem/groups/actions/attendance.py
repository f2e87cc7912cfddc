"""Recording a session: whether it took place, and each man's attendance, in one form.

The form is sent with the session's version and a submission key made when the form was
drawn. The same form sent twice (the connection dropped after the first arrived) is recognised
by its key and changes nothing; a form drawn before someone else recorded the session is
refused with what they recorded, so nothing is overwritten unseen. Events are raised for what
changed, never for a submission: an unacceptable absence once, a concern for the partner once.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from tandem.core import audit, clock, events
from tandem.core.audit import AuditContext
from tandem.core.models import User
from tandem.groups import queries
from tandem.groups.actions import PLANNERS, RECORDERS, GroupRefused, StaleRecord, checked_text, require_role
from tandem.groups.actions.planning import set_group_state
from tandem.groups.models import (
    Attendance,
    CatchUp,
    CatchUpState,
    FacilitatorProfile,
    GroupSession,
    Membership,
    MembershipState,
    SessionState,
)
from tandem.groups.rules import attendance as rules
from tandem.groups.rules.attendance import Code

UNACCEPTABLE_ABSENCE = "attendance.unacceptable_absence"
PARTNER_CONCERN = "attendance.partner_concern"
ABSENCE_WITHDRAWN = "attendance.absence_withdrawn"


class AlreadyRecorded(StaleRecord):
    """The session was recorded by someone else after this form was drawn."""

    def __init__(self, message: str, session: GroupSession) -> None:
        super().__init__(message, rule="version")
        self.session = session


@dataclass(frozen=True)
class Mark:
    membership_id: int
    code: str
    note: str = ""
    concern: bool = False
    concern_note: str = ""


def _check_marks(marks: list[Mark], expected: dict[int, Membership]) -> None:
    errors: dict[str, list[str]] = {}
    seen: set[int] = set()
    for mark in marks:
        field = f"m{mark.membership_id}"
        if mark.membership_id not in expected or mark.membership_id in seen:
            errors.setdefault("__all__", []).append(
                _("The form lists a man who is not in this session. Open it again.")
            )
            continue
        seen.add(mark.membership_id)
        if mark.code not in Code.values:
            errors.setdefault(f"{field}_code", []).append(_("Choose his attendance."))
        if mark.concern and not mark.concern_note.strip():
            errors.setdefault(f"{field}_concern_note", []).append(
                _("Say what gives concern, so that the coordinator can act on it.")
            )
        for suffix, value in (("note", mark.note), ("concern_note", mark.concern_note)):
            if len(value) > 10_000:
                errors.setdefault(f"{field}_{suffix}", []).append(
                    _("At most %(count)s characters.") % {"count": 10_000}
                )
    for missing in sorted(set(expected) - seen):
        errors.setdefault(f"m{missing}_code", []).append(_("Choose his attendance."))
    if errors:
        raise ValidationError(errors)


def record_session(
    *,
    session: GroupSession,
    held: bool,
    marks: list[Mark],
    expected_version: int,
    submission: uuid.UUID | None,
    acting_user: User,
    context: AuditContext | None = None,
) -> bool:
    """Record the session; False when this very form was already recorded (nothing changes)."""
    group = session.group
    require_role(acting_user, group.organisation_id, RECORDERS, session, context, what="session")
    if submission is not None and session.submission == submission:
        return False
    if session.start > clock.now():
        raise GroupRefused(_("This session has not begun yet. Record it once it has taken place."), rule="future")
    expected = {m.pk: m for m in queries.members_at(session)}
    if held:
        _check_marks(marks, expected)
    elif any(rules.raises_events(row.code, row.concern) for row in queries.attendance_at(session).values()):
        # A concern or an unacceptable absence has already been acted on (the partner's side,
        # the referrer's report): it is corrected man by man, never wiped out with the session.
        raise GroupRefused(
            _(
                "This session's record holds a concern for a partner's safety or an unacceptable absence, "
                "which others have already acted on. Correct the men's marks instead of recording that the "
                "session did not take place."
            ),
            rule="acted_on",
        )
    with transaction.atomic():
        state = SessionState.HELD if held else SessionState.CANCELLED
        now = clock.now()
        if not GroupSession._base_manager.filter(pk=session.pk, version=expected_version).update(
            version=expected_version + 1,
            state=state,
            submission=submission,
            recorded_by=acting_user,
            recorded_at=now,
        ):
            session.refresh_from_db()
            if submission is not None and session.submission == submission:
                return False
            if session.recorded_by_id == acting_user.pk:
                message = _(
                    "You recorded this session from another page after you opened this form. That record is "
                    "shown below: check it and send this form again if it needs changing."
                )
            else:
                message = _(
                    "Someone else recorded this session after you opened the form. Their record is shown "
                    "below: check it and send yours again if it needs changing."
                )
            raise AlreadyRecorded(message, session)
        session.version, session.state, session.submission = expected_version + 1, state, submission
        session.recorded_by, session.recorded_at = acting_user, now
        before = queries.attendance_at(session)
        raised: list[tuple[str, Membership]] = []
        # A session recorded as not held keeps the men's rows (nothing counts them while it is
        # not held): recorded as held again, its record comes back as it was.
        for mark in marks if held else []:
            old = before.get(mark.membership_id)
            change = rules.change((old.code, old.concern) if old else None, (mark.code, mark.concern))
            values = {
                "code": mark.code,
                "note": checked_text(mark.note, f"m{mark.membership_id}_note"),
                "concern": mark.concern,
                "concern_note": checked_text(mark.concern_note, f"m{mark.membership_id}_concern_note"),
            }
            Attendance._base_manager.update_or_create(
                session=session, membership_id=mark.membership_id, defaults=values
            )
            membership = expected[mark.membership_id]
            if change.newly_unacceptable:
                raised.append((UNACCEPTABLE_ABSENCE, membership))
            if change.newly_concerned:
                raised.append((PARTNER_CONCERN, membership))
            if change.unacceptable_withdrawn:
                raised.append((ABSENCE_WITHDRAWN, membership))
        set_group_state(group)
        audit.record(
            "groups.session.recorded",
            actor=acting_user,
            obj=session,
            organisation=group.organisation_id,
            compartment=GroupSession.compartment,
            context=context,
            detail={"held": held, "men": len(marks) if held else 0, "events": [kind for kind, _m in raised]},
        )
        for kind, membership in raised:
            events.emit(
                kind,
                subject=membership.case,
                organisation=group.organisation_id,
                acting_user=acting_user,
                payload={"group": group.pk, "session": session.pk, "number": session.number},
            )
    return True


def plan_catch_up(
    *,
    membership: Membership,
    number: int,
    start: datetime,
    facilitator: FacilitatorProfile,
    acting_user: User,
    context: AuditContext | None = None,
) -> CatchUp:
    """Plan a man's catch-up of a curriculum session he missed, with one facilitator."""
    group = membership.group
    require_role(acting_user, group.organisation_id, PLANNERS, membership, context, what="catch_up")

    errors: dict[str, str] = {}
    if membership.state != MembershipState.ACTIVE:
        raise GroupRefused(_("He is no longer in this group."), rule="ended")
    if number not in queries.progress_of(group, [membership])[membership.pk].missed:
        errors["number"] = _(
            "Choose a session his group has held since he joined and that he has neither attended nor made up."
        )
    if not membership.joined_at - timedelta(days=1) <= start <= clock.now() + timedelta(days=366):
        errors["start"] = _("Choose a day after he joined the group and within a year from today.")
    if facilitator.organisation_id != group.organisation_id or not facilitator.active:
        errors["facilitator"] = _("Choose a facilitator of this programme.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        queries.lock_membership(membership)
        already = queries.planned_catch_up(membership, number)
        if already is not None:
            raise ValidationError(
                {
                    "number": _(
                        "A catch-up of session %(number)d is already planned for him on %(day)s. Record that one, "
                        "or choose another session."
                    )
                    % {"number": number, "day": date_format(timezone.localtime(already.start), "DATE_FORMAT")}
                }
            )
        catch_up = CatchUp.objects.create(
            membership=membership,
            number=number,
            start=start,
            facilitator=facilitator,
            planned_by=acting_user,
            planned_at=clock.now(),
        )
        audit.record(
            "groups.catch_up.planned",
            actor=acting_user,
            obj=catch_up,
            organisation=group.organisation_id,
            compartment=CatchUp.compartment,
            context=context,
            detail={"number": number},
        )
    return catch_up


def record_catch_up(
    *,
    catch_up: CatchUp,
    attended: bool,
    expected_version: int,
    acting_user: User,
    context: AuditContext | None = None,
) -> CatchUp:
    group = catch_up.membership.group
    require_role(acting_user, group.organisation_id, RECORDERS, catch_up, context, what="catch_up")
    if catch_up.start > clock.now():
        raise GroupRefused(_("This catch-up has not taken place yet."), rule="future")
    state = CatchUpState.ATTENDED if attended else CatchUpState.MISSED
    with transaction.atomic():
        if catch_up.state == state:
            return catch_up
        updated = CatchUp._base_manager.filter(pk=catch_up.pk, version=expected_version).update(
            version=expected_version + 1, state=state, recorded_at=clock.now()
        )
        if not updated:
            raise StaleRecord(_("Someone else recorded this catch-up meanwhile. Open it again."), rule="version")
        catch_up.state, catch_up.version = state, expected_version + 1
        audit.record(
            "groups.catch_up.recorded",
            actor=acting_user,
            obj=catch_up,
            organisation=group.organisation_id,
            compartment=CatchUp.compartment,
            context=context,
            detail={"attended": attended},
        )
    return catch_up
