"""Importing survey answers from CSV and XLSX files and from KoboToolbox/ODK exports: all or
nothing, every problem reported, the same file twice changes nothing."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from openpyxl import Workbook

from tandem import cli
from tandem.core import clock
from tandem.core.models import AuditEntry
from tandem.core.table_imports import ImportRefused
from tandem.core.tables import MEGABYTE, Limits, UnreadableFile
from tandem.core.worker import recover_interrupted_tasks
from tandem.mapping.actions import imports as importing
from tandem.mapping.actions.imports import import_answers, queue_import, read_table, run_import
from tandem.mapping.management.commands import mapping_import
from tandem.mapping.models import (
    AnswerSource,
    AnswerStatus,
    ImportBatch,
    ImportJob,
    Programme,
    SurveyAnswer,
    SurveyRound,
)
from tandem.mapping.rules.import_checks import stored_words
from tandem.mapping.views import imports as import_views
from tests import factories
from tests.conftest import World, sign_in, signed_in_client

pytestmark = pytest.mark.django_db

IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def survey_round(world: World) -> SurveyRound:
    """A round run by the world's network in Albania and Kosovo."""
    return factories.survey_round(owner=world.network, countries=["AL", "XK"])


@pytest.fixture
def tirana(world: World) -> Programme:
    return factories.programme("Tirana programme", provider=world.org, country="AL", region="AL-11")


@pytest.fixture
def vlora(world: World) -> Programme:
    return factories.programme("Vlorë programme", provider=world.other_org, country="AL", region="AL-12")


def answer_values(programme: Programme, **changes: Any) -> dict[str, Any]:
    """A complete answer for ``programme``; a change to None leaves the question out."""
    values = {
        **factories.COMPLETE_VALUES,
        "programme": programme.code,
        "regions_served": list(programme.regions_served.values_list("code", flat=True)),
        **changes,
    }
    return {name: value for name, value in values.items() if value is not None}


def cell(value: Any) -> str:
    if isinstance(value, list):
        return " ".join(value)
    return "" if value is None else str(value)


def csv_bytes(rows: list[dict[str, Any]], *, delimiter: str = ",", bom: bool = False) -> bytes:
    headers: list[str] = []
    for row in rows:
        headers.extend(name for name in row if name not in headers)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(headers)
    for row in rows:
        writer.writerow([cell(row.get(name)) for name in headers])
    return ("\ufeff" if bom else "").encode() + out.getvalue().encode()


def xlsx_bytes(rows: list[dict[str, Any]]) -> bytes:
    headers: list[str] = []
    for row in rows:
        headers.extend(name for name in row if name not in headers)
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(headers)
    for row in rows:
        sheet.append([", ".join(row[n]) if isinstance(row.get(n), list) else row.get(n) for n in headers])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def do_import(survey_round: SurveyRound, content: bytes, filename: str = "answers.csv", **kwargs: Any) -> Any:
    kwargs.setdefault("acting_user", None)
    return import_answers(survey_round=survey_round, filename=filename, content=content, **kwargs)


def refused(survey_round: SurveyRound, content: bytes, filename: str = "answers.csv") -> list[tuple[int, str, str]]:
    with pytest.raises(ImportRefused) as caught:
        do_import(survey_round, content, filename)
    return [(problem.row, problem.column, problem.message) for problem in caught.value.problems]


@contextmanager
def nothing_written() -> Iterator[None]:
    """No answer, no batch and no record of a change (the upload itself is on the record)."""

    def counts() -> tuple[int, int, int]:
        changes = AuditEntry.objects.exclude(action="mapping.import_queued")
        return (SurveyAnswer.objects.count(), ImportBatch.objects.count(), changes.count())

    before = counts()
    yield
    assert counts() == before


# --- Reading files ----------------------------------------------------------------------------


def test_a_csv_file_creates_submitted_answers(survey_round: SurveyRound, tirana: Programme, vlora: Programme) -> None:
    result = do_import(survey_round, csv_bytes([answer_values(tirana), answer_values(vlora)]))
    assert (result.created, result.updated, result.unchanged) == (2, 0, 0)
    answer = SurveyAnswer.objects.get(round=survey_round, programme=tirana)
    assert answer.values == answer_values(tirana)
    assert (answer.status, answer.source, answer.version) == (AnswerStatus.SUBMITTED, AnswerSource.IMPORT, 1)
    assert answer.submitted_at is not None


def test_an_xlsx_file_imports_like_a_csv(survey_round: SurveyRound, tirana: Programme) -> None:
    values = answer_values(tirana, regions_served=["AL-11", "AL-12"], funding_sources=["state", "local"])
    do_import(survey_round, xlsx_bytes([values]), "answers.xlsx")
    assert SurveyAnswer.objects.get(programme=tirana).values == values


