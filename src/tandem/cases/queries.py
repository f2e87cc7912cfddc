"""Reads of case work, through ``core``'s policy: ``access_*`` fetch one record for a person or
answer 404 (and record the refused attempt); ``get_*`` and the facts read without a check, for the
actions."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from tandem.cases.models import Case, Participant, Referral
from tandem.cases.rules.lifecycle import CaseFacts
from tandem.cases.rules.matching import Candidate, Person, candidates
from tandem.core.audit import AuditContext
from tandem.core.models import WorkItem
from tandem.core.roles import Action
from tandem.core.scoping import access


def access_referral(
    user: Any, referral_id: Any, *, action: Action = Action.VIEW, context: AuditContext | None = None
) -> Referral:
    return access(Referral, user, referral_id, action=action, context=context)


def access_case(user: Any, case_id: Any, *, action: Action = Action.VIEW, context: AuditContext | None = None) -> Case:
    return access(
        Case, user, case_id, action=action, context=context, queryset=Case.objects.select_related("participant")
    )


def referrals_visible_to(user: Any) -> QuerySet[Referral]:
    return Referral.objects.visible_to(user).order_by("-submitted_at", "-pk")


def cases_visible_to(user: Any) -> QuerySet[Case]:
    return Case.objects.visible_to(user).order_by("-opened_at", "-pk")


def possible_duplicates(referral: Referral) -> list[Candidate]:
    """The men the referral's programme already knows who may be the referred man, most likely
    first. Names are encrypted, so they are compared here, not in SQL."""
    known = Participant._base_manager.filter(organisation_id=referral.organisation_id).only(
        "pk", "name", "birth_date", "identity_number"
    )
    person = Person(referral.name, referral.birth_date, referral.identity_number)
    return candidates(person, ((p.pk, Person(p.name, p.birth_date, p.identity_number)) for p in known.iterator()))


def get_participant_of(organisation_id: int, participant_id: Any) -> Participant | None:
    return Participant._base_manager.filter(organisation_id=organisation_id, pk=participant_id).first()


def partner_facts(case: Case) -> tuple[bool, bool]:
    """Whether contact was offered to the partner (or why it is impossible), and whether the
    programme's limits were explained to her, as the survivor side has recorded them.

    The survivor-support domain answers this from its own records; until it records anything
    the answer is no to both, so that a gate that asks refuses rather than passes."""
    return False, False


def risk_assessed(case: Case) -> bool:
    """Whether the case has a completed risk assessment. The risk domain records assessments
    of cases; until one is recorded the answer is no."""
    return False


def case_facts(case: Case) -> CaseFacts:
    """What the safety gates ask of the case, read now."""
    contact, limits = partner_facts(case)
    open_work = WorkItem._base_manager.filter(
        subject_type=Case._meta.label_lower, subject_id=str(case.pk), state=WorkItem.State.OPEN
    ).exists()
    return CaseFacts(
        risk_assessed=risk_assessed(case),
        partner_contact_settled=contact,
        limitations_explained=limits,
        open_safety_work=open_work,
    )
