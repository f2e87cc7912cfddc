"""Reads of the referral pages: the referrer's side (her agency's referrals, and of the case only
its state in words meant for her) and the programme's side (the referrals waiting for a decision,
and the men already known who may be the referred one).

The two sides are reached through different doors: ``access_sent_referral`` lets in only the
referrers of the agency that sent it, ``access_referral_to_decide`` only the provider's programme
staff. A person never sees the other side's page of a referral by changing a URL.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import F, Q, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tandem.cases.models import Case, CaseStep, Participant, Referral, ReferralState
from tandem.cases.queries import possible_duplicates
from tandem.cases.rules.lifecycle import ENDINGS, State
from tandem.cases.rules.matching import SAME_BIRTH_DATE, SAME_IDENTITY_NUMBER, SIMILAR_NAME, Candidate
from tandem.core.audit import AuditContext
from tandem.core.models import Organisation
from tandem.core.policy import has_role, organisations_granting, organisations_with_role
from tandem.core.roles import Action, Compartment, OrganisationKind, Role
from tandem.core.scoping import access

# The people of a provider who decide on its referrals (``actions.DECIDERS``).
DECIDING_ROLES = (Role.COORDINATOR,)
WAITING_FOR_DECISION = (ReferralState.SUBMITTED, ReferralState.MORE_INFORMATION)

# The case as the referring agency may know it: where the man is in the programme, in words
# written for her. Nothing else of the case (notes, assessments, the partner) reaches her.
REFERRER_WORDS: dict[str, Promise] = {
    State.REFERRED: _("Accepted; the assessment has not started yet"),
    State.ASSESSMENT: _("Being assessed"),
    State.WAITING: _("Waiting for a group"),
    State.IN_PROGRAMME: _("In the programme"),
    State.COMPLETED: _("Completed the programme"),
    State.EXCLUDED: _("Excluded from the programme"),
    State.DROPPED_OUT: _("Dropped out of the programme"),
    State.TRANSFERRED: _("Transferred to another programme"),
    State.FOLLOW_UP: _("Follow-up after the programme"),
    State.CLOSED: _("Case closed"),
}
NOT_SUITABLE = "assess_unsuitable"
NOT_SUITABLE_WORDS = _("Not suitable for the programme")

REASON_WORDS: dict[str, Promise] = {
    SAME_IDENTITY_NUMBER: _("Same identity number"),
    SAME_BIRTH_DATE: _("Same date of birth"),
    SIMILAR_NAME: _("Similar name"),
}


# --- The referrer's side ------------------------------------------------------------------------


def referring_agencies_of(user: Any) -> QuerySet[Organisation]:
    """The agencies from which the person sends referrals: those where she is a referrer."""
    return Organisation.objects.filter(
        pk__in=organisations_with_role(user, Role.REFERRER), kind__in=OrganisationKind.referring_agencies()
    ).order_by("name", "pk")


def programme_providers() -> QuerySet[Organisation]:
    """Every programme provider, with its country: a referral may go to any of them."""
    return Organisation.objects.filter(kind=OrganisationKind.PROGRAMME_PROVIDER).select_related("country")


def sent_referrals(user: Any) -> QuerySet[Referral]:
    """The referrals sent by the agencies where the person is a referrer, newest first, each with
    the state of its case (only the state: that is all of the case she may know)."""
    found: QuerySet[Referral] = (
        Referral.objects.visible_to(user)
        .filter(referring_organisation_id__in=organisations_with_role(user, Role.REFERRER))
        .select_related("organisation", "referring_organisation")
        .annotate(case_state=F("case__state"))
        .order_by("-submitted_at", "-pk")
    )
    return found


def access_sent_referral(user: Any, referral_id: Any, *, context: AuditContext | None = None) -> Referral:
    """A referral as its referring agency's referrers see it; 404 (and the attempt recorded) for
    anyone else, the programme's own staff included: they have their own page of it."""
    return access(
        Referral,
        user,
        referral_id,
        context=context,
        queryset=Referral._base_manager.filter(
            referring_organisation_id__in=organisations_with_role(user, Role.REFERRER)
        ).select_related("organisation", "referring_organisation"),
    )


@dataclass(frozen=True)
class ProgressForReferrer:
    """What the referring agency may know of the case opened from its referral."""

    words: str
    since: datetime
    ending: str  # how the programme ended for him, once it has; "" before
    # His attendance in counts, from group work, once he is placed in a group: never a note,
    # a concern or anything about another man.
    attendance: Any = None