def test_numbers_typed_as_numbers_in_a_workbook_are_read(survey_round: SurveyRound, tirana: Programme) -> None:
    values = answer_values(tirana)
    do_import(survey_round, xlsx_bytes([{**values, "places_per_year": 60.0, "waiting_weeks": 4}]), "answers.xlsx")
    stored = SurveyAnswer.objects.get(programme=tirana).values
    assert (stored["places_per_year"], stored["waiting_weeks"]) == (60, 4)


def test_a_semicolon_separated_csv_with_a_byte_order_mark_is_read(survey_round: SurveyRound, tirana: Programme) -> None:
    do_import(
        survey_round, csv_bytes([answer_values(tirana, comments="Groups; also individual")], delimiter=";", bom=True)
    )
    assert SurveyAnswer.objects.get(programme=tirana).values["comments"] == "Groups; also individual"


def test_kobo_group_prefixed_columns_are_read_and_its_metadata_ignored(
    survey_round: SurveyRound, tirana: Programme
) -> None:
    values = answer_values(tirana)
    sections = {q["name"]: s["name"] for s in survey_round.questionnaire.definition["sections"] for q in s["questions"]}
    row: dict[str, Any] = {"start": "2026-03-01T10:00:00", "end": "2026-03-01T10:20:00"}
    row.update({f"{sections[name]}/{name}": value for name, value in values.items()})
    row.update(
        {
            "meta/instanceID": "uuid:0b6c",
            "_id": "101",
            "_uuid": "0b6c",
            "_submission_time": "2026-03-01T10:21:00",
            "_validation_status": "",
            "_index": "1",
            "__version__": "vAbc",
        }
    )
    do_import(survey_round, csv_bytes([row]), "kobo-export.csv")
    assert SurveyAnswer.objects.get(programme=tirana).values == values


def test_odk_central_dash_separated_group_columns_are_read(survey_round: SurveyRound, tirana: Programme) -> None:
    values = answer_values(tirana)
    row = {"SubmissionDate": "2026-03-01", "KEY": "uuid:1", "Status": "", **{f"grp-{n}": v for n, v in values.items()}}
    do_import(survey_round, csv_bytes([row]))
    assert SurveyAnswer.objects.get(programme=tirana).values == values


def test_split_select_multiple_columns_make_the_value(survey_round: SurveyRound, tirana: Programme) -> None:
    values = answer_values(tirana, regions_served=None)
    row = {**values, "availability/regions_served/AL-11": "1", "availability/regions_served/AL-12": "0"}
    row["availability/regions_served/AL-02"] = "True"
    do_import(survey_round, csv_bytes([row]))
    assert SurveyAnswer.objects.get(programme=tirana).values["regions_served"] == ["AL-11", "AL-02"]


def test_split_columns_are_ignored_next_to_the_joined_column(survey_round: SurveyRound, tirana: Programme) -> None:
    row = {**answer_values(tirana), "availability/regions_served/AL-12": "1"}
    do_import(survey_round, csv_bytes([row]))
    assert SurveyAnswer.objects.get(programme=tirana).values["regions_served"] == ["AL-11"]


def test_n_a_and_blank_cells_are_no_answer(survey_round: SurveyRound, tirana: Programme) -> None:
    row = {**answer_values(tirana), "places_per_year": "n/a", "comments": "", "cost": "N/A"}
    do_import(survey_round, csv_bytes([row]))
    stored = SurveyAnswer.objects.get(programme=tirana).values
    assert "places_per_year" not in stored and "comments" not in stored and "cost" not in stored


def test_blank_rows_are_skipped_but_counted_as_spreadsheet_rows(survey_round: SurveyRound, tirana: Programme) -> None:
    content = csv_bytes([{}, answer_values(tirana, places_per_year="many")])
    assert refused(survey_round, content) == [(3, "places_per_year", "“many” is not a whole number.")]


# --- All or nothing ---------------------------------------------------------------------------


