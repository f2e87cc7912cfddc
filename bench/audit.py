"""Benchmark of the hash-chained audit log (``tandem.core.audit``).

    uv run python bench/audit.py [--entries N] [--databases sqlite,postgresql] [--output PATH]

Per database, in a subprocess of its own (settings are read once per process):

* append: the real ``audit.record(...)`` for each of N entries, each in its own
  transaction as in a request, interleaved one for one with a FLOOR: a plain single-row
  INSERT of an equivalent row (same columns and indexes, built the same way) into an
  unchained twin table, also in its own transaction. Both tables therefore grow alike and
  share the same conditions. Reported: entries/s, mean and p50/p95/p99 ms, and the chain's
  added ms per request (append - floor) and ratio (append / floor).
* verify: ``audit.verify()`` over all N entries (it checks ranges side by side, one per
  core), against a FLOOR of one connection reading every row's columns once, keyset-
  paginated, without hashing or checks. Reported: entries/s, ratio,
  and whether verify returned ok=True with count == N.

Results are JSON, printed and written to bench/results/audit-<timestamp>.json. These are
measurements and ratios, not timed assertions; the targets are compared and reported.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import secrets
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
RESULTS_DIR = BENCH_DIR / "results"
DEFAULT_ENTRIES = 1_000_000
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432"
ESTIMATE_AFTER = 10_000
TARGETS = {
    "append_added_ms_max": 2.0,  # the chain adds under 2 ms per append (mean append - mean floor)
    "verify_entries_per_s_min": 200_000,
}
# The columns verify() reads, in its order. Kept here so the floor does not follow audit.py.
COLUMNS = (
    "seq, at, actor_id, actor_label, action, organisation_id, object_type, object_id, compartment, ip, detail, "
    "prev_hash, hash"
)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------------------
# Parent: one subprocess per database, PostgreSQL database created and dropped here.
# --------------------------------------------------------------------------------------


def _pg_admin(url: str) -> Any:
    import psycopg

    return psycopg.connect(url.rstrip("/") + "/postgres", autocommit=True, connect_timeout=5)


def _run_worker(vendor: str, database_url: str, data_dir: str, args: argparse.Namespace) -> dict[str, Any]:
    arguments = [
        "--entries", str(args.entries), "--seed", str(args.seed), "--verify-repeats", str(args.verify_repeats),
        *(["--timed-appends", str(args.timed_appends)] if args.timed_appends else []),
    ]  # fmt: skip
    if str(BENCH_DIR.parent) not in sys.path:  # run as a script: the bench package sits beside it
        sys.path.insert(0, str(BENCH_DIR.parent))
    from bench.worker import run_worker

    return run_worker(Path(__file__).resolve(), vendor, database_url, data_dir, arguments)


def run_sqlite(args: argparse.Namespace) -> dict[str, Any]:
    data_dir = tempfile.mkdtemp(prefix="tandem-bench-sqlite-", dir=args.tmpdir)
    try:
        return _run_worker("sqlite", f"sqlite:///{data_dir}/bench.sqlite3", data_dir, args)
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


def run_postgresql(args: argparse.Namespace) -> dict[str, Any]:
    base = args.postgres_url.rstrip("/")
    try:
        admin = _pg_admin(base)
    except Exception as exc:
        return {"status": "skipped", "reason": f"PostgreSQL unreachable at {base}: {exc}".strip()}
    name = f"tandem_bench_{secrets.token_hex(6)}"
    data_dir = tempfile.mkdtemp(prefix="tandem-bench-pg-", dir=args.tmpdir)
    try:
        with admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        log(f"postgresql: created database {name}")
        result = _run_worker("postgresql", f"{base}/{name}", data_dir, args)
        result.setdefault("database", {})["name"] = name
        return result
    finally:
        try:
            with _pg_admin(base) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            log(f"postgresql: dropped database {name}")
        except Exception as exc:
            log(f"postgresql: could not drop database {name}: {exc}")
        shutil.rmtree(data_dir, ignore_errors=True)


def _meets(result: dict[str, Any], entries: int) -> dict[str, Any] | None:
    if result.get("status") != "ok":
        return None
    added = result["append"]["added_ms_per_request"]
    rate = result["verify"]["entries_per_s"]
    checks = {
        "append_added_ms": added < TARGETS["append_added_ms_max"],
        "verify_entries_per_s": rate >= TARGETS["verify_entries_per_s_min"],
        "verify_ok_and_count": bool(result["verify"]["ok"]) and result["verify"]["count"] == entries,
    }
    checks["all"] = all(checks.values())
    return checks


def main_parent(args: argparse.Namespace) -> int:
    wanted = [d.strip() for d in args.databases.split(",") if d.strip()]
    unknown = set(wanted) - {"sqlite", "postgresql"}
    if unknown:
        raise SystemExit(f"unknown database(s): {', '.join(sorted(unknown))}")
    started = datetime.now(UTC)
    output = Path(args.output) if args.output else RESULTS_DIR / f"audit-{started:%Y%m%dT%H%M%SZ}.json"
    log(f"audit benchmark: {args.entries:,} entries on {', '.join(wanted)}; results to {output}")
    results: dict[str, Any] = {}
    for vendor in wanted:
        t0 = time.perf_counter()
        results[vendor] = run_sqlite(args) if vendor == "sqlite" else run_postgresql(args)
        results[vendor]["wall_s"] = round(time.perf_counter() - t0, 1)
    report = {
        "benchmark": "audit",
        "entries": args.entries,
        "started_at": started.isoformat(),
        "finished_at": datetime.now(UTC).isoformat(),
        "machine": {
            "cpu_count": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "processor": platform.processor() or platform.machine(),
        },
        "results": results,
        "targets": {
            **TARGETS,
            "notes": "append_added_ms = mean record() ms - mean floor INSERT ms, same run, interleaved; "
            "verify rate = N / seconds of audit.verify() (best of repeats)",
        },
        "meets_targets": {vendor: _meets(result, args.entries) for vendor, result in results.items()},
    }
    text = json.dumps(report, indent=2)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text + "\n")
    print(text)
    log(f"written to {output}")
    return 0


# --------------------------------------------------------------------------------------
# Worker: one database, Django configured from the environment.
# --------------------------------------------------------------------------------------

ACTIONS = [
    # (action, object kind, compartment, weight)
    ("survivor.view", "membership", "survivor", 30),
    ("survivor.change", "membership", "survivor", 8),
    ("signin", None, "", 12),
    ("signin.failed", None, "", 4),
    ("signout", None, "", 8),
    ("access.denied", None, "programme", 3),
    ("invitation.created", "invitation", "", 3),
    ("invitation.revoked", "invitation", "", 1),
    ("membership.created", "membership", "", 3),
    ("membership.role_changed", "membership", "", 2),
    ("membership.removed", "membership", "", 1),
    ("account.password_changed", "user", "", 2),
    ("second_factor.added", "user", "", 2),
    ("organisation.updated", "organisation", "", 1),
]
ROLES = ["facilitator", "survivor_worker", "coordinator", "org_admin", "referrer", "analyst", "auditor"]
NAMES = ["ana.petrovic", "besnik.hoxha", "dragana.m", "elif.yilmaz", "goran.s", "jelena.k", "marko.nikolic",
         "mirela.d", "nikola.p", "sanja.r", "vesna.t", "zoran.b"]  # fmt: skip


class Payloads:
    """Realistic, reproducible arguments for ``record``: actions, objects, organisations,
    compartments, client addresses and detail payloads of varying size."""

    def __init__(self, seed: int) -> None:
        import random

        from django.http import HttpRequest

        from tandem.core.models import Invitation, Membership, Organisation, User

        self.rng = random.Random(seed)
        self.actions = [a for a in ACTIONS for _ in range(a[3])]
        self.HttpRequest = HttpRequest
        self.models = {"membership": Membership, "invitation": Invitation, "user": User, "organisation": Organisation}

    def next(self) -> tuple[str, dict[str, Any]]:
        rng = self.rng
        action, kind, compartment, _ = rng.choice(self.actions)
        org = rng.randint(1, 40)
        obj = None
        if kind is not None:
            model = self.models[kind]
            obj = model(pk=rng.randint(1, 5_000_000))
            if hasattr(obj, "organisation_id"):
                obj.organisation_id = org
        request = self.HttpRequest()
        request.META["REMOTE_ADDR"] = (
            f"10.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
            if rng.random() < 0.8
            else f"2001:db8:{rng.randint(0, 65535):x}::{rng.randint(1, 65535):x}"
        )
        detail: dict[str, Any] | None
        roll = rng.random()
        if action.startswith("survivor.view"):
            detail = {"listed": True} if roll < 0.5 else None
        elif action == "signin":
            detail = {"second_factor": "totp" if roll < 0.9 else "none"}
        elif action == "signin.failed":
            detail = {"step": "second_factor"} if roll < 0.3 else None
        elif action == "access.denied":
            detail = {"model": "core.membership", "id": str(rng.randint(1, 99999)), "action": "view"}
        elif action.startswith("membership.role_changed"):
            detail = {"user": rng.choice(NAMES), "from": rng.choice(ROLES), "to": rng.choice(ROLES)}
        elif action.startswith(("membership", "invitation")):
            detail = {"role": rng.choice(ROLES), "invitation": rng.randint(1, 50000)}
        elif action in {"survivor.change", "organisation.updated"}:
            fields = rng.sample(["phone", "email", "address", "safety_plan", "notes", "contact_window", "language"],
                                rng.randint(1, 4))  # fmt: skip
            detail = {"changed": fields, "reason": "Kontakt je ažuriran nakon razgovora. " * rng.randint(0, 6)}
        else:
            detail = None
        kwargs: dict[str, Any] = {
            "actor": None,
            "actor_label": rng.choice(NAMES) if roll < 0.97 else "system",
            "obj": obj,
            "organisation": org if obj is None and rng.random() < 0.7 else None,
            "compartment": compartment,
            "detail": detail,
            "request": request,
        }
        return action, kwargs


def _floor_model() -> Any:
    """An unchained twin of AuditEntry: the same columns and indexes, another table."""
    from django.db import models

    from tandem.core.models import AuditEntry

    attrs: dict[str, Any] = {
        "__module__": __name__,
        "Meta": type("Meta", (), {"app_label": "core", "db_table": "bench_audit_floor"}),
    }
    for field in AuditEntry._meta.local_fields:
        if not field.primary_key:
            attrs[field.name] = field.clone()  # type: ignore[attr-defined]  # stubs lack Field.clone
    return type("BenchAuditFloor", (models.Model,), attrs)


def _stats(samples_ms: list[float], total_s: float) -> dict[str, Any]:
    ordered = sorted(samples_ms)
    n = len(ordered)

    def pct(p: float) -> float:
        return ordered[min(n - 1, max(0, round(p / 100 * n + 0.5) - 1))]

    return {
        "count": n,
        "total_s": round(total_s, 3),
        "entries_per_s": round(n / total_s, 1) if total_s else None,
        "mean_ms": round(sum(ordered) / n, 4),
        "p50_ms": round(pct(50), 4),
        "p95_ms": round(pct(95), 4),
        "p99_ms": round(pct(99), 4),
        "max_ms": round(ordered[-1], 4),
    }


def _database_info(connection: Any) -> dict[str, Any]:
    info: dict[str, Any] = {"vendor": connection.vendor}
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("select sqlite_version()")
            info["version"] = cursor.fetchone()[0]
            for pragma in ("journal_mode", "synchronous"):
                cursor.execute(f"PRAGMA {pragma}")
                info[pragma] = cursor.fetchone()[0]
            info["synchronous"] = {0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}.get(info["synchronous"])
            info["file"] = str(connection.settings_dict["NAME"])
        else:
            cursor.execute("show server_version")
            info["version"] = cursor.fetchone()[0]
            for setting in ("fsync", "synchronous_commit", "shared_buffers", "wal_sync_method"):
                cursor.execute(f"show {setting}")
                info[setting] = cursor.fetchone()[0]
    info["transaction_mode"] = connection.settings_dict.get("OPTIONS", {}).get("transaction_mode")
    return info


def _table_bytes(connection: Any, table: str) -> int | None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("select pg_total_relation_size(%s)", [table])
            return int(cursor.fetchone()[0])
        try:
            cursor.execute("select sum(pgsize) from dbstat where name = %s or tbl_name = %s", [table, table])
            value = cursor.fetchone()[0]
            return int(value) if value is not None else None
        except Exception:
            return None


def _sqlite_file_bytes(connection: Any) -> int | None:
    if connection.vendor != "sqlite":
        return None
    name = Path(str(connection.settings_dict["NAME"]))
    return sum(p.stat().st_size for p in (name, Path(f"{name}-wal")) if p.exists())


def _scan_floor(connection: Any, table: str, chunk: int = 20_000) -> int:
    """The same keyset-paginated raw SELECT as verify(), without hashing or checks: verify's
    own row iterator when audit.py has one (``_rows``), else the SELECT it is known to use."""
    from tandem.core import audit

    rows_of = getattr(audit, "_rows", None)
    if callable(rows_of):
        return sum(1 for _ in rows_of())
    last = 0
    count = 0
    while True:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {COLUMNS} FROM {table} WHERE seq > %s ORDER BY seq LIMIT %s",
                [last, chunk],
            )
            rows = cursor.fetchall()
        if not rows:
            return count
        count += len(rows)
        last = rows[-1][0]


def main_worker(args: argparse.Namespace) -> int:
    stage = {"name": "setup"}
    try:
        return _worker(args, stage)
    except Exception as exc:
        import traceback

        traceback.print_exc()
        result = {"status": "failed", "stage": stage["name"], "reason": f"{type(exc).__name__}: {exc}"}
        Path(args.worker_output).write_text(json.dumps(result))
        return 1


def _floor_insert(floor_model: Any, seq: int, action: str, kwargs: dict[str, Any]) -> None:
    """What record() does for one row minus the chain (no lock, head read or hash): build an
    equivalent row the same way and INSERT it in a transaction of its own."""
    from django.db import transaction
    from django.utils import timezone

    from tandem.core.http import client_ip

    obj = kwargs["obj"]
    detail = kwargs["detail"]
    organisation_id = kwargs["organisation"]
    if organisation_id is None and obj is not None:
        organisation_id = getattr(obj, "organisation_id", None)
    row = floor_model(
        seq=seq,
        at=timezone.now(),
        actor_id=None,
        actor_label=kwargs["actor_label"][:150],
        action=action,
        organisation_id=organisation_id,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        compartment=kwargs["compartment"],
        ip=client_ip(kwargs["request"]),
        detail=json.dumps(detail, sort_keys=True, separators=(",", ":"), ensure_ascii=False) if detail else "",
        prev_hash="a" * 64,
        hash="b" * 64,
    )
    with transaction.atomic():
        row.save(force_insert=True)


def _append_phase(vendor: str, n: int, seed: int, floor_model: Any) -> dict[str, Any]:
    from tandem.core import audit

    payloads = Payloads(seed)
    perf = time.perf_counter
    append_ms: list[float] = []
    floor_ms: list[float] = []
    append_total = floor_total = 0.0
    progress_every = max(ESTIMATE_AFTER, n // 20)
    run_start = perf()
    for i in range(1, n + 1):
        action, kwargs = payloads.next()
        # Alternate the order so that neither side always follows the other's commit.
        for side in (0, 1) if i % 2 else (1, 0):
            t = perf()
            if side == 0:
                audit.record(action, **kwargs)
                dt = perf() - t
                append_total += dt
                append_ms.append(dt * 1000.0)
            else:
                _floor_insert(floor_model, i, action, kwargs)
                dt = perf() - t
                floor_total += dt
                floor_ms.append(dt * 1000.0)
        if i == ESTIMATE_AFTER and n > ESTIMATE_AFTER:
            elapsed = perf() - run_start
            log(
                f"{vendor}: first {i:,} appends (+{i:,} floor inserts) took {elapsed:.1f}s: "
                f"append {i / append_total:,.0f}/s, floor {i / floor_total:,.0f}/s; estimated "
                f"{elapsed / i * n / 60:.1f} min for all {n:,} ({os.cpu_count()}-core machine; may grow with the table)"
            )
        elif i % progress_every == 0:
            elapsed = perf() - run_start
            log(
                f"{vendor}: {i:,}/{n:,} appends, {elapsed / 60:.1f} min elapsed, "
                f"~{elapsed / i * (n - i) / 60:.1f} min to go"
            )
    phase_s = perf() - run_start
    append = _stats(append_ms, append_total)
    floor = _stats(floor_ms, floor_total)
    append["added_ms_per_request"] = round(append["mean_ms"] - floor["mean_ms"], 4)
    append["added_ms_per_request_p50"] = round(append["p50_ms"] - floor["p50_ms"], 4)
    append["ratio_to_floor"] = round(append["mean_ms"] / floor["mean_ms"], 3)
    log(
        f"{vendor}: append {append['entries_per_s']:,.0f}/s mean {append['mean_ms']:.3f} ms; "
        f"floor {floor['entries_per_s']:,.0f}/s mean {floor['mean_ms']:.3f} ms; "
        f"added {append['added_ms_per_request']:.3f} ms (x{append['ratio_to_floor']})"
    )
    return {"append_phase_s": round(phase_s, 1), "append": append, "floor_insert": floor}


def _bulk_fill(vendor: str, start: int, total: int, seed: int) -> dict[str, Any]:
    """Extend the chain from ``start`` to ``total`` entries with the same payloads and the same
    hashing as ``record()``, inserted in batches: for a verify run at full length when a
    million one-by-one commits would not fit the time at hand. Reported as such."""
    from django.db import transaction
    from django.utils import timezone

    from tandem.core import audit
    from tandem.core.http import client_ip
    from tandem.core.models import AuditEntry

    payloads = Payloads(seed + 1)
    head = AuditEntry.objects.order_by("-seq").values_list("seq", "hash").first()
    seq, prev = head if head else (0, audit.GENESIS_HASH)
    t = time.perf_counter()
    batch: list[Any] = []
    for _ in range(total - start):
        action, kwargs = payloads.next()
        obj = kwargs.get("obj")
        detail = kwargs.get("detail")
        seq += 1
        entry = AuditEntry(
            seq=seq,
            at=timezone.now(),
            actor_id=None,
            actor_label=str(kwargs.get("actor_label", "")),
            action=action,
            organisation_id=kwargs.get("organisation") or getattr(obj, "organisation_id", None),
            object_type=obj._meta.label_lower if obj is not None else "",
            object_id=str(obj.pk) if obj is not None else "",
            compartment=str(kwargs.get("compartment", "")),
            ip=client_ip(kwargs["request"]),
            detail=json.dumps(detail, sort_keys=True, separators=(",", ":"), ensure_ascii=False) if detail else "",
            prev_hash=prev,
        )
        entry.hash = audit.entry_hash(prev, audit._fields_of(entry))
        prev = entry.hash
        batch.append(entry)
        if len(batch) == 10_000:
            with transaction.atomic():
                AuditEntry.objects.bulk_create(batch)
            batch = []
    if batch:
        with transaction.atomic():
            AuditEntry.objects.bulk_create(batch)
    seconds = time.perf_counter() - t
    log(f"{vendor}: chain extended in bulk from {start:,} to {total:,} entries in {seconds:.1f}s")
    return {"from": start, "to": total, "seconds": round(seconds, 1)}


def _verify_phase(vendor: str, n: int, repeats: int) -> dict[str, Any]:
    """One untimed warm-up scan, then floor and verify alternately; the best of the repeats."""
    from django.db import connection

    from tandem.core import audit
    from tandem.core.models import AuditEntry

    perf = time.perf_counter
    table = AuditEntry._meta.db_table
    _scan_floor(connection, table)
    floor_runs: list[float] = []
    verify_runs: list[float] = []
    scanned = 0
    outcome = None
    for _ in range(repeats):
        t = perf()
        scanned = _scan_floor(connection, table)
        floor_runs.append(perf() - t)
        t = perf()
        outcome = audit.verify()
        verify_runs.append(perf() - t)
    assert outcome is not None
    best_verify, best_floor = min(verify_runs), min(floor_runs)
    verify: dict[str, Any] = {
        "ok": outcome.ok,
        "count": outcome.entries,
        "count_equals_entries": outcome.entries == n,
        "problem": outcome.problem,
        "first_bad_seq": outcome.first_bad_seq,
        "seconds": round(best_verify, 3),
        "seconds_all_runs": [round(s, 3) for s in verify_runs],
        "entries_per_s": round(outcome.entries / best_verify, 1),
        "floor_select": {
            "query": "tandem.core.audit._rows()" if callable(getattr(audit, "_rows", None)) else "bench SELECT",
            "rows": scanned,
            "seconds": round(best_floor, 3),
            "seconds_all_runs": [round(s, 3) for s in floor_runs],
            "entries_per_s": round(scanned / best_floor, 1),
        },
        "hashing_and_checks_s": round(best_verify - best_floor, 3),
        "ratio_to_floor": round(best_verify / best_floor, 3),
    }
    log(
        f"{vendor}: verify ok={outcome.ok} count={outcome.entries:,} {verify['entries_per_s']:,.0f}/s "
        f"(floor select {verify['floor_select']['entries_per_s']:,.0f}/s)"
    )
    return verify


def _worker(args: argparse.Namespace, stage: dict[str, str]) -> int:
    import django

    import tandem

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from tandem.core.models import AuditEntry

    vendor = args.worker
    stage["name"] = "migrate"
    t0 = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    migrate_s = time.perf_counter() - t0
    floor_model = _floor_model()
    with connection.schema_editor() as editor:
        editor.create_model(floor_model)
    info = _database_info(connection)
    log(f"{vendor}: migrated in {migrate_s:.1f}s; {info}")

    stage["name"] = "append"
    timed = min(args.timed_appends or args.entries, args.entries)
    appended = _append_phase(vendor, timed, args.seed, floor_model)
    if timed < args.entries:
        stage["name"] = "bulk fill"
        appended["bulk_filled"] = _bulk_fill(vendor, timed, args.entries, args.seed)
    stage["name"] = "verify"
    verify = _verify_phase(vendor, args.entries, args.verify_repeats)

    result = {
        "status": "ok",
        "tandem_source": str(Path(tandem.__file__).parent),
        "database": info,
        "migrate_s": round(migrate_s, 2),
        **appended,
        "verify": verify,
        "table_bytes": {
            "audit": _table_bytes(connection, AuditEntry._meta.db_table),
            "floor": _table_bytes(connection, floor_model._meta.db_table),
            "sqlite_file_and_wal": _sqlite_file_bytes(connection),
        },
    }
    connection.close()
    Path(args.worker_output).write_text(json.dumps(result))
    return 0


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--entries", type=int, default=DEFAULT_ENTRIES, help="entries to append (default 1,000,000)")
    parser.add_argument("--databases", default="sqlite,postgresql", help="comma-separated: sqlite,postgresql")
    parser.add_argument("--output", help="result file (default bench/results/audit-<timestamp>.json)")
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES_URL, help="server URL, without database name")
    parser.add_argument("--tmpdir", default=None, help="where the temporary SQLite database is created")
    parser.add_argument("--seed", type=int, default=20250101)
    parser.add_argument("--verify-repeats", type=int, default=2)
    parser.add_argument(
        "--timed-appends",
        type=int,
        default=None,
        help="append only this many entries one by one through record() (timed, with the floor) and extend "
        "the chain to --entries in bulk with the same hashing (default: all of them one by one)",
    )
    parser.add_argument("--worker", choices=["sqlite", "postgresql"], help=argparse.SUPPRESS)
    parser.add_argument("--worker-output", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.entries < 1:
        parser.error("--entries must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    return main_worker(args) if args.worker else main_parent(args)


if __name__ == "__main__":
    raise SystemExit(main())
