from typing import Any

from django.core.management.base import BaseCommand

from tandem.core import audit


class Command(BaseCommand):
    help = "Prove that the audit log's hash chain is intact; exit 1 and name the first bad entry if not."

    def handle(self, *args: Any, **options: Any) -> None:
        result = audit.verify()
        if result.ok:
            self.stdout.write(f"Audit log intact: {result.entries} entries, head hash {result.head_hash}.")
            return
        self.stderr.write(
            f"Audit log BROKEN at entry {result.first_bad_seq}: {result.problem}. "
            f"{result.entries} entries before it are intact."
        )
        raise SystemExit(1)
