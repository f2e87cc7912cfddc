"""Files uploaded for import, for the people running the round and for the worker."""

from __future__ import annotations

from typing import Any

from tandem.core.audit import AuditContext
from tandem.core.models import User
from tandem.core.roles import Action
from tandem.core.scoping import access
from tandem.mapping.models import (
    ImportJob,
    SurveyRound,
)
from tandem.mapping.queries.rounds import access_managed_round


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
