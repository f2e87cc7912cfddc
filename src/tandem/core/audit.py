"""The append-only, hash-chained audit log.

Each entry stores the hash of the entry before it and the SHA-256 of its own canonical
content, so that changing, removing or inserting a row breaks the chain at that row.
``verify`` walks the chain and names the first entry that does not fit.

Appends are serialised so that two processes can never give two entries the same
predecessor: on PostgreSQL by a transaction-scoped advisory lock, on SQLite by the
IMMEDIATE transactions that the settings ask for (the write lock is taken at BEGIN).
The unique ``seq`` column is the last line of defence: a fork cannot be committed.

Actions never see an HTTP request: the views hand them an ``AuditContext`` (the client's
address and browser), and the command line hands them ``COMMAND_LINE``.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import threading
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from tandem.core.models import AuditEntry, Organisation, User

GENESIS_HASH = "0" * 64
USER_AGENT_LENGTH = 300
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
    """SHA-256 over the previous hash and the entry's canonical content.

    The browser (user agent) joined the entry's content after the log had entries; it is part
    of the canonical text only when recorded, so that entries written before it still verify."""
    (
        seq,
        at,
        actor_id,
        actor_label,
        action,
        organisation_id,
        object_type,
        object_id,
        compartment,
        ip,
        detail,
        user_agent,
    ) = fields
    parts = [
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
    ]
    if user_agent:
        parts.append(user_agent)
    return hashlib.sha256(_SEP.join(parts).encode()).hexdigest()


@dataclass(frozen=True)
class AuditContext:
    """Where a change or a read came from: the client's address and browser on the web, or
    the channel (the command line, the background worker) when no browser is involved."""

    ip: str = ""
    user_agent: str = ""
    channel: str = ""


COMMAND_LINE = AuditContext(channel="command line")
WORKER = AuditContext(channel="background worker")


def record(
    action: str,
    *,
    actor: User | None,
    obj: models.Model | None = None,
    organisation: Organisation | int | None = None,
    compartment: str = "",
    detail: dict[str, Any] | None = None,
    context: AuditContext | None = None,
    actor_label: str = "",
) -> AuditEntry:
    """Append one entry. Call it inside the transaction of the change it records, so the
    change and its audit entry are committed together or not at all. Without a person acting,
    the context's channel names who did it."""
    context = context or AuditContext()
    if isinstance(organisation, Organisation):
        organisation_id: int | None = organisation.pk
    else:
        organisation_id = organisation
    if organisation_id is None and obj is not None:
        organisation_id = getattr(obj, "organisation_id", None)
    if not actor_label and actor is not None and actor.pk is not None:
        actor_label = actor.get_username()
    if not actor_label:
        actor_label = context.channel
    entry = AuditEntry(
        at=timezone.now(),
        actor_id=actor.pk if actor is not None and actor.pk is not None else None,
        actor_label=actor_label[:150],
        action=action,
        organisation_id=organisation_id,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        compartment=compartment,
        ip=context.ip[:45],
        user_agent=context.user_agent[:USER_AGENT_LENGTH],
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
        entry.user_agent,
    )


@dataclass(frozen=True)
class Verification:
    ok: bool
    entries: int
    head_hash: str
    first_bad_seq: int | None = None
    problem: str = ""


# Verification splits the chain into ranges of ``seq`` that are checked side by side (one
# process or connection per core) and then stitched: each range reports its first and last
# entries and its first problem, and the stitch checks that each range links to the one before.
# The canonical text is rebuilt in SQL (one printf per row on SQLite; on PostgreSQL the
# database hashes too). It must match ``entry_hash`` exactly; the tests run on both.
_SQLITE_RANGE = """
SELECT seq, prev_hash, hash, printf(
    '%s' || char(31) || '%d' || char(31) || '%sT%s%sZ' || char(31) || '%s' || char(31) || '%s' || char(31)
    || '%s' || char(31) || '%s' || char(31) || '%s' || char(31) || '%s' || char(31) || '%s' || char(31)
    || '%s' || char(31) || '%s',
    prev_hash, seq, substr(at, 1, 10), substr(at, 12), CASE WHEN length(at) = 19 THEN '.000000' ELSE '' END,
    coalesce(actor_id, ''), actor_label, action, coalesce(organisation_id, ''), object_type, object_id,
    compartment, ip, detail) || CASE WHEN user_agent = '' THEN '' ELSE char(31) || user_agent END
FROM core_auditentry WHERE seq BETWEEN ? AND ? ORDER BY seq
"""

_POSTGRESQL_RANGE = """
WITH chain AS (
    SELECT seq, prev_hash, hash,
           lag(seq) OVER w AS before_seq,
           lag(hash) OVER w AS before_hash,
           encode(sha256(convert_to(concat_ws(chr(31),
               prev_hash, seq::text,
               to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
               coalesce(actor_id::text, ''), actor_label, action, coalesce(organisation_id::text, ''),
               object_type, object_id, compartment, ip, detail, nullif(user_agent, '')), 'UTF8')), 'hex') AS computed
    FROM core_auditentry
    WHERE seq BETWEEN %s AND %s
    WINDOW w AS (ORDER BY seq)
)
SELECT seq, before_seq, prev_hash, before_hash
FROM chain
WHERE hash <> computed OR (before_seq IS NOT NULL AND (seq <> before_seq + 1 OR prev_hash <> before_hash))
ORDER BY seq
LIMIT 1
"""

# Below this many entries one worker is quicker than starting several.
_PARALLEL_FROM = 100_000


