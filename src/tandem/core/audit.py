"""The append-only, hash-chained audit log.

Each entry stores the hash of the entry before it and the SHA-256 of its own canonical
content, so that changing, removing or inserting a row breaks the chain at that row.
``verify`` walks the chain and names the first entry that does not fit.

Appends are serialised so that two processes can never give two entries the same
predecessor: on PostgreSQL by a transaction-scoped advisory lock, on SQLite by the
IMMEDIATE transactions that the settings ask for (the write lock is taken at BEGIN).
The unique ``seq`` column is the last line of defence: a fork cannot be committed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import connection, models, transaction
from django.http import HttpRequest
from django.utils import timezone

from tandem.core.models import AuditEntry, Organisation, User

GENESIS_HASH = "0" * 64
# An arbitrary constant: the advisory lock that guards the head of the chain.
_PG_LOCK_KEY = 0x7A4D3E11
_SEP = "\x1f"


def canonical_time(value: datetime | str) -> str:
    """The timestamp as hashed: UTC, microseconds, ISO 8601.

    PostgreSQL hands back aware datetimes, Django's SQLite adapter naive UTC ones, and raw
    SQLite its stored text (``YYYY-MM-DD HH:MM:SS[.ffffff]``, UTC); all become one string.
    """
    if isinstance(value, str):
        text = value.replace(" ", "T")
        if "+" in text[10:]:
            text = text[: text.index("+", 10)]
        if "." not in text:
            text += ".000000"
        return text + "Z"
    if value.tzinfo is None:
        # Django's SQLite adapter returns stored UTC times without a zone.
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def entry_hash(prev_hash: str, fields: tuple[Any, ...]) -> str:
    """SHA-256 over the previous hash and the entry's canonical content."""
    seq, at, actor_id, actor_label, action, organisation_id, object_type, object_id, compartment, ip, detail = fields
    canonical = _SEP.join(
        (
            prev_hash,
            str(seq),
            canonical_time(at),
            "" if actor_id is None else str(actor_id),
            actor_label,
            action,
            "" if organisation_id is None else str(organisation_id),
            object_type,
            object_id,
            compartment,
            ip,
            detail,
        )
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def client_ip(request: HttpRequest | None) -> str:
    if request is None:
        return ""
    return str(request.META.get("REMOTE_ADDR", ""))[:45]


def record(
    action: str,
    *,
    actor: User | None,
    obj: models.Model | None = None,
    organisation: Organisation | int | None = None,
    compartment: str = "",
    detail: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
    actor_label: str = "",
) -> AuditEntry:
    """Append one entry. Call it inside the transaction of the change it records, so the
    change and its audit entry are committed together or not at all."""
    if isinstance(organisation, Organisation):
        organisation_id: int | None = organisation.pk
    else:
        organisation_id = organisation
    if organisation_id is None and obj is not None:
        organisation_id = getattr(obj, "organisation_id", None)
    if not actor_label and actor is not None and actor.pk is not None:
        actor_label = actor.get_username()
    entry = AuditEntry(
        at=timezone.now(),
        actor_id=actor.pk if actor is not None and actor.pk is not None else None,
        actor_label=actor_label[:150],
        action=action,
        organisation_id=organisation_id,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        compartment=compartment,
        ip=client_ip(request),
        detail=json.dumps(detail, sort_keys=True, separators=(",", ":"), ensure_ascii=False) if detail else "",
    )
    with transaction.atomic():
        _lock_chain_head()
        head = AuditEntry.objects.order_by("-seq").values_list("seq", "hash").first()
        entry.seq, entry.prev_hash = (head[0] + 1, head[1]) if head else (1, GENESIS_HASH)
        entry.hash = entry_hash(entry.prev_hash, _fields_of(entry))
        entry.save(force_insert=True)
    return entry


def _lock_chain_head() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_LOCK_KEY])


def _fields_of(entry: AuditEntry) -> tuple[Any, ...]:
    return (
        entry.seq,
        entry.at,
        entry.actor_id,
        entry.actor_label,
        entry.action,
        entry.organisation_id,
        entry.object_type,
        entry.object_id,
        entry.compartment,
        entry.ip,
        entry.detail,
    )


_COLUMNS = (
    "seq, at, actor_id, actor_label, action, organisation_id, object_type, object_id, compartment, ip, detail, "
    "prev_hash, hash"
)


@dataclass(frozen=True)
class Verification:
    ok: bool
    entries: int
    head_hash: str
    first_bad_seq: int | None = None
    problem: str = ""


def _rows(chunk: int = 20_000) -> Iterator[tuple[Any, ...]]:
    # Raw SQL and keyset pagination: the ORM's per-row conversion would cost more than
    # the hashing itself, and memory stays flat for any length of log.
    table = AuditEntry._meta.db_table
    last = 0
    while True:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {_COLUMNS} FROM {table} WHERE seq > %s ORDER BY seq LIMIT %s",  # noqa: S608 - constant identifiers
                [last, chunk],
            )
            rows = cursor.fetchall()
        if not rows:
            return
        yield from rows
        last = rows[-1][0]


def verify() -> Verification:
    """Walk the whole chain. The first entry that was altered, or that follows a removed or
    inserted one, is named; nothing is repaired."""
    expected_seq = 1
    prev = GENESIS_HASH
    count = 0
    for row in _rows():
        seq, prev_hash, stored_hash = row[0], row[11], row[12]
        if seq != expected_seq:
            what = "missing" if seq > expected_seq else "out of order"
            return Verification(
                False, count, prev, seq, f"entry {seq} follows entry {expected_seq - 1}: entries are {what}"
            )
        if prev_hash != prev:
            return Verification(False, count, prev, seq, f"entry {seq} does not link to entry {seq - 1}")
        if entry_hash(prev_hash, row[:11]) != stored_hash:
            return Verification(False, count, prev, seq, f"entry {seq} was altered after it was written")
        prev = stored_hash
        expected_seq += 1
        count += 1
    return Verification(True, count, prev)
