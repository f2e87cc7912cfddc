"""Importing questionnaires collected in the field: all or nothing, every problem named by its
row and column, his answers by the programme's staff, hers only by her support workers with her
consent, and a hostile file refused by the limits of ``core.tables`` at a bounded cost."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.utils import translation
from openpyxl import Workbook

from tandem.core import clock, events, tables
from tandem.core.models import AuditEntry, User
from tandem.core.roles import OrganisationKind, Role
from tandem.core.table_imports import ImportRefused
from tandem.core.tables import LimitExceeded, Message, UnreadableFile
from tandem.outcomes.actions import OutcomeRefused
from tandem.outcomes.import_actions import ImportResult, import_answers
from tandem.outcomes.models import CasePoint, ManResponse, Mode, PartnerPoint, PartnerResponse, PointState
from tandem.outcomes.rules.field_numbers import field_number, point_of
from tandem.outcomes.rules.instruments import MAN, PARTNER, current_instrument
from tests import factories
from tests.conftest import World, signed_in_client
from tests.core.test_tables import MEGABYTE, SHEET_ENTRY, measured, with_parts
from tests.outcomes.support import her_points, his_points, started

pytestmark = pytest.mark.django_db

META = ["start", "end", "_id", "_uuid", "_submission_time", "__version__", "meta/instanceID"]


@dataclass
class Fixture:
    world: World
    points: list[CasePoint]  # ten of his start points in the world's organisation
    elsewhere_point: CasePoint  # his start point in another organisation
    her_point: PartnerPoint  # her start point; she agreed to questionnaires by phone


@pytest.fixture(scope="module")
def module_fx(module_world: World) -> Fixture:
    elsewhere = factories.organisation(name="Provider F", kind=OrganisationKind.PROGRAMME_PROVIDER)
    for role in (Role.COORDINATOR, Role.SURVIVOR_WORKER, Role.FACILITATOR):
        factories.member(elsewhere, role)
    points = [his_points(started(module_world.org))["start"] for _ in range(10)]
    case = started(module_world.org)
    partner = factories.partner(case)
    factories.consent(partner, channel="phone", purpose="questionnaires")
    events.deliver_pending()
    return Fixture(module_world, points, his_points(started(elsewhere))["start"], her_points(partner)["start"])


@pytest.fixture
def fx(module_fx: Fixture, world: World) -> Fixture:
    return Fixture(world, module_fx.points, module_fx.elsewhere_point, module_fx.her_point)


def headers(respondent: str, *, grouped: bool = True) -> list[str]:
    instrument = current_instrument(respondent)
    fixed = ["instrument", "point", "answered_on", "language", *(["channel"] if respondent == PARTNER else [])]
    items = [f"{item.subscale}/{item.key}" if grouped else item.key for item in instrument.items]
    return [*META[:2], *fixed, *items, *META[2:]]


def row_of(at: Any, respondent: str = MAN, /, **cells: Any) -> dict[str, Any]:
    """A row as KoboToolbox exports it: every item answered 1 unless given (by item key)."""
    instrument = current_instrument(respondent)
    row: dict[str, Any] = {
        "start": "2026-01-01T10:00:00",
        "_id": "1",
        "instrument": cells.pop("instrument", instrument.name),
        "point": cells.pop("point", field_number(getattr(at, "pk", at))),
        "answered_on": cells.pop("answered_on", clock.today().isoformat()),
        "language": cells.pop("language", "sq"),
        "channel": cells.pop("channel", "phone"),
    }
    for item in instrument.items:
        row[f"{item.subscale}/{item.key}"] = row[item.key] = cells.pop(item.key, "1")
    assert not cells, cells
    return row


def export_csv(rows: Sequence[dict[str, Any]], respondent: str = MAN, *, grouped: bool = True) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    names = headers(respondent, grouped=grouped)
    writer.writerow(names)
    for row in rows:
        writer.writerow([row.get(name, "") for name in names])
    return buffer.getvalue().encode()


def export_xlsx(rows: Sequence[dict[str, Any]], respondent: str = MAN) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    names = headers(respondent)
    sheet.append(names)
    for row in rows:
        sheet.append([row.get(name) for name in names])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def run(fx: Fixture, content: bytes, *, respondent: str = MAN, user: User | None = None, **kwargs: Any) -> ImportResult:
    return import_answers(
        organisation=kwargs.get("organisation", fx.world.org),
        respondent=respondent,
        filename=kwargs.get("filename", "answers.csv"),
        content=content,
        acting_user=user or fx.world.facilitator,
    )


def refused(fx: Fixture, content: bytes, **kwargs: Any) -> ImportRefused:
    with pytest.raises(ImportRefused) as caught:
        run(fx, content, **kwargs)
    return caught.value


def where(error: ImportRefused) -> list[tuple[int, str, str]]:
    return [(problem.row, problem.column, problem.message) for problem in error.problems]


def answered(points: Sequence[Any]) -> int:
    return ManResponse._base_manager.filter(point__in=points).count()


# --- All or nothing ---------------------------------------------------------------------------------


def test_a_good_file_records_every_row_as_imported(fx: Fixture) -> None:
    result = run(fx, export_csv([row_of(point) for point in fx.points]))
    assert result.recorded == 10
    responses = ManResponse._base_manager.filter(point__in=fx.points)
    assert {response.mode for response in responses} == {Mode.IMPORT}
    assert all(json.loads(response.answers)["m_phys_1"] == 1 for response in responses)
    assert set(CasePoint._base_manager.filter(pk__in=[p.pk for p in fx.points]).values_list("state", flat=True)) == {
        PointState.ANSWERED
    }


def test_one_wrong_row_of_ten_saves_nothing(fx: Fixture) -> None:
    rows = [row_of(point) for point in fx.points]
    rows[6] = row_of(fx.points[6], m_phys_1="9")
    refused(fx, export_csv(rows))
    assert answered(fx.points) == 0


def test_the_problem_names_its_spreadsheet_row_and_its_column_as_in_the_file(fx: Fixture) -> None:
    rows = [row_of(point) for point in fx.points]
    rows[6] = row_of(fx.points[6], m_phys_1="9")
    error = refused(fx, export_csv(rows))
    assert where(error) == [(8, "physical/m_phys_1", "“9” is not an answer on this question's scale.")]
    assert error.problems[0].allowed == "one of: 0, 1, 2, 3, na"


def test_every_wrong_row_is_listed_at_once(fx: Fixture) -> None:
    rows = [row_of(fx.points[0], point="x"), row_of(fx.points[1], answered_on="soon")]
    assert [(row, column) for row, column, _message in where(refused(fx, export_csv(rows)))] == [
        (2, "point"),
        (3, "answered_on"),
    ]


def test_a_row_collected_with_another_version_is_refused_with_both_versions(fx: Fixture) -> None:
    instrument = current_instrument(MAN)
    other = f"{instrument.key}-{instrument.version + 1}"
    error = refused(fx, export_csv([row_of(fx.points[0], instrument=other)]))
    assert where(error) == [
        (
            2,
            "instrument",
            f"This row was collected with version {instrument.version + 1} of the questionnaire; this installation "
            f"takes version {instrument.version}. Collect it again with the current form.",
        )
    ]


def test_her_questionnaire_imported_as_his_is_refused_row_by_row(fx: Fixture) -> None:
    error = refused(fx, export_csv([row_of(fx.points[0], instrument=current_instrument(PARTNER).name)]))
    assert [(row, column) for row, column, _message in where(error)] == [(2, "instrument")]


def test_an_answer_off_its_scale_is_refused(fx: Fixture) -> None:
    error = refused(fx, export_csv([row_of(fx.points[0], m_phys_2="Often")]))
    assert where(error) == [(2, "physical/m_phys_2", "“Often” is not an answer on this question's scale.")]


def test_not_answered_and_blank_cells_are_no_answer(fx: Fixture) -> None:
    run(fx, export_csv([row_of(fx.points[0], m_phys_1="na", m_phys_2="")]))
    values = json.loads(ManResponse._base_manager.get(point=fx.points[0]).answers)
    assert (values["m_phys_1"], values["m_phys_2"], values["m_phys_3"]) == (None, None, 1)


def test_the_same_point_twice_is_refused_naming_the_first_row(fx: Fixture) -> None:
    error = refused(fx, export_csv([row_of(fx.points[0]), row_of(fx.points[1]), row_of(fx.points[0])]))
    assert where(error) == [
        (
            4,
            "point",
            f"The time point {fx.points[0].field_number} is also answered in row 2; a time point is answered once.",
        )
    ]
    assert answered(fx.points) == 0


def test_a_point_of_another_organisation_is_refused_as_not_found(fx: Fixture) -> None:
    made_up = 987_654
    error = refused(fx, export_csv([row_of(fx.elsewhere_point), row_of(made_up)]))
    first, second = (message for *_, message in where(error))
    assert first.replace(fx.elsewhere_point.field_number, "N") == second.replace(field_number(made_up), "N")
    assert second.startswith(f"There is no time point {field_number(made_up)} among the questionnaires you record here")


def test_a_mistyped_point_number_names_no_point(fx: Fixture) -> None:
    # The check digit makes a slip of one digit, or two neighbouring digits swapped, no number at
    # all, never another man's time point (here the next one's, which is due too).
    typed = fx.points[1].field_number[:-1] + str((int(fx.points[1].field_number[-1]) + 1) % 10)
    error = refused(fx, export_csv([row_of(fx.points[0], point=typed)]))
    assert where(error) == [
        (
            2,
            "point",
            f"“{typed}” is not the number of a time point: copy the whole number printed beside it, whose last "
            "digit checks the others.",
        )
    ]
    assert answered(fx.points) == 0


@pytest.mark.parametrize(
    "typed", [field_number(2**63), field_number(10**30), "99999999999999999999999999", "1" * 400, "7" * 5000]
)
def test_a_number_too_long_for_any_time_point_is_refused_without_asking_the_database(fx: Fixture, typed: str) -> None:
    error = refused(fx, export_csv([row_of(fx.points[0], point=typed)]))
    assert [(row, column) for row, column, _message in where(error)] == [(2, "point")]


@pytest.mark.parametrize("point_id", [7, 42, 1309, 98_765])
def test_no_slip_of_one_digit_or_swap_of_two_neighbours_is_another_field_number(point_id: int) -> None:
    number = field_number(point_id)
    assert point_of(int(number)) == point_id
    slips = {number[:at] + digit + number[at + 1 :] for at in range(len(number)) for digit in "0123456789"}
    swaps = {number[:at] + number[at + 1] + number[at] + number[at + 2 :] for at in range(len(number) - 1)}
    for typed in (slips | swaps) - {number}:
        assert typed.startswith("0") or point_of(int(typed)) is None, typed


def test_answers_from_before_the_point_opened_are_refused(fx: Fixture) -> None:
    early = (fx.points[0].opens_on - timedelta(days=1)).isoformat()
    error = refused(fx, export_csv([row_of(fx.points[0], answered_on=early)]))
    assert [(row, column) for row, column, _message in where(error)] == [(2, "answered_on")]
    assert "opened on" in error.problems[0].message


def test_a_point_already_answered_is_refused(fx: Fixture) -> None:
    run(fx, export_csv([row_of(fx.points[0])]))
    error = refused(fx, export_csv([row_of(fx.points[0])]))
    assert [(row, column) for row, column, _message in where(error)] == [(2, "point")]


def test_plain_column_names_are_read_like_group_prefixed_ones(fx: Fixture) -> None:
    assert run(fx, export_csv([row_of(fx.points[0])], grouped=False)).recorded == 1


def test_a_workbook_exported_by_kobo_is_read(fx: Fixture) -> None:
    row = row_of(fx.points[0], point=float(fx.points[0].field_number), m_phys_1=2.0)
    assert run(fx, export_xlsx([row]), filename="answers.xlsx").recorded == 1
    assert json.loads(ManResponse._base_manager.get(point=fx.points[0]).answers)["m_phys_1"] == 2


def test_a_column_that_is_no_field_of_the_form_is_refused_in_row_1(fx: Fixture) -> None:
    content = export_csv([row_of(fx.points[0])]).replace(b"start,", b"client_name,", 1)
    assert [(row, column) for row, column, _message in where(refused(fx, content))] == [(1, "client_name")]


def test_the_import_is_on_the_record_with_its_file(fx: Fixture) -> None:
    run(fx, export_csv([row_of(fx.points[0]), row_of(fx.points[1])]))
    entry = AuditEntry.objects.filter(action="outcomes.field_import").latest("seq")
    assert entry.actor_id == fx.world.facilitator.pk
    assert json.loads(entry.detail)["points"] == [fx.points[0].pk, fx.points[1].pk]


def test_someone_outside_the_programme_cannot_import_his_answers(fx: Fixture) -> None:
    with pytest.raises(OutcomeRefused):
        run(fx, export_csv([row_of(fx.points[0])]), user=fx.world.survivor_worker)
    assert answered(fx.points) == 0


# --- Her answers ------------------------------------------------------------------------------------


def test_her_support_worker_imports_her_interview_as_an_interview(fx: Fixture) -> None:
    content = export_csv([row_of(fx.her_point, PARTNER)], PARTNER)
    run(fx, content, respondent=PARTNER, user=fx.world.survivor_worker)
    response = PartnerResponse._base_manager.get(point=fx.her_point)
    assert (response.mode, response.recorded_by_id) == (Mode.INTERVIEW, fx.world.survivor_worker.pk)


def test_her_answers_through_a_channel_she_did_not_agree_to_are_refused(fx: Fixture) -> None:
    content = export_csv([row_of(fx.her_point, PARTNER, channel="in_person")], PARTNER)
    error = refused(fx, content, respondent=PARTNER, user=fx.world.survivor_worker)
    assert [(row, column) for row, column, _message in where(error)] == [(2, "channel")]
    assert "consented" in error.problems[0].message
    assert not PartnerResponse._base_manager.filter(point=fx.her_point).exists()


@pytest.mark.parametrize("persona", ["facilitator", "coordinator"])
def test_nobody_but_her_support_workers_imports_her_answers(fx: Fixture, persona: str) -> None:
    content = export_csv([row_of(fx.her_point, PARTNER)], PARTNER)
    with pytest.raises(OutcomeRefused) as caught:
        run(fx, content, respondent=PARTNER, user=fx.world.persona(persona))
    assert caught.value.message == "Only her support workers record her answers."


# --- Hostile files ----------------------------------------------------------------------------------


def unreadable(fx: Fixture, content: bytes, filename: str) -> UnreadableFile:
    with measured() as cost, pytest.raises(UnreadableFile) as caught:
        run(fx, content, filename=filename)
    # Refused while reading, before anything is built from the file.
    assert cost.seconds < 2
    assert cost.peak_bytes < 8 * MEGABYTE + len(content)
    assert answered(fx.points) == 0
    return caught.value


def test_a_file_over_the_size_limit_is_refused(fx: Fixture) -> None:
    error = unreadable(fx, bytes(20 * MEGABYTE + 1), "big.csv")
    assert isinstance(error, LimitExceeded) and error.limit == "max_bytes"
    assert error.message == "The file is larger than 20 MB: split it and import the parts one after the other."


def test_a_file_of_too_many_rows_is_refused(fx: Fixture) -> None:
    content = export_csv([]) + (b"x\n" * 20_001)
    error = unreadable(fx, content, "rows.csv")
    assert isinstance(error, LimitExceeded) and error.limit == "max_rows"
    assert error.message == "The file has more than 20,000 rows: split it and import the parts one after the other."


def test_a_file_of_too_many_columns_is_refused(fx: Fixture) -> None:
    content = (",".join(f"c{n}" for n in range(1_001)) + "\n").encode()
    error = unreadable(fx, content, "wide.csv")
    assert isinstance(error, LimitExceeded) and error.limit == "max_columns"
    assert error.message.startswith("The file has more than 1,000 columns")


def test_a_zip_bomb_is_refused_before_it_is_unpacked(fx: Fixture) -> None:
    def zeros(target: zipfile.ZipFile) -> None:
        chunk = bytes(8 * MEGABYTE)
        with target.open(SHEET_ENTRY, "w", force_zip64=True) as part:
            for _ in range(25):
                part.write(chunk)

    error = unreadable(fx, with_parts({SHEET_ENTRY: zeros}, compresslevel=1), "bomb.xlsx")
    assert isinstance(error, LimitExceeded) and error.limit == "max_unpacked_bytes"
    assert error.message == "The workbook unpacks to more than 100 MB: save it as CSV and import that instead."


def test_a_formula_cell_is_refused_naming_its_row_and_column(fx: Fixture) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(headers(MAN))
    sheet.append([row_of(fx.points[0]).get(name) for name in headers(MAN)])
    sheet["D2"] = "=1+1"
    buffer = io.BytesIO()
    book.save(buffer)
    error = unreadable(fx, buffer.getvalue(), "formula.xlsx")
    assert error.message.startswith("Row 2, column point (cell D2) holds a formula without its value")


def test_a_csv_that_is_not_utf8_is_refused(fx: Fixture) -> None:
    content = export_csv([row_of(fx.points[0])]).replace(b"sq", b"s\xff", 1)
    error = unreadable(fx, content, "answers.csv")
    assert error.message == str(Message(tables.NOT_UTF8))


def test_a_refusal_of_the_file_reads_in_the_language_of_whoever_imports_it(fx: Fixture) -> None:
    content = export_csv([row_of(fx.points[0])]).replace(b"sq", b"s\xff", 1)
    with translation.override("sq"):
        error = unreadable(fx, content, "answers.csv")
        assert error.message == str(Message(tables.NOT_UTF8))
    # Kept language-neutral: read again in English, it is the English message.
    assert error.message == "The file is not UTF-8 text. Save it as CSV with the UTF-8 encoding and import it again."


# --- The upload page --------------------------------------------------------------------------------


def upload(fx: Fixture, content: bytes, user: User, respondent: str = MAN) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = signed_in_client(user)
    data = {"respondent": respondent, "organisation": fx.world.org.pk, "file": SimpleUploadedFile("a.csv", content)}
    return client.post("/outcomes/import/", data)


def test_the_page_lists_every_problem_with_row_and_column(fx: Fixture) -> None:
    response = upload(fx, export_csv([row_of(fx.points[0], m_phys_1="7")]), fx.world.facilitator)
    assert response.status_code == 422
    page = response.content.decode()
    assert "physical/m_phys_1" in page
    assert "Nothing was imported" in page


def test_the_page_sums_up_what_was_recorded(fx: Fixture) -> None:
    response = upload(fx, export_csv([row_of(point) for point in fx.points[:3]]), fx.world.facilitator)
    assert response.status_code == 200
    assert "a.csv imported: the answers of 3 time points are recorded." in response.content.decode()


def test_her_form_is_downloaded_by_her_support_worker(fx: Fixture) -> None:
    response = signed_in_client(fx.world.survivor_worker).get("/outcomes/xlsform/partner/")
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(f'{current_instrument(PARTNER).name}-xlsform.xlsx"')
