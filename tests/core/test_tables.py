"""Reading uploaded tables within bounded time and memory: every hostile file here is built in
the test, a few kilobytes that claim much more, and each is refused quickly with a message that
names the limit it passed."""

from __future__ import annotations

import io
import time
import tracemalloc
import warnings
import zipfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from defusedxml import DefusedXmlException
from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import ngettext
from openpyxl import Workbook, load_workbook

from tandem.core.tables import LimitExceeded, Limits, UnreadableFile, read_file, read_table, stored_text

MEGABYTE = 1024 * 1024
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
SHEET_ENTRY = "xl/worksheets/sheet1.xml"
HEADER_ROW = '<row r="1"><c r="A1" t="inlineStr"><is><t>programme</t></is></c></row>'


@dataclass
class Cost:
    seconds: float = 0.0
    peak_bytes: int = 0


@contextmanager
def measured() -> Iterator[Cost]:
    cost = Cost()
    tracemalloc.start()
    started = time.perf_counter()
    try:
        yield cost
    finally:
        cost.seconds = time.perf_counter() - started
        cost.peak_bytes = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()


def workbook(rows: Sequence[Sequence[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def with_parts(parts: Mapping[str, bytes | Callable[[zipfile.ZipFile], None]], *, compresslevel: int = 6) -> bytes:
    """A real workbook with parts replaced or added (a function writes its part itself)."""
    source = zipfile.ZipFile(io.BytesIO(workbook([["programme"]])))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=compresslevel) as target:
        for name in source.namelist():
            if name not in parts:
                target.writestr(name, source.read(name))
        for name, part in parts.items():
            if callable(part):
                part(target)
            else:
                target.writestr(name, part)
    return buffer.getvalue()


def sheet_xml(rows: str, *, dimension: str = "", doctype: str = "") -> bytes:
    dimension_element = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>{doctype}<worksheet xmlns="{MAIN_NS}">'
        f"{dimension_element}<sheetData>{rows}</sheetData></worksheet>"
    ).encode()


def refusal(filename: str, content: bytes, limits: Limits | None = None) -> UnreadableFile:
    with pytest.raises(UnreadableFile) as caught:
        read_table(filename, content, *([limits] if limits else []))
    return caught.value


def limit_passed(filename: str, content: bytes, limits: Limits | None = None) -> tuple[str, int, str]:
    error = refusal(filename, content, limits)
    assert isinstance(error, LimitExceeded)
    return error.limit, error.value, error.message


# --- Workbooks that claim more than they hold ---------------------------------------------------


def test_a_sheet_that_claims_every_cell_of_excel_is_refused_by_its_rows_quickly() -> None:
    content = with_parts(
        {
            SHEET_ENTRY: sheet_xml(
                HEADER_ROW + '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>', dimension="A1:XFD1048576"
            )
        }
    )
    assert len(content) < 10_000
    with measured() as cost:
        passed = limit_passed("claims.xlsx", content)
    assert passed == (
        "max_rows",
        20_000,
        "The file has more than 20,000 rows: split it and import the parts one after the other.",
    )
    assert cost.seconds < 1.0
    assert cost.peak_bytes < 50 * MEGABYTE


def test_a_cell_in_the_last_column_of_excel_is_refused_by_the_column_limit() -> None:
    content = with_parts({SHEET_ENTRY: sheet_xml('<row r="1"><c r="XFD1"><v>1</v></c></row>', dimension="A1:XFD1")})
    with measured() as cost:
        limit, value, message = limit_passed("wide.xlsx", content)
    assert (limit, value) == ("max_columns", 1_000)
    assert message.startswith("The file has more than 1,000 columns: delete the columns that are not needed")
    assert cost.seconds < 1.0


def test_a_row_of_cells_without_references_is_refused_before_openpyxl_builds_it() -> None:
    content = with_parts({SHEET_ENTRY: sheet_xml("<row>" + "<c><v>1</v></c>" * 100_000 + "</row>")})
    with measured() as cost:
        limit, value, message = limit_passed("flat.xlsx", content)
    assert (limit, value) == ("max_xml_elements_per_row", 10_000)
    assert message.startswith("A row or text of the workbook holds more than 10,000 XML elements")
    assert cost.peak_bytes < 20 * MEGABYTE


def test_xml_elements_that_openpyxl_would_keep_are_counted() -> None:
    junk = "<mergeCells>" + '<mergeCell ref="A1:B1"/>' * 2_000 + "</mergeCells>"
    content = with_parts({SHEET_ENTRY: sheet_xml(HEADER_ROW).replace(b"</sheetData>", f"</sheetData>{junk}".encode())})
    assert limit_passed("merged.xlsx", content, Limits(max_xml_elements=1_000))[:2] == ("max_xml_elements", 1_000)
    assert read_table("merged.xlsx", content).headers == ["programme"]


ROW_OF_300 = "<c><v>1</v></c>" * 300


def test_a_row_counts_apart_only_where_openpyxl_lets_go_of_it() -> None:
    limits = Limits(max_xml_elements=500)
    streamed = with_parts({SHEET_ENTRY: sheet_xml(f"{HEADER_ROW}<row>{ROW_OF_300}</row>")})
    assert len(read_table("rows.xlsx", streamed, limits).rows) == 1
    # openpyxl keeps what is not a SpreadsheetML row, and reads the styles whole.
    foreign = sheet_xml(f'{HEADER_ROW}<x:row xmlns:x="urn:other">{ROW_OF_300}</x:row>')
    for parts in ({SHEET_ENTRY: foreign}, {"xl/styles.xml": sheet_xml(f"<row>{ROW_OF_300}</row>")}):
        assert limit_passed("rows.xlsx", with_parts(parts), limits)[:2] == ("max_xml_elements", 500)


def test_a_zip_bomb_is_refused_from_its_directory_before_anything_is_unpacked() -> None:
    def zeros(target: zipfile.ZipFile) -> None:
        chunk = bytes(8 * MEGABYTE)
        with target.open(SHEET_ENTRY, "w", force_zip64=True) as part:
            for _ in range(25):
                part.write(chunk)

    # The fastest compression keeps the test cheap; zeros still shrink more than 200 times.
    content = with_parts({SHEET_ENTRY: zeros}, compresslevel=1)
    assert len(content) < MEGABYTE
    assert sum(entry.file_size for entry in zipfile.ZipFile(io.BytesIO(content)).infolist()) > 200 * MEGABYTE
    with measured() as cost:
        passed = limit_passed("bomb.xlsx", content)
    assert passed == (
        "max_unpacked_bytes",
        100 * MEGABYTE,
        "The workbook unpacks to more than 100 MB: save it as CSV and import that instead.",
    )
    assert cost.seconds < 0.5
    assert cost.peak_bytes < 5 * MEGABYTE


def test_a_workbook_of_too_many_parts_is_refused() -> None:
    content = with_parts({f"xl/media/{number}.xml": b"<a/>" for number in range(1_000)})
    limit, value, message = limit_passed("parts.xlsx", content)
    assert (limit, value) == ("max_zip_entries", 1_000)
    assert message.startswith("The workbook is made of more than 1,000 files inside (zip entries)")


BILLION_LAUGHS = (
    '<!DOCTYPE worksheet [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10 if n > 1 else "&lol;" * 10}">' for n in range(1, 10))
    + "]>"
)


