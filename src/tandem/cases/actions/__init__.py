"""Writes of case work, one function per business event, each taking ``acting_user`` and an
audit context, audited in its transaction, emitting the events the other domains act on.

Events carry ids and states, never a name: ``case.opened``, ``case.started``, ``case.completed``,
``case.excluded``, ``case.dropped_out``, ``case.transferred``, ``case.not_suitable``.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tandem.cases.models import Case, CaseStep, Participant, Referral, ReferralRoute, ReferralState
from tandem.cases.queries import case_facts, get_open_case_of, get_participant_of
from tandem.cases.rules.lifecycle import TRANSITIONS, State, refusal
from tandem.core import audit, clock, events
from tandem.core.audit import AuditContext
from tandem.core.models import Organisation, User
from tandem.core.policy import has_role, places_of
from tandem.core.roles import Action, OrganisationKind, Role
from tandem.core.scoping import record_denied
from tandem.core.versions import save_if_unchanged

CASE_OPENED = "case.opened"
# The route of a referral sent by an agency of each kind.
ROUTE_OF_AGENCY = {
    OrganisationKind.COURT: ReferralRoute.COURT,
    OrganisationKind.PROBATION: ReferralRoute.PROBATION,
    OrganisationKind.SOCIAL_WORK_CENTRE: ReferralRoute.SOCIAL_WORK,
    OrganisationKind.POLICE: ReferralRoute.POLICE,
}
DECIDERS = (Role.COORDINATOR,)
# Dates before these are typing mistakes (0001 for 2001), not facts about a man in a programme.
EARLIEST_BIRTH_DATE = date(1900, 1, 1)
EARLIEST_DEADLINE = date(2000, 1, 1)
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
MAX_TEXT = 10_000


class CaseRefused(Exception):
    """The step cannot be taken; ``gate`` names the safety gate that refused, if one did."""

    def __init__(self, message: str, gate: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.gate = gate


class StaleCase(CaseRefused):
    """Someone else changed the record since it was opened."""


@dataclass(frozen=True)
class ReferralDetails:
    """What the referrer knows of the man; only the name and the reason are required."""

    name: str
    reason: str
    birth_date: date | None = None
    identity_number: str = ""
    incidents: str = ""
    partner_known: bool = False
    children: str = ""
    legal_status: str = ""
    deadline: date | None = None


def _check(details: ReferralDetails) -> None:
    errors: dict[str, str] = {}
    if not details.name.strip():
        errors["name"] = _("Give the man's name.")
    if not details.reason.strip():
        errors["reason"] = _("Say why he is referred.")
    for field in ("name", "reason", "incidents", "children", "legal_status", "identity_number"):
        if len(getattr(details, field)) > MAX_TEXT:
            errors[field] = _("At most %(count)s characters.") % {"count": MAX_TEXT}
    if details.birth_date is not None and details.birth_date > clock.today():
        errors["birth_date"] = _("The date of birth is in the future.")
    elif details.birth_date is not None and details.birth_date < EARLIEST_BIRTH_DATE:
        errors["birth_date"] = _("Check the year of birth: it is before %(year)s.") % {"year": EARLIEST_BIRTH_DATE.year}
    if details.deadline is not None and details.deadline < EARLIEST_DEADLINE:
        errors["deadline"] = _("Check the year of the deadline: it is before %(year)s.") % {
            "year": EARLIEST_DEADLINE.year
        }
    for field in ("name", "identity_number"):
        if BIDI_CONTROLS.search(getattr(details, field)):
            # Invisible direction marks make one name look like another on the screen.
            errors[field] = _("Remove the invisible text-direction characters from this field.")
    if errors:
        raise ValidationError(errors)


def submit_referral(
    *,
    provider: Organisation,
    details: ReferralDetails,
    acting_user: User,
    referring_organisation: Organisation | None = None,
    route: str = ReferralRoute.SELF,
    context: AuditContext | None = None,
) -> Referral:
    """A referrer sends a referral from her agency, or the provider's staff enter one (a
    self-referral, or one from a service without Tandem)."""
    if provider.kind != OrganisationKind.PROGRAMME_PROVIDER:
        raise ValidationError({"organisation": _("Referrals go to a programme provider.")})
    if referring_organisation is not None:
        allowed = has_role(acting_user, referring_organisation.pk, Role.REFERRER)
        route = ROUTE_OF_AGENCY.get(OrganisationKind(referring_organisation.kind), ReferralRoute.OTHER_SERVICE)
    else:
        allowed = has_role(acting_user, provider.pk, *DECIDERS)
    if not allowed:
        record_denied(acting_user, Referral, "", Action.CHANGE, context, detail={"provider": provider.pk})
        raise CaseRefused(_("You cannot send a referral from here."))
    _check(details)
    with transaction.atomic():
        referral = Referral.objects.create(
            organisation=provider,
            referring_organisation=referring_organisation,
            route=route,
            name=details.name.strip(),
            birth_date=details.birth_date,
            identity_number=details.identity_number.strip(),
            reason=details.reason.strip(),
            incidents=details.incidents.strip(),
            partner_known=details.partner_known,
            children=details.children.strip(),
            legal_status=details.legal_status.strip(),
            deadline=details.deadline,
            submitted_by=acting_user,
            submitted_at=clock.now(),
        )
        audit.record(
            "cases.referral.submitted",
            actor=acting_user,
            obj=referral,
            organisation=provider.pk,
            compartment=Referral.compartment,
            context=context,
            detail={"route": route, "from": referring_organisation.pk if referring_organisation else None},
        )
    return referral


def _decide(referral: Referral, acting_user: User, event: str, context: AuditContext | None) -> None:
    if not has_role(acting_user, referral.organisation_id, *DECIDERS):
        record_denied(acting_user, Referral, referral.pk, Action.CHANGE, context, detail={"event": event})
        raise CaseRefused(_("Only the programme's coordinators decide on a referral."))
    if referral.state not in (ReferralState.SUBMITTED, ReferralState.MORE_INFORMATION):
        raise CaseRefused(_("This referral has been decided already."))


def _bump(record: Referral | Case, expected_version: int, **changes: Any) -> None:
    if not save_if_unchanged(record, expected_version, **changes):
        raise StaleCase(_("Someone else changed this after you opened it. Open it again to see their changes."))


def accept_referral(
    *,
    referral: Referral,
    expected_version: int,
    acting_user: User,
    existing: Participant | None = None,
    context: AuditContext | None = None,
) -> Case:
    """Open the man's case: with ``existing``, the known man the person chose among the
    possible duplicates; without, a new participant she confirmed. Either choice is audited."""
    _decide(referral, acting_user, "accept", context)
    if existing is not None and get_participant_of(referral.organisation_id, existing.pk) is None:
        raise CaseRefused(_("Choose a man known to this programme."))
    if existing is not None:
        open_case = get_open_case_of(existing)
        if open_case is not None:
            # Two open cases of one man would split his risk history and the partner's contact.
            raise CaseRefused(
                _(
                    "He already has an open case (#%(number)s): this referral cannot open a second one. "
                    "Add what it says to his case as a note, and reject the referral naming that case."
                )
                % {"number": open_case.pk}
            )
    now = clock.now()
    with transaction.atomic():
        participant = existing or Participant.objects.create(
            organisation_id=referral.organisation_id,
            name=referral.name,
            birth_date=referral.birth_date,
            identity_number=referral.identity_number,
            created_at=now,
        )
        _bump(referral, expected_version, state=ReferralState.ACCEPTED, participant=participant, decided_at=now)
        case = Case.objects.create(
            organisation_id=referral.organisation_id,
            participant=participant,
            referral=referral,
            # Every case has one, so the survivor side can record even that no partner is known.
            partner_reference=uuid.uuid4(),
            opened_at=now,
            state_since=now,
        )
        audit.record(
            "cases.referral.accepted",
            actor=acting_user,
            obj=referral,
            organisation=referral.organisation_id,
            compartment=Referral.compartment,
            context=context,
            detail={"case": case.pk, "participant": participant.pk, "chosen": "existing" if existing else "new"},
        )
        events.emit(CASE_OPENED, subject=case, organisation=case.organisation_id, acting_user=acting_user)
    return case


def reject_referral(
    *, referral: Referral, expected_version: int, reason: str, acting_user: User, context: AuditContext | None = None
) -> Referral:
    return _close_referral(
        referral, expected_version, reason, ReferralState.REJECTED, acting_user=acting_user, context=context
    )


def ask_for_more_information(
    *, referral: Referral, expected_version: int, reason: str, acting_user: User, context: AuditContext | None = None
) -> Referral:
    return _close_referral(
        referral, expected_version, reason, ReferralState.MORE_INFORMATION, acting_user=acting_user, context=context
    )


def _close_referral(
    referral: Referral,
    expected_version: int,
    reason: str,
    state: ReferralState,
    *,
    acting_user: User,
    context: AuditContext | None,
) -> Referral:
    _decide(referral, acting_user, state, context)
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason, for the referrer.")})
    if len(reason) > MAX_TEXT:
        raise ValidationError({"reason": _("At most %(count)s characters.") % {"count": MAX_TEXT}})
    with transaction.atomic():
        decided = clock.now() if state == ReferralState.REJECTED else None
        _bump(referral, expected_version, state=state, decision_reason=reason.strip(), decided_at=decided)
        audit.record(
            f"cases.referral.{state}",
            actor=acting_user,
            obj=referral,
            organisation=referral.organisation_id,
            compartment=Referral.compartment,
            context=context,
            detail={"state": state},
        )
    return referral


def check_move(*, case: Case, event: str, acting_user: User, context: AuditContext | None = None) -> None:
    """Refuse, with the reason on the record, a step the person may not take now: for the
    actions of other domains that take a step together with their own change (a man allocated
    to a group starts in the programme), checked before their transaction begins so that the
    refusal stays on the record."""
    roles = {place.role for place in places_of(acting_user) if place.organisation_id == case.organisation_id}
    found = refusal(event, case.state, frozenset(roles), case_facts(case))
    if found is not None:
        if not roles:
            record_denied(acting_user, Case, case.pk, Action.CHANGE, context, detail={"event": event})
        else:
            audit.record(
                "cases.case.refused",
                actor=acting_user,
                obj=case,
                organisation=case.organisation_id,
                compartment=Case.compartment,
                context=context,
                detail={"event": event, "state": case.state, "gate": found.gate},
            )
        raise CaseRefused(found.message, found.gate)


def move_case(
    *,
    case: Case,
    event: str,
    expected_version: int,
    acting_user: User,
    reason: str = "",
    context: AuditContext | None = None,
) -> Case:
    """Take one step of the case's lifecycle, if the person may take it from the case's state
    and its safety gates pass; two people moving the same case at once cannot both succeed."""
    check_move(case=case, event=event, acting_user=acting_user, context=context)
    transition = TRANSITIONS[event]
    if transition.needs_reason and not reason.strip():
        raise ValidationError({"reason": _("Give the reason for this step.")})
    if len(reason) > MAX_TEXT:
        raise ValidationError({"reason": _("At most %(count)s characters.") % {"count": MAX_TEXT}})
    now = clock.now()
    before = State(case.state)
    with transaction.atomic():
        closed = now if transition.target == State.CLOSED else None
        _bump(case, expected_version, state=transition.target, state_since=now, closed_at=closed)
        CaseStep.objects.create(
            case=case,
            event=event,
            from_state=before,
            to_state=transition.target,
            reason=reason.strip(),
            taken_by=acting_user,
            taken_at=now,
        )
        audit.record(
            f"cases.case.{event}",
            actor=acting_user,
            obj=case,
            organisation=case.organisation_id,
            compartment=Case.compartment,
            context=context,
            detail={"from": before, "to": transition.target},
        )
        if transition.emits:
            events.emit(
                transition.emits,
                subject=case,
                organisation=case.organisation_id,
                acting_user=acting_user,
                payload={"from": before, "to": transition.target},
            )
    return case
