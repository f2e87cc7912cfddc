"""CSV and XLSX written by Tandem open in a spreadsheet without running anything in them."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import Cell

from tandem.core.spreadsheets import CellValue, append_row, csv_writer, neutralise, set_cell

FORMULA = '=HYPERLINK("https://example.invalid","click")'


@pytest.mark.parametrize(
    "text",
    [FORMULA, "+1+1", "-1+1", "@SUM(A1:A2)", "\t=1+1", "\r=1+1", "   =1+1", " @x", "-", "=", "+cmd|' /C calc'!A0"],
)
def test_text_a_spreadsheet_would_run_gets_a_leading_apostrophe(text: str) -> None:
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("value", [0, 42, -5, -2.5, 1e-9, Decimal("-3.25"), None, True])
def test_numbers_and_other_values_are_left_as_they_are(value: object) -> None:
    assert neutralise(value) is value


@pytest.mark.parametrize("text", ["-5", "+3.5", " -0.25", "-1e5", "Tirana programme", "a=b", "'=1", "", "  ", "1-2"])
def test_text_that_runs_nothing_is_left_as_it_is(text: str) -> None:
    assert neutralise(text) == text


def test_the_csv_writer_neutralises_every_row() -> None:
    buffer = io.StringIO()
    writer = csv_writer(buffer, lineterminator="\n")
    writer.writerow(["name", "count"])
    writer.writerows([[FORMULA, -3], ["@me", 2.5]])
    assert list(csv.reader(io.StringIO(buffer.getvalue()))) == [
        ["name", "count"],
        ["'" + FORMULA, "-3"],
        ["'@me", "2.5"],
    ]


def reloaded(values: list[CellValue]) -> list[tuple[object, str]]:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    append_row(sheet, values)
    buffer = io.BytesIO()
    book.save(buffer)
    cells = next(load_workbook(io.BytesIO(buffer.getvalue())).worksheets[0].iter_rows())
    return [(cell.value, cell.data_type) for cell in cells]


def test_a_workbook_row_keeps_text_as_text_and_numbers_as_numbers() -> None:
    assert reloaded([FORMULA, "#N/A", "-1+1", "Tirana", -5, 2.5]) == [
        (FORMULA, "s"),
        ("#N/A", "s"),
        ("-1+1", "s"),
        ("Tirana", "s"),
        (-5, "n"),
        (2.5, "n"),
    ]


def test_a_cell_set_with_text_starting_with_equals_is_text() -> None:
    sheet = Workbook().active
    assert sheet is not None
    cell = sheet.cell(row=1, column=1)
    assert isinstance(cell, Cell)
    set_cell(cell, FORMULA)
    assert (cell.value, cell.data_type) == (FORMULA, "s")
    set_cell(cell, 7)
    assert (cell.value, cell.data_type) == (7, "n")
