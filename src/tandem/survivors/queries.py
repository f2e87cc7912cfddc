"""The survivor side's answers to case work. ``partner_facts`` is the one function the safety
gates of a case read: it tells only whether (and when) something was recorded, and says no
when nothing was, so that a gate refuses rather than passes. ``latest_signal`` is read by a
coordinator before a report leaves the programme, through the scoping policy and audited."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from tandem.core import audit
from tandem.core.audit import AuditContext
from tandem.core.roles import Action, Compartment
from tandem.survivors.models import PartnerContact, SafetySignal


@dataclass(frozen=True)
class PartnerFacts:
    """Yes, no or a date: all that the programme side may know of the partner's contact."""

    contact_settled: bool = False  # contact offered, or a recorded reason why it is impossible
    contact_offered_on: date | None = None
    limitations_explained_on: date | None = None

    @property
    def limitations_explained(self) -> bool:
        return self.limitations_explained_on is not None


def partner_facts(reference: uuid.UUID | None) -> PartnerFacts:
    if reference is None:
        return PartnerFacts()
    row = (
        PartnerContact._base_manager.filter(reference=reference)
        .values("contact_offered_on", "contact_impossible_because", "limitations_explained_on")
        .first()
    )
    if row is None:
        return PartnerFacts()
    settled = row["contact_offered_on"] is not None or bool((row["contact_impossible_because"] or "").strip())
    return PartnerFacts(settled, row["contact_offered_on"], row["limitations_explained_on"])


def latest_signal(
    user: Any, reference: uuid.UUID | None, *, context: AuditContext | None = None
) -> SafetySignal | None:
    """The newest safety signal about the partner that ``user`` may read; reading it is audited
    because it crosses from her compartment to someone deciding about him."""
    if reference is None:
        return None
    signal = SafetySignal.objects.visible_to(user, Action.VIEW).filter(reference=reference).first()
    if signal is not None:
        audit.record(
            "survivors.signal.read",
            actor=user,
            obj=signal,
            organisation=signal.organisation_id,
            compartment=Compartment.SURVIVOR,
            context=context,
            detail={"level": signal.level},
        )
    return signal
