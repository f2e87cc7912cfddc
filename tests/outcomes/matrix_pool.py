"""Rows of the permission matrix for the pooled outcome dataset's pages.

A provider's agreements page is for its administrators and coordinators: the administrators
record and end agreements (a coordinator is refused), both contribute. The log of every
contribution is for the network's analysts and the platform's administrators; the benchmarks
for the analysts and for the coordinators and administrators of any provider (the outsider is a
coordinator of another provider: she sees her own programme beside the pool). Nobody finds
another provider's pages.
"""

from __future__ import annotations

from typing import Any

from tandem.core import clock
from tests.permission_matrix import ACTED, NOT_FOUND, OK, REFUSED, Row, signed_in


def _own(fx: Any, user: Any) -> dict[str, Any]:
    return {"organisation_id": fx.world.org.pk}


def _other(fx: Any, user: Any) -> dict[str, Any]:
    return {"organisation_id": fx.elsewhere.pk}


def _own_agreement(fx: Any, user: Any) -> dict[str, Any]:
    return {"organisation_id": fx.world.org.pk, "agreement_id": fx.agreement.pk}


def _other_agreement(fx: Any, user: Any) -> dict[str, Any]:
    return {"organisation_id": fx.elsewhere.pk, "agreement_id": fx.other_agreement.pk}


def _agreement(fx: Any, user: Any) -> dict[str, str]:
    today = clock.today().isoformat()
    return {"reference": "DSA-MATRIX", "signed_on": today, "starts_on": today, "ends_on": "", "scope": "Benchmarks."}


def _version(fx: Any, user: Any) -> dict[str, str]:
    return {"version": "1"}


ROWS: list[Row] = [
    Row("outcomes:agreements", "GET", "own", signed_in(NOT_FOUND, coordinator=OK, org_admin=OK), _own),
    Row("outcomes:agreements", "GET", "other", signed_in(NOT_FOUND), _other),
    Row(
        "outcomes:agreements",
        "POST",
        "own",
        signed_in(NOT_FOUND, coordinator=REFUSED, org_admin=ACTED),
        _own,
        data=_agreement,
    ),
    Row("outcomes:agreements", "POST", "other", signed_in(NOT_FOUND), _other, data=_agreement),
    Row(
        "outcomes:agreement_end",
        "POST",
        "own",
        signed_in(NOT_FOUND, coordinator=REFUSED, org_admin=ACTED),
        _own_agreement,
        data=_version,
    ),
    Row("outcomes:agreement_end", "POST", "other", signed_in(NOT_FOUND), _other_agreement, data=_version),
    Row("outcomes:contribute", "POST", "own", signed_in(NOT_FOUND, coordinator=ACTED, org_admin=ACTED), _own),
    Row("outcomes:contribute", "POST", "other", signed_in(NOT_FOUND), _other),
    Row("outcomes:pool_log", "GET", "none", signed_in(NOT_FOUND, analyst=OK, platform_admin=OK)),
    Row(
        "outcomes:benchmarks",
        "GET",
        "none",
        signed_in(NOT_FOUND, analyst=OK, coordinator=OK, org_admin=OK, outsider=OK),
    ),
]
