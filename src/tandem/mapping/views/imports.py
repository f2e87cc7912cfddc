"""Importing answers on the web, for the people who run a round: upload a file, then watch the
background worker check and import it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_safe

from tandem.core import tables
from tandem.core.http import audit_context, signed_in_user
from tandem.mapping.actions.exports import record_xlsform_export
from tandem.mapping.actions.imports import LIMITS, queue_import, result_message
from tandem.mapping.models import ImportJob
from tandem.mapping.queries.imports import access_import_job, recent_import_jobs
from tandem.mapping.queries.rounds import access_managed_round
from tandem.mapping.render.xlsform import XLSFormError, xlsform_bytes
from tandem.mapping.rules.import_checks import stored_problems, stored_words

# Seconds between reloads of the progress page while the import runs.
REFRESH_SECONDS = 2


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File of answers (CSV or XLSX)"),
        help_text=gettext_lazy(
            "One programme per row, with the question names as column names. A KoboToolbox or ODK export "
            "of the round's form can be imported as it is."
        ),
    )

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        try:
            # The background worker reads the file by the same rules and within the same limits.
            tables.check_format(upload.name or "")
            tables.check_size(upload.size or 0, LIMITS)
        except tables.UnreadableFile as error:
            raise forms.ValidationError(error.message) from None
        return upload


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def round_import_view(request: HttpRequest, round_id: int) -> HttpResponse:
    user = signed_in_user(request)
    where = audit_context(request)
    survey_round = access_managed_round(user, round_id, context=where)
    form = ImportUploadForm(request.POST, request.FILES) if request.method == "POST" else ImportUploadForm()
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        job = queue_import(
            survey_round=survey_round, filename=upload.name, content=upload.read(), acting_user=user, context=where
        )
        return redirect("mapping:import_job", round_id=survey_round.pk, job_id=job.pk)
    context = {"round": survey_round, "form": form, "jobs": recent_import_jobs(survey_round, user)}
    return render(request, "mapping/round_import.html", context, status=422 if form.is_bound else 200)


@login_required
@require_safe
def import_job_view(request: HttpRequest, round_id: int, job_id: int) -> HttpResponse:
    job = access_import_job(signed_in_user(request), round_id, job_id, context=audit_context(request))
    running = job.state in (ImportJob.State.QUEUED, ImportJob.State.RUNNING)
    context: dict[str, Any] = {"round": job.round, "job": job, "running": running, "refresh": REFRESH_SECONDS}
    if running and job.rows_total:
        context["rows_checked"] = _rows_checked(job.rows_done, job.rows_total)
    if job.state == ImportJob.State.DONE and job.summary:
        context["result"] = result_message(job.summary)
    if job.state == ImportJob.State.FAILED:
        # Kept language-neutral: written here in the reader's language.
        context["failure"] = stored_words(job.summary.get("message"))
        context["problems"] = stored_problems(job.problems)
        count = int(job.summary.get("problems") or len(job.problems))
        context["problems_caption"] = _problems_caption(len(job.problems), max(count, len(job.problems)))
    response = render(request, "mapping/import_job.html", context)
    if running:
        response["Refresh"] = str(REFRESH_SECONDS)
    return response


def _rows_checked(done: int, total: int) -> str:
    return ngettext("%(done)s of %(total)s row", "%(done)s of %(total)s rows", total) % {
        "done": tables.grouped(done),
        "total": tables.grouped(total),
    }


def _problems_caption(shown: int, count: int) -> str:
    if shown < count:
        return ngettext(
            "The first %(shown)s of %(count)s problem to correct in the file",
            "The first %(shown)s of %(count)s problems to correct in the file",
            count,
        ) % {"shown": tables.grouped(shown), "count": tables.grouped(count)}
    return ngettext("%(count)s problem to correct in the file", "%(count)s problems to correct in the file", count) % {
        "count": tables.grouped(count)
    }


@login_required
@require_safe
def round_xlsform_view(request: HttpRequest, round_id: int) -> HttpResponse:
    """The round's questionnaire as an XLSForm, to run the survey in KoboToolbox or ODK."""
    user, context = signed_in_user(request), audit_context(request)
    survey_round = access_managed_round(user, round_id, context=context)
    try:
        content = xlsform_bytes(survey_round)
    except XLSFormError as error:
        return render(request, "mapping/round_xlsform_error.html", {"round": survey_round, "error": error}, status=409)
    record_xlsform_export(survey_round=survey_round, acting_user=user, context=context)
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="tandem-mapping-round-{survey_round.pk}.xlsx"'
    return response
