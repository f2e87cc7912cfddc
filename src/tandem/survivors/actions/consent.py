"""Her consent: for one channel and one purpose, from a day to a day, until she withdraws it.
A consent is never edited; a new one is recorded, and a withdrawal ends it from its day."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tandem.core import audit, clock
from tandem.core.audit import AuditContext
from tandem.core.models import User
from tandem.core.roles import Compartment
from tandem.survivors.actions import MAX_LINE, SurvivorSideRefused, allowed
from tandem.survivors.models import Channel, Consent, Partner, Purpose

# Consent is asked again at least every two years: circumstances change, and so may her answer.
LONGEST = timedelta(days=2 * 366)


def record_consent(
    *,
    partner: Partner,
    channel: str,
    purpose: str,
    starts_on: date,
    expires_on: date,
    acting_user: User,
    service: str = "",
    context: AuditContext | None = None,
) -> Consent:
    allowed(acting_user, partner.organisation, Consent, context)
    errors: dict[str, str] = {}
    if channel not in Channel.values:
        errors["channel"] = _("Choose how she agreed to be contacted.")
    if purpose not in Purpose.values:
        errors["purpose"] = _("Choose what she agreed to.")
    today = clock.today()
    if not today - LONGEST <= starts_on <= today + timedelta(days=366):
        errors["starts_on"] = _("Choose a day from two years ago to a year from today.")
    if expires_on < starts_on:
        errors["expires_on"] = _("The consent cannot end before it starts.")
    elif expires_on - starts_on > LONGEST:
        errors["expires_on"] = _("Consent is asked again at least every two years: choose an earlier day.")
    service = service.strip()
    if purpose == Purpose.SHARE_SERVICE and not service:
        errors["service"] = _("Name the service she agreed to share with.")
    elif purpose != Purpose.SHARE_SERVICE and service:
        errors["service"] = _("A service is named only for sharing with a named service.")
    if len(service) > MAX_LINE:
        errors["service"] = _("At most %(count)s characters.") % {"count": MAX_LINE}
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        consent = Consent.objects.create(
            partner=partner,
            channel=channel,
            purpose=purpose,
            service=service,
            starts_on=starts_on,
            expires_on=expires_on,
            recorded_by=acting_user,
            recorded_at=clock.now(),
        )
        audit.record(
            "survivors.consent.recorded",
            actor=acting_user,
            obj=consent,
            organisation=partner.organisation_id,
            compartment=Compartment.SURVIVOR,
            context=context,
            detail={"channel": channel, "purpose": purpose, "until": expires_on.isoformat()},
        )
    return consent


def withdraw_consent(
    *, consent: Consent, acting_user: User, on: date | None = None, context: AuditContext | None = None
) -> Consent:
    """She withdrew it: from ``on`` (today unless said), nothing may be done under it."""
    partner = consent.partner
    allowed(acting_user, partner.organisation, Consent, context)
    today = clock.today()
    day = on or today
    if day > today:
        raise ValidationError(
            {"on": _("A withdrawal is recorded once she has made it: choose today or an earlier day.")}
        )
    if day < consent.starts_on:
        raise ValidationError({"on": _("Choose a day on or after the consent began.")})
    if consent.withdrawn_on is not None:
        raise SurvivorSideRefused(_("This consent is already withdrawn."), rule="withdrawn")
    with transaction.atomic():
        if not Consent._base_manager.filter(pk=consent.pk, withdrawn_on__isnull=True).update(withdrawn_on=day):
            raise SurvivorSideRefused(_("This consent is already withdrawn."), rule="withdrawn")
        consent.withdrawn_on = day
        audit.record(
            "survivors.consent.withdrawn",
            actor=acting_user,
            obj=consent,
            organisation=partner.organisation_id,
            compartment=Compartment.SURVIVOR,
            context=context,
            detail={"channel": consent.channel, "purpose": consent.purpose, "on": day.isoformat()},
        )
    return consent
