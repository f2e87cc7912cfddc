"""The survivor side's records that case work's gates and reports read. Each takes
``acting_user`` and is audited; only someone who reaches the survivor compartment of the
organisation may make them."""

from __future__ import annotations

import uuid
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tandem.core import audit, clock
from tandem.core.audit import AuditContext
from tandem.core.models import Organisation, User
from tandem.core.policy import organisations_granting
from tandem.core.roles import Action, Compartment
from tandem.core.scoping import record_denied
from tandem.survivors.models import PartnerContact, SafetySignal, SignalLevel


class SurvivorSideRefused(Exception):
    pass


def _allowed(user: User, organisation: Organisation, model: type, context: AuditContext | None) -> None:
    if organisation.pk not in organisations_granting(user, Compartment.SURVIVOR, Action.CHANGE):
        record_denied(user, model, "", Action.CHANGE, context, detail={"organisation": organisation.pk})
        raise SurvivorSideRefused(_("Only the partner's support workers record this."))


def record_partner_contact(
    *,
    organisation: Organisation,
    reference: uuid.UUID,
    acting_user: User,
    contact_offered_on: date | None = None,
    contact_impossible_because: str = "",
    limitations_explained_on: date | None = None,
    context: AuditContext | None = None,
) -> PartnerContact:
    _allowed(acting_user, organisation, PartnerContact, context)
    today = clock.today()
    for name, day in (
        ("contact_offered_on", contact_offered_on),
        ("limitations_explained_on", limitations_explained_on),
    ):
        if day is not None and day > today:
            raise ValidationError({name: _("The date is in the future.")})
    with transaction.atomic():
        contact, _created = PartnerContact.objects.update_or_create(
            reference=reference,
            defaults={
                "organisation": organisation,
                "contact_offered_on": contact_offered_on,
                "contact_impossible_because": contact_impossible_because.strip(),
                "limitations_explained_on": limitations_explained_on,
                "recorded_by": acting_user,
                "updated_at": clock.now(),
            },
        )
        audit.record(
            "survivors.contact.recorded",
            actor=acting_user,
            obj=contact,
            organisation=organisation.pk,
            compartment=Compartment.SURVIVOR,
            context=context,
        )
    return contact


def record_safety_signal(
    *,
    organisation: Organisation,
    reference: uuid.UUID,
    level: SignalLevel | str,
    acting_user: User,
    summary: str = "",
    context: AuditContext | None = None,
) -> SafetySignal:
    _allowed(acting_user, organisation, SafetySignal, context)
    if level not in SignalLevel.values:
        raise ValidationError({"level": _("Choose one of the levels.")})
    with transaction.atomic():
        signal = SafetySignal.objects.create(
            organisation=organisation,
            reference=reference,
            level=level,
            summary=summary.strip(),
            recorded_by=acting_user,
            recorded_at=clock.now(),
        )
        audit.record(
            "survivors.signal.recorded",
            actor=acting_user,
            obj=signal,
            organisation=organisation.pk,
            compartment=Compartment.SURVIVOR,
            context=context,
            detail={"level": level},
        )
    return signal
