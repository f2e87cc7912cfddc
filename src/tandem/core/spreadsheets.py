"""Writing CSV and XLSX files that a spreadsheet opens without running anything in them.

A spreadsheet runs a cell that starts with ``=`` as a formula, and reads ``+``, ``-``, ``@``,
a tab or a carriage return at the start the same way. Text that people typed, such as a
programme's name, could then fetch from the internet or start programs when someone opens an
export ("CSV injection"). So every CSV and XLSX that Tandem writes goes through these helpers:

* in CSV, such text gets a leading apostrophe, which spreadsheets read as "this is text";
  numbers are left as they are;
* in XLSX, the file says what each cell holds, so text is stored as text and never as a
  formula, with its value unchanged (an XLSForm must keep its labels exactly as written).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from _typeshed import SupportsWrite
    from openpyxl.cell.cell import Cell
    from openpyxl.worksheet.worksheet import Worksheet

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Text that is only a number (a negative one too) runs nothing and stays a number.
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")

CellValue = str | int | float | None


def neutralise(value: object) -> object:
    """A value for a CSV cell: text a spreadsheet would run as a formula, with a leading
    apostrophe; anything else as it is."""
    if not isinstance(value, str):
        return value
    start = value.lstrip(" ")
    if start.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(start):
        return "'" + value
    return value


class CsvWriter:
    """A ``csv.writer`` whose rows are neutralised before they are written."""

    def __init__(self, stream: SupportsWrite[str], **options: Any) -> None:
        self._writer = csv.writer(stream, **options)

    def writerow(self, row: Iterable[object]) -> Any:
        return self._writer.writerow([neutralise(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(stream: SupportsWrite[str], **options: Any) -> CsvWriter:
    """Like ``csv.writer(stream, **options)``, for files a spreadsheet may open."""
    return CsvWriter(stream, **options)


def set_cell(cell: Cell, value: CellValue) -> None:
    """Put a value in an openpyxl cell; text stays text, even when it starts with ``=``."""
    cell.value = value
    if isinstance(value, str):
        # openpyxl takes text starting with "=" for a formula and "#N/A" and the like for errors.
        cell.data_type = "s"


def append_row(sheet: Worksheet, values: Iterable[CellValue]) -> None:
    """``sheet.append(values)``, with text stored as text."""
    from openpyxl.cell import WriteOnlyCell

    cells = []
    for value in values:
        cell = WriteOnlyCell(sheet)
        set_cell(cell, value)
        cells.append(cell)
    sheet.append(cells)
