"""Rows of the permission matrix for group work (``tests/permission_matrix.py``).

Groups, sessions, attendance, catch-ups and non-associations are for the provider's programme
staff: its facilitators read them and record attendance and catch-ups; only its coordinators
plan, allocate, change a session's team or date and record non-associations (a facilitator who
tries is refused with a message). The survivor-support worker, the administrator, the referrer,
the analyst, the government viewer, the auditor and anyone of another provider find nothing;
a coordinator of another provider reaches the lists of her own provider, never a record here.
"""

from __future__ import annotations

from typing import Any

from tests import factories
from tests.permission_matrix import ACTED, FORBIDDEN, NOT_FOUND, OK, REFUSED, Row, everyone, signed_in

STAFF_READ = {"facilitator": OK, "coordinator": OK}
STAFF_ACT = {"facilitator": ACTED, "coordinator": ACTED}
PLANNER_ACTS = {"facilitator": REFUSED, "coordinator": ACTED}
# A coordinator's form, opened by a facilitator: she is told at once that it is not hers.
PLANNER_FORM = {"facilitator": FORBIDDEN, "coordinator": OK}
OWN_LISTS = {"facilitator": OK, "coordinator": OK, "outsider": OK}


def _group(fx: Any, user: Any) -> dict[str, Any]:
    return {"group_id": fx.group.pk}


def _other_group(fx: Any, user: Any) -> dict[str, Any]:
    return {"group_id": fx.other_group.pk}


def _past(fx: Any, user: Any) -> dict[str, Any]:
    return {"group_id": fx.group.pk, "session_id": fx.past_session.pk}


def _future(fx: Any, user: Any) -> dict[str, Any]:
    return {"group_id": fx.group.pk, "session_id": fx.future_session.pk}


def _other_session(fx: Any, user: Any) -> dict[str, Any]:
    return {"group_id": fx.other_group.pk, "session_id": fx.other_session.pk}


def _member(fx: Any, user: Any) -> dict[str, Any]:
    return {"group_id": fx.group.pk, "membership_id": fx.membership.pk}


def _other_member(fx: Any, user: Any) -> dict[str, Any]:
    return {"group_id": fx.other_group.pk, "membership_id": fx.other_membership.pk}


def _catch_up(fx: Any, user: Any) -> dict[str, Any]:
    return {"group_id": fx.group.pk, "catch_up_id": fx.catch_up.pk}


def _other_catch_up(fx: Any, user: Any) -> dict[str, Any]:
    return {"group_id": fx.other_group.pk, "catch_up_id": fx.other_catch_up.pk}


def _case(fx: Any, user: Any) -> dict[str, Any]:
    return {"case_id": fx.membership.case_id}


def _other_case(fx: Any, user: Any) -> dict[str, Any]:
    return {"case_id": fx.other_membership.case_id}


def plan(fx: Any, user: Any) -> dict[str, Any]:
    return {
        "name": "Thursday group",
        "curriculum": "tandem-generic-1",
        "intake": "rolling",
        "programme": "",
        "venue": "Community centre",
        "weekday": 3,
        "start_time": "18:00",
        "start_date": fx.today.isoformat(),
        "capacity": 10,
        "language": "sq",
        "facilitators": [fx.woman.pk, fx.man.pk],
    }


def allocate(fx: Any, user: Any) -> dict[str, Any]:
    man = factories.waiting_case(fx.world.org)
    return {"case": man.pk, "version": man.version}


def attendance(fx: Any, user: Any) -> dict[str, Any]:
    return {
        "version": fx.past_session.version,
        "submission": "0b8e3f5e-9d3c-4d55-9a2e-3f7e1c7c2a10",
        "held": "yes",
        f"m{fx.membership.pk}_code": "late",
        f"m{fx.membership.pk}_note": "Took part.",
    }


def team(fx: Any, user: Any) -> dict[str, Any]:
    return {"version": fx.future_session.version, "facilitators": [fx.woman.pk, fx.cover.pk]}


def move(fx: Any, user: Any) -> dict[str, Any]:
    return {"version": fx.future_session.version, "day": fx.future_day.isoformat(), "time": "19:30"}


def catch_up(fx: Any, user: Any) -> dict[str, Any]:
    return {"number": 2, "day": fx.today.isoformat(), "time": "10:00", "facilitator": fx.woman.pk}


def catch_up_record(fx: Any, user: Any) -> dict[str, Any]:
    return {"version": fx.catch_up.version, "attended": "yes"}


