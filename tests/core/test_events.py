"""Events across domains: written with their change, delivered once to each handler."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction

from tandem.core import audit, clock, events
from tandem.core.models import AuditEntry, Event, EventDelivery, EventFailure

pytestmark = pytest.mark.django_db

KIND = "test.something_happened"
FAILING = "test.handler_fails"
KILLED = "test.worker_killed"
calls: list[int] = []
failures = {"left": 0}


@events.subscribe(KIND)
def note_it(event: Event) -> None:
    calls.append(event.pk)
    audit.record("test.noted", actor=None, detail={"event": event.pk})


@events.subscribe(FAILING)
def fail_sometimes(event: Event) -> None:
    audit.record("test.tried", actor=None)
    if failures["left"]:
        failures["left"] -= 1
        raise RuntimeError("the other service is down")


@events.subscribe(KILLED)
def die_midway(event: Event) -> None:
    audit.record("test.half_done", actor=None)
    raise SystemExit("the worker's process ends here")


@pytest.fixture(autouse=True)
def clean() -> None:
    calls.clear()
    failures["left"] = 0


def emitted(kind: str) -> Event:
    with transaction.atomic():
        return events.emit(kind, payload={"n": 1})


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_event_is_written_only_inside_the_transaction_of_its_change() -> None:
    with pytest.raises(RuntimeError):
        events.emit(KIND)


def test_an_event_of_a_change_that_is_rolled_back_is_gone_with_it() -> None:
    with pytest.raises(ValueError), transaction.atomic():
        events.emit(KIND)
        raise ValueError
    assert not Event.objects.exists()


def test_the_worker_hands_an_event_to_its_handler_and_marks_it_delivered() -> None:
    event = emitted(KIND)
    assert events.deliver_pending() == 1
    assert calls == [event.pk]
    event.refresh_from_db()
    assert event.delivered_at is not None
    assert EventDelivery.objects.filter(event=event, handler__endswith="note_it").exists()


def test_delivering_again_does_not_run_the_handler_twice() -> None:
    event = emitted(KIND)
    events.deliver_pending()
    Event.objects.filter(pk=event.pk).update(delivered_at=None)  # as if a second worker saw it late
    events.deliver_pending()
    assert calls == [event.pk]
    assert AuditEntry.objects.filter(action="test.noted").count() == 1


def test_an_event_nobody_subscribed_to_is_delivered_at_once() -> None:
    event = emitted("test.nobody_listens")
    assert events.deliver_pending() == 1
    event.refresh_from_db()
    assert event.delivered_at is not None


def test_a_failing_handler_keeps_nothing_of_its_work_and_is_tried_again_after_a_pause() -> None:
    failures["left"] = 1
    event = emitted(FAILING)
    assert events.deliver_pending() == 0
    failure = EventFailure.objects.get(event=event)
    assert (failure.attempts, failure.last_error) == (1, "RuntimeError: the other service is down")
    assert not AuditEntry.objects.filter(action="test.tried").exists()
    assert events.deliver_pending() == 0  # still pausing
    with clock.frozen(failure.retry_at + timedelta(seconds=1)):
        assert events.deliver_pending() == 1
    assert AuditEntry.objects.filter(action="test.tried").count() == 1


def test_a_worker_killed_inside_a_handler_loses_nothing() -> None:
    event = emitted(KILLED)
    with pytest.raises(SystemExit):
        events.deliver_pending()
    # Nothing of the interrupted run was kept, and the event waits for the next worker.
    assert not AuditEntry.objects.filter(action="test.half_done").exists()
    assert not EventDelivery.objects.filter(event=event).exists()
    event.refresh_from_db()
    assert event.delivered_at is None
