"""Writes of risk assessment.

``record_assessment`` scores a complete set of answers with the instrument's rules and records
it, never to be changed; it emits ``risk.assessed`` with the level before and after, and closes
the assessment work it does. The handlers open that work when the case's events arrive
(``open_assessment_work``) and turn a high or rising level into an escalation
(``escalate``), which a coordinator closes with ``review_escalation``.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tandem.cases.actions.records import add_note
from tandem.cases.models import Case, NoteCategory
from tandem.core import audit, clock, events
from tandem.core.audit import AuditContext
from tandem.core.models import Event, User, WorkItem
from tandem.core.policy import has_role, organisations_granting
from tandem.core.roles import Action, Compartment, Role
from tandem.core.scoping import record_denied
from tandem.core.work import cancel_work, close_work, open_work
from tandem.risk.models import LEVEL_ORDER, Level, Occasion, RiskAssessment, Trigger
from tandem.risk.queries import get_open_escalations, has_assessment, latest_level
from tandem.risk.rules import Instrument, shipped_instrument
from tandem.risk.work_rules import DUE_ASSESSMENTS, ESCALATION, ESCALATION_REVIEWED, RISK_ASSESSED, DueAssessment

DEFAULT_INSTRUMENT = "tandem-risk"
MAX_NOTE = 10_000
RECORDED = "risk.assessment.recorded"
REVIEWED = "risk.escalation.reviewed"


class RiskRefused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def check_details(*, occasion: str, trigger: str, note: str) -> dict[str, str]:
    """What is wrong with when and why an assessment is made, by field (empty when nothing)."""
    errors: dict[str, str] = {}
    if occasion not in Occasion.values:
        errors["occasion"] = _("Choose when the assessment is made.")
    if occasion == Occasion.TRIGGER and trigger not in Trigger.values:
        errors["trigger"] = _("Say which event made this assessment necessary.")
    if occasion != Occasion.TRIGGER and trigger:
        errors["trigger"] = _("A trigger is given only for an assessment after a trigger event.")
    if len(note) > MAX_NOTE:
        errors["note"] = _("At most %(count)s characters.") % {"count": MAX_NOTE}
    return errors


def check_answers(instrument: Instrument, answers: Any) -> dict[str, str]:
    """What is wrong with a set of answers, by item key: every item left out or answered with
    none of its options is named, not only the first ("answers" for the set as a whole)."""
    if not isinstance(answers, dict):
        return {"answers": _("Answer every question.")}
    errors: dict[str, str] = {}
    for item in instrument.items:
        value = answers.get(item.key)
        if value is None or value == "":
            errors[item.key] = _("Answer this question. Choose “Not known” when it is not known.")
        elif not isinstance(value, str) or item.option(value) is None:
            errors[item.key] = _("Choose one of the answers for this question.")
    known = {item.key for item in instrument.items}
    if any(key not in known for key in answers):
        errors["answers"] = _("The answers name a question that this instrument does not have.")
    return errors


def record_assessment(
    *,
    case: Case,
    answers: dict[str, Any],
    acting_user: User,
    occasion: str = Occasion.INTAKE,
    trigger: str = "",
    note: str = "",
    instrument: Instrument | None = None,
    context: AuditContext | None = None,
) -> RiskAssessment:
    """Record one assessment of ``case`` by someone working on it (a facilitator or a
    coordinator of its provider). Every item must be answered ("not known" is an answer); a
    bad or missing answer is refused naming the item, and nothing is saved. The assessment
    does the assessment work of the case that its occasion fulfils."""
    if case.organisation_id not in organisations_granting(acting_user, Compartment.PROGRAMME, Action.CHANGE):
        record_denied(acting_user, RiskAssessment, "", Action.CHANGE, context, detail={"case": case.pk})
        raise RiskRefused(_("Only the people working on this case assess its risk."))
    used = instrument or shipped_instrument(DEFAULT_INSTRUMENT)
    errors = {**check_details(occasion=occasion, trigger=trigger, note=note), **check_answers(used, answers)}
    if errors:
        raise ValidationError(errors)
    result = used.score(answers)
    with transaction.atomic():
        before = latest_level(case)
        assessment = RiskAssessment.objects.create(
            case=case,
            instrument=result.instrument,
            instrument_version=result.version,
            occasion=occasion,
            trigger=trigger,
            answers=json.dumps(answers, sort_keys=True),
            score=result.score,
            level=Level(result.level),
            forced_by=",".join(result.forced_by)[:200],
            unknown=len(result.unknown),
            note=note.strip(),
            assessed_by=acting_user,
            assessed_at=clock.now(),
        )
        audit.record(
            RECORDED,
            actor=acting_user,
            obj=assessment,
            organisation=case.organisation_id,
            compartment=Compartment.PROGRAMME,
            context=context,
            detail={"case": case.pk, "level": result.level, "before": before, "occasion": occasion},
        )
        for due in DUE_ASSESSMENTS:
            if due.fulfilled_by(occasion):
                close_work(rule=due.rule, subject=case, fulfilled_by=RECORDED, acting_user=acting_user, context=context)
        events.emit(
            RISK_ASSESSED,
            subject=case,
            organisation=case.organisation_id,
            acting_user=acting_user,
            payload={"assessment": assessment.pk, "level": result.level, "before": before, "occasion": occasion},
        )
    return assessment


def is_escalation(level: str, before: str) -> bool:
    """A high level always escalates; so does any rise from the assessment before."""
    if level == Level.HIGH:
        return True
    if not before or level not in LEVEL_ORDER or before not in LEVEL_ORDER:
        return False
    return LEVEL_ORDER[Level(level)] > LEVEL_ORDER[Level(before)]


def _country_of(case: Case) -> str | None:
    country = case.organisation.country
    return country.code if country is not None else None


def escalate(case: Case, *, event: Event) -> WorkItem | None:
    """Work for the case's coordinators when ``event`` (``risk.assessed``) reports a high
    level or a rise: review within 24 hours, and consider a MARAC referral."""
    payload = event.payload if isinstance(event.payload, dict) else {}
    level, before = str(payload.get("level", "")), str(payload.get("before") or "")
    if not is_escalation(level, before):
        return None
    return open_work(
        rule=ESCALATION,
        organisation=case.organisation,
        subject=case,
        params={"case": case.pk, "assessment": payload.get("assessment"), "level": level, "before": before},
        team_role=Role.COORDINATOR,
        event=event,
        start=event.occurred_at,
        country_code=_country_of(case),
        compartment=Compartment.PROGRAMME,
    )


def open_assessment_work(case: Case, due: DueAssessment, *, event: Event) -> WorkItem | None:
    """Work for the case's coordinators to assess the risk as ``due`` says, unless an
    assessment that does it has been made already."""
    since = None if due.counts_before_event else event.occurred_at
    if has_assessment(case, occasions=due.occasions, since=since):
        return None
    return open_work(
        rule=due.rule,
        organisation=case.organisation,
        subject=case,
        params={"case": case.pk},
        team_role=Role.COORDINATOR,
        event=event,
        start=event.occurred_at,
        country_code=_country_of(case),
        compartment=Compartment.PROGRAMME,
    )


def cancel_assessment_work(case: Case, due: DueAssessment, *, event: Event) -> int:
    """End assessment work the case no longer needs (an intake assessment of a man found not
    suitable), naming the event that made it unnecessary."""
    return cancel_work(rule=due.rule, subject=case, reason=event.kind, acting_user=None)


def review_escalation(
    *,
    case: Case,
    marac_referral: bool,
    note: str,
    acting_user: User,
    context: AuditContext | None = None,
) -> list[WorkItem]:
    """A coordinator of the case's provider reviews its open escalations: she records that
    she reviewed the case, whether a referral to a multi-agency risk assessment conference
    was made, and why. One review answers every escalation still open on the case, since it
    looks at the risk as it stands now. Audited; the note is kept as a safety note of the
    case, through case work's notes."""
    if not has_role(acting_user, case.organisation_id, Role.COORDINATOR):
        record_denied(acting_user, Case, case.pk, Action.CHANGE, context, detail={"review": ESCALATION.key})
        raise RiskRefused(_("Only the programme's coordinators review a risk escalation."))
    open_items = list(get_open_escalations(case))
    if not open_items:
        raise RiskRefused(_("There is no open risk escalation on this case to review."))
    note = note.strip()
    if not note:
        raise ValidationError({"note": _("Say what you decided and why.")})
    if len(note) > MAX_NOTE:
        raise ValidationError({"note": _("At most %(count)s characters.") % {"count": MAX_NOTE}})
    with transaction.atomic():
        written = add_note(case=case, category=NoteCategory.SAFETY, text=note, acting_user=acting_user, context=context)
        for item in open_items:
            # The decision stays with each item it answered, for the case page and the overview.
            params = {**(item.params if isinstance(item.params, dict) else {}), "marac_referral": marac_referral}
            WorkItem.objects.filter(pk=item.pk, state=WorkItem.State.OPEN).update(params=params)
        close_work(rule=ESCALATION, subject=case, fulfilled_by=REVIEWED, acting_user=acting_user, context=context)
        detail = {
            "case": case.pk,
            "work": [item.pk for item in open_items],
            "reviewed": True,
            "marac_referral": marac_referral,
            "note": written.pk,
        }
        audit.record(
            REVIEWED,
            actor=acting_user,
            obj=case,
            organisation=case.organisation_id,
            compartment=Compartment.PROGRAMME,
            context=context,
            detail=detail,
        )
        events.emit(
            ESCALATION_REVIEWED,
            subject=case,
            organisation=case.organisation_id,
            acting_user=acting_user,
            payload={"work": detail["work"], "marac_referral": marac_referral},
        )
    return open_items
