"""Reads of case work, through ``core``'s policy: ``access_*`` fetch one record for a person or
answer 404 (and record the refused attempt); ``get_*`` and the facts read without a check, for the
actions."""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import QuerySet

from tandem.cases.models import Case, CaseStep, Participant, Referral
from tandem.cases.rules.lifecycle import CaseFacts, State
from tandem.cases.rules.matching import Candidate, Person, Search, candidates
from tandem.core.audit import AuditContext
from tandem.core.queries import get_open_work_on
from tandem.core.roles import Action
from tandem.core.scoping import access
from tandem.survivors import queries as survivor_side
from tandem.survivors.queries import PartnerFacts


def access_referral(
    user: Any, referral_id: Any, *, action: Action = Action.VIEW, context: AuditContext | None = None
) -> Referral:
    return access(Referral, user, referral_id, action=action, context=context)


def access_case(user: Any, case_id: Any, *, action: Action = Action.VIEW, context: AuditContext | None = None) -> Case:
    return access(
        Case,
        user,
        case_id,
        action=action,
        context=context,
        queryset=Case.objects.select_related("participant", "referral"),
    )


def referrals_visible_to(user: Any) -> QuerySet[Referral]:
    return Referral.objects.visible_to(user).order_by("-submitted_at", "-pk")


def cases_visible_to(user: Any) -> QuerySet[Case]:
    return Case.objects.visible_to(user).order_by("-opened_at", "-pk")


def case_list(
    user: Any, *, state: str = "", longest_first: bool = False, among: list[int] | None = None
) -> QuerySet[Case]:
    """The cases the person may see: open ones by default, one state, or "all"; only those
    ``among`` a search's finds, when given; newest first, or those longest in their state first
    (men waiting longest for a group)."""
    found = Case.objects.visible_to(user).select_related("participant")
    if among is not None:
        found = found.filter(pk__in=among)
    if state == "all":
        pass
    elif state:
        found = found.filter(state=state)
    else:
        found = found.exclude(state=State.CLOSED)
    if longest_first:
        return found.order_by("state_since", "pk")
    return found.order_by("-opened_at", "-pk")


def cases_found(user: Any, search: Search) -> list[int]:
    """The numbers of the cases the person may see, in any state, that a search of the case list
    finds: by the case's number, or by the man's name (every word typed the beginning of a word
    of it, or that word with a slip, in Latin or Cyrillic). His name is encrypted, so it cannot
    be searched in SQL: the names of the cases the person already sees, and only those, are
    read in one query and compared here."""
    visible = Case.objects.visible_to(user)
    if search.number is not None:
        return list(visible.filter(pk=search.number).values_list("pk", flat=True))
    if not search.words:
        return []
    names = visible.order_by().values_list("pk", "participant__name")
    return [case_id for case_id, name in names if search.finds_name(name)]


def possible_duplicates(referral: Referral) -> list[Candidate]:
    """The men the referral's programme already knows who may be the referred man, most likely
    first. Names are encrypted, so they are compared here, not in SQL."""
    known = Participant._base_manager.filter(organisation_id=referral.organisation_id).only(
        "pk", "name", "birth_date", "identity_number"
    )
    person = Person(referral.name, referral.birth_date, referral.identity_number)
    return candidates(person, ((p.pk, Person(p.name, p.birth_date, p.identity_number)) for p in known.iterator()))


def get_steps(case: Case) -> QuerySet[CaseStep]:
    """The steps of a case the reader has already been let into."""
    return CaseStep._base_manager.filter(case_id=case.pk).select_related("taken_by").order_by("taken_at", "pk")


def get_open_case_of(participant: Participant) -> Case | None:
    return Case._base_manager.filter(participant_id=participant.pk).exclude(state=State.CLOSED).first()


def get_participant_of(organisation_id: int, participant_id: Any) -> Participant | None:
    return Participant._base_manager.filter(organisation_id=organisation_id, pk=participant_id).first()


def partner_facts(case: Case) -> PartnerFacts:
    """Whether contact was offered to the partner (or why it is impossible), and whether the
    programme's limits were explained to her, as the survivor side has recorded them: yes, no
    or a date, and no when nothing is recorded."""
    return survivor_side.partner_facts(case.partner_reference)


def risk_assessed(case: Case) -> bool:
    """Whether the case has a completed risk assessment (the risk domain records them)."""
    from tandem.risk.models import RiskAssessment

    return RiskAssessment._base_manager.filter(case_id=case.pk).exists()


def case_facts(case: Case) -> CaseFacts:
    """What the safety gates ask of the case, read now."""
    partner = partner_facts(case)
    open_work = get_open_work_on(case).exists()
    return CaseFacts(
        risk_assessed=risk_assessed(case),
        partner_contact_settled=partner.contact_settled,
        limitations_explained=partner.limitations_explained,
        open_safety_work=open_work,
        short_of_dosage=short_of_dosage(case),
    )


def short_of_dosage(case: Case) -> bool:
    """Whether the man is in a group and his attendance does not yet complete its curriculum
    (group work records it)."""
    from tandem.groups.queries import short_of_dosage as group_side

    return group_side(case)


LARGEST_ID = 2**63 - 1


def partner_references_of(organisation_id: int, case_ids: list[int]) -> dict[int, uuid.UUID]:
    """The opaque partner reference of each of the provider's cases among ``case_ids``: all the
    survivor side learns of a man's case, to link his partner's record to it."""
    # A number no case can have (typed into an address or a form) is simply not found.
    possible = [case_id for case_id in case_ids if 0 < case_id <= LARGEST_ID]
    rows = Case._base_manager.filter(
        organisation_id=organisation_id, pk__in=possible, partner_reference__isnull=False
    ).values_list("pk", "partner_reference")
    return {case_id: reference for case_id, reference in rows if reference is not None}


def get_cases_of(organisation_id: int, case_ids: list[int]) -> list[Case]:
    """The provider's cases among ``case_ids``, for another domain's work about them (its
    subject); read without their people, and never shown from here."""
    return list(
        Case._base_manager.filter(organisation_id=organisation_id, pk__in=case_ids).select_related("organisation")
    )


def get_case_of_event(subject_type: str, subject_id: str) -> Case | None:
    """The case an event is about, when it is its subject."""
    if subject_type != Case._meta.label_lower or not subject_id.isdigit():
        return None
    return Case._base_manager.filter(pk=int(subject_id)).select_related("organisation__country").first()


def partner_case_of(organisation_id: int, reference: uuid.UUID) -> int | None:
    """The number of the provider's case holding a partner reference."""
    return (
        Case._base_manager.filter(organisation_id=organisation_id, partner_reference=reference)
        .values_list("pk", flat=True)
        .first()
    )
