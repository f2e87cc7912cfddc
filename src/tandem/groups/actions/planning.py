"""Planning: facilitators' profiles and notes, a group with its schedule and team, cover for one
session, and moving one session. The co-facilitation rule (``rules/cofacilitation.py``) is
checked when a group is planned and whenever a session's team changes; going ahead without it
needs a reason, which is kept on the group or the session and counted in the fidelity figures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _, to_locale

from tandem.core import audit, clock
from tandem.core.audit import AuditContext
from tandem.core.models import Organisation, User
from tandem.core.policy import has_role
from tandem.core.roles import Role
from tandem.core.versions import save_if_unchanged
from tandem.groups import queries
from tandem.groups.actions import PLANNERS, GroupRefused, StaleRecord, checked_text, require_role
from tandem.groups.models import (
    FacilitatorNote,
    FacilitatorProfile,
    Group,
    GroupFacilitator,
    GroupSession,
    GroupState,
    Intake,
    SessionFacilitator,
    SessionState,
)
from tandem.groups.rules import cofacilitation, curriculum as curricula, schedule
from tandem.groups.rules.cofacilitation import Gender, Overridden, Refused

MAX_CAPACITY = 20
EARLIEST_DATE = date(2000, 1, 1)


# --- Facilitators ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ProfileDetails:
    gender: str
    trained_on: date | None = None
    certified_on: date | None = None
    active: bool = True


def _check_profile(details: ProfileDetails) -> None:
    errors: dict[str, str] = {}
    if details.gender not in Gender.values:
        errors["gender"] = _("Choose one of the options.")
    today = clock.today()
    for field in ("trained_on", "certified_on"):
        value = getattr(details, field)
        if value is not None and not EARLIEST_DATE <= value <= today:
            errors[field] = _("Give a date between %(start)s and today.") % {"start": EARLIEST_DATE.year}
    if details.trained_on and details.certified_on and details.certified_on < details.trained_on:
        errors["certified_on"] = _("Certification comes after the training: give a date on or after it.")
    if errors:
        raise ValidationError(errors)


def save_facilitator(
    *,
    organisation: Organisation,
    person: User,
    details: ProfileDetails,
    expected_version: int,
    acting_user: User,
    context: AuditContext | None = None,
) -> FacilitatorProfile:
    """Record or change a member of staff's facilitator profile (``expected_version`` 0 for a
    new one). She must be one of the provider's facilitators or coordinators."""
    existing = queries.profile_of(person, organisation.pk)
    record = existing or FacilitatorProfile(organisation=organisation, user=person)
    require_role(
        acting_user, organisation.pk, PLANNERS, record if existing else organisation, context, what="facilitator"
    )
    if not has_role(person, organisation.pk, Role.FACILITATOR, Role.COORDINATOR):
        raise ValidationError({"person": _("Choose one of the programme's facilitators or coordinators.")})
    _check_profile(details)
    changes = {
        "gender": details.gender,
        "trained_on": details.trained_on,
        "certified_on": details.certified_on,
        "active": details.active,
    }
    with transaction.atomic():
        if existing is None:
            if expected_version != 0:
                raise StaleRecord(_("Someone else changed this record meanwhile. Open it again."), rule="version")
            try:
                with transaction.atomic():
                    record = FacilitatorProfile.objects.create(organisation=organisation, user=person, **changes)
            except IntegrityError:
                raise StaleRecord(
                    _("Someone else recorded this facilitator meanwhile. Open it again."), rule="version"
                ) from None
        elif not save_if_unchanged(record, expected_version, **changes):
            raise StaleRecord(_("Someone else changed this record meanwhile. Open it again."), rule="version")
        if not details.active:
            from tandem.groups.actions.feeds import stop_feeds_of

            stop_feeds_of(record)
        audit.record(
            "groups.facilitator.saved",
            actor=acting_user,
            obj=record,
            organisation=organisation.pk,
            compartment=FacilitatorProfile.compartment,
            context=context,
            detail={"gender": details.gender, "active": details.active},
        )
    return record


def add_facilitator_note(
    *,
    profile: FacilitatorProfile,
    kind: str,
    text: str,
    acting_user: User,
    context: AuditContext | None = None,
) -> FacilitatorNote:
    require_role(acting_user, profile.organisation_id, PLANNERS, profile, context, what="facilitator_note")
    if kind not in ("supervision", "continuity"):
        raise ValidationError({"kind": _("Choose one of the options.")})
    body = checked_text(text, "text", required=True, message=_("Write the note."))
    with transaction.atomic():
        note = FacilitatorNote.objects.create(
            facilitator=profile, kind=kind, text=body, written_by=acting_user, written_at=clock.now()
        )
        audit.record(
            "groups.facilitator_note.added",
            actor=acting_user,
            obj=note,
            organisation=profile.organisation_id,
            compartment=FacilitatorNote.compartment,
            context=context,
            detail={"kind": kind},
        )
    return note


