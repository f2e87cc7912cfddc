"""Placing a man in a group, and the non-associations that keep two men apart.

Allocation is the man's start in the programme: it takes case work's "start in a group" step,
so every safety gate of that step (risk assessed, contact offered to the partner, the limits
explained to her) must pass, and it is refused, saying why, when a man already in the group is
one he must not meet there. The refusal tells the person allocating only what she may know of
the other man (``rules/nonassociation.refusal_messages``)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from tandem.cases import actions as case_actions
from tandem.cases.models import Case
from tandem.cases.rules.lifecycle import State
from tandem.core import audit, clock
from tandem.core.audit import AuditContext
from tandem.core.models import User
from tandem.core.roles import Role
from tandem.core.work import close_work, open_work
from tandem.groups import queries
from tandem.groups.actions import PLANNERS, GroupRefused, require_role
from tandem.groups.models import (
    Group,
    GroupState,
    Intake,
    Membership,
    MembershipState,
    NonAssociation,
)
from tandem.groups.rules import curriculum as curricula, nonassociation
from tandem.groups.rules.nonassociation import NonAssociationKind
from tandem.groups.work_rules import SEPARATE_MEN


def record_non_association(
    *,
    case: Case,
    other_case: Case,
    kind: str,
    acting_user: User,
    context: AuditContext | None = None,
) -> NonAssociation:
    require_role(acting_user, case.organisation_id, PLANNERS, case, context, what="non_association")
    if kind not in NonAssociationKind.values:
        raise ValidationError({"kind": _("Choose one of the options.")})
    if other_case.organisation_id != case.organisation_id or other_case.pk == case.pk:
        raise ValidationError({"other_case": _("Choose another man's case of this programme.")})
    # One record binds both men, whichever case it was recorded on.
    pairs = {frozenset((r.case_id, r.other_case_id)) for r in queries.non_associations_of(case)}
    if frozenset((case.pk, other_case.pk)) in pairs:
        raise ValidationError({"other_case": _("These two men are already to be kept apart.")})
    with transaction.atomic():
        record = NonAssociation.objects.create(
            case=case, other_case=other_case, kind=kind, recorded_by=acting_user, recorded_at=clock.now()
        )
        audit.record(
            "groups.non_association.recorded",
            actor=acting_user,
            obj=record,
            organisation=case.organisation_id,
            compartment=NonAssociation.compartment,
            context=context,
            detail={"case": case.pk, "other_case": other_case.pk, "kind": kind},
        )
        together = queries.shared_group(case.pk, other_case.pk)
        if together is not None:
            # Learnt after both were placed: the record stands, and the coordinators must act.
            open_work(
                rule=SEPARATE_MEN,
                organisation=together.organisation,
                subject=record,
                params={"case": case.pk, "other_case": other_case.pk, "group": together.pk, "name": together.name},
                team_role=Role.COORDINATOR,
                compartment=NonAssociation.compartment,
                acting_user=acting_user,
                context=context,
            )
    return record


def _first_session(group: Group, curriculum: curricula.Curriculum) -> int:
    """The session a man allocated now joins at: the first, in a group that has not begun; in
    a running rolling group, the next entry point not yet recorded."""
    recorded = queries.recorded_numbers(group)
    if not recorded:
        return 1
    if group.intake != Intake.ROLLING:
        raise GroupRefused(
            _(
                "This group has closed intake and has already begun. "
                "Choose a group that has not begun, or a rolling one."
            ),
            rule="closed_intake",
        )
    last = max(recorded)
    for point in curricula.entry_points(curriculum):
        if point > last:
            return point
    raise GroupRefused(
        _("This rolling group has no entry point left before it ends. Choose another group."), rule="no_entry_point"
    )


def allocate(
    *,
    case: Case,
    group: Group,
    expected_version: int,
    acting_user: User,
    context: AuditContext | None = None,
) -> Membership:
    """Place a waiting man in a group: he starts in the programme (case work's gates apply)."""
    require_role(acting_user, group.organisation_id, PLANNERS, group, context, what="allocation")
    if case.organisation_id != group.organisation_id:
        raise GroupRefused(_("Choose a group of the man's own programme."), rule="provider")
    if case.state != State.WAITING:
        raise GroupRefused(_("Only a man waiting for a group can be placed in one."), rule="state")
    if group.state not in (GroupState.PLANNED, GroupState.RUNNING):
        raise GroupRefused(_("This group takes no more men. Choose another group."), rule="group_state")
    members = queries.members_of(group, active_only=True)
    if len(members) >= group.capacity:
        raise GroupRefused(
            _("This group is full (%(places)d places). Choose another group, or wait for a place.")
            % {"places": group.capacity},
            rule="capacity",
        )
    found = nonassociation.conflicts(case.pk, [m.case_id for m in members], queries.non_associations_of(case))
    if found:
        visible = queries.other_cases_visible(acting_user, [conflict.other_case_id for conflict in found])
        audit.record(
            "groups.allocation.refused",
            actor=acting_user,
            obj=case,
            organisation=case.organisation_id,
            compartment=Case.compartment,
            context=context,
            detail={"group": group.pk, "rule": "non_association", "conflicts": len(found)},
        )
        raise GroupRefused(nonassociation.refusal_messages(found, visible=visible), rule="non_association")
    first = _first_session(group, queries.curriculum_of(group))
    case_actions.check_move(case=case, event="start_programme", acting_user=acting_user, context=context)
    with transaction.atomic():
        queries.lock_group(group)
        _check_again(case, group)
        case_actions.move_case(
            case=case,
            event="start_programme",
            expected_version=expected_version,
            acting_user=acting_user,
            context=context,
        )
        try:
            with transaction.atomic():
                membership = Membership.objects.create(
                    group=group, case=case, first_session=first, joined_at=clock.now(), allocated_by=acting_user
                )
        except IntegrityError:
            raise GroupRefused(_("This man is already in a group."), rule="already_placed") from None
        audit.record(
            "groups.allocation.made",
            actor=acting_user,
            obj=membership,
            organisation=group.organisation_id,
            compartment=Membership.compartment,
            context=context,
            detail={"group": group.pk, "case": case.pk, "first_session": first},
        )
    return membership


def _check_again(case: Case, group: Group) -> None:
    """Capacity and non-associations, read again under the group's lock: someone may have
    placed a man in the group since the first check."""
    members = queries.members_of(group, active_only=True)
    if len(members) >= group.capacity:
        raise GroupRefused(_("This group has just become full. Choose another group."), rule="capacity")
    if nonassociation.conflicts(case.pk, [m.case_id for m in members], queries.non_associations_of(case)):
        raise GroupRefused(
            _("A man just placed in this group must be kept apart from this man. Choose another group."),
            rule="non_association",
        )


def end_membership(case: Case, ended_as: str) -> int:
    """The man's case ended (completed, excluded, dropped out, transferred): he leaves his
    group, and no man must be kept apart from him there any more. For the handler of case
    work's events; doing it twice changes nothing."""
    with transaction.atomic():
        ended = Membership._base_manager.filter(case_id=case.pk, state=MembershipState.ACTIVE).update(
            state=MembershipState.ENDED, ended_as=ended_as, ended_at=clock.now()
        )
        for record in queries.non_association_records_of(case.pk):
            close_work(rule=SEPARATE_MEN, subject=record, fulfilled_by="groups.membership.ended", acting_user=None)
    return ended