def test_every_bad_row_and_field_is_reported_and_nothing_changes(
    survey_round: SurveyRound, tirana: Programme, vlora: Programme
) -> None:
    rows = [
        answer_values(tirana, places_per_year="sixty", cost="cheap"),
        answer_values(vlora, status="n/a", men_completed_12m=50, men_started_12m=40),
        answer_values(tirana),
        {**answer_values(vlora), "programme": "AL-NOPE"},
    ]
    with nothing_written():
        problems = refused(survey_round, csv_bytes(rows))
    assert [(row, column) for row, column, _message in problems] == [
        (2, "places_per_year"),
        (2, "cost"),
        (3, "status"),
        (3, "men_completed_12m"),
        (4, "programme"),
        (5, "programme"),
    ]
    messages = {(row, column): message for row, column, message in problems}
    assert messages[(2, "cost")] == "“cheap” is not one of the choices."
    assert messages[(3, "status")] == "An answer is required."
    assert messages[(4, "programme")].startswith(f"The programme {tirana.code} is also in row 2")
    assert messages[(5, "programme")] == "“AL-NOPE” is not the reference of a programme in the registry."


def test_a_problem_says_what_is_allowed(survey_round: SurveyRound, tirana: Programme) -> None:
    with pytest.raises(ImportRefused) as caught:
        do_import(survey_round, csv_bytes([answer_values(tirana, waiting_weeks=999)]), "file.csv")
    (problem,) = caught.value.problems
    assert str(problem) == "file.csv:2: waiting_weeks: 999 is out of range. (allowed: a whole number from 0 to 520)"


@pytest.mark.parametrize(("write", "filename"), [(csv_bytes, "answers.csv"), (xlsx_bytes, "answers.xlsx")])
def test_more_women_and_men_facilitators_than_trained_ones_is_refused_in_a_file(
    survey_round: SurveyRound, tirana: Programme, write: Any, filename: str
) -> None:
    row = answer_values(tirana, facilitators_trained=12, facilitators_women=12, facilitators_men=12)
    with nothing_written():
        problems = refused(survey_round, write([row]), filename)
    message = "More women and men facilitators together than trained facilitators."
    assert problems == [(2, "facilitators_women", message)]


def test_an_unknown_column_is_a_problem(survey_round: SurveyRound, tirana: Programme) -> None:
    with nothing_written():
        problems = refused(survey_round, csv_bytes([{**answer_values(tirana), "availability/places_per_month": "5"}]))
    assert problems == [(1, "availability/places_per_month", "This column is not a question of the questionnaire.")]


def test_a_split_column_for_an_unknown_choice_is_a_problem(survey_round: SurveyRound, tirana: Programme) -> None:
    row = {**answer_values(tirana, regions_served=None), "regions_served/AL-11": "1", "regions_served/RS-99": "0"}
    problems = refused(survey_round, csv_bytes([row]))
    assert problems == [(1, "regions_served/RS-99", "“RS-99” is not one of the choices of regions_served.")]


def test_a_split_column_holding_something_else_than_1_or_0_is_a_problem(
    survey_round: SurveyRound, tirana: Programme
) -> None:
    row = {**answer_values(tirana, regions_served=None), "regions_served/AL-11": "x"}
    assert refused(survey_round, csv_bytes([row])) == [(2, "regions_served/AL-11", "“x” is neither 1 nor 0.")]


def test_a_required_question_without_a_column_is_reported_once(
    survey_round: SurveyRound, tirana: Programme, vlora: Programme
) -> None:
    problems = refused(survey_round, csv_bytes([answer_values(tirana, status=None), answer_values(vlora, status=None)]))
    assert problems == [(1, "status", "The file has no column for the required question status.")]


def test_a_programme_of_a_country_outside_the_round_is_refused(survey_round: SurveyRound, world: World) -> None:
    serbian = factories.programme("Belgrade programme", provider=world.org, country="RS", region="RS-00")
    with nothing_written():
        problems = refused(survey_round, csv_bytes([answer_values(serbian, regions_served=["AL-11"])]))
    assert problems == [(2, "programme", f"{serbian.code} is a programme in Serbia, which is not part of this round.")]


def test_an_accepted_answer_with_other_values_is_refused(survey_round: SurveyRound, tirana: Programme) -> None:
    accepted = factories.survey_answer(survey_round, tirana, status=AnswerStatus.ACCEPTED)
    with nothing_written():
        problems = refused(survey_round, csv_bytes([answer_values(tirana, places_per_year=61)]))
    assert problems == [
        (
            2,
            "programme",
            f"The answer for {tirana.code} has already been accepted with other values. "
            "Return it first to import new ones.",
        )
    ]
    accepted.refresh_from_db()
    assert accepted.values["places_per_year"] == 60


def test_a_published_answer_with_the_same_values_is_left_alone(survey_round: SurveyRound, tirana: Programme) -> None:
    published = factories.survey_answer(survey_round, tirana, status=AnswerStatus.PUBLISHED)
    result = do_import(survey_round, csv_bytes([answer_values(tirana)]))
    assert (result.created, result.updated, result.unchanged) == (0, 0, 1)
    assert SurveyAnswer.objects.get(pk=published.pk).status == AnswerStatus.PUBLISHED