def laughing_workbook() -> bytes:
    cell = '<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row>'
    return with_parts({SHEET_ENTRY: sheet_xml(cell, doctype=BILLION_LAUGHS)})


def test_a_billion_laughs_entity_is_refused_not_expanded() -> None:
    with measured() as cost:
        error = refusal("laughs.xlsx", laughing_workbook())
    assert error.message == "The file cannot be read as an Excel workbook (XLSX)."
    assert cost.seconds < 1.0 and cost.peak_bytes < 20 * MEGABYTE


def test_openpyxl_parses_through_defusedxml() -> None:
    with pytest.raises(ValueError, match="Unable to read workbook") as caught:
        load_workbook(io.BytesIO(laughing_workbook()), read_only=True, data_only=True)
    assert isinstance(caught.value.__cause__, DefusedXmlException)


# --- Workbooks that are not what they say -------------------------------------------------------


def test_a_workbook_with_an_encrypted_part_is_refused() -> None:
    content = bytearray(workbook([["programme"], ["AL-1"]]))
    directory = content.index(b"PK\x01\x02")
    content[directory + 8] |= 0x1  # the encryption flag of the first entry
    assert refusal("locked.xlsx", bytes(content)).message.startswith("The workbook is protected with a password")


def test_a_workbook_encrypted_by_excel_is_refused() -> None:
    compound = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500) + "EncryptedPackage".encode("utf-16-le")
    assert refusal("locked.xlsx", compound).message.startswith("The workbook is protected with a password")