def get_progress_for_referrer(referral: Referral) -> ProgressForReferrer | None:
    """The case of a referral the reader has already been let into, as its referrer may know it:
    the state and since when, and how the programme ended once it has. Only states are read,
    never a reason, a note or anything of the partner."""
    found = Case._base_manager.filter(referral_id=referral.pk).values("pk", "state", "state_since").first()
    if found is None:
        return None
    state = State(found["state"])
    ending = ""
    if state in (State.FOLLOW_UP, State.CLOSED):
        last = (
            CaseStep._base_manager.filter(case_id=found["pk"])
            .filter(Q(to_state__in=ENDINGS) | Q(event=NOT_SUITABLE))
            .order_by("-taken_at", "-pk")
            .values_list("event", "to_state")
            .first()
        )
        if last is not None:
            event, to_state = last
            ending = str(NOT_SUITABLE_WORDS if event == NOT_SUITABLE else REFERRER_WORDS[to_state])
    from tandem.groups.queries import attendance_status_for_referrer

    return ProgressForReferrer(
        words=str(REFERRER_WORDS[state]),
        since=found["state_since"],
        ending=ending,
        attendance=attendance_status_for_referrer(Case(pk=found["pk"])),
    )


def may_resubmit(user: Any, referral: Referral) -> bool:
    """Whether the person may change and send again a referral the programme asked more about:
    a referrer of the agency that sent it, or, for one the programme's staff entered themselves,
    the people who decide there."""
    if referral.referring_organisation_id is not None:
        return has_role(user, referral.referring_organisation_id, Role.REFERRER)
    return has_role(user, referral.organisation_id, *DECIDING_ROLES)


# --- The programme's side -----------------------------------------------------------------------


def _programme_organisations(user: Any, action: Action = Action.VIEW) -> list[int]:
    return organisations_granting(user, Compartment.PROGRAMME, action)


def providers_entering_for(user: Any) -> QuerySet[Organisation]:
    """The providers for which the person enters a referral herself (a self-referral, or one from
    a service without Tandem): those where she decides on referrals and works on the cases."""
    deciding = set(organisations_with_role(user, *DECIDING_ROLES))
    return Organisation.objects.filter(
        pk__in=[pk for pk in _programme_organisations(user, Action.CHANGE) if pk in deciding],
        kind=OrganisationKind.PROGRAMME_PROVIDER,
    ).order_by("name", "pk")


def referrals_to_decide(user: Any) -> QuerySet[Referral]:
    """The referrals waiting for a decision of the person's providers, nearest deadline first
    (those without one after), then oldest first."""
    return (
        Referral.objects.visible_to(user)
        .filter(organisation_id__in=_programme_organisations(user), state__in=WAITING_FOR_DECISION)
        .select_related("organisation", "referring_organisation")
        .order_by(F("deadline").asc(nulls_last=True), "submitted_at", "pk")
    )


def access_referral_to_decide(user: Any, referral_id: Any, *, context: AuditContext | None = None) -> Referral:
    """A referral as the provider's programme staff see it; 404 (and the attempt recorded) for
    anyone else, the referrer included: she has her own page of it."""
    return access(
        Referral,
        user,
        referral_id,
        context=context,
        queryset=Referral._base_manager.filter(organisation_id__in=_programme_organisations(user)).select_related(
            "organisation", "referring_organisation", "case"
        ),
    )


@dataclass(frozen=True)
class KnownMan:
    """A man the provider already knows who may be the referred one, with why he may be."""

    participant: Participant
    name_score: int
    reasons: tuple[str, ...]
    cases: tuple[Case, ...]

    @property
    def reason_words(self) -> list[str]:
        return [str(REASON_WORDS[reason]) for reason in self.reasons]


def get_known_men(referral: Referral, found: list[Candidate] | None = None) -> list[KnownMan]:
    """The possible duplicates of a referral the reader has been let into, each with his cases
    at the provider, most likely first (two queries, whatever their number)."""
    candidates = possible_duplicates(referral) if found is None else found
    if not candidates:
        return []
    ids = [candidate.key for candidate in candidates]
    participants = Participant._base_manager.filter(organisation_id=referral.organisation_id).in_bulk(ids)
    cases: dict[Hashable, list[Case]] = defaultdict(list)
    for case in Case._base_manager.filter(participant_id__in=ids).only("pk", "participant_id", "state", "opened_at"):
        cases[case.participant_id].append(case)
    return [
        KnownMan(
            participant=participants[candidate.key],
            name_score=candidate.name_score,
            reasons=candidate.reasons,
            cases=tuple(sorted(cases[candidate.key], key=lambda c: c.opened_at, reverse=True)),
        )
        for candidate in candidates
        if candidate.key in participants
    ]
