"""What risk assessment does when the worker delivers an event: the events of a case make an
assessment due (``work_rules.DUE_ASSESSMENTS``), and an assessment that is high or higher than
the one before is escalated to the case's coordinators."""

from __future__ import annotations

from tandem.core import events
from tandem.core.models import Event
from tandem.risk.actions import cancel_assessment_work, escalate, open_assessment_work
from tandem.risk.queries import get_case_of_event
from tandem.risk.work_rules import CANCELLED_BY_EVENT, OPENED_BY_EVENT, RISK_ASSESSED


def make_assessment_due(event: Event) -> None:
    """Open the assessment work the event makes due (intake, after an incident, at exit)."""
    case = get_case_of_event(event)
    if case is None:
        return
    for due in OPENED_BY_EVENT.get(event.kind, ()):
        open_assessment_work(case, due, event=event)


def end_assessment_no_longer_due(event: Event) -> None:
    """Cancel the assessment work the event makes unnecessary."""
    case = get_case_of_event(event)
    if case is None:
        return
    for due in CANCELLED_BY_EVENT.get(event.kind, ()):
        cancel_assessment_work(case, due, event=event)


for _kind in OPENED_BY_EVENT:
    events.subscribe(_kind)(make_assessment_due)
for _kind in CANCELLED_BY_EVENT:
    events.subscribe(_kind)(end_assessment_no_longer_due)


@events.subscribe(RISK_ASSESSED)
def escalate_high_or_rising_risk(event: Event) -> None:
    """A high level, or a rise from the assessment before, becomes review work for the case's
    coordinators."""
    case = get_case_of_event(event)
    if case is None:
        return
    escalate(case, event=event)
