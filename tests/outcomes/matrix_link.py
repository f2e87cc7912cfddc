"""Rows of the permission matrix for her questionnaire link (``tests/outcomes/test_link_matrix.py``).

Only her support workers make or withdraw a link; everyone else finds nothing there (a
facilitator's attempt alerts the administrators). Her page is for whoever holds a link that
works, signed in or not; a link that does not work is not there for anyone. Answers through the
link are on the record as hers, never as the visitor's (``test_link`` checks the audit entries),
so those rows do not ask for an entry naming the persona.
"""

from __future__ import annotations

from typing import Any

from tandem.outcomes.forms import answer_field_name
from tandem.outcomes.rules.instruments import PARTNER, current_instrument
from tests.permission_matrix import ACTED, NOT_FOUND, OK, Row, everyone, signed_in

GUESSED = "guessed-token-that-was-never-issued"


def _link_request(fx: Any, user: Any) -> dict[str, str]:
    return {"channel": "sms", "language": "sq"}


def _her_answers(fx: Any, user: Any) -> dict[str, str]:
    return {answer_field_name(item.key): "1" for item in current_instrument(PARTNER).items}


ROWS: list[Row] = [
    Row(
        "outcomes:issue_link",
        "POST",
        "own",
        signed_in(NOT_FOUND, survivor_worker=ACTED),
        lambda fx, user: {"point_id": fx.fresh_point().pk},
        data=_link_request,
    ),
    Row(
        "outcomes:issue_link",
        "POST",
        "other",
        signed_in(NOT_FOUND),
        lambda fx, user: {"point_id": fx.other_point.pk},
        data=_link_request,
    ),
    Row(
        "outcomes:withdraw_link",
        "POST",
        "own",
        signed_in(NOT_FOUND, survivor_worker=ACTED),
        lambda fx, user: {"link_id": fx.fresh_link()[0].pk},
    ),
    Row(
        "outcomes:withdraw_link",
        "POST",
        "other",
        signed_in(NOT_FOUND),
        lambda fx, user: {"link_id": fx.other_link.pk},
    ),
    Row("respond:page", "GET", "own", everyone(OK), lambda fx, user: {"token": fx.fresh_link()[1]}),
    # Another organisation's link, withdrawn: gone for everyone, as is a token never issued.
    Row("respond:page", "GET", "other", everyone(NOT_FOUND), lambda fx, user: {"token": fx.other_token}),
    Row(
        "respond:page",
        "POST",
        "own",
        everyone(ACTED),
        lambda fx, user: {"token": fx.fresh_link()[1]},
        data=_her_answers,
        audited=False,
    ),
    Row(
        "respond:page",
        "POST",
        "other",
        everyone(NOT_FOUND),
        lambda fx, user: {"token": GUESSED},
        data=_her_answers,
    ),
]
