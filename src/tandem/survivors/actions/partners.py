"""The partner's record: made from a man's case (by its number, all the survivor side learns of
his case), changed by her worker, and linked to a second man's case when she is the partner of
more than one man in the programme."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, fields

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from tandem.cases.queries import partner_references_of
from tandem.core import audit, clock, events
from tandem.core.audit import AuditContext
from tandem.core.models import Organisation, User
from tandem.core.roles import Compartment
from tandem.core.versions import save_if_unchanged
from tandem.survivors import queries
from tandem.survivors.actions import MAX_LINE, MAX_TEXT, SurvivorSideRefused, allowed
from tandem.survivors.models import Partner, PartnerLink


@dataclass(frozen=True)
class PartnerDetails:
    name: str
    address: str = ""
    phones: str = ""
    email: str = ""
    whereabouts: str = ""
    safe_times: str = ""
    message_allowed: bool = False
    code_word: str = ""
    safe_intermediary: str = ""
    safe_contact_notes: str = ""


# Emitted when her record is linked to a man's case (outcome monitoring gives her its schedule).
CASE_LINKED = "survivors.case_linked"

LONG_FIELDS = frozenset({"address", "whereabouts", "safe_contact_notes", "safe_intermediary", "safe_times"})


def _checked(details: PartnerDetails) -> dict[str, object]:
    errors: dict[str, str] = {}
    values: dict[str, object] = {}
    for field in fields(PartnerDetails):
        value = getattr(details, field.name)
        if isinstance(value, str):
            value = value.strip()
            limit = MAX_TEXT if field.name in LONG_FIELDS else MAX_LINE
            if len(value) > limit:
                errors[field.name] = _("At most %(count)s characters.") % {"count": limit}
        values[field.name] = value
    if not values["name"]:
        errors["name"] = _("Give the name she uses, or the one her worker knows her by.")
    if errors:
        raise ValidationError(errors)
    return values


def _reference_of(organisation: Organisation, case_id: int) -> uuid.UUID:
    reference = partner_references_of(organisation.pk, [case_id]).get(case_id)
    if reference is None:
        raise ValidationError({"case": _("Give the number of a man's case of this programme.")})
    if queries.partner_of_reference(reference) is not None:
        raise ValidationError({"case": _("The partner of this case already has a record: open it from the case.")})
    return reference


def _linked(link: PartnerLink, acting_user: User) -> None:
    # Outcome monitoring gives her the points of the case's schedule.
    events.emit(
        CASE_LINKED,
        subject=link,
        organisation=link.partner.organisation_id,
        acting_user=acting_user,
        payload={"case": link.case_number},
    )


def create_partner(
    *,
    organisation: Organisation,
    case_id: int,
    details: PartnerDetails,
    acting_user: User,
    context: AuditContext | None = None,
) -> Partner:
    """Her record, linked to the man's case she is the partner of."""
    allowed(acting_user, organisation, Partner, context)
    values = _checked(details)
    reference = _reference_of(organisation, case_id)
    now = clock.now()
    try:
        with transaction.atomic():
            partner = Partner.objects.create(
                organisation=organisation, created_by=acting_user, created_at=now, updated_at=now, **values
            )
            link = PartnerLink.objects.create(partner=partner, reference=reference, case_number=case_id, linked_at=now)
            _linked(link, acting_user)
            audit.record(
                "survivors.partner.created",
                actor=acting_user,
                obj=partner,
                organisation=organisation.pk,
                compartment=Compartment.SURVIVOR,
                context=context,
                detail={"case": case_id},
            )
    except IntegrityError:
        raise SurvivorSideRefused(
            _("Someone recorded the partner of this case meanwhile. Open her record from the case."), rule="linked"
        ) from None
    return partner


def update_partner(
    *,
    partner: Partner,
    details: PartnerDetails,
    expected_version: int,
    acting_user: User,
    context: AuditContext | None = None,
) -> Partner:
    allowed(acting_user, partner.organisation, Partner, context)
    values = _checked(details)
    with transaction.atomic():
        if not save_if_unchanged(partner, expected_version, updated_at=clock.now(), **values):
            raise SurvivorSideRefused(
                _("Someone else changed her record meanwhile. Open it again to see what changed."), rule="version"
            )
        audit.record(
            "survivors.partner.changed",
            actor=acting_user,
            obj=partner,
            organisation=partner.organisation_id,
            compartment=Compartment.SURVIVOR,
            context=context,
            # Which fields, never their values: the log is read by more people than her record.
            detail={"fields": sorted(values)},
        )
    return partner


def link_case(*, partner: Partner, case_id: int, acting_user: User, context: AuditContext | None = None) -> PartnerLink:
    """She is the partner of another man in the programme too."""
    allowed(acting_user, partner.organisation, Partner, context)
    if any(link.case_number == case_id for link in queries.links_of(partner)):
        raise ValidationError({"case": _("This case is already linked to her record.")})
    reference = _reference_of(partner.organisation, case_id)
    try:
        with transaction.atomic():
            link = PartnerLink.objects.create(
                partner=partner, reference=reference, case_number=case_id, linked_at=clock.now()
            )
            _linked(link, acting_user)
            audit.record(
                "survivors.partner.linked",
                actor=acting_user,
                obj=partner,
                organisation=partner.organisation_id,
                compartment=Compartment.SURVIVOR,
                context=context,
                detail={"case": case_id},
            )
    except IntegrityError:
        raise ValidationError(
            {"case": _("The partner of this case already has a record: open it from the case.")}
        ) from None
    return link
