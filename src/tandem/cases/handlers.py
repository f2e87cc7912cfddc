"""What case work does when events are delivered by the worker.

Reports to the referrer fall due by the rules of the case's referral route
(``report_rules.json``): a dropout or an exclusion of a man referred by a court makes a
non-compliance report due, his second unacceptable absence too. Each rule's event is heard
here, whichever domain emits it; an absence is about the case named as the event's subject or
as ``payload["case"]``.
"""

from __future__ import annotations

from tandem.cases.actions.reports import open_report_by_rule, withdraw_report_by_rule
from tandem.cases.queries.reports import get_case_for_reports
from tandem.cases.reporting.queries import count_events_on_case, current_absences
from tandem.cases.reporting.rules import (
    ABSENCE_WITHDRAWN,
    UNACCEPTABLE_ABSENCE,
    case_of_event,
    rules_for,
    shipped_rules,
)
from tandem.core import events
from tandem.core.models import Event


def make_reports_due(event: Event) -> None:
    """Open the draft report and the work to send it for each rule the event fulfils: the rule
    applies to the case's referral route, and this is the how-many-th such event the rule waits
    for (the second unacceptable absence, not the first nor the third)."""
    case_id = case_of_event(event.subject_type, event.subject_id, event.payload)
    if case_id is None:
        return
    case = get_case_for_reports(case_id)
    if case is None or case.referral is None:
        return
    for rule in rules_for(shipped_rules(), route=case.referral.route, event=event.kind):
        if _count(case.pk, event) != rule.count:
            continue
        open_report_by_rule(case=case, rule=rule, event=event)


def _count(case_id: int, event: Event) -> int:
    # Absences count as they stand after corrections; a case's moves as they happened.
    if event.kind == UNACCEPTABLE_ABSENCE:
        return current_absences(case_id, up_to=event)
    return count_events_on_case(case_id, event.kind, up_to=event)


for _kind in sorted({rule.event for rule in shipped_rules()}):
    events.subscribe(_kind)(make_reports_due)


@events.subscribe(ABSENCE_WITHDRAWN)
def withdraw_reports_no_longer_due(event: Event) -> None:
    """An absence corrected to another code: a report its rule made, still a draft nobody has
    put to the safety review, is withdrawn when the absences left no longer reach the rule."""
    case_id = case_of_event(event.subject_type, event.subject_id, event.payload)
    if case_id is None:
        return
    case = get_case_for_reports(case_id)
    if case is None or case.referral is None:
        return
    standing = current_absences(case.pk, up_to=event)
    for rule in rules_for(shipped_rules(), route=case.referral.route, event=UNACCEPTABLE_ABSENCE):
        if standing < rule.count:
            withdraw_report_by_rule(case=case, rule=rule, event=event)
