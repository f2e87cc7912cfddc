"""Rows of the permission matrix for the case list and the case page."""

from __future__ import annotations

from tests.permission_matrix import ACTED, NOT_FOUND, OK, REFUSED, Row, signed_in

# Inside the provider, the man's case is for the people working on it: its facilitators and
# coordinators. Its survivor-support worker, its administrator, the referrer, the analyst,
# the government viewer, the auditor and anyone of another organisation find nothing.
WORKERS = {"facilitator": OK, "coordinator": OK}

ROWS = [
    # The list is there for those who work on cases (the outsider on his own provider's).
    Row("cases:case_list", "GET", "none", signed_in(NOT_FOUND, facilitator=OK, coordinator=OK, outsider=OK)),
    # A coordinator's overview of her own providers' cases; nobody else has one.
    Row("cases:safety_overview", "GET", "none", signed_in(NOT_FOUND, coordinator=OK, outsider=OK)),
    Row("cases:case", "GET", "own", signed_in(NOT_FOUND, **WORKERS), lambda fx, user: {"case_id": fx.case.pk}),
    Row("cases:case", "GET", "other", signed_in(NOT_FOUND), lambda fx, user: {"case_id": fx.other_case.pk}),
    Row(
        "cases:case_move",
        "POST",
        "own",
        signed_in(NOT_FOUND, facilitator=REFUSED, coordinator=ACTED),
        lambda fx, user: {"case_id": fx.case.pk, "event": "start_assessment"},
        data=lambda fx, user: {"version": fx.case.version},
    ),
    Row(
        "cases:case_move",
        "POST",
        "other",
        signed_in(NOT_FOUND),
        lambda fx, user: {"case_id": fx.other_case.pk, "event": "start_assessment"},
        data=lambda fx, user: {"version": fx.other_case.version},
    ),
]
