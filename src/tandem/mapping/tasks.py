"""Background work of the mapping: imports uploaded on the web."""

from __future__ import annotations

from django.utils import translation
from django_tasks import task

from tandem.mapping.actions.imports import run_import


@task()
def run_import_job(job_id: int, language: str = "en") -> str:
    """Check and import an uploaded file; problems are written in the uploader's language."""
    with translation.override(language):
        job = run_import(job_id)
    return job.state if job is not None else ""
