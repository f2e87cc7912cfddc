"""The background worker: ``tandem worker``.

It runs the queued tasks (imports, reports) with django-tasks' database worker and, in a
thread beside it, keeps time every few seconds:

* it says it is alive (``WorkerBeat``);
* it hands out again the tasks of workers that went quiet (killed, or their machine lost):
  such a task is set back to ready, so nothing stays "running" for ever; tasks are written to
  be run again, and one that keeps killing its workers is given up after a few tries;
* it delivers events to their handlers (``tandem.core.events``);
* it escalates overdue work (``tandem.core.work``).

Several workers may run at once, on one machine or many: every step is safe to take twice.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime, timedelta

from django.db import close_old_connections, connection
from django.utils.crypto import get_random_string

from tandem.core import clock, events, work
from tandem.core.models import WorkerBeat

logger = logging.getLogger(__name__)

TICK_SECONDS = 2.0
# A worker that has not said it is alive for this long is taken for gone.
QUIET_AFTER = timedelta(seconds=60)
# A task handed out this many times without finishing is given up.
MAX_RUNS = 5


def new_worker_id() -> str:
    return get_random_string(32)


def beat(worker_id: str, started_at: datetime) -> None:
    now = clock.now()
    WorkerBeat.objects.update_or_create(worker_id=worker_id, defaults={"beat_at": now, "started_at": started_at})


def workers_alive(now: datetime) -> set[str]:
    return set(WorkerBeat.objects.filter(beat_at__gt=now - QUIET_AFTER).values_list("worker_id", flat=True))


def recover_interrupted_tasks() -> int:
    """Set the tasks of quiet workers back to ready (or failed, after ``MAX_RUNS`` runs)."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    now = clock.now()
    alive = workers_alive(now)
    running = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING, started_at__lt=now - QUIET_AFTER)
    recovered = 0
    for pk, worker_ids, started in running.values_list("pk", "worker_ids", "started_at"):
        ids = list(worker_ids or [])
        if ids and ids[-1] in alive:
            continue
        # Unchanged since it was read: not claimed again meanwhile by a worker that recovered it.
        same = DBTaskResult.objects.filter(pk=pk, status=TaskResultStatus.RUNNING, started_at=started)
        if len(ids) >= MAX_RUNS:
            changed = same.update(
                status=TaskResultStatus.FAILED,
                finished_at=now,
                exception_class_path="tandem.core.worker.Interrupted",
                traceback=f"The task was interrupted {len(ids)} times: its workers stopped while running it.",
            )
        else:
            changed = same.update(status=TaskResultStatus.READY, started_at=None)
        if changed:
            recovered += 1
            logger.warning("task %s was interrupted (worker %s stopped); handed out again", pk, ids[-1:] or "?")
    return recovered


def tick(worker_id: str, started_at: datetime) -> None:
    """One round of timekeeping. A step that fails is logged and the others still run."""
    steps: list[tuple[str, Callable[[], object]]] = [
        ("beat", lambda: beat(worker_id, started_at)),
        ("recover", recover_interrupted_tasks),
        ("events", events.deliver_pending),
        ("escalate", work.escalate_overdue),
    ]
    for name, step in steps:
        try:
            step()
        except Exception:
            logger.exception("worker step %s failed", name)


class Timekeeper(threading.Thread):
    """The thread that ticks beside the task worker until the process ends."""

    def __init__(self, worker_id: str) -> None:
        super().__init__(name="tandem-timekeeper", daemon=True)
        self.worker_id = worker_id
        self.started_at = clock.now()
        self.stopping = threading.Event()

    def run(self) -> None:
        try:
            while not self.stopping.is_set():
                close_old_connections()
                tick(self.worker_id, self.started_at)
                self.stopping.wait(TICK_SECONDS)
        finally:
            connection.close()


def run(*, interval: float = 1.0) -> None:
    """Run the worker until it is stopped (Ctrl+C or SIGTERM)."""
    from django_tasks_db.management.commands.db_worker import Worker

    worker_id = new_worker_id()
    # Alive before the first task is claimed, so that no other worker takes its tasks back.
    beat(worker_id, clock.now())
    timekeeper = Timekeeper(worker_id)
    timekeeper.start()
    worker = Worker(
        queue_names=["*"],
        interval=interval,
        batch=False,
        backend_name="default",
        startup_delay=True,
        max_tasks=None,
        worker_id=worker_id,
        excluded_queue_names=[],
    )
    worker.configure_signals()
    try:
        worker.run()
    finally:
        timekeeper.stopping.set()
