"""Writes of risk assessment. ``record_assessment`` scores a complete set of answers with the
instrument's rules and records it, never to be changed; it emits ``risk.assessed`` with the
level before and after, which the handlers turn into escalation work."""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tandem.cases.models import Case
from tandem.core import audit, clock, events
from tandem.core.audit import AuditContext
from tandem.core.models import User
from tandem.core.policy import organisations_granting
from tandem.core.roles import Action, Compartment
from tandem.core.scoping import record_denied
from tandem.risk.models import Level, Occasion, RiskAssessment, Trigger
from tandem.risk.queries import latest_level
from tandem.risk.rules import AnswerError, Instrument, shipped_instrument

RISK_ASSESSED = "risk.assessed"
DEFAULT_INSTRUMENT = "tandem-risk"
MAX_NOTE = 10_000


class RiskRefused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


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
    coordinator of its provider). A bad answer is refused naming the item; nothing is saved."""
    if case.organisation_id not in organisations_granting(acting_user, Compartment.PROGRAMME, Action.CHANGE):
        record_denied(acting_user, RiskAssessment, "", Action.CHANGE, context, detail={"case": case.pk})
        raise RiskRefused(_("Only the people working on this case assess its risk."))
    used = instrument or shipped_instrument(DEFAULT_INSTRUMENT)
    errors: dict[str, str] = {}
    if occasion not in Occasion.values:
        errors["occasion"] = _("Choose when the assessment is made.")
    if occasion == Occasion.TRIGGER and trigger not in Trigger.values:
        errors["trigger"] = _("Say which event made this assessment necessary.")
    if occasion != Occasion.TRIGGER and trigger:
        errors["trigger"] = _("A trigger is given only for an assessment after a trigger event.")
    if len(note) > MAX_NOTE:
        errors["note"] = _("At most %(count)s characters.") % {"count": MAX_NOTE}
    try:
        result = used.score(answers)
    except AnswerError as wrong:
        errors[wrong.item or "answers"] = _("Choose one of the answers for this question.")
    if errors:
        raise ValidationError(errors)
    before = latest_level(case)
    with transaction.atomic():
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
            "risk.assessment.recorded",
            actor=acting_user,
            obj=assessment,
            organisation=case.organisation_id,
            compartment=Compartment.PROGRAMME,
            context=context,
            detail={"case": case.pk, "level": result.level, "before": before, "occasion": occasion},
        )
        events.emit(
            RISK_ASSESSED,
            subject=case,
            organisation=case.organisation_id,
            acting_user=acting_user,
            payload={"assessment": assessment.pk, "level": result.level, "before": before, "occasion": occasion},
        )
    return assessment
