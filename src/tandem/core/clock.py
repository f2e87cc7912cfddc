"""The time of day as Tandem's actions see it.

Actions stamp their records (submitted at, due at) with ``now()``. The demo builds a world
whose events happened on days of its own story, and tests pin the time, by freezing the
clock; the audit log never follows it and always writes the real time.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime

from django.utils import timezone

_frozen: ContextVar[datetime | None] = ContextVar("tandem_clock", default=None)


def now() -> datetime:
    frozen = _frozen.get()
    return frozen if frozen is not None else timezone.now()


def today() -> date:
    """Today in the installation's time zone."""
    return timezone.localdate(now())


@contextmanager
def frozen(at: datetime) -> Iterator[None]:
    """Let ``now()`` answer ``at`` (an aware datetime) inside the block."""
    if timezone.is_naive(at):
        raise ValueError("the clock is frozen at an aware datetime")
    token = _frozen.set(at)
    try:
        yield
    finally:
        _frozen.reset(token)
