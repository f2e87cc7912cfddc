"""Files uploaded for import, for the people running the round and for the worker."""

from __future__ import annotations

from typing import Any

from tandem.core.audit import AuditContext
from tandem.core.models import User
from tandem.core.roles import Action
from tandem.core.scoping import access
from tandem.mapping.models import (
    ImportJob,
    Programme,
    SurveyRound,
)
from tandem.mapping.queries.registry import round_choice_sets
from tandem.mapping.queries.rounds import access_managed_round
from tandem.mapping.rules.import_checks import RoundFacts
from tandem.mapping.rules.questionnaire import definition_of


def access_import_job(
    user: User | Any, round_id: int, job_id: int, *, context: AuditContext | None = None
) -> ImportJob:
    """An import job of a round ``user`` runs; 404 otherwise (also for a job of another round)."""
    survey_round = access_managed_round(user, round_id, context=context)
    return access(
        ImportJob,
        user,
        job_id,
        action=Action.CHANGE,
        context=context,
        queryset=ImportJob.objects.filter(round=survey_round).select_related("round"),
    )


def recent_import_jobs(survey_round: SurveyRound, user: User | Any, *, limit: int = 10) -> list[ImportJob]:
    jobs = ImportJob.objects.visible_to(user, Action.CHANGE).filter(round=survey_round).defer("content")
    return list(jobs.order_by("-created_at")[:limit])


def get_import_job(job_id: int) -> ImportJob | None:
    """A job for the background worker that works through it."""
    return (
        ImportJob._base_manager.select_related("round", "round__questionnaire", "uploaded_by").filter(pk=job_id).first()
    )


def get_import_batch_exists(survey_round: SurveyRound, sha256: str) -> bool:
    from tandem.mapping.models import ImportBatch

    return ImportBatch._base_manager.filter(round=survey_round, sha256=sha256).exists()


def round_facts(survey_round: SurveyRound) -> RoundFacts:
    """What a file of answers to this round is checked against, read once."""
    countries = list(survey_round.countries.order_by("code"))
    programmes = Programme.objects.filter(country__in=countries)
    return RoundFacts(
        definition=definition_of(survey_round.questionnaire.definition),
        dynamic=round_choice_sets(survey_round),
        country_codes=tuple(country.code for country in countries),
        programmes=dict(programmes.values_list("code", "pk")),
        country_of=dict(programmes.values_list("code", "country__code")),
        regions_of={
            country.code: frozenset(round_choice_sets(survey_round, country=country)["regions"])
            for country in countries
        },
    )


def countries_of_programmes(codes: set[str]) -> dict[str, tuple[str, str]]:
    """The country (code and English name, to be named in the reader's language) of each
    programme of the registry with one of these references."""
    if not codes:
        return {}
    found = Programme.objects.filter(code__in=sorted(codes)).values_list("code", "country__code", "country__name_en")
    return {code: (country, name) for code, country, name in found}
