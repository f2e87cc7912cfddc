"""The background worker's timekeeping: alive, tasks of quiet workers handed out again."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from tandem.core import clock, events, worker
from tandem.core.models import Event, WorkerBeat
from tests.testapp.tasks import remember

pytestmark = pytest.mark.django_db


def claimed(by: str, minutes_ago: int = 5, runs: int = 1) -> DBTaskResult:
    remember.enqueue("hello")
    task = DBTaskResult.objects.get()
    DBTaskResult.objects.filter(pk=task.pk).update(
        status=TaskResultStatus.RUNNING,
        started_at=clock.now() - timedelta(minutes=minutes_ago),
        worker_ids=[f"earlier-{n}" for n in range(runs - 1)] + [by],
    )
    return DBTaskResult.objects.get(pk=task.pk)


def test_a_task_of_a_worker_that_went_quiet_is_ready_again() -> None:
    task = claimed(by="gone")
    assert worker.recover_interrupted_tasks() == 1
    task.refresh_from_db()
    assert (task.status, task.started_at) == (TaskResultStatus.READY, None)


def test_a_task_of_a_worker_that_is_alive_is_left_alone() -> None:
    worker.beat("busy", clock.now())
    task = claimed(by="busy")
    assert worker.recover_interrupted_tasks() == 0
    task.refresh_from_db()
    assert task.status == TaskResultStatus.RUNNING


def test_a_task_claimed_a_moment_ago_is_left_alone() -> None:
    task = claimed(by="just-started", minutes_ago=0)
    assert worker.recover_interrupted_tasks() == 0
    task.refresh_from_db()
    assert task.status == TaskResultStatus.RUNNING


def test_a_task_that_stopped_its_workers_again_and_again_is_given_up() -> None:
    task = claimed(by="gone", runs=worker.MAX_RUNS)
    worker.recover_interrupted_tasks()
    task.refresh_from_db()
    assert task.status == TaskResultStatus.FAILED
    assert "interrupted" in task.traceback


def test_a_tick_says_the_worker_is_alive_and_delivers_events() -> None:
    with transaction.atomic():
        event = events.emit("test.ticked")
    started = clock.now()
    worker.tick("w1", started)
    assert WorkerBeat.objects.get(worker_id="w1").beat_at >= started
    event.refresh_from_db()
    assert event.delivered_at is not None
    assert Event.objects.filter(delivered_at__isnull=True).count() == 0
