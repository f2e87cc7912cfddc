"""What the survivor side does when the worker delivers the man's side's events: each that the
partner must hear of becomes work for the provider's survivor-support workers
(``work_rules.OPENED_BY_EVENT``), due in hours where her danger may have risen."""

from __future__ import annotations

from typing import Any

from tandem.cases.queries import get_case_of_event
from tandem.core import events
from tandem.core.models import Event
from tandem.core.roles import Compartment, Role
from tandem.core.work import cancel_work, open_work
from tandem.survivors import rules
from tandem.survivors.queries import partner_facts, planning as planning_queries
from tandem.survivors.work_rules import CONFERENCE_REFER, OFFER_SUPPORT, OPENED_BY_EVENT, PLAN_RISK_CHANGED


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


def _country(case: Any) -> str | None:
    country = case.organisation.country
    return country.code if country is not None else None


@events.subscribe("risk.assessed")
def risk_assessed(event: Event) -> None:
    """A new level of his risk: her safety plan is reviewed within days when the level changed,
    and a level that meets the threshold is work for the coordinators to refer the case to the
    risk conference (unless it was referred within ``queries.RECENT_REFERRAL_DAYS``)."""
    case = get_case_of_event(event.subject_type, event.subject_id)
    if case is None or case.partner_reference is None:
        return
    payload = event.payload if isinstance(event.payload, dict) else {}
    level, before = str(payload.get("level", "")), str(payload.get("before") or "")
    plan = planning_queries.plan_of_reference(case.partner_reference)
    if plan is not None and level != before:
        open_work(
            rule=PLAN_RISK_CHANGED,
            organisation=case.organisation,
            subject=plan,
            params={"case": case.pk, "partner": plan.partner_id, "level": level, "before": before},
            team_role=Role.SURVIVOR_WORKER,
            event=event,
            start=event.occurred_at,
            country_code=_country(case),
            compartment=Compartment.SURVIVOR,
        )
    serious = planning_queries.serious_signal_since(case.partner_reference, days=90)
    if rules.conference_threshold(level, serious_signal=serious) != rules.Threshold.REFER:
        return
    if planning_queries.referred_recently(case.partner_reference):
        return
    open_work(
        rule=CONFERENCE_REFER,
        organisation=case.organisation,
        subject=case,
        params={"case": case.pk, "level": level},
        team_role=Role.COORDINATOR,
        event=event,
        start=event.occurred_at,
        country_code=_country(case),
        compartment=Compartment.SURVIVOR,
    )


@events.subscribe("risk.escalation_reviewed")
def escalation_reviewed(event: Event) -> None:
    """The coordinator's review of the escalation said no referral is made (and why, in its
    note): the work to refer ends. When she said one is made, it stays until it is recorded."""
    payload = event.payload if isinstance(event.payload, dict) else {}
    if payload.get("marac_referral"):
        return
    case = get_case_of_event(event.subject_type, event.subject_id)
    if case is None:
        return
    cancel_work(rule=CONFERENCE_REFER, subject=case, reason="risk.escalation_reviewed", acting_user=None)
