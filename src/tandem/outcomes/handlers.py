"""What outcome monitoring does when the worker delivers an event: a case's schedule when the man
starts the programme and when he leaves it (completed, dropped out or excluded alike), and a
partner's schedule when her record is linked to a case that has one."""

from __future__ import annotations

from django.utils import timezone

from tandem.core import events
from tandem.core.models import Event
from tandem.outcomes import actions, queries
from tandem.outcomes.rules.schedule import EXIT, START
from tandem.outcomes.work_rules import CASE_STARTED, EXITS, PARTNER_LINKED


@events.subscribe(CASE_STARTED)
def schedule_from_start(event: Event) -> None:
    case = queries.case_of_event(event)
    if case is not None:
        actions.make_schedule(case, START, timezone.localdate(event.occurred_at), event=event)


def schedule_from_exit(event: Event) -> None:
    case = queries.case_of_event(event)
    if case is not None:
        actions.make_schedule(case, EXIT, timezone.localdate(event.occurred_at), event=event)


for _kind in EXITS:
    events.subscribe(_kind)(schedule_from_exit)


@events.subscribe(PARTNER_LINKED)
def schedule_for_her(event: Event) -> None:
    link = queries.link_of_event(event)
    if link is not None:
        actions.schedule_for_partner(link, event=event)