def non_association(fx: Any, user: Any) -> dict[str, Any]:
    return {"other_case": fx.waiting.pk, "kind": "co_defendants"}


ROWS: list[Row] = [
    Row("groups:group_list", "GET", "none", signed_in(NOT_FOUND, **OWN_LISTS)),
    Row("groups:waitlist", "GET", "none", signed_in(NOT_FOUND, **OWN_LISTS)),
    Row("groups:group_new", "GET", "none", signed_in(NOT_FOUND, coordinator=OK, outsider=OK)),
    # The outsider plans for her own provider, where the world's facilitators are no choice.
    Row("groups:group_new", "POST", "none", signed_in(NOT_FOUND, coordinator=ACTED, outsider=REFUSED), data=plan),
    Row("groups:group", "GET", "own", signed_in(NOT_FOUND, **STAFF_READ), _group),
    Row("groups:group", "GET", "other", signed_in(NOT_FOUND), _other_group),
    Row("groups:allocate", "POST", "own", signed_in(NOT_FOUND, **PLANNER_ACTS), _group, data=allocate),
    Row("groups:allocate", "POST", "other", signed_in(NOT_FOUND), _other_group, data=allocate),
    Row("groups:session", "GET", "own", signed_in(NOT_FOUND, **STAFF_READ), _past),
    Row("groups:session", "GET", "other", signed_in(NOT_FOUND), _other_session),
    Row("groups:session", "POST", "own", signed_in(NOT_FOUND, **STAFF_ACT), _past, data=attendance),
    Row("groups:session", "POST", "other", signed_in(NOT_FOUND), _other_session, data=attendance),
    Row("groups:session_team", "GET", "own", signed_in(NOT_FOUND, **PLANNER_FORM), _future),
    Row("groups:session_team", "GET", "other", signed_in(NOT_FOUND), _other_session),
    Row("groups:session_team", "POST", "own", signed_in(NOT_FOUND, **PLANNER_ACTS), _future, data=team),
    Row("groups:session_team", "POST", "other", signed_in(NOT_FOUND), _other_session, data=team),
    Row("groups:session_move", "GET", "own", signed_in(NOT_FOUND, **PLANNER_FORM), _future),
    Row("groups:session_move", "GET", "other", signed_in(NOT_FOUND), _other_session),
    Row("groups:session_move", "POST", "own", signed_in(NOT_FOUND, **PLANNER_ACTS), _future, data=move),
    Row("groups:session_move", "POST", "other", signed_in(NOT_FOUND), _other_session, data=move),
    Row("groups:catch_up_new", "GET", "own", signed_in(NOT_FOUND, **PLANNER_FORM), _member),
    Row("groups:catch_up_new", "GET", "other", signed_in(NOT_FOUND), _other_member),
    Row("groups:catch_up_new", "POST", "own", signed_in(NOT_FOUND, **PLANNER_ACTS), _member, data=catch_up),
    Row("groups:catch_up_new", "POST", "other", signed_in(NOT_FOUND), _other_member, data=catch_up),
    # Opened again after a refused form, the address leads back to the group's page.
    Row("groups:catch_up_record", "GET", "own", signed_in(NOT_FOUND, **STAFF_READ), _catch_up),
    Row("groups:catch_up_record", "GET", "other", signed_in(NOT_FOUND), _other_catch_up),
    Row("groups:catch_up_record", "POST", "own", signed_in(NOT_FOUND, **STAFF_ACT), _catch_up, data=catch_up_record),
    Row("groups:catch_up_record", "POST", "other", signed_in(NOT_FOUND), _other_catch_up, data=catch_up_record),
    Row("groups:non_association_add", "GET", "own", signed_in(NOT_FOUND, **PLANNER_FORM), _case),
    Row("groups:non_association_add", "GET", "other", signed_in(NOT_FOUND), _other_case),
    Row(
        "groups:non_association_add",
        "POST",
        "own",
        signed_in(NOT_FOUND, **PLANNER_ACTS),
        _case,
        data=non_association,
    ),
    Row("groups:non_association_add", "POST", "other", signed_in(NOT_FOUND), _other_case, data=non_association),
]


def _profile(fx: Any, user: Any) -> dict[str, Any]:
    return {"profile_id": fx.woman.pk}


def _other_profile(fx: Any, user: Any) -> dict[str, Any]:
    return {"profile_id": fx.other_profile.pk}


