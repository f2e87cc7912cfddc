"""The reads behind the fidelity figures: a fixed handful of aggregate queries over one
provider's groups, whatever the number of groups, sessions or men in the period.

They read without a person's check: the pages and exports that use them are for the provider's
coordinators, and check that role before building a :class:`~tandem.groups.fidelity.Scope`.
Each answers counts, never a man's name or what was said in a session.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, Value, When

from tandem.groups.models import (
    Attendance,
    CatchUp,
    CatchUpState,
    Group,
    GroupSession,
    GroupState,
    Membership,
    SessionFacilitator,
    SessionState,
)
from tandem.groups.rules.attendance import COUNTS_AS_ATTENDED
from tandem.groups.rules.cofacilitation import Gender

if TYPE_CHECKING:
    from tandem.groups.fidelity import Scope

ATTENDED = sorted(COUNTS_AS_ATTENDED)


def group_choices(organisation_id: int) -> list[tuple[int, str, date]]:
    """The provider's groups, to choose one report from: (id, name, first week)."""
    return list(
        Group._base_manager.filter(organisation_id=organisation_id)
        .order_by("name", "start_date", "pk")
        .values_list("pk", "name", "start_date")
    )


def programme_choices(organisation_id: int) -> list[tuple[int, str]]:
    """The provider's programmes in the registry, to choose one report from."""
    from tandem.mapping.models import Programme

    return list(Programme.objects.filter(provider_id=organisation_id).order_by("name", "pk").values_list("pk", "name"))


def _groups_q(scope: Scope, path: str = "") -> Q:
    """The groups the report covers, reached from a row through ``path`` ("group__" from a session)."""
    found = Q(**{f"{path}organisation_id": scope.organisation_id})
    if scope.group_id is not None:
        found &= Q(**{f"{path}pk": scope.group_id})
    if scope.programme_id is not None:
        found &= Q(**{f"{path}programme_id": scope.programme_id})
    return found


def _sessions(scope: Scope) -> Any:
    """The sessions dated in the period. The sessions a cancelled group never came to are not
    owed: a group called off does not count against delivery for the weeks it no longer has."""
    return (
        GroupSession._base_manager.filter(_groups_q(scope, "group__"), start__gte=scope.since, start__lt=scope.until)
        .exclude(state=SessionState.PLANNED, group__state=GroupState.CANCELLED)
        .order_by()
    )


def _memberships(scope: Scope) -> Any:
    """The men in the groups at some time in the period: joined before it ended, not gone before it began."""
    return Membership._base_manager.filter(_groups_q(scope, "group__"), joined_at__lt=scope.until).filter(
        Q(ended_at__isnull=True) | Q(ended_at__gte=scope.since)
    )


def fidelity_groups(scope: Scope) -> list[dict[str, Any]]:
    """The groups with a session or a man in the period, by name: what each row of the report names."""
    sessions = _sessions(scope).filter(group_id=OuterRef("pk"))
    members = _memberships(scope).filter(group_id=OuterRef("pk"))
    return [
        dict(row)
        for row in Group._base_manager.filter(_groups_q(scope))
        .filter(Exists(sessions) | Exists(members))
        .values("pk", "name", "state", "curriculum", "programme_id", "programme__name")
        .order_by("name", "pk")
    ]


def _sessions_led(scope: Scope, **condition: Any) -> Any:
    """The ids of the sessions of the period whose team has someone meeting ``condition``."""
    return (
        SessionFacilitator._base_manager.filter(
            _groups_q(scope, "session__group__"),
            session__start__gte=scope.since,
            session__start__lt=scope.until,
            **condition,
        )
        .order_by()
        .values("session_id")
    )


def _month(scope: Scope, path: str = "") -> Any:
    """A session's month, as its place in ``scope.months()``, from its start at ``path``.

    Told by comparing with the months' ends in the installation's time zone: plain SQL, where
    truncating each date would run a function per row (in Python, on SQLite)."""
    ends = scope.month_ends()[:-1]
    return Case(
        *[When(**{f"{path}start__lt": end}, then=Value(index)) for index, end in enumerate(ends)],
        default=Value(len(ends)),
        output_field=IntegerField(),
    )


