"""Rows of the permission matrix for outcome monitoring (``tests/permission_matrix.py``).

His questionnaire is for the people working on his case (its facilitators and coordinators).
Hers is for her support workers only: the coordinator reaches it only by breaking the glass,
and nobody who works with the man (a facilitator's attempt alerts the administrators), nor the
referrer, analyst, government viewer or auditor, finds it.
"""

from __future__ import annotations

from typing import Any

from tandem.core import clock
from tandem.outcomes.forms import answer_field_name
from tandem.outcomes.rules.instruments import MAN, PARTNER, current_instrument
from tests.permission_matrix import ACTED, NOT_FOUND, OK, Row, signed_in

WORKERS = {"facilitator": OK, "coordinator": OK}


def _answers(respondent: str, **extra: str) -> dict[str, str]:
    data = {answer_field_name(item.key): "0" for item in current_instrument(respondent).items}
    return {
        **data,
        "version": "1",
        "language": "sq",
        "answered_on": clock.today().isoformat(),
        "do": "answers",
        **extra,
    }


def his(fx: Any, user: Any) -> dict[str, str]:
    return _answers(MAN, mode="session")


def hers(fx: Any, user: Any) -> dict[str, str]:
    return _answers(PARTNER, mode="interview", channel="phone")


def _his_point(fx: Any, user: Any) -> dict[str, Any]:
    return {"point_id": fx.fresh_his_point().pk}


def _other_his_point(fx: Any, user: Any) -> dict[str, Any]:
    return {"point_id": fx.other_his_point.pk}


def _her_point(fx: Any, user: Any) -> dict[str, Any]:
    return {"point_id": fx.fresh_her_point().pk}


def _other_her_point(fx: Any, user: Any) -> dict[str, Any]:
    return {"point_id": fx.other_her_point.pk}


def _partner(fx: Any, user: Any) -> dict[str, Any]:
    return {"partner_id": fx.partner.pk}


def _other_partner(fx: Any, user: Any) -> dict[str, Any]:
    return {"partner_id": fx.other_partner.pk}


ROWS = [
    Row("outcomes:man_answers", "GET", "own", signed_in(NOT_FOUND, **WORKERS), _his_point),
    Row("outcomes:man_answers", "GET", "other", signed_in(NOT_FOUND), _other_his_point),
    Row(
        "outcomes:man_answers",
        "POST",
        "own",
        signed_in(NOT_FOUND, facilitator=ACTED, coordinator=ACTED),
        _his_point,
        data=his,
    ),
    Row("outcomes:man_answers", "POST", "other", signed_in(NOT_FOUND), _other_his_point, data=his),
    Row("outcomes:partner_answers", "GET", "own", signed_in(NOT_FOUND, survivor_worker=OK), _her_point),
    Row("outcomes:partner_answers", "GET", "other", signed_in(NOT_FOUND), _other_her_point),
    Row(
        "outcomes:partner_answers",
        "POST",
        "own",
        signed_in(NOT_FOUND, survivor_worker=ACTED),
        _her_point,
        data=hers,
    ),
    Row("outcomes:partner_answers", "POST", "other", signed_in(NOT_FOUND), _other_her_point, data=hers),
    Row("outcomes:partner_outcomes", "GET", "own", signed_in(NOT_FOUND, survivor_worker=OK), _partner),
    Row("outcomes:partner_outcomes", "GET", "other", signed_in(NOT_FOUND), _other_partner),
]


def all_rows() -> list[Row]:
    """Every outcome row, the pages of each part in their own module."""
    from tests.outcomes import matrix_fieldwork, matrix_link, matrix_pool, matrix_report

    return ROWS + matrix_link.ROWS + matrix_report.ROWS + matrix_pool.ROWS + matrix_fieldwork.ROWS