# --- A group ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class GroupPlan:
    name: str
    curriculum: str
    intake: str
    venue: str
    weekday: int
    start_time: time
    start_date: date
    capacity: int
    language: str
    programme_id: int | None = None


def _check_plan(plan: GroupPlan) -> curricula.Curriculum:
    errors: dict[str, str] = {}
    if not plan.name.strip():
        errors["name"] = _("Give the group a name the staff will recognise.")
    elif len(plan.name) > 120:
        errors["name"] = _("At most %(count)s characters.") % {"count": 120}
    if not plan.venue.strip():
        errors["venue"] = _("Say where the group meets.")
    elif len(plan.venue) > 200:
        errors["venue"] = _("At most %(count)s characters.") % {"count": 200}
    if plan.intake not in Intake.values:
        errors["intake"] = _("Choose one of the options.")
    if not 0 <= plan.weekday <= schedule.SUNDAY:
        errors["weekday"] = _("Choose one of the options.")
    if not 1 <= plan.capacity <= MAX_CAPACITY:
        errors["capacity"] = _("Give a number of places between 1 and %(max)s.") % {"max": MAX_CAPACITY}
    today = clock.today()
    if not today - timedelta(days=366) <= plan.start_date <= today + timedelta(days=3 * 366):
        errors["start_date"] = _("Give a first week within a year before today and three years after it.")
    found: curricula.Curriculum | None = None
    if plan.curriculum not in curricula.curriculum_files():
        errors["curriculum"] = _("Choose one of the curricula.")
    else:
        found = curricula.shipped_curriculum(plan.curriculum)
        if to_locale(plan.language) not in found.languages:
            errors["language"] = _("Choose a language the curriculum is written in.")
    if errors or found is None:
        raise ValidationError(errors)
    return found


def _team(organisation_id: int, facilitator_ids: list[int]) -> list[FacilitatorProfile]:
    profiles = list(queries.active_facilitators_of(organisation_id).filter(pk__in=facilitator_ids))
    if len(profiles) != len(set(facilitator_ids)):
        raise ValidationError({"facilitators": _("Choose facilitators of this programme.")})
    return profiles


def _decide_team(profiles: list[FacilitatorProfile], override: bool, reason: str) -> str:
    """The override reason to keep ("" when the rule is met), or the refusal naming the rule."""
    decision = cofacilitation.check_cofacilitation(queries.as_rule_team(profiles), override=override, reason=reason)
    if isinstance(decision, Refused):
        if decision.breaches[-1].rule == cofacilitation.OVERRIDE_REASON:
            # Going ahead was chosen and only the reason is missing: said beside its field.
            raise ValidationError({"override_reason": decision.breaches[0].message})
        raise GroupRefused([breach.message for breach in decision.breaches], rule=decision.breaches[0].rule)
    if isinstance(decision, Overridden):
        return checked_text(decision.reason, "override_reason")
    return ""


def plan_group(
    *,
    organisation: Organisation,
    plan: GroupPlan,
    facilitator_ids: list[int],
    acting_user: User,
    override: bool = False,
    override_reason: str = "",
    context: AuditContext | None = None,
) -> Group:
    """Plan a group: its schedule from the curriculum (public holidays of the provider's country
    skipped), its team for every session, refused when the team breaks the co-facilitation
    rule unless the coordinator goes ahead with a reason."""
    require_role(acting_user, organisation.pk, PLANNERS, organisation, context, what="group")
    curriculum = _check_plan(plan)
    if plan.programme_id is not None:
        from tandem.mapping.models import Programme

        if not Programme.objects.filter(pk=plan.programme_id, provider_id=organisation.pk).exists():
            raise ValidationError({"programme": _("Choose one of this provider's programmes.")})
    profiles = _team(organisation.pk, facilitator_ids)
    reason = _decide_team(profiles, override, override_reason)
    country = organisation.country.code if organisation.country_id else None  # type: ignore[union-attr]
    planned = schedule.plan_sessions(
        start_date=plan.start_date,
        weekday=plan.weekday,
        local_time=plan.start_time,
        count=len(curriculum.sessions),
        duration=timedelta(minutes=curriculum.sessions[0].duration),
        country_code=country,
    )
    with transaction.atomic():
        group = Group.objects.create(
            organisation=organisation,
            programme_id=plan.programme_id,
            name=plan.name.strip(),
            curriculum=curriculum.name,
            intake=plan.intake,
            venue=plan.venue.strip(),
            weekday=plan.weekday,
            start_time=plan.start_time,
            start_date=plan.start_date,
            capacity=plan.capacity,
            language=plan.language,
            override_reason=reason,
            created_by=acting_user,
            created_at=clock.now(),
        )
        GroupFacilitator.objects.bulk_create(GroupFacilitator(group=group, facilitator=p) for p in profiles)
        sessions = GroupSession.objects.bulk_create(
            GroupSession(
                group=group,
                number=session.number,
                start=session.start,
                end=session.start + timedelta(minutes=curriculum.sessions[session.number - 1].duration),
                override_reason=reason,
            )
            for session in planned.sessions
        )
        if not all(session.pk for session in sessions):
            sessions = queries.plain_sessions_of(group)
        SessionFacilitator.objects.bulk_create(
            SessionFacilitator(session=session, facilitator=p) for session in sessions for p in profiles
        )
        audit.record(
            "groups.group.planned",
            actor=acting_user,
            obj=group,
            organisation=organisation.pk,
            compartment=Group.compartment,
            context=context,
            detail={
                "sessions": len(sessions),
                "skipped_holidays": [str(day.day) for day in planned.skipped],
                "overridden": bool(reason),
            },
        )
    return group