def test_an_old_excel_file_named_xlsx_is_refused() -> None:
    compound = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500) + "Workbook".encode("utf-16-le")
    assert refusal("old.xlsx", compound).message.startswith("Old Excel files (.xls) cannot be read.")


def test_a_workbook_with_two_parts_of_one_name_is_refused() -> None:
    buffer = io.BytesIO(workbook([["programme"]]))
    with warnings.catch_warnings(), zipfile.ZipFile(buffer, "a") as target:
        warnings.simplefilter("ignore", UserWarning)  # zipfile warns of the duplicate it is asked to write
        target.writestr("docProps/app.xml", b"<Properties/>")
    assert refusal("twice.xlsx", buffer.getvalue()).message == "The file cannot be read as an Excel workbook (XLSX)."


def test_a_file_that_is_no_zip_is_refused() -> None:
    assert refusal("x.xlsx", b"PK\x03\x04 not really").message == "The file cannot be read as an Excel workbook (XLSX)."


# --- Limits in workbooks and CSV files ----------------------------------------------------------


def csv_rows(count: int, *, columns: int = 1, cell: str = "x") -> bytes:
    line = ",".join([cell] * columns) + "\n"
    return ("programme" + ",p" * (columns - 1) + "\n").encode() + line.encode() * count


@pytest.mark.parametrize("filename", ["rows.csv", "rows.xlsx"])
def test_a_file_may_have_as_many_rows_as_the_limit_and_no_more(filename: str) -> None:
    def content(count: int) -> bytes:
        if filename.endswith(".csv"):
            return csv_rows(count)
        return workbook([["programme"], *([["x"]] * count)])

    limits = Limits(max_rows=5)
    assert len(read_table(filename, content(5), limits).rows) == 5
    assert limit_passed(filename, content(6), limits) == (
        "max_rows",
        5,
        "The file has more than 5 rows: split it and import the parts one after the other.",
    )


def test_a_csv_file_of_more_than_20000_rows_is_refused() -> None:
    assert limit_passed("rows.csv", csv_rows(20_001))[:2] == ("max_rows", 20_000)
    assert len(read_table("rows.csv", csv_rows(20_000)).rows) == 20_000


@pytest.mark.parametrize("filename", ["wide.csv", "wide.xlsx"])
def test_a_file_of_more_than_1000_columns_is_refused(filename: str) -> None:
    content = csv_rows(1, columns=1_001) if filename.endswith(".csv") else workbook([["programme"] * 1_001])
    assert limit_passed(filename, content)[:2] == ("max_columns", 1_000)


@pytest.mark.parametrize(("filename", "length"), [("long.csv", 10_001), ("long.csv", 200_000), ("long.xlsx", 10_001)])
def test_a_cell_of_more_than_10000_characters_is_refused_with_its_row(filename: str, length: int) -> None:
    long_text = "y" * length
    content = csv_rows(2, cell=long_text) if filename.endswith(".csv") else workbook([["programme"], [long_text]])
    assert limit_passed(filename, content) == (
        "max_cell_chars",
        10_000,
        "Row 2 has a cell of more than 10,000 characters: shorten it and import the file again.",
    )


