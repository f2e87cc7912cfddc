"""Rows of the permission matrix for a case's records: its intake assessment, notes, children
and their safeguarding referrals, and documents.

They are for the people working on the case: the provider's facilitators and coordinators, who
may both read and add. Its survivor-support worker, its administrator, the referrer, the
analyst, the government viewer, the auditor and anyone of another organisation find nothing;
the records of a case of another provider are nowhere for anyone of the world.
"""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.permission_matrix import ACTED, NOT_FOUND, OK, Row, signed_in

READERS = {"facilitator": OK, "coordinator": OK}
ACTING = {"facilitator": ACTED, "coordinator": ACTED}
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def intake(fx: Any, user: Any) -> dict[str, Any]:
    return {
        "version": 0,
        "motivation": "some",
        "denial": "minimises",
        "substance_use": "none",
        "mental_health": "none",
        "language_needs": "",
        "summary": "Recorded for the matrix.",
    }


def note(fx: Any, user: Any) -> dict[str, Any]:
    return {"category": "session", "text": "Took part in the session."}


def child(fx: Any, user: Any) -> dict[str, Any]:
    return {"age": 7, "lives_with": "mother"}


def safeguarding(fx: Any, user: Any) -> dict[str, Any]:
    return {"safeguarding_referral_on": "2025-01-15", "safeguarding_referral_to": "Centre for social work"}


def document(fx: Any, user: Any) -> dict[str, Any]:
    return {"title": "Court order", "file": SimpleUploadedFile("order.pdf", PDF, content_type="application/pdf")}


def _own(fx: Any, user: Any) -> dict[str, Any]:
    return {"case_id": fx.case.pk}


def _other(fx: Any, user: Any) -> dict[str, Any]:
    return {"case_id": fx.other_case.pk}


ROWS: list[Row] = []
for _name, _payload in [
    ("cases:intake", intake),
    ("cases:note_add", note),
    ("cases:child_add", child),
    ("cases:document_add", document),
]:
    ROWS += [
        Row(_name, "GET", "own", signed_in(NOT_FOUND, **READERS), _own),
        Row(_name, "GET", "other", signed_in(NOT_FOUND), _other),
        Row(_name, "POST", "own", signed_in(NOT_FOUND, **ACTING), _own, data=_payload),
        Row(_name, "POST", "other", signed_in(NOT_FOUND), _other, data=_payload),
    ]

ROWS += [
    Row(
        "cases:child_safeguarding",
        "GET",
        "own",
        signed_in(NOT_FOUND, **READERS),
        lambda fx, user: {"case_id": fx.case.pk, "child_id": fx.child.pk},
    ),
    Row(
        "cases:child_safeguarding",
        "GET",
        "other",
        signed_in(NOT_FOUND),
        lambda fx, user: {"case_id": fx.other_case.pk, "child_id": fx.other_child.pk},
    ),
    Row(
        "cases:child_safeguarding",
        "POST",
        "own",
        signed_in(NOT_FOUND, **ACTING),
        lambda fx, user: {"case_id": fx.case.pk, "child_id": fx.child.pk},
        data=safeguarding,
    ),
    Row(
        "cases:child_safeguarding",
        "POST",
        "other",
        signed_in(NOT_FOUND),
        lambda fx, user: {"case_id": fx.other_case.pk, "child_id": fx.other_child.pk},
        data=safeguarding,
    ),
    # Opening a document is a read, and it is audited (``test_documents``).
    Row(
        "cases:document",
        "GET",
        "own",
        signed_in(NOT_FOUND, **READERS),
        lambda fx, user: {"case_id": fx.case.pk, "document_id": fx.document.pk},
    ),
    Row(
        "cases:document",
        "GET",
        "other",
        signed_in(NOT_FOUND),
        lambda fx, user: {"case_id": fx.other_case.pk, "document_id": fx.other_document.pk},
    ),
]