def test_a_file_without_answers_is_refused(survey_round: SurveyRound) -> None:
    assert refused(survey_round, b"programme,status,regions_served\r\n") == [
        (1, "", "The file has no rows of answers under its column names.")
    ]


@pytest.mark.parametrize(
    ("filename", "content", "reason"),
    [
        ("answers.txt", b"programme\n", "Only CSV and XLSX files can be imported."),
        ("answers.csv", "programme\nAL-1\n".encode("utf-16"), "The file is not UTF-8 text."),
        ("answers.xlsx", b"not a workbook", "The file cannot be read as an Excel workbook (XLSX)."),
        ("answers.csv", b"", "The file is empty"),
    ],
)
def test_a_file_that_is_not_a_table_is_refused_whole(
    survey_round: SurveyRound, filename: str, content: bytes, reason: str
) -> None:
    with nothing_written(), pytest.raises(UnreadableFile) as caught:
        do_import(survey_round, content, filename)
    assert caught.value.message.startswith(reason)


def bad_rows(programme: Programme, count: int) -> bytes:
    """A file whose every row names a programme that is not in the registry."""
    return csv_bytes([{**answer_values(programme), "programme": f"AL-NONE-{number:04d}"} for number in range(count)])


def test_a_refusal_lists_the_first_200_problems_in_row_order_and_counts_the_rest(
    survey_round: SurveyRound, tirana: Programme
) -> None:
    with nothing_written(), pytest.raises(ImportRefused) as caught:
        do_import(survey_round, bad_rows(tirana, 1_000))
    refusal = caught.value
    assert [problem.row for problem in refusal.problems] == list(range(2, 202))
    assert (refusal.count, refusal.more) == (1_000, 800)


def test_a_refusal_of_more_problems_than_it_lists_says_so_in_plain_sentences(
    survey_round: SurveyRound, tirana: Programme
) -> None:
    with pytest.raises(ImportRefused) as caught:
        do_import(survey_round, bad_rows(tirana, 1_201))
    assert caught.value.message == ("answers.csv has 1,201 problems; nothing was imported. The first 200 are listed.")


def test_problems_of_the_columns_come_first_however_many_rows_have_problems(
    survey_round: SurveyRound, tirana: Programme
) -> None:
    rows = [{**answer_values(tirana), "programme": f"AL-NONE-{n}", "places_per_month": "5"} for n in range(300)]
    with pytest.raises(ImportRefused) as caught:
        do_import(survey_round, csv_bytes(rows))
    assert [(problem.row, problem.column) for problem in caught.value.problems[:2]] == [
        (1, "places_per_month"),
        (2, "programme"),
    ]
    assert (len(caught.value.problems), caught.value.more) == (200, 101)


# --- Writing ----------------------------------------------------------------------------------


def test_importing_the_same_file_twice_changes_nothing(survey_round: SurveyRound, tirana: Programme) -> None:
    content = csv_bytes([answer_values(tirana)])
    do_import(survey_round, content)
    before = SurveyAnswer.objects.get(programme=tirana)
    audit_entries = AuditEntry.objects.count()
    again = do_import(survey_round, content)
    assert again.already_imported and (again.created, again.updated, again.unchanged) == (0, 0, 1)
    after = SurveyAnswer.objects.get(programme=tirana)
    assert (after.version, after.updated_at) == (before.version, before.updated_at)
    assert ImportBatch.objects.filter(round=survey_round).count() == 1
    assert AuditEntry.objects.count() == audit_entries


def test_a_changed_file_replaces_only_the_changed_answers(
    survey_round: SurveyRound, tirana: Programme, vlora: Programme
) -> None:
    do_import(survey_round, csv_bytes([answer_values(tirana), answer_values(vlora)]))
    untouched = SurveyAnswer.objects.get(programme=vlora)
    result = do_import(
        survey_round, csv_bytes([answer_values(tirana, places_per_year=80, comments=None), answer_values(vlora)])
    )
    assert (result.created, result.updated, result.unchanged) == (0, 1, 1)
    changed = SurveyAnswer.objects.get(programme=tirana)
    assert (changed.version, changed.values["places_per_year"]) == (2, 80)
    assert SurveyAnswer.objects.get(programme=vlora).updated_at == untouched.updated_at


def test_an_import_submits_a_returned_answer_with_the_same_values(survey_round: SurveyRound, tirana: Programme) -> None:
    factories.survey_answer(survey_round, tirana, status=AnswerStatus.RETURNED)
    result = do_import(survey_round, csv_bytes([answer_values(tirana)]))
    assert result.updated == 1
    assert SurveyAnswer.objects.get(programme=tirana).status == AnswerStatus.SUBMITTED