GIANT_TEXT = "x" * 30 * MEGABYTE


def test_a_giant_text_in_a_cell_is_refused_before_it_is_built_in_memory() -> None:
    rows = HEADER_ROW + f'<row r="2"><c r="A2" t="inlineStr"><is><t>{GIANT_TEXT}</t></is></c></row>'
    content = with_parts({SHEET_ENTRY: sheet_xml(rows)})
    assert len(content) < 100_000
    with measured() as cost:
        limit, value, message = limit_passed("giant.xlsx", content)
    assert (limit, value) == ("max_cell_chars", 10_000)
    assert message.startswith("Row 2 has a cell of more than 10,000 characters")
    assert cost.peak_bytes < 5 * MEGABYTE


def test_a_giant_shared_text_is_refused_before_it_is_built_in_memory() -> None:
    shared = f'<sst xmlns="{MAIN_NS}" count="1" uniqueCount="1"><si><r><t>{GIANT_TEXT}</t></r></si></sst>'.encode()
    rows = HEADER_ROW + '<row r="2"><c r="A2" t="s"><v>0</v></c></row>'
    content = with_parts({SHEET_ENTRY: sheet_xml(rows), "xl/sharedStrings.xml": shared})
    with measured() as cost:
        error = refusal("giant.xlsx", content)
    assert isinstance(error, LimitExceeded)
    assert error.message == (
        "The workbook holds a text of more than 10,000 characters: shorten it and import the file again."
    )
    assert cost.peak_bytes < 5 * MEGABYTE


def test_a_cell_of_10000_characters_is_read() -> None:
    assert read_table("long.csv", csv_rows(1, cell="y" * 10_000)).rows == [["y" * 10_000]]


MEGABYTES_1_5 = 3 * 512 * 1024


@pytest.mark.parametrize("filename", ["big.csv", "big.xlsx"])
def test_a_file_over_the_size_limit_is_refused(filename: str) -> None:
    limits = Limits(max_bytes=MEGABYTES_1_5)
    limit, value, message = limit_passed(filename, bytes(MEGABYTES_1_5 + 1), limits)
    assert (limit, value) == ("max_bytes", MEGABYTES_1_5)
    assert message == "The file is larger than 1.5 MB: split it and import the parts one after the other."


def test_a_file_on_disk_is_read_no_further_than_the_size_limit(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    path.write_bytes(csv_rows(200_000))
    with pytest.raises(LimitExceeded) as caught:
        read_file(path, Limits(max_bytes=100_000))
    assert caught.value.limit == "max_bytes"
    assert read_file(path) == path.read_bytes()


@pytest.mark.parametrize(
    "content",
    [b"programme\nAL-\x001\n", "programme\nAL-1\n".encode("utf-16-le"), b"programme\nAL-\xff1\n"],
    ids=["nul byte", "utf-16 without a byte order mark", "invalid utf-8"],
)
def test_a_csv_that_is_not_utf8_text_is_refused(content: bytes) -> None:
    assert refusal("answers.csv", content).message == (
        "The file is not UTF-8 text. Save it as CSV with the UTF-8 encoding and import it again."
    )


def test_a_workbook_of_many_rows_is_refused_before_its_rows_are_read(monkeypatch: pytest.MonkeyPatch) -> None:
    rows = "".join(f'<row r="{n}"><c r="A{n}"><v>{n}</v></c></row>' for n in range(2, 60_002))
    content = with_parts({SHEET_ENTRY: sheet_xml(HEADER_ROW + rows)})

    def not_reached(*args: object, **kwargs: object) -> None:
        raise AssertionError("the rows were read")

    monkeypatch.setattr("openpyxl.load_workbook", not_reached)
    assert limit_passed("many.xlsx", content)[:2] == ("max_rows", 20_000)


def test_a_workbook_named_csv_is_read_as_the_workbook_it_is() -> None:
    assert read_table("saved-as.csv", workbook([["programme"], ["AL-001"]])).rows == [["AL-001"]]


def test_gaps_between_rows_of_a_workbook_are_read_as_empty_rows() -> None:
    content = with_parts({SHEET_ENTRY: sheet_xml(HEADER_ROW + '<row r="3"><c r="A3"><v>7</v></c></row>')})
    assert read_table("gaps.xlsx", content).rows == [[], [7]]


def test_empty_formatted_cells_far_to_the_right_are_no_columns() -> None:
    styled = '<row r="2"><c r="A2"><v>7</v></c><c r="XFD2" s="1"/></row>'
    content = with_parts({SHEET_ENTRY: sheet_xml(HEADER_ROW + styled, dimension="A1:XFD2")})
    assert read_table("styled.xlsx", content).rows == [[7]]


# --- Formulas -----------------------------------------------------------------------------------


def test_a_formula_without_its_value_is_refused_naming_its_row_and_column() -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["programme", "status"])
    # openpyxl writes the formula and no value: nothing has computed it.
    sheet["A2"] = '=HYPERLINK("https://example.org/AL-1", "AL-1")'
    sheet["B2"] = "functioning"
    buffer = io.BytesIO()
    book.save(buffer)
    assert refusal("formula.xlsx", buffer.getvalue()).message == (
        "Row 2, column programme (cell A2) holds a formula without its value: open the file in a spreadsheet "
        "program, save it again (or paste the values in place of the formulas) and import it again."
    )


