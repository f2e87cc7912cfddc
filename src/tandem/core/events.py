"""Events that cross domains.

An action that other domains must hear about (an answer submitted for review; later a
dropout, an exclusion, a risk rise) calls ``emit`` inside its own transaction, so that the
event exists exactly when the change does. A domain that must react subscribes a handler to
the event's kind in its ``handlers`` module; it never imports the other domain's models to
find out what happened.

The background worker calls ``deliver_pending``. Each handler runs for an event in a
transaction of its own that also records the delivery (``EventDelivery``, unique per event and
handler): a handler whose work was committed never runs again for that event, a second worker
waits on the first and then skips, and a worker killed in the middle leaves nothing committed,
so the next run delivers the event again. A handler that fails is retried later, with growing
pauses, and its failures are kept (``EventFailure``).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, TypeVar

from django.db import IntegrityError, connection, models, transaction

from tandem.core import clock
from tandem.core.models import Event, EventDelivery, EventFailure, Organisation, User

logger = logging.getLogger(__name__)

Handler = Callable[[Event], None]
_H = TypeVar("_H", bound=Handler)

_HANDLERS: dict[str, dict[str, Handler]] = defaultdict(dict)
# The pause before a failed handler is tried again, doubling up to the last.
RETRY_PAUSES = (timedelta(seconds=30), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2))


def subscribe(kind: str) -> Callable[[_H], _H]:
    """Register a handler for events of ``kind``. Handlers must do no harm when they run
    twice for one event (the delivery record makes that rare, not impossible)."""

    def register(handler: _H) -> _H:
        _HANDLERS[kind][f"{handler.__module__}.{handler.__qualname__}"] = handler
        return handler

    return register


def handlers_for(kind: str) -> dict[str, Handler]:
    return dict(_HANDLERS.get(kind, {}))


def emit(
    kind: str,
    *,
    subject: models.Model | None = None,
    organisation: Organisation | int | None = None,
    acting_user: User | None = None,
    payload: dict[str, Any] | None = None,
) -> Event:
    """Record an event in the transaction of the change that caused it."""
    if not connection.in_atomic_block:
        raise RuntimeError("emit() belongs inside the transaction of the change it reports")
    organisation_id = organisation.pk if isinstance(organisation, Organisation) else organisation
    return Event.objects.create(
        kind=kind,
        occurred_at=clock.now(),
        organisation_id=organisation_id,
        subject_type=subject._meta.label_lower if subject is not None else "",
        subject_id=str(subject.pk) if subject is not None else "",
        actor=acting_user if acting_user is not None and acting_user.pk else None,
        payload=payload or {},
    )


def deliver_pending(*, limit: int = 200) -> int:
    """Hand undelivered events to their handlers, oldest first; the number of events that
    every handler has now taken."""
    done = 0
    now = clock.now()
    events = list(Event.objects.filter(delivered_at__isnull=True).order_by("pk")[:limit])
    if not events:
        return 0
    # What was already delivered or failed is read once for the batch, not once per handler.
    ids = [event.pk for event in events]
    delivered = set(EventDelivery.objects.filter(event_id__in=ids).values_list("event_id", "handler"))
    failures = {(f.event_id, f.handler): f for f in EventFailure.objects.filter(event_id__in=ids)}
    for event in events:
        complete = True
        for name, handler in handlers_for(event.kind).items():
            if (event.pk, name) in delivered:
                continue
            if not _deliver(event, name, handler, now, failures.get((event.pk, name))):
                complete = False
        if complete:
            Event.objects.filter(pk=event.pk, delivered_at__isnull=True).update(delivered_at=clock.now())
            done += 1
    return done


def _deliver(event: Event, name: str, handler: Handler, now: datetime, failure: EventFailure | None) -> bool:
    if failure is not None and failure.retry_at > now:
        return False
    try:
        with transaction.atomic():
            try:
                with transaction.atomic():
                    EventDelivery.objects.create(event=event, handler=name, delivered_at=now)
            except IntegrityError:
                return True  # another worker delivered it while this one waited
            handler(event)
    except Exception as error:
        _record_failure(event, name, error, failure, now)
        return False
    return True


def _record_failure(event: Event, name: str, error: Exception, failure: EventFailure | None, now: datetime) -> None:
    attempts = (failure.attempts if failure is not None else 0) + 1
    pause = RETRY_PAUSES[min(attempts, len(RETRY_PAUSES)) - 1]
    logger.exception("handler %s failed for event %s (attempt %d)", name, event.pk, attempts)
    EventFailure.objects.update_or_create(
        event=event,
        handler=name,
        defaults={
            "attempts": attempts,
            "last_error": f"{type(error).__name__}: {error}"[:2000],
            "retry_at": now + pause,
        },
    )