def test_the_order_of_ticked_choices_does_not_make_a_change(survey_round: SurveyRound, tirana: Programme) -> None:
    factories.survey_answer(survey_round, tirana, status=AnswerStatus.ACCEPTED, languages=["sq", "en"])
    result = do_import(survey_round, csv_bytes([answer_values(tirana, languages=["en", "sq"])]))
    assert result.unchanged == 1


def test_an_import_is_one_batch_and_one_audit_entry(
    survey_round: SurveyRound, tirana: Programme, vlora: Programme, world: World
) -> None:
    content = csv_bytes([answer_values(tirana), answer_values(vlora)])
    result = do_import(survey_round, content, "round.csv", acting_user=world.analyst)
    batch = ImportBatch.objects.get(round=survey_round)
    assert (batch.filename, batch.rows, batch.sha256, batch.imported_by) == (
        "round.csv",
        2,
        result.sha256,
        world.analyst,
    )
    (entry,) = AuditEntry.objects.filter(action="mapping.import")
    assert (entry.action, entry.actor_id, entry.object_id) == ("mapping.import", world.analyst.pk, str(batch.pk))
    assert '"created":2' in entry.detail and '"file":"round.csv"' in entry.detail


def test_a_dry_run_reports_and_changes_nothing(survey_round: SurveyRound, tirana: Programme) -> None:
    with nothing_written():
        result = do_import(survey_round, csv_bytes([answer_values(tirana)]), dry_run=True)
    assert (result.dry_run, result.created) == (True, 1)


def test_progress_is_reported_as_rows_are_checked(survey_round: SurveyRound, tirana: Programme) -> None:
    seen: list[tuple[int, int]] = []
    do_import(survey_round, csv_bytes([answer_values(tirana)]), progress=lambda done, total: seen.append((done, total)))
    assert seen[0] == (0, 1) and seen[-1] == (1, 1)


def test_the_number_of_queries_does_not_grow_with_the_rows(survey_round: SurveyRound, world: World) -> None:
    def queries_for(count: int) -> int:
        programmes = [factories.programme(provider=world.org) for _ in range(count)]
        content = csv_bytes([answer_values(programme) for programme in programmes])
        with CaptureQueriesContext(connection) as captured:
            do_import(survey_round, content, f"{count}.csv")
        return len(captured)

    assert queries_for(3) == queries_for(12)


def test_table_rows_read_as_column_to_value() -> None:
    table = read_table("x.csv", b"programme;status\nAL-1;functioning\n")
    assert table.records() == [{"programme": "AL-1", "status": "functioning"}]


# --- On the web -------------------------------------------------------------------------------


def upload(client: Client, survey_round: SurveyRound, content: bytes, filename: str = "answers.csv") -> Any:
    file = io.BytesIO(content)
    file.name = filename
    return client.post(reverse("mapping:round_import", args=[survey_round.pk]), {"file": file})


@override_settings(TASKS=IMMEDIATE_TASKS)
def test_an_analyst_uploads_a_file_and_sees_it_imported(
    survey_round: SurveyRound, tirana: Programme, world: World
) -> None:
    client = signed_in_client(world.analyst)
    response = upload(client, survey_round, csv_bytes([answer_values(tirana)]))
    job = ImportJob.objects.get(round=survey_round)
    assert response.status_code == 302
    assert response["Location"] == reverse("mapping:import_job", args=[survey_round.pk, job.pk])
    assert (job.state, job.rows_done, job.rows_total, job.percent) == (ImportJob.State.DONE, 1, 1, 100)
    assert job.summary["created"] == 1 and bytes(job.content) == b""
    assert ImportBatch.objects.get(round=survey_round).imported_by == world.analyst
    page = client.get(response["Location"]).content.decode()
    assert "answers.csv imported: new answers 1, changed 0, unchanged 0." in page
    assert 'http-equiv="refresh"' not in page


@override_settings(TASKS=IMMEDIATE_TASKS)
def test_a_refused_upload_lists_every_problem_on_the_job_page(
    survey_round: SurveyRound, tirana: Programme, world: World
) -> None:
    client = signed_in_client(world.analyst)
    with nothing_written():
        response = upload(client, survey_round, csv_bytes([answer_values(tirana, places_per_year="x", cost="y")]))
    job = ImportJob.objects.get(round=survey_round)
    assert job.state == ImportJob.State.FAILED
    assert [(p["row"], p["column"]) for p in job.problems] == [(2, "places_per_year"), (2, "cost")]
    page = client.get(response["Location"]).content.decode()
    assert "answers.csv has 2 problems; nothing was imported." in page
    assert "<td>places_per_year</td><td>“x” is not a whole number.</td>" in page


