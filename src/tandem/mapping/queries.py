"""Reads of the registry for the public directory. No personal data: the programme registry
holds organisational facts only, and what a provider asked not to publish never leaves here."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404, HttpRequest

from tandem.core.models import Organisation, User
from tandem.core.roles import Action, OrganisationKind, Role
from tandem.core.scoping import organisations_with_role, record_denied
from tandem.geo.models import Country, Region
from tandem.mapping.models import (
    AnswerStatus,
    DeliveryLocation,
    Programme,
    RoundReviewer,
    Status,
    SurveyAnswer,
    SurveyRound,
)
from tandem.mapping.rules import AUTHOR, REVIEWER

# A survey round is run by a network or a government body.
ROUND_OWNER_KINDS = (OrganisationKind.NETWORK, OrganisationKind.GOVERNMENT)


def public_programmes(*, country: Country | None = None, region: Region | None = None) -> QuerySet[Programme]:
    """Functioning programmes that may be published, with only their public locations."""
    programmes = Programme.objects.filter(publish=True, status=Status.FUNCTIONING)
    if country is not None:
        programmes = programmes.filter(country=country)
    if region is not None:
        programmes = programmes.filter(regions_served=region)
    return (
        programmes.select_related("provider", "country")
        .prefetch_related(
            "regions_served",
            Prefetch("locations", queryset=DeliveryLocation.objects.filter(publish=True), to_attr="public_locations"),
        )
        .distinct()
        .order_by("country__code", "name")
    )


def access_public_programme(programme_id: int) -> Programme:
    """One programme of the public directory; 404 for one that is not public, as for one that
    does not exist."""
    try:
        return public_programmes().get(pk=programme_id)
    except Programme.DoesNotExist:
        raise Http404 from None


# --- Survey rounds and answers --------------------------------------------------------------
# Answers are organisational facts, but unpublished ones are not for everyone: a provider
# sees its own, a reviewer those of the countries assigned to her in the round, and the
# organisation running the round all of them. Every read of an answer goes through here.

MANAGER_ROLES = (Role.ANALYST, Role.ORG_ADMIN)
AUTHOR_ROLES = (Role.COORDINATOR, Role.ORG_ADMIN)


def managing_organisations(user: User | Any) -> list[int]:
    """The organisations whose rounds ``user`` runs (network analysts and administrators)."""
    return [
        org
        for org in organisations_with_role(user, *MANAGER_ROLES)
        if Organisation.objects.filter(pk=org, kind__in=ROUND_OWNER_KINDS).exists()
    ]


def authoring_organisations(user: User | Any) -> list[int]:
    """The providers for whose programmes ``user`` fills in answers."""
    return [
        org
        for org in organisations_with_role(user, *AUTHOR_ROLES)
        if Organisation.objects.filter(pk=org, kind=OrganisationKind.PROGRAMME_PROVIDER).exists()
    ]


def _reviews(user: User | Any) -> Exists:
    return Exists(
        RoundReviewer.objects.filter(
            round=OuterRef("round"), country=OuterRef("programme__country"), user_id=getattr(user, "pk", 0)
        )
    )


def _reviews_round(user: User | Any) -> Exists:
    return Exists(RoundReviewer.objects.filter(round=OuterRef("round"), user_id=getattr(user, "pk", 0)))


def answers_visible_to(user: User | Any) -> QuerySet[SurveyAnswer]:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return SurveyAnswer.objects.none()
    visible = (
        Q(round__owner_id__in=managing_organisations(user))
        | Q(programme__provider_id__in=authoring_organisations(user))
        | Q(_reviews(user))
        | Q(_reviews_round(user), status=AnswerStatus.PUBLISHED)
    )
    return SurveyAnswer.objects.filter(visible).select_related("round", "programme", "programme__country")


def party_of(user: User | Any, answer: SurveyAnswer) -> set[str]:
    """What ``user`` is to this answer: its author, its reviewer, or both (or nothing)."""
    parties: set[str] = set()
    if answer.programme.provider_id in authoring_organisations(user):
        parties.add(AUTHOR)
    if (
        answer.round.owner_id in managing_organisations(user)
        or RoundReviewer.objects.filter(
            round=answer.round, country_id=answer.programme.country_id, user_id=getattr(user, "pk", 0)
        ).exists()
    ):
        parties.add(REVIEWER)
    return parties


def access_answer(user: User | Any, answer_id: int, *, request: HttpRequest | None = None) -> SurveyAnswer:
    """One answer ``user`` may see; 404 otherwise, with an attempt on an existing answer
    written to the audit log."""
    try:
        return answers_visible_to(user).get(pk=answer_id)
    except SurveyAnswer.DoesNotExist:
        if SurveyAnswer.objects.filter(pk=answer_id).exists():
            record_denied(user, SurveyAnswer, answer_id, Action.VIEW, request)
        raise Http404 from None


def rounds_visible_to(user: User | Any) -> QuerySet[SurveyRound]:
    """Rounds the user runs, reviews, or can answer (a programme of theirs in its countries)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return SurveyRound.objects.none()
    uid = getattr(user, "pk", None)
    author_countries = Programme.objects.filter(provider_id__in=authoring_organisations(user)).values("country")
    return (
        SurveyRound.objects.filter(
            Q(owner_id__in=managing_organisations(user)) | Q(reviewers__user_id=uid) | Q(countries__in=author_countries)
        )
        .distinct()
        .select_related("owner", "questionnaire")
    )


