"""Concurrent edits are detected, not overwritten: a record with a ``version`` field is changed
only if nobody changed it since the version the person's form was opened at."""

from __future__ import annotations

from typing import Any

from django.db import models


def save_if_unchanged(record: models.Model, expected_version: int, **changes: Any) -> bool:
    """Write ``changes`` (and the next version) in one conditional update; False, and nothing
    written, when the record moved on meanwhile. On success the record in memory follows."""
    model = type(record)
    updated = model._base_manager.filter(pk=record.pk, version=expected_version).update(
        version=expected_version + 1, **changes
    )
    if not updated:
        return False
    for name, value in changes.items():
        setattr(record, name, value)
    record.version = expected_version + 1  # type: ignore[attr-defined]
    return True
