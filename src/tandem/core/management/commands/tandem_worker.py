"""``tandem worker``: run queued tasks, deliver events and escalate overdue work."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from tandem.core import worker


class Command(BaseCommand):
    help = "Run the background worker: queued tasks, events, and escalation of overdue work."

    def handle(self, *args: Any, **options: Any) -> None:
        worker.run()
