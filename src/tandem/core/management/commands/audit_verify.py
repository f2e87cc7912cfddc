from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tandem.core import audit


class Command(BaseCommand):
    help = "Prove that the audit log's hash chain is intact; exit 1 and name the first bad entry if not."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--anchor",
            metavar="SEQ:HASH",
            help="a head printed by an earlier run and kept outside the database: also prove that the log "
            "still contains it (nothing was cut from the end)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        anchor = None
        if options["anchor"]:
            seq_text, _sep, anchor_hash = options["anchor"].partition(":")
            if not seq_text.isdigit() or len(anchor_hash) != 64:
                raise CommandError("--anchor takes SEQ:HASH as printed by 'tandem audit verify'", returncode=2)
            anchor = (int(seq_text), anchor_hash)
        result = audit.verify()
        if not result.ok:
            self.stderr.write(
                f"Audit log BROKEN at entry {result.first_bad_seq}: {result.problem}. "
                f"{result.entries} entries before it are intact."
            )
            raise SystemExit(1)
        if anchor is not None:
            problem = audit.check_anchor(*anchor)
            if problem:
                self.stderr.write(f"Audit log BROKEN: {problem}.")
                raise SystemExit(1)
        self.stdout.write(
            f"Audit log intact: {result.entries} entries. Keep this anchor somewhere safe and pass it "
            f"to a later run with --anchor: {result.entries}:{result.head_hash}"
        )
