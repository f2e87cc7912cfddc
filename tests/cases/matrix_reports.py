"""Rows of the permission matrix for the reports to the referrer.

A report is for the people working on the case (its provider's facilitators and coordinators);
the referring agency's referrer reads it once it was sent, never before; the safety review shows
the survivor side's latest signal and is for the provider's coordinators only. Everyone else,
and anyone at all for another provider's report, finds nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.permission_matrix import ACTED, NOT_FOUND, OK, REFUSED, Row, signed_in

WORKERS = {"facilitator": OK, "coordinator": OK}
WRITERS = {"facilitator": ACTED, "coordinator": ACTED}


def _report(name: str) -> Callable[[Any, Any], dict[str, Any]]:
    return lambda fx, user: {"case_id": getattr(fx, name).case_id, "report_id": getattr(fx, name).pk}


def _version(name: str) -> Callable[[Any, Any], dict[str, Any]]:
    return lambda fx, user: {"version": getattr(fx, name).version}


ROWS = [
    # Starting a report on a case.
    Row("cases:report_create", "GET", "own", signed_in(NOT_FOUND, **WORKERS), lambda fx, user: {"case_id": fx.case.pk}),
    Row("cases:report_create", "GET", "other", signed_in(NOT_FOUND), lambda fx, user: {"case_id": fx.other_case.pk}),
    Row(
        "cases:report_create",
        "POST",
        "own",
        signed_in(NOT_FOUND, **WRITERS),
        lambda fx, user: {"case_id": fx.case.pk},
        # A kind with no open draft on the case: a second draft of a kind is refused.
        data=lambda fx, user: {"kind": "non_compliance"},
    ),
    Row(
        "cases:report_create",
        "POST",
        "other",
        signed_in(NOT_FOUND),
        lambda fx, user: {"case_id": fx.other_case.pk},
        data=lambda fx, user: {"kind": "progress"},
    ),
    # Reading a report, as a page and as a PDF: the referrer once it was sent to her agency.
    *[
        row
        for name in ("cases:report", "cases:report_pdf")
        for row in (
            Row(name, "GET", "own-draft", signed_in(NOT_FOUND, **WORKERS), _report("draft")),
            Row(name, "GET", "own-awaiting", signed_in(NOT_FOUND, **WORKERS), _report("awaiting")),
            Row(name, "GET", "own-held", signed_in(NOT_FOUND, **WORKERS), _report("held")),
            Row(name, "GET", "own-sent", signed_in(NOT_FOUND, **WORKERS, referrer=OK), _report("sent")),
            Row(name, "GET", "other-sent", signed_in(NOT_FOUND), _report("other_sent")),
        )
    ],
    # Writing the programme's assessment of a draft.
    Row("cases:report_edit", "GET", "own-draft", signed_in(NOT_FOUND, **WORKERS), _report("draft")),
    Row("cases:report_edit", "GET", "other-draft", signed_in(NOT_FOUND), _report("other_draft")),
    Row(
        "cases:report_edit",
        "POST",
        "own-draft",
        signed_in(NOT_FOUND, **WRITERS),
        _report("draft"),
        data=lambda fx, user: {"version": fx.draft.version, "assessment": "He takes part and is honest."},
    ),
    Row(
        "cases:report_edit",
        "POST",
        "own-sent",
        signed_in(NOT_FOUND, facilitator=REFUSED, coordinator=REFUSED),
        _report("sent"),
        data=lambda fx, user: {"version": fx.sent.version, "assessment": "Changed after it was sent."},
    ),
    Row(
        "cases:report_edit",
        "POST",
        "other-draft",
        signed_in(NOT_FOUND),
        _report("other_draft"),
        data=lambda fx, user: {"version": fx.other_draft.version, "assessment": "Not ours."},
    ),
    # Submitting a draft for the safety review.
    Row(
        "cases:report_submit", "POST", "own-draft", signed_in(NOT_FOUND, **WRITERS), _report("draft"), _version("draft")
    ),
    Row(
        "cases:report_submit",
        "POST",
        "own-sent",
        signed_in(NOT_FOUND, facilitator=REFUSED, coordinator=REFUSED),
        _report("sent"),
        _version("sent"),
    ),
    Row(
        "cases:report_submit",
        "POST",
        "other-draft",
        signed_in(NOT_FOUND),
        _report("other_draft"),
        _version("other_draft"),
    ),
    # The safety review: the page shows the partner's latest safety signal, for coordinators only;
    # a facilitator's answer is refused.
    Row("cases:report_review", "GET", "own-awaiting", signed_in(NOT_FOUND, coordinator=OK), _report("awaiting")),
    Row("cases:report_review", "GET", "other-awaiting", signed_in(NOT_FOUND), _report("other_awaiting")),
    Row(
        "cases:report_review",
        "POST",
        "own-awaiting",
        signed_in(NOT_FOUND, facilitator=REFUSED, coordinator=ACTED),
        _report("awaiting"),
        data=lambda fx, user: {
            "version": fx.awaiting.version,
            "signal_seen": fx.signal.pk,
            "safe": "yes",
            "note": "",
        },
    ),
    Row(
        "cases:report_review",
        "POST",
        "own-draft",
        signed_in(NOT_FOUND, facilitator=REFUSED, coordinator=REFUSED),
        _report("draft"),
        data=lambda fx, user: {"version": fx.draft.version, "signal_seen": fx.signal.pk, "safe": "yes", "note": ""},
    ),
    Row(
        "cases:report_review",
        "POST",
        "other-awaiting",
        signed_in(NOT_FOUND),
        _report("other_awaiting"),
        data=lambda fx, user: {"version": fx.other_awaiting.version, "signal_seen": "", "safe": "yes", "note": ""},
    ),
]
