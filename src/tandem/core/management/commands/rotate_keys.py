from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from tandem.core.crypto import rotate_all


class Command(BaseCommand):
    help = "Re-encrypt every encrypted value with the newest key in TANDEM_FIELD_KEYS (resumable)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true")
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args: Any, **options: Any) -> None:
        report = rotate_all(
            batch_size=options["batch_size"],
            dry_run=options["dry_run"],
            progress=lambda line: self.stdout.write(line) if options["verbosity"] > 1 else None,
        )
        verb = "would be re-encrypted" if options["dry_run"] else "re-encrypted"
        self.stdout.write(f"{report.examined} encrypted values examined, {report.rotated} {verb}.")
        if not options["dry_run"] and report.rotated == 0:
            self.stdout.write("Every value is under the newest key: older keys may now be removed.")
