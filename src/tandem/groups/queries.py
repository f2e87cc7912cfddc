"""Reads of group work, through ``core``'s policy: ``access_*`` fetch one record for a person or
answer 404 (and record the refused attempt); ``get_*`` and the facts read without a check, for
the actions and for case work's gates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404

from tandem.cases.models import Case
from tandem.cases.rules.lifecycle import State
from tandem.core import clock
from tandem.core.audit import AuditContext
from tandem.core.models import Membership as OrganisationMembership
from tandem.core.policy import has_role
from tandem.core.queries import hash_token
from tandem.core.roles import Action, OrganisationKind, Role
from tandem.core.scoping import access
from tandem.groups.models import (
    Attendance,
    CalendarFeed,
    CatchUp,
    CatchUpState,
    FacilitatorNote,
    FacilitatorProfile,
    Group,
    GroupFacilitator,
    GroupSession,
    GroupState,
    Membership,
    MembershipState,
    NonAssociation,
    SessionFacilitator,
    SessionState,
)
from tandem.groups.rules import attendance as attendance_rules, curriculum as curricula, nonassociation
from tandem.groups.rules.cofacilitation import Facilitator

# --- One record, for a person ------------------------------------------------------------------


def access_group(
    user: Any, group_id: Any, *, action: Action = Action.VIEW, context: AuditContext | None = None
) -> Group:
    return access(Group, user, group_id, action=action, context=context)


def access_session(
    user: Any, group: Group, session_id: Any, *, action: Action = Action.VIEW, context: AuditContext | None = None
) -> GroupSession:
    return access(
        GroupSession,
        user,
        session_id,
        action=action,
        context=context,
        queryset=GroupSession.objects.filter(group_id=group.pk).select_related("group", "recorded_by"),
    )


def access_session_in(
    user: Any, group_id: Any, session_id: Any, *, action: Action = Action.VIEW, context: AuditContext | None = None
) -> GroupSession:
    """A session by its group's and its own number in the address, in one query (its group
    with it): the page a facilitator opens every week."""
    return access(
        GroupSession,
        user,
        session_id,
        action=action,
        context=context,
        queryset=GroupSession.objects.filter(group_id=group_id).select_related("group", "recorded_by"),
    )


def access_membership(
    user: Any, group: Group, membership_id: Any, *, action: Action = Action.VIEW, context: AuditContext | None = None
) -> Membership:
    return access(
        Membership,
        user,
        membership_id,
        action=action,
        context=context,
        queryset=Membership.objects.filter(group_id=group.pk).select_related("case__participant"),
    )


def access_catch_up(
    user: Any, group: Group, catch_up_id: Any, *, action: Action = Action.VIEW, context: AuditContext | None = None
) -> CatchUp:
    return access(
        CatchUp,
        user,
        catch_up_id,
        action=action,
        context=context,
        queryset=CatchUp.objects.filter(membership__group_id=group.pk).select_related("membership"),
    )


def access_facilitator(
    user: Any, profile_id: Any, *, action: Action = Action.VIEW, context: AuditContext | None = None
) -> FacilitatorProfile:
    return access(
        FacilitatorProfile,
        user,
        profile_id,
        action=action,
        context=context,
        queryset=FacilitatorProfile.objects.select_related("user"),
    )


# --- Lists --------------------------------------------------------------------------------------


def groups_visible_to(user: Any, *, state: str = "") -> QuerySet[Group]:
    found: QuerySet[Group] = Group.objects.visible_to(user)
    if state:
        found = found.filter(state=state)
    return found.annotate(
        member_count=Count("members", filter=Q(members__state=MembershipState.ACTIVE), distinct=True)
    ).order_by("state", "start_date", "pk")


def facilitators_of(organisation_id: int) -> QuerySet[FacilitatorProfile]:
    return (
        FacilitatorProfile._base_manager.filter(organisation_id=organisation_id)
        .select_related("user")
        .order_by("user__first_name", "user__last_name", "pk")
    )


def active_facilitators_of(organisation_id: int) -> QuerySet[FacilitatorProfile]:
    return facilitators_of(organisation_id).filter(active=True)


def profile_of(user: Any, organisation_id: int) -> FacilitatorProfile | None:
    return FacilitatorProfile._base_manager.filter(organisation_id=organisation_id, user_id=user.pk).first()


def profiles_of_user(user: Any) -> QuerySet[FacilitatorProfile]:
    """The person's own facilitator profiles, one per provider she runs groups for."""
    return FacilitatorProfile._base_manager.filter(user_id=user.pk).select_related("user")