def access_round(user: User | Any, round_id: int, *, request: HttpRequest | None = None) -> SurveyRound:
    try:
        return rounds_visible_to(user).get(pk=round_id)
    except SurveyRound.DoesNotExist:
        if SurveyRound.objects.filter(pk=round_id).exists():
            record_denied(user, SurveyRound, round_id, Action.VIEW, request)
        raise Http404 from None


def access_managed_round(user: User | Any, round_id: int, *, request: HttpRequest | None = None) -> SurveyRound:
    """A round ``user`` runs (to import answers or assign reviewers); 404 otherwise."""
    try:
        return SurveyRound.objects.select_related("owner", "questionnaire").get(
            pk=round_id, owner_id__in=managing_organisations(user)
        )
    except SurveyRound.DoesNotExist:
        if SurveyRound.objects.filter(pk=round_id).exists():
            record_denied(user, SurveyRound, round_id, Action.CHANGE, request)
        raise Http404 from None


def answerable_programmes(user: User | Any, survey_round: SurveyRound) -> QuerySet[Programme]:
    """The user's own programmes in the round's countries."""
    return Programme.objects.filter(
        provider_id__in=authoring_organisations(user), country__in=survey_round.countries.all()
    ).order_by("name")


def round_choice_sets(survey_round: SurveyRound, *, country: Country | None = None) -> dict[str, list[str]]:
    """The dynamic choice lists of a round: the registry's programmes and the regions of its
    countries (or of one of them: a programme serves regions of its own country), by reference."""
    countries = list(survey_round.countries.values_list("pk", flat=True))
    if country is not None:
        countries = [pk for pk in countries if pk == country.pk]
    return {
        "programmes": list(
            Programme.objects.filter(country_id__in=countries).order_by("code").values_list("code", flat=True)
        ),
        "regions": list(
            Region.objects.filter(country_id__in=countries, coverage_unit=True)
            .order_by("code")
            .values_list("code", flat=True)
        ),
    }


def published_answers(
    *, survey_round: SurveyRound | None = None, country: Country | None = None
) -> QuerySet[SurveyAnswer]:
    """Published answers: the only ones indicators, coverage, the report and open data read."""
    answers = SurveyAnswer.objects.filter(status=AnswerStatus.PUBLISHED)
    if survey_round is not None:
        answers = answers.filter(round=survey_round)
    if country is not None:
        answers = answers.filter(programme__country=country)
    return answers


def all_rounds_for_command_line() -> QuerySet[SurveyRound]:
    """Every survey round, newest first, with its owner, its countries (by code) and
    ``answers_<status>`` counts, in two queries. Only for the command line, which runs with
    access to the whole database; a person on the web sees ``rounds_visible_to`` instead."""
    counts = {f"answers_{status}": Count("answers", filter=Q(answers__status=status)) for status in AnswerStatus.values}
    return (
        SurveyRound.objects.select_related("owner")
        .prefetch_related(Prefetch("countries", queryset=Country.objects.order_by("code")))
        .annotate(**counts)
        .order_by("-opens_on", "name")
    )
