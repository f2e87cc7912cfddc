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
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import connection, models, transaction
from django.http import HttpRequest
from django.utils import timezone

from tandem.core.http import client_ip
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
        ip=client_ip(request) if request is not None else "",
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


@dataclass(frozen=True)
class Verification:
    ok: bool
    entries: int
    head_hash: str
    first_bad_seq: int | None = None
    problem: str = ""


# Verification rebuilds each entry's canonical text in SQL, so that the database does the
# string work in C and Python only hashes (SQLite) or only reads the verdict (PostgreSQL,
# which hashes too). Both must match ``entry_hash`` exactly; the tests run on both.
_SQLITE_CANONICAL = """
    prev_hash || char(31) || seq || char(31)
    || replace(at, ' ', 'T') || (CASE WHEN instr(at, '.') = 0 THEN '.000000' ELSE '' END) || 'Z' || char(31)
    || coalesce(actor_id, '') || char(31) || actor_label || char(31) || action || char(31)
    || coalesce(organisation_id, '') || char(31) || object_type || char(31) || object_id || char(31)
    || compartment || char(31) || ip || char(31) || detail
"""

_POSTGRESQL_VERDICT = """
WITH chain AS (
    SELECT seq, prev_hash, hash,
           lag(seq) OVER w AS before_seq,
           lag(hash) OVER w AS before_hash,
           encode(sha256(convert_to(concat_ws(chr(31),
               prev_hash, seq::text,
               to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
               coalesce(actor_id::text, ''), actor_label, action, coalesce(organisation_id::text, ''),
               object_type, object_id, compartment, ip, detail), 'UTF8')), 'hex') AS computed
    FROM {table}
    WINDOW w AS (ORDER BY seq)
)
SELECT seq, coalesce(before_seq, 0), prev_hash, coalesce(before_hash, %s), hash, computed
FROM chain
WHERE seq <> coalesce(before_seq, 0) + 1 OR prev_hash <> coalesce(before_hash, %s) OR hash <> computed
ORDER BY seq
LIMIT 1
"""


def _problem(seq: int, before_seq: int, prev_hash: str, before_hash: str) -> str:
    if seq != before_seq + 1:
        what = "missing" if seq > before_seq + 1 else "out of order"
        return f"entry {seq} follows entry {before_seq}: entries are {what}"
    if prev_hash != before_hash:
        return f"entry {seq} does not link to entry {before_seq}"
    return f"entry {seq} was altered after it was written"


def _verify_postgresql(table: str) -> Verification:
    with connection.cursor() as cursor:
        cursor.execute(_POSTGRESQL_VERDICT.format(table=table), [GENESIS_HASH, GENESIS_HASH])
        bad = cursor.fetchone()
        if bad is None:
            cursor.execute(f"SELECT count(*), (SELECT hash FROM {table} ORDER BY seq DESC LIMIT 1) FROM {table}")  # noqa: S608
            count, head = cursor.fetchone()
            return Verification(True, count, head or GENESIS_HASH)
        seq, before_seq, prev_hash, before_hash, _stored, _computed = bad
        cursor.execute(f"SELECT count(*) FROM {table} WHERE seq < %s", [seq])  # noqa: S608
        intact = cursor.fetchone()[0]
    return Verification(False, intact, before_hash, seq, _problem(seq, before_seq, prev_hash, before_hash))


def _verify_in_python(table: str, chunk: int = 50_000) -> Verification:
    sha256 = hashlib.sha256
    before_seq, before_hash, count = 0, GENESIS_HASH, 0
    while True:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT seq, prev_hash, hash, {_SQLITE_CANONICAL} FROM {table} "  # noqa: S608 - constant identifiers
                "WHERE seq > %s ORDER BY seq LIMIT %s",
                [before_seq, chunk],
            )
            rows = cursor.fetchall()
        if not rows:
            return Verification(True, count, before_hash)
        for seq, prev_hash, stored_hash, canonical in rows:
            if (
                seq != before_seq + 1
                or prev_hash != before_hash
                or sha256(canonical.encode()).hexdigest() != stored_hash
            ):
                return Verification(False, count, before_hash, seq, _problem(seq, before_seq, prev_hash, before_hash))
            before_seq, before_hash = seq, stored_hash
            count += 1


def check_anchor(seq: int, expected_hash: str) -> str | None:
    """Compare with a head recorded earlier outside the database (printed by ``tandem audit
    verify``). A chain that verifies can still have lost its newest entries; an anchor taken
    before shows that. Returns the problem, or None."""
    row = AuditEntry.objects.filter(seq=seq).values_list("hash", flat=True).first()
    if row is None:
        return f"entry {seq} of the recorded anchor is gone: the log was cut back"
    if row != expected_hash:
        return f"entry {seq} no longer has the recorded hash: the log was rewritten"
    return None


def verify() -> Verification:
    """Walk the whole chain. The first entry that was altered, or that follows a removed or
    inserted one, is named; nothing is repaired."""
    table = AuditEntry._meta.db_table
    if connection.vendor == "postgresql":
        return _verify_postgresql(table)
    return _verify_in_python(table)
