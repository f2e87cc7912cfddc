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
import subprocess
import sys
import tempfile
from collections.abc import Sequence
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
