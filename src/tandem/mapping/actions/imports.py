"""Importing a file of survey answers (CSV, XLSX, a KoboToolbox or ODK export) into a round, all
or nothing. The whole file is read within the limits of ``tandem.core.tables`` and checked
first (``rules.import_checks``); a file with any problem changes nothing. A good file is
written in one transaction: new answers are created, changed ones replaced with a new version,
the rest left alone, and the file recorded as one ``ImportBatch`` with one audit entry. The same
file imported into the same round again changes nothing. On the web the import runs in the
background worker as an ``ImportJob`` whose progress its page shows."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tandem.core import audit, events, tables
from tandem.core.audit import AuditContext
from tandem.core.models import User
from tandem.core.table_imports import ImportRefused, blank_row, problems_of
from tandem.core.tables import Message, Table, UnreadableFile, grouped
from tandem.mapping.actions.review import close_rework_of_imported_answers
from tandem.mapping.models import (
    AnswerSource,
    AnswerStatus,
    ImportBatch,
    ImportJob,
    SurveyAnswer,
    SurveyRound,
)
from tandem.mapping.queries.answers import get_answers_of_round
from tandem.mapping.queries.imports import countries_of_programmes, get_import_batch_exists, get_import_job, round_facts
from tandem.mapping.rules.import_checks import (
    INTERRUPTED,
    STOPPED_BY_ERROR,
    Entry,
    Plan,
    Progress,
    Stored,
    check_rows,
    plan_import,
    unknown_codes,
)
from tandem.mapping.work_rules import ANSWERS_IMPORTED

# A round's answers fit these with room to spare: the benchmark imports 10,000 rows of ~40 columns.
# The answer form's text fields take no more than a cell (``forms.AnswerForm``).
LIMITS = tables.DEFAULT_LIMITS


@dataclass(frozen=True)
class ImportResult:
    filename: str
    sha256: str
    rows: int
    created: int
    updated: int
    unchanged: int
    already_imported: bool = False
    dry_run: bool = False

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def message(self) -> str:
        return result_message(self.as_dict())


def result_message(summary: Mapping[str, Any]) -> str:
    """One sentence about an import, from its summary (also as stored on an import job)."""
    if summary.get("already_imported"):
        return _("%(file)s was imported into this round before: nothing was changed.") % {"file": summary["filename"]}
    counts = {
        "file": summary["filename"],
        "created": grouped(summary["created"]),
        "updated": grouped(summary["updated"]),
        "unchanged": grouped(summary["unchanged"]),
    }
    if summary.get("dry_run"):
        return (
            _(
                "%(file)s can be imported: new answers %(created)s, changed %(updated)s, unchanged %(unchanged)s. "
                "Nothing was changed (dry run)."
            )
            % counts
        )
    return _("%(file)s imported: new answers %(created)s, changed %(updated)s, unchanged %(unchanged)s.") % counts


def read_table(filename: str, content: bytes) -> Table:
    """The table in a file of answers, read within the limits of an upload."""
    return tables.read_table(filename, content, LIMITS)


def _existing_answers(survey_round: SurveyRound, *, lock: bool) -> dict[int, Stored]:
    """The round's answers by programme; locked until the import commits when ``lock``."""
    rows = get_answers_of_round(survey_round, lock=lock).values_list("programme_id", "pk", "status", "values")
    return {programme_id: Stored(pk, status, values) for programme_id, pk, status, values in rows}