@dataclass(frozen=True)
class _Range:
    """What one range of the chain says about itself."""

    first: tuple[int, str] | None  # (seq, prev_hash) of its first entry; None when empty
    last: tuple[int, str] | None  # (seq, hash) of its last entry
    # The first entry inside the range that is altered or does not follow the one before it:
    # (seq, seq before it, its prev_hash, the hash before it).
    problem: tuple[int, int, str, str] | None


def _problem(seq: int, before_seq: int, prev_hash: str, before_hash: str) -> str:
    if seq != before_seq + 1:
        what = "missing" if seq > before_seq + 1 else "out of order"
        return f"entry {seq} follows entry {before_seq}: entries are {what}"
    if prev_hash != before_hash:
        return f"entry {seq} does not link to entry {before_seq}"
    return f"entry {seq} was altered after it was written"


def _check_rows(rows: list[tuple[int, str, str, str]]) -> _Range:
    if not rows:
        return _Range(None, None, None)
    sha256 = hashlib.sha256
    before_seq = before_hash = None
    for seq, prev_hash, stored_hash, canonical in rows:
        if before_seq is not None and (seq != before_seq + 1 or prev_hash != before_hash):
            return _Range((rows[0][0], rows[0][1]), None, (seq, before_seq, prev_hash, str(before_hash)))
        if sha256(canonical.encode()).hexdigest() != stored_hash:
            before = (before_seq, str(before_hash)) if before_seq is not None else (seq - 1, prev_hash)
            return _Range((rows[0][0], rows[0][1]), None, (seq, before[0], prev_hash, before[1]))
        before_seq, before_hash = seq, stored_hash
    return _Range((rows[0][0], rows[0][1]), (rows[-1][0], rows[-1][2]), None)


def _sqlite_range_in_process(path: str, low: int, high: int) -> _Range:
    """One range, read through its own read-only connection (runs in a worker process)."""
    import sqlite3

    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        return _check_rows(db.execute(_SQLITE_RANGE, (low, high)).fetchall())


def _sqlite_range(low: int, high: int) -> _Range:
    # The driver's own connection: Django's cursor would read the printf format's %s as
    # parameters.
    connection.ensure_connection()
    return _check_rows(connection.connection.execute(_SQLITE_RANGE, (low, high)).fetchall())


def _postgresql_range(low: int, high: int) -> _Range:
    """One range, hashed by PostgreSQL itself (runs in a thread with its own connection)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute(_POSTGRESQL_RANGE, [low, high])
            bad = cursor.fetchone()
            cursor.execute(
                "SELECT seq, prev_hash, hash FROM core_auditentry WHERE seq IN "
                "((SELECT min(seq) FROM core_auditentry WHERE seq BETWEEN %s AND %s), "
                "(SELECT max(seq) FROM core_auditentry WHERE seq BETWEEN %s AND %s)) ORDER BY seq",
                [low, high, low, high],
            )
            ends = cursor.fetchall()
    finally:
        if threading.current_thread() is not threading.main_thread():
            connection.close()
    if not ends:
        return _Range(None, None, None)
    first, last = ends[0], ends[-1]
    if bad is not None:
        seq, before_seq, prev_hash, before_hash = bad
        if before_seq is None:  # the range's first entry itself was altered
            before_seq, before_hash = seq - 1, prev_hash
        return _Range((first[0], first[1]), None, (seq, before_seq, prev_hash, before_hash))
    return _Range((first[0], first[1]), (last[0], last[2]), None)


def _ranges(low: int, high: int, parts: int) -> list[tuple[int, int]]:
    size = (high - low) // parts + 1
    return [(start, min(start + size - 1, high)) for start in range(low, high + 1, size)]


def _run_ranges(low: int, high: int, count: int) -> list[_Range]:
    workers = max(1, min(os.cpu_count() or 1, 8)) if count >= _PARALLEL_FROM else 1
    spans = _ranges(low, high, workers)
    if workers == 1:
        check = _postgresql_range if connection.vendor == "postgresql" else _sqlite_range
        return [check(a, b) for a, b in spans]
    if connection.vendor == "postgresql":
        with ThreadPoolExecutor(max_workers=workers) as pool:
            return list(pool.map(lambda span: _postgresql_range(*span), spans))
    path = str(connection.settings_dict["NAME"])
    if not Path(path).is_file():  # an in-memory database cannot be opened twice
        return [_sqlite_range(a, b) for a, b in spans]
    with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork")) as pool:
        return list(pool.map(_sqlite_range_in_process, [path] * len(spans), *zip(*spans, strict=True)))


def _count_before(seq: int) -> int:
    return AuditEntry.objects.filter(seq__lt=seq).count()


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
    bounds = AuditEntry.objects.aggregate(low=models.Min("seq"), high=models.Max("seq"), count=models.Count("seq"))
    if not bounds["count"]:
        return Verification(True, 0, GENESIS_HASH)
    before_seq, before_hash = 0, GENESIS_HASH
    for part in _run_ranges(min(bounds["low"], 1), bounds["high"], bounds["count"]):
        if part.first is None:
            continue
        seq, prev_hash = part.first
        if seq != before_seq + 1 or prev_hash != before_hash:
            problem = _problem(seq, before_seq, prev_hash, before_hash)
            return Verification(False, _count_before(seq), before_hash, seq, problem)
        if part.problem is not None:
            seq = part.problem[0]
            return Verification(False, _count_before(seq), part.problem[3], seq, _problem(*part.problem))
        assert part.last is not None  # noqa: S101 - a range without a problem has a last entry
        before_seq, before_hash = part.last
    return Verification(True, bounds["count"], before_hash)