@override_settings(TASKS=IMMEDIATE_TASKS)
def test_a_refused_upload_keeps_the_first_200_problems_and_the_count_of_the_rest(
    survey_round: SurveyRound, tirana: Programme, world: World
) -> None:
    client = signed_in_client(world.analyst)
    response = upload(client, survey_round, bad_rows(tirana, 1_000))
    job = ImportJob.objects.get(round=survey_round)
    assert len(job.problems) == 200 and job.problems[0]["row"] == 2
    assert (job.summary["problems"], job.summary["more_problems"]) == (1_000, 800)
    page = client.get(response["Location"]).content.decode()
    assert "The first 200 of 1,000 problems to correct in the file" in page
    assert "answers.csv has 1,000 problems; nothing was imported. The first 200 are listed." in page


@override_settings(TASKS=IMMEDIATE_TASKS)
def test_the_problems_of_a_refused_upload_read_in_the_language_of_whoever_opens_the_page(
    survey_round: SurveyRound, tirana: Programme, vlora: Programme, world: World
) -> None:
    client = signed_in_client(world.analyst)
    rows = [
        answer_values(tirana, places_per_year="x", cost="y"),
        answer_values(vlora, men_completed_12m=50, men_started_12m=40),
    ]
    response = upload(client, survey_round, csv_bytes(rows))
    in_albanian = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="sq").content.decode()
    assert "Skedari answers.csv ka 3 probleme; nuk u importua asgjë." in in_albanian
    assert "<td>places_per_year</td><td>„x“ nuk është numër i plotë.</td>" in in_albanian
    assert "<td>cost</td><td>„y“ nuk është një nga zgjedhjet.</td>" in in_albanian
    # A check of the questionnaire, worded in the questionnaire itself.
    assert "Më shumë burra e kanë përfunduar programin sesa e kanë filluar" in in_albanian
    in_english = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<td>places_per_year</td><td>“x” is not a whole number.</td>" in in_english


@override_settings(TASKS=IMMEDIATE_TASKS)
def test_a_refused_upload_keeps_its_problems_language_neutral(
    survey_round: SurveyRound, tirana: Programme, world: World
) -> None:
    upload(
        signed_in_client(world.analyst), survey_round, csv_bytes([{**answer_values(tirana), "programme": "AL-NOPE"}])
    )
    job = ImportJob.objects.get(round=survey_round)
    assert job.summary["message"]["key"] == "import.refused"
    assert job.summary["message"]["params"] == {"file": "answers.csv", "count": 1, "shown": 1}
    (problem,) = job.problems
    assert (problem["message"]["key"], problem["message"]["params"]) == (
        "import.unknown_programme",
        {"code": "AL-NOPE"},
    )


def test_a_job_stored_with_problems_in_plain_text_still_shows_them(survey_round: SurveyRound, world: World) -> None:
    job = ImportJob.objects.create(
        round=survey_round,
        uploaded_by=world.analyst,
        filename="old.csv",
        state=ImportJob.State.FAILED,
        problems=[{"row": 2, "column": "cost", "message": "“y” is not one of the choices.", "allowed": "one of: free"}],
        summary={"message": "old.csv has 1 problem; nothing was imported.", "problems": 1, "more_problems": 0},
    )
    page = signed_in_client(world.analyst).get(reverse("mapping:import_job", args=[survey_round.pk, job.pk]))
    content = page.content.decode()
    assert "old.csv has 1 problem; nothing was imported." in content
    assert "<td>cost</td><td>“y” is not one of the choices.</td><td>one of: free</td>" in content
    assert "1 problem to correct in the file" in content


def test_the_rows_of_a_running_job_are_counted_with_the_right_plural(survey_round: SurveyRound, world: World) -> None:
    job = ImportJob.objects.create(
        round=survey_round,
        uploaded_by=world.analyst,
        filename="one.csv",
        state=ImportJob.State.RUNNING,
        rows_done=1,
        rows_total=1,
    )
    url = reverse("mapping:import_job", args=[survey_round.pk, job.pk])
    client = signed_in_client(world.analyst)
    assert "(1 of 1 row)" in client.get(url).content.decode()
    ImportJob.objects.filter(pk=job.pk).update(rows_done=1_000, rows_total=1_201)
    assert "(1,000 of 1,201 rows)" in client.get(url).content.decode()


