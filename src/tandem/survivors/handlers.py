"""What the survivor side does when the worker delivers the man's side's events: each that the
partner must hear of becomes work for the provider's survivor-support workers
(``work_rules.OPENED_BY_EVENT``), due in hours where her danger may have risen."""

from __future__ import annotations

from tandem.cases.queries import get_case_of_event
from tandem.core import events
from tandem.core.models import Event
from tandem.core.roles import Compartment, Role
from tandem.core.work import open_work
from tandem.survivors.queries import partner_facts
from tandem.survivors.work_rules import OFFER_SUPPORT, OPENED_BY_EVENT


def open_survivor_work(event: Event) -> None:
    case = get_case_of_event(event.subject_type, event.subject_id)
    if case is None:
        return
    rule = OPENED_BY_EVENT[event.kind]
    if rule is OFFER_SUPPORT and partner_facts(case.partner_reference).contact_settled:
        return  # offered already, or recorded why it cannot be
    country = case.organisation.country
    open_work(
        rule=rule,
        organisation=case.organisation,
        subject=case,
        params={"case": case.pk},
        team_role=Role.SURVIVOR_WORKER,
        event=event,
        start=event.occurred_at,
        country_code=country.code if country is not None else None,
        compartment=Compartment.SURVIVOR,
    )


for _kind in OPENED_BY_EVENT:
    events.subscribe(_kind)(open_survivor_work)
