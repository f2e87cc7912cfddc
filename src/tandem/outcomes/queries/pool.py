"""Reads of the pooled outcome dataset: a provider's points, answers' particulars and scores as
plain values (nothing is decrypted: the scores are plain numbers, and no note, answer or name is
read), its agreements and contributions, and who may reach the pool's pages.

Each read is a fixed number of queries whatever the number of cases.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from tandem.cases.models import Case, CaseStep
from tandem.core.audit import AuditContext
from tandem.core.models import Organisation, User
from tandem.core.policy import is_active, organisations_with_role, places_of
from tandem.core.roles import OrganisationKind, Role
from tandem.core.scoping import access
from tandem.geo.models import Region
from tandem.outcomes.models import CasePoint, ManScore, PartnerPoint, PartnerScore
from tandem.outcomes.pool_models import Contribution, SharingAgreement
from tandem.outcomes.rules import pooling

ANSWER_FIELDS = (
    "response__answered_on",
    "response__instrument",
    "response__instrument_version",
    "response__language",
    "response__translation_version",
    "response__mode",
)

# Who answers for a provider's pooling: its administrators record and end agreements; they and
# its coordinators contribute and read the benchmarks of their programme.
AGREEMENT_ROLES = (Role.ORG_ADMIN,)
CONTRIBUTOR_ROLES = (Role.ORG_ADMIN, Role.COORDINATOR)


@dataclass(frozen=True)
class Sources:
    """Everything the records of one provider are made from."""

    programme: pooling.Programme
    cases: dict[int, pooling.CaseFacts]
    points: list[pooling.PointFacts]
    scores: dict[tuple[str, int], list[tuple[str, float]]]


def _point(row: tuple[Any, ...], partner: bool) -> pooling.PointFacts:
    if partner:
        point_id, case_id, partner_id, name, state, closes_on, *answer = row
    else:
        point_id, case_id, name, state, closes_on, *answer = row
        partner_id = None
    answered_on, instrument, version, language, translation, mode = answer
    return pooling.PointFacts(
        point_id=point_id,
        case_id=case_id,
        partner_id=partner_id,
        time_point=name,
        state=state,
        closes_on=closes_on,
        answered_on=answered_on,
        instrument=instrument or "",
        instrument_version=version,
        language=language or "",
        translation_version=translation,
        mode=mode or "",
    )


def first_level_region(organisation_id: int) -> str | None:
    """The first-level region all of the provider's registered programmes lie in, if one."""
    rows = Region.objects.filter(programmes__provider_id=organisation_id).values_list(
        "code", "parent__code", "parent__parent__code"
    )
    tops = {grandparent or parent or code for code, parent, grandparent in rows}
    return tops.pop() if len(tops) == 1 else None


def pool_sources(organisation: Organisation) -> Sources:
    """The provider's time points of the man and of his partners, with the particulars of the
    answers and their sub-scale scores, and the facts of the cases they belong to."""
    org = organisation.pk
    his = CasePoint._base_manager.filter(case__organisation_id=org).values_list(
        "pk", "case_id", "point", "state", "closes_on", *ANSWER_FIELDS
    )
    hers = PartnerPoint._base_manager.filter(partner__organisation_id=org).values_list(
        "pk", "case_number", "partner_id", "point", "state", "closes_on", *ANSWER_FIELDS
    )
    points = [_point(row, partner=False) for row in his.order_by("pk")]
    points += [_point(row, partner=True) for row in hers.order_by("pk")]
    scores: dict[tuple[str, int], list[tuple[str, float]]] = defaultdict(list)
    for point_id, subscale, value in ManScore._base_manager.filter(
        response__point__case__organisation_id=org
    ).values_list("response__point_id", "subscale", "value"):
        scores[(pooling.MAN, point_id)].append((subscale, value))
    for point_id, subscale, value in PartnerScore._base_manager.filter(
        response__point__partner__organisation_id=org
    ).values_list("response__point_id", "subscale", "value"):
        scores[(pooling.PARTNER, point_id)].append((subscale, value))
    endings: dict[int, list[str]] = defaultdict(list)
    steps = CaseStep._base_manager.filter(case__organisation_id=org, to_state__in=pooling.ENDINGS)
    for case_id, state in steps.order_by("taken_at", "pk").values_list("case_id", "to_state"):
        endings[case_id].append(state)
    cases = {
        case_id: pooling.CaseFacts(
            case_id, pooling.ending_of(endings.get(case_id, [])), birth_date, timezone.localdate(opened_at)
        )
        for case_id, opened_at, birth_date in Case._base_manager.filter(organisation_id=org).values_list(
            "pk", "opened_at", "participant__birth_date"
        )
    }
    country = organisation.country.code if organisation.country is not None else None
    programme = pooling.Programme(org, country, first_level_region(org))
    return Sources(programme, cases, points, dict(scores))


