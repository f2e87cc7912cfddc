"""Rows of the permission matrix for risk assessment: recording one, reading one, and the
review of a case's escalation."""

from __future__ import annotations

from typing import Any

from tests.permission_matrix import ACTED, NOT_FOUND, OK, REFUSED, Row, signed_in
from tests.risk.support import STANDARD, form_data

# The risk of a man's case is for the people working on it: its facilitators and coordinators.
# Its survivor-support worker, its administrator, the referrer, the analyst, the government
# viewer, the auditor and anyone of another organisation find nothing.
WORKERS = {"facilitator": OK, "coordinator": OK}


def _assessment(fx: Any, user: Any) -> dict[str, Any]:
    return form_data(STANDARD, occasion="mid_programme", note="Seen at the fifth session.")


def _review(fx: Any, user: Any) -> dict[str, Any]:
    return {"marac_referral": "no", "note": "Discussed with the team; no referral for now."}


ROWS = [
    Row("cases:risk_new", "GET", "own", signed_in(NOT_FOUND, **WORKERS), lambda fx, user: {"case_id": fx.case.pk}),
    Row("cases:risk_new", "GET", "other", signed_in(NOT_FOUND), lambda fx, user: {"case_id": fx.other_case.pk}),
    # Both may record an assessment.
    Row(
        "cases:risk_new",
        "POST",
        "own",
        signed_in(NOT_FOUND, facilitator=ACTED, coordinator=ACTED),
        lambda fx, user: {"case_id": fx.case.pk},
        data=_assessment,
    ),
    Row(
        "cases:risk_new",
        "POST",
        "other",
        signed_in(NOT_FOUND),
        lambda fx, user: {"case_id": fx.other_case.pk},
        data=_assessment,
    ),
    Row(
        "cases:risk_assessment",
        "GET",
        "own",
        signed_in(NOT_FOUND, **WORKERS),
        lambda fx, user: {"case_id": fx.case.pk, "assessment_id": fx.assessment.pk},
    ),
    Row(
        "cases:risk_assessment",
        "GET",
        "other",
        signed_in(NOT_FOUND),
        lambda fx, user: {"case_id": fx.other_case.pk, "assessment_id": fx.other_assessment.pk},
    ),
    # An assessment of another case under this case's address is not there either.
    Row(
        "cases:risk_assessment",
        "GET",
        "other",
        signed_in(NOT_FOUND),
        lambda fx, user: {"case_id": fx.case.pk, "assessment_id": fx.other_assessment.pk},
    ),
    Row(
        "cases:risk_escalation",
        "GET",
        "own",
        signed_in(NOT_FOUND, **WORKERS),
        lambda fx, user: {"case_id": fx.case.pk},
    ),
    Row(
        "cases:risk_escalation",
        "GET",
        "other",
        signed_in(NOT_FOUND),
        lambda fx, user: {"case_id": fx.other_case.pk},
    ),
    # Only a coordinator reviews; the facilitator sees the escalation and is told who reviews it.
    Row(
        "cases:risk_escalation",
        "POST",
        "own",
        signed_in(NOT_FOUND, facilitator=REFUSED, coordinator=ACTED),
        lambda fx, user: {"case_id": fx.case.pk},
        data=_review,
    ),
    Row(
        "cases:risk_escalation",
        "POST",
        "other",
        signed_in(NOT_FOUND),
        lambda fx, user: {"case_id": fx.other_case.pk},
        data=_review,
    ),
]