def notes_about(user: Any, profile: FacilitatorProfile) -> list[FacilitatorNote]:
    """Supervision and continuity notes about a facilitator: for the provider's coordinators and
    for herself, never for her colleagues."""
    if profile.user_id != user.pk and not has_role(user, profile.organisation_id, Role.COORDINATOR):
        return []
    return list(FacilitatorNote._base_manager.filter(facilitator_id=profile.pk).select_related("written_by"))


def waitlist(user: Any) -> QuerySet[Case]:
    """The men the person may see who are suitable and wait for a group, longest waiting first."""
    return (
        Case.objects.visible_to(user)
        .filter(state=State.WAITING)
        .select_related("participant")
        .order_by("state_since", "pk")
    )


def open_groups_for(case: Case) -> QuerySet[Group]:
    """The provider's groups a man may still be placed in: planned, or running with rolling intake."""
    return (
        Group._base_manager.filter(organisation_id=case.organisation_id)
        .filter(Q(state=GroupState.PLANNED) | Q(state=GroupState.RUNNING, intake="rolling"))
        .annotate(member_count=Count("members", filter=Q(members__state=MembershipState.ACTIVE), distinct=True))
        .order_by("start_date", "pk")
    )


# --- A group's parts ---------------------------------------------------------------------------


def curriculum_of(group: Group) -> curricula.Curriculum:
    return curricula.shipped_curriculum(group.curriculum)


def sessions_of(group: Group) -> list[GroupSession]:
    return list(
        GroupSession._base_manager.filter(group_id=group.pk)
        .prefetch_related("facilitators__facilitator__user")
        .order_by("number")
    )


def team_of(group: Group) -> list[FacilitatorProfile]:
    return [
        row.facilitator
        for row in GroupFacilitator._base_manager.filter(group_id=group.pk).select_related("facilitator__user")
    ]


def session_team(session: GroupSession) -> list[SessionFacilitator]:
    return list(
        SessionFacilitator._base_manager.filter(session_id=session.pk)
        .select_related("facilitator__user")
        .order_by("cover", "pk")
    )


def as_rule_team(profiles: list[FacilitatorProfile]) -> list[Facilitator]:
    return [Facilitator(person_id=profile.pk, gender=profile.gender) for profile in profiles]  # type: ignore[arg-type]


def members_of(group: Group, *, active_only: bool = False) -> list[Membership]:
    found = Membership._base_manager.filter(group_id=group.pk).select_related("case__participant")
    if active_only:
        found = found.filter(state=MembershipState.ACTIVE)
    return list(found.order_by("state", "joined_at", "pk"))


def members_at(session: GroupSession) -> list[Membership]:
    """The men expected at a session: in the group by its number, and not gone before it began."""
    return list(
        Membership._base_manager.filter(group_id=session.group_id, first_session__lte=session.number)
        .filter(Q(state=MembershipState.ACTIVE) | Q(ended_at__gt=session.start))
        .select_related("case__participant")
        # Only what the attendance form shows: a man's case holds many encrypted fields, and a
        # session's page should not decrypt them all for a name.
        .only(
            "group_id",
            "case_id",
            "first_session",
            "joined_at",
            "state",
            "ended_at",
            "case__participant_id",
            "case__participant__name",
        )
        .order_by("joined_at", "pk")
    )


def attendance_at(session: GroupSession) -> dict[int, Attendance]:
    """The session's attendance by membership."""
    return {row.membership_id: row for row in Attendance._base_manager.filter(session_id=session.pk)}


def catch_ups_of(group: Group) -> list[CatchUp]:
    return list(
        CatchUp._base_manager.filter(membership__group_id=group.pk)
        .select_related("membership__case__participant", "facilitator__user")
        .order_by("start", "pk")
    )


@dataclass(frozen=True)
class MemberProgress:
    membership: Membership
    dosage: curricula.Dosage
    completes: bool
    missing_catch_ups: list[curricula.Session]
    tally: attendance_rules.Tally
    missed: frozenset[int] = frozenset()  # held since he joined, neither attended nor made up


