"""What group work does when the worker delivers case work's events: a man whose case ends
(completed, excluded, dropped out, transferred) leaves his group, and his place is free."""

from __future__ import annotations

from tandem.cases.models import Case
from tandem.core import audit, events
from tandem.core.models import Event
from tandem.groups import queries
from tandem.groups.actions.allocation import end_membership

ENDINGS = {
    "case.completed": "completed",
    "case.excluded": "excluded",
    "case.dropped_out": "dropped_out",
    "case.transferred": "transferred",
}


def leave_group(event: Event) -> None:
    if event.subject_type != Case._meta.label_lower:
        return
    case = queries.get_case(event.subject_id)
    if case is None:
        return
    if end_membership(case, ENDINGS[event.kind]):
        audit.record(
            "groups.membership.ended",
            actor=None,
            obj=case,
            organisation=case.organisation_id,
            compartment=Case.compartment,
            detail={"event": event.kind, "event_id": event.pk},
        )


for _kind in ENDINGS:
    events.subscribe(_kind)(leave_group)
