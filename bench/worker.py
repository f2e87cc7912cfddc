"""Running one benchmark stage in a subprocess of its own, configured for one database.

Settings are read once per process, so each database gets a fresh interpreter with
``tandem.settings`` set up through the environment (throw-away secret and key, the given
database and data folder). The subprocess writes its result as JSON to a file whose path it is
given with ``--worker-output``.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any


def run_worker(script: Path, vendor: str, database_url: str, data_dir: str, arguments: Sequence[str]) -> dict[str, Any]:
    """Run ``script --worker VENDOR --worker-output FILE ARGUMENTS...`` and return its JSON."""
    from cryptography.fernet import Fernet

    fd, out_path = tempfile.mkstemp(prefix=f"tandem-bench-{vendor}-", suffix=".json")
    os.close(fd)
    env = dict(os.environ)
    env.update(
        {
            "TANDEM_ENV": "test",
            "TANDEM_SECRET_KEY": "bench-" + secrets.token_urlsafe(48),
            "TANDEM_FIELD_KEYS": Fernet.generate_key().decode(),
            "TANDEM_DATA_DIR": data_dir,
            "TANDEM_DATABASE_URL": database_url,
            "DJANGO_SETTINGS_MODULE": "tandem.settings",
        }
    )
    env.pop("TANDEM_DEBUG", None)
    command = [sys.executable, str(script), "--worker", vendor, "--worker-output", out_path, *arguments]
    try:
        completed = subprocess.run(command, env=env, check=False)
        text = Path(out_path).read_text()
        if not text:
            return {"status": "failed", "reason": f"worker exited with status {completed.returncode}"}
        result: dict[str, Any] = json.loads(text)
        return result
    finally:
        Path(out_path).unlink(missing_ok=True)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def run_in_database(
    script: Path, vendor: str, postgres_url: str, arguments: Sequence[str], name: str
) -> dict[str, Any]:
    """Run ``script``'s worker against a database of its own: a SQLite file in a temporary
    folder, or a PostgreSQL database created for the run and dropped after it."""
    data_dir = tempfile.mkdtemp(prefix=f"tandem-bench-{name}-{vendor}-")
    try:
        if vendor == "sqlite":
            return run_worker(script, vendor, f"sqlite:///{data_dir}/bench.sqlite3", data_dir, arguments)
        import psycopg

        base = postgres_url.rstrip("/")
        database = f"tandem_bench_{secrets.token_hex(6)}"
        try:
            with psycopg.connect(base + "/postgres", autocommit=True, connect_timeout=5) as admin:
                admin.execute(f'CREATE DATABASE "{database}"')
        except psycopg.Error as exc:
            return {"status": "skipped", "reason": f"PostgreSQL unreachable at {base}: {exc}".strip()}
        try:
            return run_worker(script, vendor, f"{base}/{database}", data_dir, arguments)
        finally:
            with psycopg.connect(base + "/postgres", autocommit=True, connect_timeout=5) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


def median_seconds(run: Callable[[], Any], repeats: int, reset: Callable[[], Any] | None = None) -> tuple[float, Any]:
    """The median time of ``run``; ``reset`` (untimed) puts the data back before each run."""
    times, result = [], None
    for _ in range(repeats):
        if reset is not None:
            reset()
        started = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


class Recorder:
    """Each measurement with its floor, their ratio and whether its target (if any) is met."""

    def __init__(self, targets: Mapping[str, float | None], digits: int = 4) -> None:
        self.targets = targets
        self.digits = digits
        self.measured: dict[str, Any] = {}

    def __call__(self, name: str, seconds: float, floor: float, **extra: Any) -> None:
        target = self.targets[name]
        self.measured[name] = {
            "seconds": round(seconds, self.digits),
            "floor_seconds": round(floor, self.digits),
            "ratio": round(seconds / floor, 2) if floor else None,
            "target_seconds": target,
            "meets_target": seconds < target if target is not None else None,
            **extra,
        }
        log(f"{name}: {seconds:.{self.digits}f} s (floor {floor:.{self.digits}f} s)")