def progress_of(group: Group, memberships: list[Membership]) -> dict[int, MemberProgress]:
    """Each man's dosage and record in the group, by membership, in two queries."""
    curriculum = curriculum_of(group)
    codes: dict[int, dict[int, str]] = {m.pk: {} for m in memberships}
    for membership_id, number, code in Attendance._base_manager.filter(
        membership_id__in=codes, session__state=SessionState.HELD
    ).values_list("membership_id", "session__number", "code"):
        codes[membership_id][number] = code
    made_up: dict[int, set[int]] = {m.pk: set() for m in memberships}
    for membership_id, number in CatchUp._base_manager.filter(
        membership_id__in=codes, state=CatchUpState.ATTENDED
    ).values_list("membership_id", "number"):
        made_up[membership_id].add(number)
    held = set(
        GroupSession._base_manager.filter(group_id=group.pk, state=SessionState.HELD).values_list("number", flat=True)
    )
    found: dict[int, MemberProgress] = {}
    for membership in memberships:
        counted = attendance_rules.sessions_counted(codes[membership.pk], made_up[membership.pk])
        counted = frozenset(number for number in counted if 1 <= number <= len(curriculum.sessions))
        # What he can make up: the sessions his group has held since he joined, that he missed.
        missed = frozenset(
            number
            for number in held
            if membership.first_session <= number <= len(curriculum.sessions) and number not in counted
        )
        found[membership.pk] = MemberProgress(
            membership=membership,
            dosage=curricula.dosage(curriculum, counted),
            completes=curricula.completes(curriculum, counted),
            missing_catch_ups=[
                session for session in curricula.missed_catch_ups(curriculum, counted) if session.number in missed
            ],
            missed=missed,
            tally=attendance_rules.tally(codes[membership.pk].values()),
        )
    return found


def get_membership_of(case: Case) -> Membership | None:
    """The man's current place in a group, or the last one he had."""
    return (
        Membership._base_manager.filter(case_id=case.pk).select_related("group").order_by("-joined_at", "-pk").first()
    )


def short_of_dosage(case: Case) -> bool:
    """Case work's completion gate: a man in a group whose attendance does not yet meet its
    curriculum's rule. A man never placed in a group has no group dosage to fall short of."""
    membership = (
        Membership._base_manager.filter(case_id=case.pk, state=MembershipState.ACTIVE).select_related("group").first()
    )
    if membership is None:
        return False
    return not progress_of(membership.group, [membership])[membership.pk].completes


def attendance_status_for_referrer(case: Case) -> attendance_rules.Tally | None:
    """What a referrer reads of a man's group: how many sessions were held since he joined and
    how he attended them, in counts; never a note, a concern or another man."""
    membership = get_membership_of(case)
    if membership is None:
        return None
    return progress_of(membership.group, [membership])[membership.pk].tally


# --- Non-associations ---------------------------------------------------------------------------


def non_associations_of(case: Case) -> list[nonassociation.NonAssociation]:
    """Every non-association binding the man, whichever of the two cases holds it."""
    rows = NonAssociation._base_manager.filter(Q(case_id=case.pk) | Q(other_case_id=case.pk))
    return [
        nonassociation.NonAssociation(case_id=row.case_id, other_case_id=row.other_case_id, kind=row.kind)  # type: ignore[arg-type]
        for row in rows
    ]


@dataclass(frozen=True)
class RecordedNonAssociation:
    """A non-association as a reader of one man's case is told it: the other man by his case
    number, and by name only when she may see his case."""

    other_case_id: int
    other_name: str
    kind: str
    recorded_at: datetime


def recorded_non_associations(user: Any, case: Case) -> list[RecordedNonAssociation]:
    """The non-associations recorded on or about a case, for a reader already let into it."""
    rows = list(
        NonAssociation._base_manager.filter(Q(case_id=case.pk) | Q(other_case_id=case.pk)).order_by("recorded_at", "pk")
    )
    others = [row.other_case_id if row.case_id == case.pk else row.case_id for row in rows]
    visible = other_cases_visible(user, others)
    return [
        RecordedNonAssociation(
            other_case_id=other,
            other_name=visible[other].name if other in visible else "",
            kind=row.get_kind_display(),
            recorded_at=row.recorded_at,
        )
        for row, other in zip(rows, others, strict=True)
    ]


def non_association_records_of(case_id: int) -> list[NonAssociation]:
    """The records binding a man, for the actions that open and close the work they make."""
    return list(NonAssociation._base_manager.filter(Q(case_id=case_id) | Q(other_case_id=case_id)))


def pairs_kept_apart(members: list[Membership]) -> list[tuple[int, int]]:
    """Pairs of men in the group now who must be kept apart (recorded after both were placed)."""
    active = [m.case_id for m in members if m.state == MembershipState.ACTIVE]
    return sorted(
        NonAssociation._base_manager.filter(case_id__in=active, other_case_id__in=active)
        .values_list("case_id", "other_case_id")
        .distinct()
    )