def new_profile(fx: Any, user: Any) -> dict[str, Any]:
    from tandem.core.models import Membership
    from tandem.core.roles import Role

    person = factories.member(fx.world.org, Role.FACILITATOR, with_device=False)
    # The form chooses among the provider's places (memberships) without a profile.
    place = Membership.objects.get(user=person, organisation=fx.world.org)
    return {"version": 0, "person": place.pk, "gender": "woman", "active": "on"}


def profile(fx: Any, user: Any) -> dict[str, Any]:
    return {"version": fx.woman.version, "gender": "woman", "trained_on": "2024-03-01", "active": "on"}


def note(fx: Any, user: Any) -> dict[str, Any]:
    return {"kind": "supervision", "text": "Discussed how to answer minimising in session 4."}


def own_calendar(fx: Any, user: Any) -> dict[str, Any]:
    found = fx.profiles_of.get(getattr(user, "pk", None))
    return {"action": "make", "profile": found.pk if found else ""}


# Facilitators' profiles and notes are staff records of the provider: its programme staff read
# them, its coordinators change them. A calendar address is made by the facilitator herself;
# the feed answers anyone who holds a live address (a calendar app cannot sign in) and no one
# else.
FACILITATOR_ROWS: list[Row] = [
    Row("groups:facilitator_list", "GET", "none", signed_in(NOT_FOUND, **OWN_LISTS)),
    Row("groups:facilitator_new", "GET", "none", signed_in(NOT_FOUND, coordinator=OK, outsider=OK)),
    Row(
        "groups:facilitator_new",
        "POST",
        "none",
        signed_in(NOT_FOUND, coordinator=ACTED, outsider=REFUSED),
        data=new_profile,
    ),
    Row("groups:facilitator", "GET", "own", signed_in(NOT_FOUND, **STAFF_READ), _profile),
    Row("groups:facilitator", "GET", "other", signed_in(NOT_FOUND), _other_profile),
    Row("groups:facilitator_edit", "GET", "own", signed_in(NOT_FOUND, **PLANNER_FORM), _profile),
    Row("groups:facilitator_edit", "GET", "other", signed_in(NOT_FOUND), _other_profile),
    Row("groups:facilitator_edit", "POST", "own", signed_in(NOT_FOUND, **PLANNER_ACTS), _profile, data=profile),
    Row("groups:facilitator_edit", "POST", "other", signed_in(NOT_FOUND), _other_profile, data=profile),
    Row("groups:facilitator_note_add", "GET", "own", signed_in(NOT_FOUND, **PLANNER_FORM), _profile),
    Row("groups:facilitator_note_add", "GET", "other", signed_in(NOT_FOUND), _other_profile),
    Row("groups:facilitator_note_add", "POST", "own", signed_in(NOT_FOUND, **PLANNER_ACTS), _profile, data=note),
    Row("groups:facilitator_note_add", "POST", "other", signed_in(NOT_FOUND), _other_profile, data=note),
    Row("groups:facilitator_feed_revoke", "POST", "own", signed_in(NOT_FOUND, **PLANNER_ACTS), _profile),
    Row("groups:facilitator_feed_revoke", "POST", "other", signed_in(NOT_FOUND), _other_profile),
    Row("groups:calendar", "GET", "none", signed_in(NOT_FOUND, **OWN_LISTS)),
    Row(
        "groups:calendar",
        "POST",
        "none",
        signed_in(NOT_FOUND, facilitator=ACTED, coordinator=ACTED, outsider=REFUSED),
        data=own_calendar,
    ),
    Row("groups:calendar_feed", "GET", "own", everyone(OK), lambda fx, user: {"token": fx.feed_token}),
    Row("groups:calendar_feed", "GET", "other", everyone(NOT_FOUND), lambda fx, user: {"token": "no-such-address"}),
]

# The fidelity figures of a provider's groups, and their PDF and CSV: for its coordinators (a
# coordinator of another provider sees her own provider's); a group of another provider named
# in the address is nowhere for anyone.
FIDELITY_ROWS: list[Row] = []
for _name in ("groups:fidelity", "groups:fidelity_pdf", "groups:fidelity_csv"):
    FIDELITY_ROWS += [
        Row(_name, "GET", "none", signed_in(NOT_FOUND, coordinator=OK, outsider=OK)),
    ]

# Every row of group work, for the core's test that every URL has one.
ALL_ROWS: list[Row] = [*ROWS, *FACILITATOR_ROWS, *FIDELITY_ROWS]