def session_counts(scope: Scope, now: datetime) -> list[dict[str, Any]]:
    """Per group and month: the sessions of the period by what became of them, and of those
    held, how many had a woman and a man without an override, an override, and a stand-in
    (cover)."""
    # Who led the sessions is read once for the period (a subquery the database keeps), not
    # looked up session by session: that would be planned as thousands of small scans.
    held = Q(state=SessionState.HELD)
    with_woman = Q(pk__in=_sessions_led(scope, facilitator__gender=Gender.WOMAN))
    with_man = Q(pk__in=_sessions_led(scope, facilitator__gender=Gender.MAN))
    with_cover = Q(pk__in=_sessions_led(scope, cover=True))
    return list(
        _sessions(scope)
        .annotate(month=_month(scope))
        .values("group_id", "month")
        .annotate(
            scheduled=Count("pk"),
            held=Count("pk", filter=held),
            cancelled=Count("pk", filter=Q(state=SessionState.CANCELLED)),
            unrecorded=Count("pk", filter=Q(state=SessionState.PLANNED, end__lt=now)),
            upcoming=Count("pk", filter=Q(state=SessionState.PLANNED, end__gte=now)),
            mixed=Count("pk", filter=held & Q(override_reason="") & with_woman & with_man),
            overridden=Count("pk", filter=held & ~Q(override_reason="")),
            covered=Count("pk", filter=held & with_cover),
        )
        .order_by()
    )


def attendance_counts(scope: Scope) -> list[dict[str, Any]]:
    """Per group and month: the men expected at the held sessions (one attendance row each)
    and those who came and took part."""
    return list(
        Attendance._base_manager.filter(
            _groups_q(scope, "session__group__"),
            session__state=SessionState.HELD,
            session__start__gte=scope.since,
            session__start__lt=scope.until,
        )
        .annotate(month=_month(scope, "session__"))
        .values("session__group_id", "month")
        .annotate(expected=Count("pk"), present=Count("pk", filter=Q(code__in=ATTENDED)))
        .order_by()
    )


def _within_curriculum(path: str, lengths: Mapping[str, int]) -> Any:
    """The number of sessions of the curriculum of the group at ``path``: a session number
    beyond it is a recording fault and counts for nobody's dosage (as in ``queries.progress_of``).
    When every group follows the same curriculum, the number is the same for all."""
    if len(set(lengths.values())) == 1:
        return Value(next(iter(lengths.values())))
    return Case(
        *[When(**{f"{path}curriculum": name}, then=Value(length)) for name, length in sorted(lengths.items())],
        default=Value(0),
        output_field=IntegerField(),
    )


def membership_counts(scope: Scope, lengths: Mapping[str, int]) -> list[tuple[Any, ...]]:
    """One row per man in the groups in the period: (membership id, group id, curriculum, ended
    as, ended at, sessions he attended in his group up to the end of the period), as
    ``queries.progress_of`` counts them."""
    # One join, aggregated: a subquery per man would be planned as thousands of small scans,
    # estimated dear enough on PostgreSQL to be compiled (JIT) at every call.
    attended = Q(
        attendance__code__in=ATTENDED,
        attendance__session__state=SessionState.HELD,
        attendance__session__start__lt=scope.until,
        attendance__session__number__lte=_within_curriculum("group__", lengths),
    )
    return list(
        _memberships(scope)
        .values_list("pk", "group_id", "group__curriculum", "ended_as", "ended_at")
        .annotate(attended=Count("attendance", filter=attended))
        .order_by()
    )


def made_up_counts(scope: Scope, lengths: Mapping[str, int]) -> dict[int, int]:
    """By membership, of the men in the groups in the period: the sessions made up in a catch-up
    up to the end of the period that he had not attended in his group (each counted once)."""
    in_group = Attendance._base_manager.filter(
        session__group_id=OuterRef("membership__group_id"),
        session__number=OuterRef("number"),
        membership_id=OuterRef("membership_id"),
        session__state=SessionState.HELD,
        session__start__lt=scope.until,
        code__in=ATTENDED,
    )
    return dict(
        CatchUp._base_manager.filter(
            _groups_q(scope, "membership__group__"),
            membership__joined_at__lt=scope.until,
            state=CatchUpState.ATTENDED,
            start__lt=scope.until,
            number__gte=1,
            number__lte=_within_curriculum("membership__group__", lengths),
        )
        .filter(Q(membership__ended_at__isnull=True) | Q(membership__ended_at__gte=scope.since))
        .exclude(Exists(in_group))
        .values_list("membership_id")
        .annotate(n=Count("number", distinct=True))
        .order_by()
    )