def import_answers(
    *,
    survey_round: SurveyRound,
    filename: str,
    content: bytes,
    acting_user: User | None,
    context: AuditContext | None = None,
    progress: Progress | None = None,
    dry_run: bool = False,
) -> ImportResult:
    """Import the answers in a file into a round, all or nothing.

    Raises ``UnreadableFile`` for a file that cannot be read as a table and ``ImportRefused``,
    listing every problem, for one that can but has problems; either way nothing changes.
    Imported answers are submitted (ready for review). An answer already accepted or published
    is left alone when the file gives the same values and refused when it gives others.
    From the command line nobody is signed in: ``acting_user`` is None and the context says
    where the import came from."""
    sha256 = hashlib.sha256(content).hexdigest()
    name = PurePath(filename).name
    table = read_table(name, content)
    if get_import_batch_exists(survey_round, sha256):
        rows = sum(1 for cells in table.rows if not blank_row(cells))
        return ImportResult(name, sha256, rows, 0, 0, rows, already_imported=True, dry_run=dry_run)
    facts = round_facts(survey_round)
    elsewhere = countries_of_programmes(unknown_codes(facts, table))
    checked = check_rows(facts, table, elsewhere=elsewhere, progress=progress)
    programme_column = checked.programme_column
    if checked.problems or dry_run:
        plan = plan_import(checked.entries, _existing_answers(survey_round, lock=False), programme_column)
        if checked.problems or plan.problems:
            checked.problems.add(plan.problems)
            raise ImportRefused(name, problems_of(name, checked.problems.in_order()), more=checked.problems.more)
        return ImportResult(
            name, sha256, checked.rows, len(plan.create), len(plan.update), plan.unchanged, dry_run=True
        )
    try:
        with transaction.atomic():
            plan = plan_import(checked.entries, _existing_answers(survey_round, lock=True), programme_column)
            if plan.problems:
                raise ImportRefused(name, problems_of(name, plan.problems))
            result = ImportResult(name, sha256, checked.rows, len(plan.create), len(plan.update), plan.unchanged)
            _write(survey_round, plan, result, acting_user=acting_user, context=context)
    except IntegrityError:
        # The same file, imported at the same moment by someone else, got there first.
        if get_import_batch_exists(survey_round, sha256):
            return ImportResult(name, sha256, checked.rows, 0, 0, checked.rows, already_imported=True)
        raise
    return result


def _write(
    survey_round: SurveyRound,
    plan: Plan,
    result: ImportResult,
    *,
    acting_user: User | None,
    context: AuditContext | None,
) -> None:
    # The batch first: a second import of the same file waits here on the unique index.
    batch = ImportBatch.objects.create(
        round=survey_round,
        sha256=result.sha256,
        filename=result.filename[:255],
        rows=result.rows,
        imported_by=acting_user,
    )
    _insert_answers(survey_round, plan.create)
    _update_answers(plan.update)
    if plan.update:
        close_rework_of_imported_answers(survey_round, acting_user=acting_user, context=context)
    audit.record(
        "mapping.import",
        actor=acting_user,
        obj=batch,
        organisation=survey_round.owner_id,
        context=context,
        detail={
            "round": survey_round.pk,
            "file": result.filename,
            "sha256": result.sha256,
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
        },
    )
    if plan.create or plan.update:
        # The imported answers are submitted: they wait for review like those sent on the web.
        events.emit(
            ANSWERS_IMPORTED,
            subject=batch,
            organisation=survey_round.owner_id,
            acting_user=acting_user,
            payload={"round": survey_round.pk, "created": result.created, "updated": result.updated},
        )


def _answer_field(name: str) -> models.Field[Any, Any]:
    found = SurveyAnswer._meta.get_field(name)
    if not isinstance(found, models.Field):
        raise TypeError(name)
    return found


def _answer_sql_parts(names: Sequence[str]) -> tuple[str, list[str]]:
    quote = connection.ops.quote_name
    return quote(SurveyAnswer._meta.db_table), [quote(_answer_field(name).column) for name in names]


def _db_value(name: str, value: Any) -> Any:
    return _answer_field(name).get_db_prep_save(value, connection)


