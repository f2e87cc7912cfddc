"""The survivor side's actions. Each takes ``acting_user`` and is audited; only someone who
reaches the survivor compartment of the organisation may take them (``allowed``).

Here: the facts case work's gates read (contact offered, the limits explained, or why contact
is impossible) and the safety signals sent to the programme side. The partner's record and its
links to cases (``partners``), her consent (``consent``) and the contact log (``contact``)
have modules of their own."""

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
from tandem.survivors.models import PartnerContact, SafetySignal, SignalKind, SignalLevel

MAX_TEXT = 10_000
MAX_LINE = 300


class SurvivorSideRefused(Exception):
    """An action refused with a message that says what is missing."""

    def __init__(self, message: str, *, rule: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.rule = rule


def allowed(user: User, organisation: Organisation, model: type, context: AuditContext | None) -> None:
    """Only someone whose role reaches this record of the survivor side in the organisation may
    change it: her own record (``compartment_roles``) only her support workers."""
    roles = getattr(model, "compartment_roles", None)
    if organisation.pk not in organisations_granting(user, Compartment.SURVIVOR, Action.CHANGE, roles=roles):
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
    allowed(acting_user, organisation, PartnerContact, context)
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
        if contact.contact_offered_on is not None or contact.contact_impossible_because:
            _settle_work(reference, organisation, acting_user, impossible=bool(contact.contact_impossible_because))
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
    kind: SignalKind | str | None = None,
    topic: str = "",
    context: AuditContext | None = None,
) -> SafetySignal:
    """A signal to the programme side: what it says (``kind``) and how serious (``level``).
    ``summary`` stays on her side (a coordinator reads it before a report about him leaves);
    ``topic`` is for "do not raise a topic in group" alone, in words for the facilitators."""
    allowed(acting_user, organisation, SafetySignal, context)
    if kind is None:
        kind = SignalKind.NO_CONCERNS if level == SignalLevel.NO_CONCERN else SignalKind.RISK_INCREASED
    errors: dict[str, str] = {}
    if level not in SignalLevel.values:
        errors["level"] = _("Choose one of the levels.")
    if kind not in SignalKind.values:
        errors["kind"] = _("Choose what the signal says.")
    if kind == SignalKind.NO_CONCERNS and level not in (SignalLevel.NO_CONCERN, ""):
        errors["level"] = _("“No concerns” goes with the level “No current concern”.")
    elif kind == SignalKind.RISK_INCREASED and level == SignalLevel.NO_CONCERN:
        errors["level"] = _("A risk that has increased is a concern or a serious concern: choose its level.")
    topic = topic.strip()
    if kind == SignalKind.AVOID_TOPIC and not topic:
        errors["topic"] = _("Name the topic the facilitators must not raise, in words they may read.")
    elif kind != SignalKind.AVOID_TOPIC and topic:
        errors["topic"] = _("A topic goes only with “do not raise a topic in group”.")
    if len(topic) > MAX_LINE:
        errors["topic"] = _("At most %(count)s characters.") % {"count": MAX_LINE}
    if len(summary) > MAX_TEXT:
        errors["summary"] = _("At most %(count)s characters.") % {"count": MAX_TEXT}
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        signal = SafetySignal.objects.create(
            organisation=organisation,
            reference=reference,
            kind=kind,
            level=level,
            topic=topic,
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
            detail={"level": level, "kind": kind},
        )
    return signal


def _settle_work(reference: uuid.UUID, organisation: Organisation, acting_user: User, *, impossible: bool) -> None:
    """Contact offered, or recorded as impossible: the offer of support is done; when she cannot
    be contacted at all, so is the work of telling her what happened."""
    from tandem.cases.queries import get_cases_of, partner_case_of
    from tandem.core.work import close_work
    from tandem.survivors.work_rules import INFORM_RULES, OFFER_SUPPORT

    case_id = partner_case_of(organisation.pk, reference)
    for case in get_cases_of(organisation.pk, [case_id] if case_id is not None else []):
        close_work(rule=OFFER_SUPPORT, subject=case, fulfilled_by="survivors.contact", acting_user=acting_user)
        if impossible:
            for rule in INFORM_RULES:
                close_work(
                    rule=rule, subject=case, fulfilled_by="survivors.contact_impossible", acting_user=acting_user
                )
