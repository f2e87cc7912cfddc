"""Walking one row of a permission matrix for one persona: the request, its outcome, and the
audit entry that acting must leave. Shared by the matrix of every domain."""

from __future__ import annotations

from typing import Any

from django.contrib import messages as message_levels
from django.urls import reverse

from tandem.core.models import AuditEntry
from tests.conftest import signed_in_client
from tests.permission_matrix import ACTED, ADMIN_SAMPLES, FORBIDDEN, LOGIN, NOT_FOUND, OK, REFUSED, Outcome, Row


def outcome_of(response: Any, method: str) -> Outcome:
    status, location = response.status_code, response.get("Location", "")
    if status in (301, 302, 303) and location.startswith(("/signin/?next=", "/platform-admin/login/")):
        return LOGIN
    if status == 404:
        return NOT_FOUND
    if status == 403:
        return FORBIDDEN
    if status in (409, 422):
        return REFUSED
    if not 200 <= status < 400:
        raise AssertionError(f"unexpected status {status}")
    if method == "GET":
        return OK
    said = getattr(response.wsgi_request, "_messages", None)
    errors = [m for m in getattr(said, "_queued_messages", []) if m.level >= message_levels.ERROR]
    return REFUSED if errors else ACTED


def check_row(fx: Any, row: Row, persona: str) -> None:
    """``fx`` gives the persona's user (``fx.user(persona)``) and what the row's URL and
    payload are built from."""
    user = fx.user(persona)
    client = signed_in_client(user)
    names = ADMIN_SAMPLES if row.name.endswith(":*") else [row.name]
    for name in names:
        url = reverse(name, kwargs=row.kwargs(fx, user))
        recorded = AuditEntry.objects.count()
        response = client.get(url) if row.method == "GET" else client.post(url, row.data(fx, user))
        got = outcome_of(response, row.method)
        assert got == row.expect[persona], f"{persona} {row.method} {url}: {response.status_code}"
        if got == ACTED and row.audited:
            # Acting is on the record, as the person who acted.
            assert AuditEntry.objects.filter(seq__gt=recorded, actor=user).exclude(action="access.denied").exists()
