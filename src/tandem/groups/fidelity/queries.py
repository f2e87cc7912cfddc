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

from django.db.models import Case, Count, Exists, F, Func, IntegerField, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce

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


def session_counts_by_group(scope: Scope, now: datetime) -> list[dict[str, Any]]:
    """Per group: the sessions of the period by what became of them, and of those held, how
    many had a woman and a man without an override, an override, and a stand-in (cover)."""
    team = SessionFacilitator._base_manager.filter(session_id=OuterRef("pk"))
    held = Q(state=SessionState.HELD)
    with_woman = Exists(team.filter(facilitator__gender=Gender.WOMAN))
    with_man = Exists(team.filter(facilitator__gender=Gender.MAN))
    with_cover = Exists(team.filter(cover=True))
    return list(
        _sessions(scope)
        .values("group_id")
        .annotate(
            scheduled=Count("pk"),
            held=Count("pk", filter=held),
            cancelled=Count("pk", filter=Q(state=SessionState.CANCELLED)),
            unrecorded=Count("pk", filter=Q(state=SessionState.PLANNED, end__lt=now)),
            upcoming=Count("pk", filter=Q(state=SessionState.PLANNED, end__gte=now)),
            mixed=Count("pk", filter=held & Q(override_reason="") & Q(with_woman) & Q(with_man)),
            overridden=Count("pk", filter=held & ~Q(override_reason="")),
            covered=Count("pk", filter=held & Q(with_cover)),
        )
        .order_by("group_id")
    )


def attendance_counts_by_group(scope: Scope) -> list[dict[str, Any]]:
    """Per group: the men expected at its held sessions (one attendance row each) and those who
    came and took part."""
    return list(
        Attendance._base_manager.filter(
            _groups_q(scope, "session__group__"),
            session__state=SessionState.HELD,
            session__start__gte=scope.since,
            session__start__lt=scope.until,
        )
        .values("session__group_id")
        .annotate(expected=Count("pk"), present=Count("pk", filter=Q(code__in=ATTENDED)))
        .order_by("session__group_id")
    )


def counts_by_month(scope: Scope, now: datetime) -> list[dict[str, Any]]:
    """Per month of the period (``month``: its place in ``scope.months()``): the sessions by
    what became of them, and the men expected and present at those held."""
    # The month is told by comparing with the months' ends in the installation's time zone:
    # plain SQL, where truncating each date would run a function per row (in Python on SQLite).
    ends = scope.month_ends()[:-1]
    month = Case(
        *[When(start__lt=end, then=Value(index)) for index, end in enumerate(ends)],
        default=Value(len(ends)),
        output_field=IntegerField(),
    )
    held = Attendance._base_manager.filter(session_id=OuterRef("pk"))
    return list(
        _sessions(scope)
        .annotate(
            month=month,
            men=Subquery(_count(held), output_field=IntegerField()),
            came=Subquery(_count(held.filter(code__in=ATTENDED)), output_field=IntegerField()),
        )
        .values("month")
        .annotate(
            held=Count("pk", filter=Q(state=SessionState.HELD)),
            cancelled=Count("pk", filter=Q(state=SessionState.CANCELLED)),
            unrecorded=Count("pk", filter=Q(state=SessionState.PLANNED, end__lt=now)),
            expected=Coalesce(Sum("men", filter=Q(state=SessionState.HELD)), 0),
            present=Coalesce(Sum("came", filter=Q(state=SessionState.HELD)), 0),
        )
        .order_by("month")
    )


def _count(rows: Any) -> Any:
    """A correlated subquery counting ``rows``."""
    return rows.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")


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
    """One row per man in the groups in the period: (group id, curriculum, ended as, ended at,
    sessions attended in his group, other sessions made up in a catch-up), both counted up to
    the end of the period, as ``queries.progress_of`` counts them."""
    attended = (
        Attendance._base_manager.filter(
            membership_id=OuterRef("pk"),
            session__state=SessionState.HELD,
            session__start__lt=scope.until,
            code__in=ATTENDED,
            session__number__lte=_within_curriculum("session__group__", lengths),
        )
        .order_by()
        .values("membership_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    in_group = Attendance._base_manager.filter(
        membership_id=OuterRef("membership_id"),
        session__number=OuterRef("number"),
        session__state=SessionState.HELD,
        session__start__lt=scope.until,
        code__in=ATTENDED,
    )
    made_up = (
        CatchUp._base_manager.filter(
            membership_id=OuterRef("pk"),
            state=CatchUpState.ATTENDED,
            start__lt=scope.until,
            number__gte=1,
            number__lte=_within_curriculum("membership__group__", lengths),
        )
        .exclude(Exists(in_group))
        .order_by()
        .values("membership_id")
        .annotate(n=Count("number", distinct=True))
        .values("n")
    )
    return list(
        _memberships(scope)
        .annotate(
            attended=Coalesce(Subquery(attended, output_field=IntegerField()), 0),
            made_up=Coalesce(Subquery(made_up, output_field=IntegerField()), 0),
        )
        .values_list("group_id", "group__curriculum", "ended_as", "ended_at", "attended", "made_up")
        .order_by()
    )
