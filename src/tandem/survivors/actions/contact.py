"""The contact log: each attempt to reach her and each contact with her, refused without her
valid consent for that channel and that purpose.

The one exception is offering her support before she has ever been reached: it is how her
consent is asked for at all (a call, a letter where she said letters are safe, a message through
a service). The first offer and "the programme's limits explained"
are the facts case work's start gate reads (``PartnerContact``), and a contact that tells her
what happened on his side does the survivor-safety work the event opened."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.cases.queries import get_cases_of
from tandem.core import audit, clock
from tandem.core.audit import AuditContext
from tandem.core.models import User
from tandem.core.roles import Compartment
from tandem.core.work import close_work
from tandem.survivors import queries, rules
from tandem.survivors.actions import MAX_TEXT, SurvivorSideRefused, allowed
from tandem.survivors.models import (
    Channel,
    ContactEntry,
    ContactKind,
    ContactOutcome,
    InformationSheet,
    Partner,
    PartnerContact,
    Purpose,
)
from tandem.survivors.work_rules import INFORM_RULES, OFFER_SUPPORT

# An attempt did not reach her; a contact did.
ATTEMPT_OUTCOMES = frozenset({ContactOutcome.NO_ANSWER, ContactOutcome.UNSAFE})
# What offering her support may be, before she ever consented: information about the programme,
# and how the offer went.
OFFER_OUTCOMES = frozenset(
    {ContactOutcome.OFFER_MADE, ContactOutcome.NO_ANSWER, ContactOutcome.UNSAFE, ContactOutcome.DECLINED}
)
# A contact that tells her what happened on his side.
INFORMING = frozenset({ContactOutcome.INFORMED, ContactOutcome.SAFETY_PLANNED, ContactOutcome.OFFER_MADE})


def _check(
    kind: str, channel: str, purpose: str, outcome: str, *, happened_at: datetime, note: str, limitations: bool
) -> None:
    errors: dict[str, str] = {}
    if kind not in ContactKind.values:
        errors["kind"] = _("Say whether she was reached.")
    if channel not in Channel.values:
        errors["channel"] = _("Choose how she was contacted.")
    if purpose not in Purpose.values:
        errors["purpose"] = _("Choose what the contact was for.")
    if outcome not in ContactOutcome.values:
        errors["outcome"] = _("Choose how it went.")
    elif kind == ContactKind.ATTEMPT and outcome not in ATTEMPT_OUTCOMES:
        errors["outcome"] = _(
            "An attempt that did not reach her ends with no answer, or with it not being safe to talk."
        )
    elif kind == ContactKind.CONTACT and outcome == ContactOutcome.NO_ANSWER:
        errors["outcome"] = _("She was reached: choose how the contact went.")
    if limitations and kind != ContactKind.CONTACT:
        errors["limitations_explained"] = _("The programme's limits are explained to her in a contact, not an attempt.")
    now = clock.now()
    if happened_at > now + timedelta(minutes=5):
        errors["happened_at"] = _("A contact is recorded once it has happened: choose a time up to now.")
    elif happened_at < now - timedelta(days=366):
        errors["happened_at"] = _("Choose a time within the last year.")
    if len(note) > MAX_TEXT:
        errors["note"] = _("At most %(count)s characters.") % {"count": MAX_TEXT}
    if errors:
        raise ValidationError(errors)


def record_contact(
    *,
    partner: Partner,
    kind: str,
    channel: str,
    purpose: str,
    outcome: str,
    happened_at: datetime,
    acting_user: User,
    note: str = "",
    first_offer: bool = False,
    limitations_explained: bool = False,
    sheet: InformationSheet | None = None,
    context: AuditContext | None = None,
) -> ContactEntry:
    allowed(acting_user, partner.organisation, ContactEntry, context)
    _check(kind, channel, purpose, outcome, happened_at=happened_at, note=note, limitations=limitations_explained)
    if sheet is not None and (sheet.organisation_id != partner.organisation_id or not limitations_explained):
        raise ValidationError({"sheet": _("Give the programme's sheet with its limits explained, in this contact.")})
    day = timezone.localdate(happened_at)
    reached_before = any(entry.kind == ContactKind.CONTACT for entry in queries.contacts_of(partner))
    offering = first_offer and purpose == Purpose.INFORMATION and outcome in OFFER_OUTCOMES
    if not (offering and not reached_before):
        names = {**dict(Channel.choices), **dict(Purpose.choices)}
        refused = rules.refusal(
            queries.consent_terms(partner), channel, purpose, day, names={k: str(v) for k, v in names.items()}
        )
        if refused is not None:
            raise SurvivorSideRefused(refused, rule="consent")
    links = queries.links_of(partner)
    with transaction.atomic():
        entry = ContactEntry.objects.create(
            partner=partner,
            kind=kind,
            channel=channel,
            purpose=purpose,
            outcome=outcome,
            note=note.strip(),
            first_offer=first_offer,
            limitations_explained=limitations_explained,
            sheet=sheet,
            happened_at=happened_at,
            recorded_by=acting_user,
            recorded_at=clock.now(),
        )
        for link in links:
            _note_facts(link.reference, partner, day, offered=first_offer, limits=limitations_explained, by=acting_user)
        cases = get_cases_of(partner.organisation_id, [link.case_number for link in links])
        for case in cases:
            if first_offer or kind == ContactKind.CONTACT:
                close_work(rule=OFFER_SUPPORT, subject=case, fulfilled_by="survivors.contact", acting_user=acting_user)
            if kind == ContactKind.CONTACT and (outcome in INFORMING or outcome == ContactOutcome.DECLINED):
                # She was told, or said she wants no contact: the work the events opened is done.
                for rule in INFORM_RULES:
                    close_work(rule=rule, subject=case, fulfilled_by="survivors.contact", acting_user=acting_user)
        audit.record(
            "survivors.contact.logged",
            actor=acting_user,
            obj=entry,
            organisation=partner.organisation_id,
            compartment=Compartment.SURVIVOR,
            context=context,
            detail={"kind": kind, "channel": channel, "purpose": purpose, "outcome": outcome},
        )
    return entry


def _note_facts(reference: uuid.UUID, partner: Partner, day: date, *, offered: bool, limits: bool, by: User) -> None:
    """What case work's gates read, kept from the contact log: the first day contact was
    offered, and the last day the limits were explained."""
    if not (offered or limits):
        return
    facts, _created = PartnerContact._base_manager.get_or_create(
        reference=reference, defaults={"organisation_id": partner.organisation_id, "updated_at": clock.now()}
    )
    if offered and facts.contact_offered_on is None:
        facts.contact_offered_on = day
    if limits:
        facts.limitations_explained_on = day
    facts.recorded_by, facts.updated_at = by, clock.now()
    facts.save()