def test_a_formula_without_a_value_element_in_a_cell_without_reference_is_refused_by_its_place() -> None:
    rows = HEADER_ROW + '<row r="2"><c><v>1</v></c><c><f>1+1</f></c></row>'
    assert refusal("formula.xlsx", with_parts({SHEET_ENTRY: sheet_xml(rows)})).message.startswith(
        "Row 2, column B (cell B2) holds a formula without its value"
    )


def test_a_formula_with_its_stored_value_is_read_as_the_value() -> None:
    rows = HEADER_ROW + '<row r="2"><c r="A2" t="str"><f>"AL-"&amp;1</f><v>AL-1</v></c></row>'
    assert read_table("computed.xlsx", with_parts({SHEET_ENTRY: sheet_xml(rows)})).rows == [["AL-1"]]


def test_a_formula_whose_stored_text_value_is_empty_is_read_as_blank() -> None:
    rows = HEADER_ROW + '<row r="2"><c r="A2" t="str"><f>IF(1,"","x")</f><v></v></c></row>'
    assert read_table("empty.xlsx", with_parts({SHEET_ENTRY: sheet_xml(rows)})).rows == [[]]


def test_a_formula_without_value_on_another_sheet_than_the_first_is_not_read() -> None:
    book = Workbook()
    first = book.active
    assert first is not None
    first.append(["programme"])
    first.append(["AL-1"])
    book.create_sheet("notes")["A1"] = "=1+1"
    buffer = io.BytesIO()
    book.save(buffer)
    assert read_table("two-sheets.xlsx", buffer.getvalue()).rows == [["AL-1"]]


# --- Messages -----------------------------------------------------------------------------------


def test_a_refusal_is_stored_language_neutral_and_written_in_the_readers_language_with_her_numbers() -> None:
    content = b"programme\n" + b"AL-1\n" * 1_001
    stored = refusal("long.csv", content, Limits(max_rows=1_000)).words.as_data()
    assert (stored["key"], stored["params"]) == ("tables.too_many_rows", {"limit": 1_000})
    with translation.override("sq"):
        expected = ngettext(
            "The file has more than %(limit)s row: split it and import the parts one after the other.",
            "The file has more than %(limit)s rows: split it and import the parts one after the other.",
            1_000,
        ) % {"limit": number_format(1_000, 0, force_grouping=True)}
        assert stored_text(stored) == expected
    assert expected.startswith("Skedari")
    assert "1,000" not in expected


def test_a_message_stored_as_plain_text_is_shown_as_it_is() -> None:
    assert stored_text("The file is not UTF-8 text.") == "The file is not UTF-8 text."