def _insert_answers(survey_round: SurveyRound, entries: list[Entry]) -> None:
    if not entries:
        return
    names = (
        "round",
        "programme",
        "status",
        "values",
        "review_comment",
        "source",
        "version",
        "updated_at",
        "submitted_at",
    )
    table, columns = _answer_sql_parts(names)
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})"  # noqa: S608
    now = _db_value("updated_at", timezone.now())
    rows = [
        (
            survey_round.pk,
            entry.programme_id,
            AnswerStatus.SUBMITTED.value,
            _db_value("values", entry.values),
            "",
            AnswerSource.IMPORT.value,
            1,
            now,
            now,
        )
        for entry in entries
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _update_answers(changes: list[tuple[int, Entry]]) -> None:
    """Replace the values of existing answers (locked by the caller); each gets a new version."""
    if not changes:
        return
    table, (values, status, source, version, updated_at, submitted_at, pk) = _answer_sql_parts(
        ("values", "status", "source", "version", "updated_at", "submitted_at", "id")
    )
    sql = (
        f"UPDATE {table} SET {values} = %s, {status} = %s, {source} = %s, {version} = {version} + 1, "  # noqa: S608
        f"{updated_at} = %s, {submitted_at} = %s WHERE {pk} = %s"
    )
    now = _db_value("updated_at", timezone.now())
    rows = [
        (
            _db_value("values", entry.values),
            AnswerStatus.SUBMITTED.value,
            AnswerSource.IMPORT.value,
            now,
            now,
            answer_id,
        )
        for answer_id, entry in changes
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def queue_import(
    *, survey_round: SurveyRound, filename: str, content: bytes, acting_user: User, context: AuditContext | None = None
) -> ImportJob:
    """Keep an uploaded file as an import job and hand it to the background worker, which
    checks and imports it in the language of the person who uploaded it; what it keeps of the
    outcome is language-neutral, shown in the language of whoever opens the job's page. The job
    and its task are written together: there is never a job that no worker will take."""
    from tandem.mapping.tasks import run_import_job

    with transaction.atomic():
        job = ImportJob.objects.create(
            round=survey_round, uploaded_by=acting_user, filename=PurePath(filename).name[:255], content=content
        )
        audit.record(
            "mapping.import_queued",
            actor=acting_user,
            obj=job,
            organisation=survey_round.owner_id,
            context=context,
            detail={"round": survey_round.pk, "file": job.filename, "bytes": len(content)},
        )
        run_import_job.enqueue(job.pk, translation.get_language() or "en")
    return job


# A job whose worker was stopped this many times is given up: the file itself must stop them.
MAX_IMPORT_ATTEMPTS = 3


def run_import(job_id: int) -> ImportJob | None:
    """Work through one import job: check the file with progress written to the job as it goes
    (each update its own short write, outside the import's transaction), then import it or keep
    its problems, language-neutral (``rules.import_checks``). The file itself is dropped when the
    job ends.

    A job found "running" was interrupted: the worker that ran it stopped, and the task was
    handed out again (``tandem.core.worker``). Nothing of it was written (the import is one
    transaction), so it starts again from the beginning, up to ``MAX_IMPORT_ATTEMPTS`` times."""
    job = get_import_job(job_id)
    if job is None or job.state not in (ImportJob.State.QUEUED, ImportJob.State.RUNNING):
        return None
    claimed = ImportJob.objects.filter(pk=job_id, state=job.state, attempts=job.attempts).update(
        state=ImportJob.State.RUNNING, attempts=job.attempts + 1, rows_done=0
    )
    if not claimed:
        return None
    if job.attempts + 1 > MAX_IMPORT_ATTEMPTS:
        ImportJob.objects.filter(pk=job_id).update(
            state=ImportJob.State.FAILED,
            content=b"",
            finished_at=timezone.now(),
            summary={"message": Message(INTERRUPTED, {"count": job.attempts}).as_data()},
        )
        job.refresh_from_db()
        return job

    def progress(done: int, total: int) -> None:
        ImportJob.objects.filter(pk=job_id).update(rows_done=done, rows_total=total)

    finished: dict[str, Any] = {"content": b"", "finished_at": timezone.now()}
    try:
        result = import_answers(
            survey_round=job.round,
            filename=job.filename,
            content=bytes(job.content),
            acting_user=job.uploaded_by,
            context=audit.WORKER,
            progress=progress,
        )
    except ImportRefused as refused:
        # The questionnaire's own words are kept in every language the site offers.
        languages = [code for code, _name in settings.LANGUAGES]
        finished.update(
            state=ImportJob.State.FAILED,
            problems=[problem.as_dict(languages) for problem in refused.problems],
            summary={"message": refused.words.as_data(), "problems": refused.count, "more_problems": refused.more},
        )
    except UnreadableFile as unreadable:
        finished.update(state=ImportJob.State.FAILED, summary={"message": unreadable.words.as_data()})
    except Exception:
        ImportJob.objects.filter(pk=job_id).update(
            state=ImportJob.State.FAILED,
            summary={"message": Message(STOPPED_BY_ERROR).as_data()},
            **finished,
        )
        raise
    else:
        finished.update(
            state=ImportJob.State.DONE,
            summary=result.as_dict(),
            rows_done=result.rows,
            rows_total=result.rows,
        )
    finished["finished_at"] = timezone.now()
    ImportJob.objects.filter(pk=job_id).update(**finished)
    job.refresh_from_db()
    return job