def test_a_finished_job_shows_no_progress_bar(survey_round: SurveyRound, world: World) -> None:
    job = ImportJob.objects.create(
        round=survey_round,
        uploaded_by=world.analyst,
        filename="gone.csv",
        state=ImportJob.State.FAILED,
        summary={"message": "The import stopped because of an error in Tandem. Nothing was imported."},
    )
    page = signed_in_client(world.analyst).get(reverse("mapping:import_job", args=[survey_round.pk, job.pk]))
    assert "<progress" not in page.content.decode()
    assert "Rows checked" not in page.content.decode()


def test_the_job_page_reloads_itself_while_the_import_waits(
    survey_round: SurveyRound, tirana: Programme, world: World
) -> None:
    client = signed_in_client(world.analyst)
    response = upload(client, survey_round, csv_bytes([answer_values(tirana)]))
    page = client.get(response["Location"])
    assert ImportJob.objects.get(round=survey_round).state == ImportJob.State.QUEUED
    assert '<meta http-equiv="refresh" content="2">' in page.content.decode()
    assert page["Refresh"] == "2"
    assert 'max="100" value="0"' in page.content.decode()


def test_a_file_over_the_size_limit_is_refused_on_the_form(
    survey_round: SurveyRound, tirana: Programme, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(import_views, "LIMITS", Limits(max_bytes=0))
    response = upload(signed_in_client(world.analyst), survey_round, csv_bytes([answer_values(tirana)]))
    assert response.status_code == 422
    assert "The file is larger than 0 MB: split it" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_an_old_excel_file_is_refused_on_the_form_with_what_to_do_instead(
    survey_round: SurveyRound, world: World
) -> None:
    response = upload(signed_in_client(world.analyst), survey_round, b"\xd0\xcf\x11\xe0", "answers.xls")
    assert response.status_code == 422
    assert "Old Excel files (.xls) cannot be read. Save the file as .xlsx or .csv." in response.content.decode()
    assert not ImportJob.objects.exists()


@override_settings(TASKS=IMMEDIATE_TASKS)
def test_an_uploaded_workbook_with_a_formula_without_its_value_is_refused_naming_the_cell(
    survey_round: SurveyRound, tirana: Programme, world: World
) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(list(answer_values(tirana)))
    sheet.append([cell(value) for value in answer_values(tirana).values()])
    sheet["A2"] = f'=HYPERLINK("https://example.org", "{tirana.code}")'
    buffer = io.BytesIO()
    workbook.save(buffer)
    client = signed_in_client(world.analyst)
    with nothing_written():
        response = upload(client, survey_round, buffer.getvalue(), "answers.xlsx")
    page = client.get(response["Location"]).content.decode()
    header = next(iter(answer_values(tirana)))
    assert f"Row 2, column {header} (cell A2) holds a formula without its value" in page


def test_someone_who_does_not_run_the_round_cannot_import(survey_round: SurveyRound, world: World) -> None:
    client = Client()
    sign_in(client, world.coordinator)
    response = client.get(reverse("mapping:round_import", args=[survey_round.pk]))
    assert response.status_code == 404


def test_a_job_is_seen_only_under_its_own_round(survey_round: SurveyRound, world: World) -> None:
    other_round = factories.survey_round(owner=world.network, countries=["AL"])
    job = ImportJob.objects.create(round=other_round, uploaded_by=world.analyst, filename="x.csv")
    response = signed_in_client(world.analyst).get(reverse("mapping:import_job", args=[survey_round.pk, job.pk]))
    assert response.status_code == 404


# --- On the command line ----------------------------------------------------------------------


def test_the_cli_imports_a_file(
    survey_round: SurveyRound, tirana: Programme, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "answers.csv"
    path.write_bytes(csv_bytes([answer_values(tirana)]))
    assert cli.main(["mapping", "import", str(path), "--round", str(survey_round.pk)]) == 0
    assert "answers.csv imported: new answers 1, changed 0, unchanged 0." in capsys.readouterr().out
    assert AuditEntry.objects.get(action="mapping.import").actor_label == "command line"


def test_the_cli_lists_every_problem_and_exits_2_with_one_line(
    survey_round: SurveyRound, tirana: Programme, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "answers.csv"
    path.write_bytes(csv_bytes([answer_values(tirana, places_per_year="x", cost="y")]))
    with nothing_written(), pytest.raises(SystemExit) as exited:
        cli.main(["mapping", "import", str(path), "--round", str(survey_round.pk)])
    assert exited.value.code == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert lines == [
        "answers.csv:2: places_per_year: “x” is not a whole number. (allowed: a whole number from 0 to 100000)",
        "answers.csv:2: cost: “y” is not one of the choices. (allowed: one of: free, fee, sliding)",
        "tandem: answers.csv has 2 problems; nothing was imported.",
    ]


def test_the_cli_refuses_an_unknown_round_in_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.main(["mapping", "import", str(tmp_path / "answers.csv"), "--round", "999999"])
    assert exited.value.code == 2
    assert capsys.readouterr().err.strip() == "tandem: --round 999999: no such survey round."


def test_the_cli_lists_the_first_200_problems_and_counts_the_rest(
    survey_round: SurveyRound, tirana: Programme, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "answers.csv"
    path.write_bytes(bad_rows(tirana, 1_000))
    with pytest.raises(SystemExit):
        cli.main(["mapping", "import", str(path), "--round", str(survey_round.pk)])
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 201
    assert lines[-1].endswith("answers.csv has 1,000 problems; nothing was imported. The first 200 are listed.")


def test_the_cli_refuses_a_file_over_the_size_limit_in_one_line(
    survey_round: SurveyRound, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(mapping_import, "LIMITS", Limits(max_bytes=MEGABYTE))
    path = tmp_path / "answers.csv"
    path.write_bytes(b"programme\n" + b"AL-1\n" * MEGABYTE)
    with nothing_written(), pytest.raises(SystemExit) as exited:
        cli.main(["mapping", "import", str(path), "--round", str(survey_round.pk)])
    assert exited.value.code == 2
    assert capsys.readouterr().err.strip() == (
        "tandem: answers.csv: The file is larger than 1 MB: split it and import the parts one after the other."
    )


def test_the_cli_refuses_a_missing_file_in_one_line(
    survey_round: SurveyRound, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "missing.csv"
    with pytest.raises(SystemExit) as exited:
        cli.main(["mapping", "import", str(path), "--round", str(survey_round.pk), "--dry-run"])
    assert exited.value.code == 2
    assert capsys.readouterr().err.strip() == f"tandem: {path} cannot be read: No such file or directory."


def test_a_region_of_another_country_is_refused(survey_round: SurveyRound, tirana: Programme) -> None:
    content = csv_bytes([answer_values(tirana, regions_served=["AL-11", "XK-D01"])])
    with nothing_written():
        problems = refused(survey_round, content)
    assert [(row, column) for row, column, _message in problems] == [(2, "regions_served")]


# --- A worker stopped in the middle ------------------------------------------------------------


def _claimed_by_a_worker_that_stops(job: ImportJob, monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker takes the job's task and its process ends while it imports."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.filter(status=TaskResultStatus.READY).update(
        status=TaskResultStatus.RUNNING, started_at=clock.now() - timedelta(minutes=5), worker_ids=["gone"]
    )

    def killed(**kwargs: Any) -> Any:
        raise SystemExit("the worker's process ends here")

    with monkeypatch.context() as patched:
        patched.setattr(importing, "import_answers", killed)
        with pytest.raises(SystemExit):
            run_import(job.pk)


def test_an_import_whose_worker_stopped_is_handed_out_again_and_finishes(
    survey_round: SurveyRound, tirana: Programme, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    job = queue_import(
        survey_round=survey_round,
        filename="answers.csv",
        content=csv_bytes([answer_values(tirana)]),
        acting_user=world.analyst,
    )
    _claimed_by_a_worker_that_stops(job, monkeypatch)
    job.refresh_from_db()
    assert (job.state, job.attempts) == (ImportJob.State.RUNNING, 1)
    assert not SurveyAnswer.objects.exists()

    # The next worker's timekeeper notices that the first one went quiet ...
    assert recover_interrupted_tasks() == 1
    task = DBTaskResult.objects.get()
    assert task.status == TaskResultStatus.READY
    # ... and runs the task again, as any worker would.
    task.task.call(*task.task_result.args, **task.task_result.kwargs)
    job.refresh_from_db()
    assert (job.state, job.attempts, job.summary["created"]) == (ImportJob.State.DONE, 2, 1)
    assert SurveyAnswer.objects.filter(round=survey_round).count() == 1


def test_an_import_that_stops_its_workers_again_and_again_is_given_up(
    survey_round: SurveyRound, tirana: Programme, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    job = queue_import(
        survey_round=survey_round,
        filename="answers.csv",
        content=csv_bytes([answer_values(tirana)]),
        acting_user=world.analyst,
    )
    for _attempt in range(importing.MAX_IMPORT_ATTEMPTS):
        _claimed_by_a_worker_that_stops(job, monkeypatch)
        recover_interrupted_tasks()
    run_import(job.pk)
    job.refresh_from_db()
    assert job.state == ImportJob.State.FAILED
    assert "interrupted 3 times" in stored_words(job.summary["message"])
    assert bytes(job.content) == b""