# --- Agreements and contributions ------------------------------------------------------------------


def in_force(agreement: SharingAgreement, today: date) -> bool:
    return (
        agreement.ended_at is None
        and agreement.starts_on <= today
        and (agreement.ends_on is None or today <= agreement.ends_on)
    )


def agreements_of(organisation: Organisation) -> list[SharingAgreement]:
    return list(SharingAgreement.objects.filter(organisation_id=organisation.pk).select_related("recorded_by"))


def agreement_in_force(organisation: Organisation, today: date) -> SharingAgreement | None:
    """The provider's agreement in force today (the one that started last, if several are)."""
    return next((agreement for agreement in agreements_of(organisation) if in_force(agreement, today)), None)


def get_agreement(organisation: Organisation, agreement_id: Any) -> SharingAgreement:
    """One of the provider's agreements; 404 for any other, existing or not."""
    try:
        return SharingAgreement.objects.get(organisation_id=organisation.pk, pk=agreement_id)
    except (SharingAgreement.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def contributions_of(organisation: Organisation) -> list[Contribution]:
    return list(Contribution.objects.filter(organisation_id=organisation.pk).select_related("agreement", "made_by"))


def contribution_log() -> QuerySet[Contribution]:
    """Every contribution of every provider, newest first, with its agreement and provider."""
    return Contribution.objects.select_related("agreement", "organisation", "made_by").order_by("-made_at", "-pk")


def pooled_contributions(today: date, log: list[Contribution] | None = None) -> list[Contribution]:
    """The contributions the pool reads: the newest of each provider whose agreement is in force
    today (of ``log`` when given, newest first). A provider that ended its agreement has
    withdrawn its data from the pool."""
    newest: dict[int, Contribution] = {}
    for contribution in contribution_log() if log is None else log:
        if contribution.organisation_id not in newest and in_force(contribution.agreement, today):
            newest[contribution.organisation_id] = contribution
    return sorted(newest.values(), key=lambda contribution: contribution.programme)


def get_provider(organisation_id: Any) -> Organisation | None:
    """A programme provider by id (for the command line), or None."""
    try:
        return Organisation.objects.filter(pk=int(organisation_id), kind=OrganisationKind.PROGRAMME_PROVIDER).first()
    except (TypeError, ValueError):
        return None


# --- Who reaches the pool's pages -------------------------------------------------------------------


def providers_of(user: Any, roles: tuple[Role, ...] = CONTRIBUTOR_ROLES) -> QuerySet[Organisation]:
    """The programme providers in which the user holds one of ``roles``."""
    return Organisation.objects.filter(
        pk__in=organisations_with_role(user, *roles), kind=OrganisationKind.PROGRAMME_PROVIDER
    ).order_by("name")


def access_provider(user: User, organisation_id: Any, *, context: AuditContext | None = None) -> Organisation:
    """A provider whose pooling the user answers for (administrator or coordinator); 404 for any
    other organisation, existing or not."""
    return access(Organisation, user, organisation_id, context=context, visible=providers_of(user))


def is_analyst(user: Any) -> bool:
    """Network analysts read the benchmarks of every programme, and never a row about a person."""
    return any(place.role == Role.ANALYST for place in places_of(user))


def reads_benchmarks(user: Any) -> bool:
    """The network's analysts, and a provider's administrators and coordinators (their own
    programme beside the pool)."""
    return any(
        place.role == Role.ANALYST
        or (place.role in CONTRIBUTOR_ROLES and place.kind == OrganisationKind.PROGRAMME_PROVIDER)
        for place in places_of(user)
    )


def reads_pool_log(user: Any) -> bool:
    """The contribution log of all programmes: the network's analysts and the platform's administrators."""
    return is_analyst(user) or (is_active(user) and bool(getattr(user, "is_superuser", False)))


def organisation_names(ids: list[int]) -> dict[int, str]:
    return dict(Organisation.objects.filter(pk__in=ids).values_list("pk", "name"))