def set_session_team(
    *,
    session: GroupSession,
    facilitator_ids: list[int],
    expected_version: int,
    acting_user: User,
    override: bool = False,
    override_reason: str = "",
    context: AuditContext | None = None,
) -> GroupSession:
    """Change who runs one session (cover for an absent facilitator): the rule is checked again
    for the new team; a facilitator outside the group's planned team is recorded as cover."""
    group = session.group
    require_role(acting_user, group.organisation_id, PLANNERS, session, context, what="session_team")
    if session.state != SessionState.PLANNED:
        raise GroupRefused(_("This session is already recorded; its team can no longer change."), rule="recorded")
    profiles = _team(group.organisation_id, facilitator_ids)
    reason = _decide_team(profiles, override, override_reason)
    planned_team = {profile.pk for profile in queries.team_of(group)}
    with transaction.atomic():
        if not save_if_unchanged(session, expected_version, override_reason=reason):
            raise StaleRecord(_("Someone else changed this session meanwhile. Open it again."), rule="version")
        SessionFacilitator.objects.filter(session=session).delete()
        SessionFacilitator.objects.bulk_create(
            SessionFacilitator(session=session, facilitator=p, cover=p.pk not in planned_team) for p in profiles
        )
        audit.record(
            "groups.session.team_changed",
            actor=acting_user,
            obj=session,
            organisation=group.organisation_id,
            compartment=GroupSession.compartment,
            context=context,
            detail={"facilitators": sorted(p.pk for p in profiles), "overridden": bool(reason)},
        )
    return session


def move_session(
    *,
    session: GroupSession,
    new_start: datetime,
    expected_version: int,
    acting_user: User,
    context: AuditContext | None = None,
) -> GroupSession:
    """Move one session, and only that one; refused when it would break the curriculum's order."""
    group = session.group
    require_role(acting_user, group.organisation_id, PLANNERS, session, context, what="session_move")
    if session.state != SessionState.PLANNED:
        raise GroupRefused(_("This session is already recorded; it can no longer move."), rule="recorded")
    others = [schedule.PlannedSession(number=s.number, start=s.start, end=s.end) for s in queries.schedule_of(group)]
    if not any(planned.number == session.number for planned in others):
        others.append(schedule.PlannedSession(number=session.number, start=session.start, end=session.end))
    today = clock.today()
    if not group.start_date - timedelta(days=7) <= new_start.date() <= today + timedelta(days=3 * 366):
        raise ValidationError({"start": _("Choose a day between the group's first week and three years from today.")})
    country = group.organisation.country.code if group.organisation.country_id else None  # type: ignore[union-attr]
    result = schedule.move_session(others, session.number, new_start, country_code=country)
    if isinstance(result, schedule.MoveRefused):
        raise ValidationError({"start": result.message})
    before = session.start
    with transaction.atomic():
        if not save_if_unchanged(session, expected_version, start=result.session.start, end=result.session.end):
            raise StaleRecord(_("Someone else changed this session meanwhile. Open it again."), rule="version")
        audit.record(
            "groups.session.moved",
            actor=acting_user,
            obj=session,
            organisation=group.organisation_id,
            compartment=GroupSession.compartment,
            context=context,
            detail={"from": before.isoformat(), "to": result.session.start.isoformat()},
        )
    return session


def set_group_state(group: Group) -> None:
    """Running from its first recorded session, finished when none is left to record. Called in
    the transaction of the action that recorded a session."""
    states = queries.session_states(group)
    if SessionState.PLANNED not in states:
        target = GroupState.FINISHED
    elif states - {SessionState.PLANNED}:
        target = GroupState.RUNNING
    else:
        target = GroupState.PLANNED
    if group.state not in (GroupState.CANCELLED, target):
        Group._base_manager.filter(pk=group.pk).update(state=target)
        group.state = target