def shared_group(case_id: int, other_case_id: int) -> Group | None:
    """The group both men are in now, if they are in one."""
    groups = {
        m.case_id: m.group
        for m in Membership._base_manager.filter(
            case_id__in=[case_id, other_case_id], state=MembershipState.ACTIVE
        ).select_related("group")
    }
    first, second = groups.get(case_id), groups.get(other_case_id)
    return first if first is not None and second is not None and first.pk == second.pk else None


def other_cases_visible(user: Any, case_ids: list[int]) -> dict[int, nonassociation.OtherCase]:
    """The cases among ``case_ids`` the reader may see, with what she may be told of them."""
    return {
        other.pk: nonassociation.OtherCase(name=other.participant.name, reference=f"#{other.pk}")
        for other in Case.objects.visible_to(user).filter(pk__in=case_ids).select_related("participant")
    }


# --- A facilitator's sessions --------------------------------------------------------------------


def sessions_run_by(profile: FacilitatorProfile, *, since: datetime | None = None) -> QuerySet[GroupSession]:
    found = GroupSession._base_manager.filter(facilitators__facilitator_id=profile.pk).select_related("group")
    if since is not None:
        found = found.filter(end__gte=since)
    return found.order_by("start", "pk")


def catch_ups_run_by(profile: FacilitatorProfile, *, since: datetime | None = None) -> QuerySet[CatchUp]:
    found = CatchUp._base_manager.filter(facilitator_id=profile.pk).select_related("membership__group")
    if since is not None:
        found = found.filter(start__gte=since)
    return found.order_by("start", "pk")


def upcoming_sessions_for(user: Any, *, limit: int = 10) -> list[GroupSession]:
    """The person's own next sessions, across the providers she runs groups for."""
    return list(
        GroupSession._base_manager.filter(facilitators__facilitator__user_id=user.pk, end__gte=clock.now())
        .exclude(state=SessionState.CANCELLED)
        .select_related("group")
        .order_by("start", "pk")[:limit]
    )


# --- Facilitators' pages and calendar feeds ------------------------------------------------------


def facilitators_visible_to(user: Any, *, since: datetime) -> QuerySet[FacilitatorProfile]:
    """The facilitators of the providers the person works in as programme staff, each with the
    number of sessions she ran that were held since ``since``."""
    found: QuerySet[FacilitatorProfile] = FacilitatorProfile.objects.visible_to(user)
    return (
        found.select_related("user", "organisation")
        .annotate(
            sessions_run=Count(
                "sessions",
                filter=Q(sessions__session__state=SessionState.HELD, sessions__session__start__gte=since),
            )
        )
        .order_by("organisation__name", "organisation_id", "user__first_name", "user__last_name", "pk")
    )


def staff_without_profile(organisation_ids: list[int]) -> list[OrganisationMembership]:
    """The providers' facilitators and coordinators who have no facilitator profile there yet,
    for a coordinator of those providers to choose from."""
    has_profile = FacilitatorProfile._base_manager.filter(
        organisation_id=OuterRef("organisation_id"), user_id=OuterRef("user_id")
    )
    return list(
        OrganisationMembership._base_manager.filter(
            organisation_id__in=organisation_ids,
            organisation__kind=OrganisationKind.PROGRAMME_PROVIDER,
            role__in=(Role.FACILITATOR, Role.COORDINATOR),
            user__is_active=True,
        )
        .exclude(Exists(has_profile))
        .select_related("user", "organisation")
        .order_by("organisation__name", "user__first_name", "user__last_name", "pk")
    )


def reads_notes_about(user: Any, profile: FacilitatorProfile) -> bool:
    """Whether the person reads the supervision and continuity notes about a facilitator (the
    rule of ``notes_about``): the provider's coordinators and she herself."""
    return profile.user_id == user.pk or has_role(user, profile.organisation_id, Role.COORDINATOR)


def upcoming_sessions_of(profile: FacilitatorProfile, *, limit: int = 10) -> list[GroupSession]:
    """The facilitator's next sessions at her provider that are still to take place."""
    return list(
        sessions_run_by(profile, since=clock.now())
        .exclude(state=SessionState.CANCELLED)
        .select_related("group")[:limit]
    )


