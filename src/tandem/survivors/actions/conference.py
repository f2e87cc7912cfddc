"""Referrals to the multi-agency risk assessment conference (MARAC): the referral (a repeat when an
earlier one about her is within a year), the meeting that heard it, and the actions it agreed."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tandem.core import audit, clock
from tandem.core.audit import AuditContext
from tandem.core.models import Organisation, User
from tandem.core.roles import Compartment
from tandem.core.work import close_work
from tandem.survivors import rules
from tandem.survivors.actions import MAX_LINE, MAX_TEXT, SurvivorSideRefused, allowed
from tandem.survivors.models import ActionStatus, ConferenceAction, ConferenceMeeting, ConferenceReferral
from tandem.survivors.queries import planning as planning_queries
from tandem.survivors.work_rules import CONFERENCE_REFER

MAX_ACTIONS = 20


def refer_to_conference(
    *,
    organisation: Organisation,
    case_id: int,
    referred_on: date,
    reason: str,
    acting_user: User,
    context: AuditContext | None = None,
) -> ConferenceReferral:
    from tandem.cases.queries import get_cases_of, partner_references_of
    from tandem.risk.queries import latest_level

    allowed(acting_user, organisation, ConferenceReferral, context)
    errors: dict[str, str] = {}
    reference = partner_references_of(organisation.pk, [case_id]).get(case_id)
    if reference is None:
        errors["case"] = _("Give the number of a man's case of this programme.")
    today = clock.today()
    if not today - timedelta(days=366) <= referred_on <= today:
        errors["referred_on"] = _("Choose the day of the referral: today or within the last year.")
    reason = reason.strip()
    if not reason:
        errors["reason"] = _("Say why the case is referred: what the risk is.")
    elif len(reason) > MAX_TEXT:
        errors["reason"] = _("At most %(count)s characters.") % {"count": MAX_TEXT}
    if errors:
        raise ValidationError(errors)
    if reference is None:  # said above; for the type checker
        raise ValidationError({"case": _("Give the number of a man's case of this programme.")})
    cases = get_cases_of(organisation.pk, [case_id])
    partner_id = planning_queries.partner_id_of(reference)
    with transaction.atomic():
        before = planning_queries.earlier_referrals(reference, partner_id)
        # A form sent twice is one referral: a second one the same day would count as a repeat.
        if planning_queries.referred_on_day(reference, referred_on):
            raise SurvivorSideRefused(
                _("This case is already referred on that day: open the referral on the conference page."),
                rule="duplicate",
            )
        earlier = rules.repeat_of(before, referred_on)
        referral = ConferenceReferral.objects.create(
            organisation=organisation,
            reference=reference,
            case_number=case_id,
            partner_id=partner_id,
            referred_on=referred_on,
            risk_level=latest_level(cases[0]) if cases else "",
            reason=reason,
            repeat_of_id=earlier,
            recorded_by=acting_user,
            recorded_at=clock.now(),
        )
        for case in cases:
            close_work(
                rule=CONFERENCE_REFER,
                subject=case,
                fulfilled_by="survivors.conference_referred",
                acting_user=acting_user,
            )
        audit.record(
            "survivors.conference.referred",
            actor=acting_user,
            obj=referral,
            organisation=organisation.pk,
            compartment=Compartment.SURVIVOR,
            context=context,
            detail={"case": case_id, "repeat_of": earlier},
        )
    return referral


def record_meeting(
    *,
    referral: ConferenceReferral,
    held_on: date,
    agencies: str,
    actions: list[tuple[str, str, date | None]],
    acting_user: User,
    context: AuditContext | None = None,
) -> ConferenceMeeting:
    """The conference that heard the referral: its day, the agencies present, and its actions
    (what, who, by when), all saved or none."""
    allowed(acting_user, referral.organisation, ConferenceMeeting, context)
    errors: dict[str, str] = {}
    today = clock.today()
    if not referral.referred_on <= held_on <= today:
        errors["held_on"] = _("Choose a day from the referral to today.")
    agencies = agencies.strip()
    if not agencies:
        errors["agencies"] = _("Name the agencies present.")
    elif len(agencies) > MAX_TEXT:
        errors["agencies"] = _("At most %(count)s characters.") % {"count": MAX_TEXT}
    if len(actions) > MAX_ACTIONS:
        errors["actions"] = _("At most %(count)s actions at once.") % {"count": MAX_ACTIONS}
    for number, (text, owner, due_on) in enumerate(actions, start=1):
        if not text.strip() or not owner.strip():
            errors["actions"] = _("Action %(number)s needs what is to be done and who does it.") % {"number": number}
        elif len(text) > MAX_TEXT or len(owner) > MAX_LINE:
            errors["actions"] = _("Action %(number)s is too long.") % {"number": number}
        elif due_on is not None and due_on < held_on:
            errors["actions"] = _("Action %(number)s is due before the meeting.") % {"number": number}
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        meeting = ConferenceMeeting.objects.create(
            referral=referral, held_on=held_on, agencies=agencies, recorded_by=acting_user, recorded_at=clock.now()
        )
        ConferenceAction.objects.bulk_create(
            ConferenceAction(meeting=meeting, text=text.strip(), owner=owner.strip(), due_on=due_on)
            for text, owner, due_on in actions
        )
        audit.record(
            "survivors.conference.meeting",
            actor=acting_user,
            obj=meeting,
            organisation=referral.organisation_id,
            compartment=Compartment.SURVIVOR,
            context=context,
            detail={"referral": referral.pk, "actions": len(actions)},
        )
    return meeting


def set_conference_action(
    *,
    action: ConferenceAction,
    status: str,
    was: str,
    acting_user: User,
    context: AuditContext | None = None,
) -> ConferenceAction:
    """Where an agreed action stands now; ``was`` is the status the person saw, so that a change
    made meanwhile by someone else is not overwritten."""
    referral = action.meeting.referral
    allowed(acting_user, referral.organisation, ConferenceAction, context)
    if status not in ActionStatus.values:
        raise ValidationError({"status": _("Choose open, done or dropped.")})
    with transaction.atomic():
        if not ConferenceAction._base_manager.filter(pk=action.pk, status=was).update(status=status):
            raise SurvivorSideRefused(
                _("Someone else changed this action while you were looking: see where it stands now."), rule="version"
            )
        action.status = status
        audit.record(
            "survivors.conference.action_status",
            actor=acting_user,
            obj=action,
            organisation=referral.organisation_id,
            compartment=Compartment.SURVIVOR,
            context=context,
            detail={"status": status},
        )
    return action
