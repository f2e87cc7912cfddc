"""Survey rounds and their reviewers."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from tandem.core.audit import AuditContext
from tandem.core.models import User
from tandem.core.policy import organisations_with
from tandem.core.roles import Action, Capacity
from tandem.core.scoping import access
from tandem.geo.models import Country
from tandem.mapping.models import (
    AnswerStatus,
    Programme,
    RoundReviewer,
    SurveyRound,
)
from tandem.mapping.queries.answers import published_answers
from tandem.mapping.rules.workflow import reviewer_refusal


def reviewer_refusal_for(user: User, country: Country) -> str | None:
    """Why ``user`` may not review the answers of ``country``, or None when she may."""
    return reviewer_refusal(
        oversees_programmes=bool(organisations_with(user, Capacity.REVIEW_SURVEYS)),
        provides_in_country=Programme.objects.filter(country=country, provider__memberships__user=user).exists(),
    )


def get_reviewer(reviewer_id: int) -> RoundReviewer | None:
    """A reviewer assignment as stored, for the platform administrator's change of it."""
    return RoundReviewer._base_manager.select_related("round", "country", "user").filter(pk=reviewer_id).first()


def rounds_visible_to(user: User | Any) -> QuerySet[SurveyRound]:
    """Rounds the user runs, reviews, or can answer (a programme of theirs in its countries)."""
    return SurveyRound.objects.visible_to(user).select_related("owner", "questionnaire")


def access_round(user: User | Any, round_id: int, *, context: AuditContext | None = None) -> SurveyRound:
    return access(
        SurveyRound,
        user,
        round_id,
        context=context,
        queryset=SurveyRound.objects.select_related("owner", "questionnaire"),
    )


def access_managed_round(user: User | Any, round_id: int, *, context: AuditContext | None = None) -> SurveyRound:
    """A round ``user`` runs (to import answers or download its form); 404 otherwise."""
    return access(
        SurveyRound,
        user,
        round_id,
        action=Action.CHANGE,
        context=context,
        queryset=SurveyRound.objects.select_related("owner", "questionnaire"),
    )


def round_reviewers(survey_round: SurveyRound, user: User | Any) -> QuerySet[RoundReviewer]:
    return (
        RoundReviewer.objects.visible_to(user)
        .filter(round=survey_round)
        .select_related("country", "user")
        .order_by("country__code", "user__username")
    )


def latest_published_round() -> SurveyRound | None:
    """The round that opened last among those with at least one published answer."""
    has_published = Exists(published_answers().filter(round=OuterRef("pk")))
    return SurveyRound._base_manager.filter(has_published).order_by("-opens_on", "-pk").first()


def previous_round(survey_round: SurveyRound, country: Country | None = None) -> SurveyRound | None:
    """The round of the same organisation that opened last before this one and has published
    answers (with the country in it, for a country's report)."""
    has_published = Exists(published_answers().filter(round=OuterRef("pk")))
    rounds = SurveyRound._base_manager.filter(
        has_published, owner_id=survey_round.owner_id, opens_on__lt=survey_round.opens_on
    ).exclude(pk=survey_round.pk)
    if country is not None:
        rounds = rounds.filter(countries=country)
    return rounds.order_by("-opens_on", "-pk").first()


def get_round(round_id: int) -> SurveyRound | None:
    """A round by id for the command line, which runs with access to the whole database."""
    return SurveyRound._base_manager.select_related("owner", "questionnaire").filter(pk=round_id).first()


def all_rounds_for_command_line() -> QuerySet[SurveyRound]:
    """Every survey round, newest first, with its owner, its countries (by code) and
    ``answers_<status>`` counts, in two queries. Only for the command line, which runs with
    access to the whole database; a person on the web sees ``rounds_visible_to`` instead."""
    counts = {f"answers_{status}": Count("answers", filter=Q(answers__status=status)) for status in AnswerStatus.values}
    return (
        SurveyRound._base_manager.select_related("owner")
        .prefetch_related(Prefetch("countries", queryset=Country.objects.order_by("code")))
        .annotate(**counts)
        .order_by("-opens_on", "name")
    )