def lock_profile(profile: FacilitatorProfile) -> None:
    """Hold the profile's row until the transaction ends, so that two changes of her calendar
    address cannot interleave."""
    FacilitatorProfile._base_manager.select_for_update().filter(pk=profile.pk).values_list("pk").first()


def live_feed_of(profile: FacilitatorProfile) -> CalendarFeed | None:
    return (
        CalendarFeed._base_manager.filter(facilitator_id=profile.pk, revoked_at__isnull=True)
        .order_by("-created_at", "-pk")
        .first()
    )


def live_feeds_of(profiles: list[FacilitatorProfile]) -> dict[int, CalendarFeed]:
    """The live calendar address of each profile that has one, by profile."""
    return {
        feed.facilitator_id: feed
        for feed in CalendarFeed._base_manager.filter(
            facilitator_id__in=[profile.pk for profile in profiles], revoked_at__isnull=True
        ).order_by("created_at", "pk")
    }


def feed_by_token(token: str) -> CalendarFeed:
    """The live calendar address whose secret is ``token``, with its facilitator. The address is
    the permission (a calendar app cannot sign in), so it answers 404 once it is stopped or
    replaced, and as soon as she no longer runs groups, her account is closed or she is no
    longer one of the provider's facilitators or coordinators."""
    feed = (
        CalendarFeed._base_manager.filter(token_hash=hash_token(token), revoked_at__isnull=True)
        .select_related("facilitator__user")
        .first()
    )
    if feed is None:
        raise Http404
    profile = feed.facilitator
    if not (
        profile.active
        and profile.user.is_active
        and has_role(profile.user, profile.organisation_id, Role.FACILITATOR, Role.COORDINATOR)
    ):
        raise Http404
    return feed


# --- For the actions, the handlers and the case page ------------------------------------------


def flagged_attendance(case: Case) -> list[Attendance]:
    """The man's unacceptable absences and the concerns raised about him in sessions, oldest first."""
    return list(
        Attendance._base_manager.filter(membership__case_id=case.pk, session__state=SessionState.HELD)
        .filter(Q(concern=True) | Q(code=attendance_rules.Code.UNACCEPTABLE_ABSENCE))
        .select_related("session__group")
        .order_by("session__start", "pk")
    )


def get_case(case_id: Any) -> Case | None:
    return Case._base_manager.filter(pk=case_id).first()


def recorded_numbers(group: Group) -> set[int]:
    """The numbers of the group's sessions already recorded, held or not."""
    return set(
        GroupSession._base_manager.filter(group_id=group.pk)
        .exclude(state=SessionState.PLANNED)
        .values_list("number", flat=True)
    )


def session_states(group: Group) -> set[str]:
    return set(GroupSession._base_manager.filter(group_id=group.pk).values_list("state", flat=True))


def schedule_of(group: Group) -> list[GroupSession]:
    """The group's sessions that are still to take place or took place, in order."""
    return list(
        GroupSession._base_manager.filter(group_id=group.pk).exclude(state=SessionState.CANCELLED).order_by("number")
    )


def plain_sessions_of(group: Group) -> list[GroupSession]:
    return list(GroupSession._base_manager.filter(group_id=group.pk).order_by("number"))


def other_open_cases(user: Any, case: Case, *, limit: int = 500) -> QuerySet[Case]:
    """The other open cases of the man's provider that the person may see, newest first."""
    return (
        Case.objects.visible_to(user)
        .filter(organisation_id=case.organisation_id)
        .exclude(pk=case.pk)
        .exclude(state=State.CLOSED)
        .select_related("participant")
        .order_by("-opened_at", "-pk")[:limit]
    )


def lock_group(group: Group) -> None:
    """Hold the group's row until the transaction ends: two allocations to one group at once
    are made one after the other, each seeing the other's man (capacity, non-associations)."""
    list(Group._base_manager.select_for_update().filter(pk=group.pk).values_list("pk", flat=True))


def lock_membership(membership: Membership) -> None:
    """Hold the man's place in the group until the transaction ends: a form sent twice plans
    one catch-up, the second seeing the first."""
    list(Membership._base_manager.select_for_update().filter(pk=membership.pk).values_list("pk", flat=True))


def planned_catch_up(membership: Membership, number: int) -> CatchUp | None:
    """The catch-up of a curriculum session already planned for the man and not yet recorded."""
    return (
        CatchUp._base_manager.filter(membership_id=membership.pk, number=number, state=CatchUpState.PLANNED)
        .order_by("start")
        .first()
    )
