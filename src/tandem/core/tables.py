"""Reading the table in an uploaded file (a CSV, or the first sheet of an XLSX workbook) within
bounded time and memory.

An upload is untrusted. A few kilobytes can claim a million rows, unpack to gigabytes, or hold
XML that grows without end once parsed. So every limit in ``Limits`` is checked while the file
is read, and reading stops at the first one passed, with a message that names the limit and its
value. For a workbook, the zip directory is checked before anything is unpacked, and every XML
part is counted as a stream before openpyxl builds anything from it.

A message about a file is a ``Message``: the key of its wording and its parameters, written in
a language only when it is shown. An import job keeps its messages that way, so that its page
reads in the language of whoever opens it, not of whoever uploaded the file.
"""

from __future__ import annotations

import contextlib
import csv
import io
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path, PurePath
from typing import IO, Any, cast
from xml.parsers import expat

from django.utils.formats import number_format
from django.utils.translation import gettext as _, ngettext

Raw = str | int | float | None
MEGABYTE = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """How much of a file is read before it is refused."""

    max_bytes: int = 20 * MEGABYTE
    # Rows under the first row (the column names).
    max_rows: int = 20_000
    max_columns: int = 1_000
    # Characters in one cell; at most csv.field_size_limit() (131,072 unless changed).
    max_cell_chars: int = 10_000
    # For a workbook: what its zip directory declares its parts unpack to, and how many there are.
    max_unpacked_bytes: int = 100 * MEGABYTE
    max_zip_entries: int = 1_000
    # For a workbook: XML elements that openpyxl keeps in memory, and those of one row of a sheet
    # (or one shared text), which it builds whole before letting go of them.
    max_xml_elements: int = 1_000_000
    max_xml_elements_per_row: int = 10_000

    def __post_init__(self) -> None:
        if self.max_cell_chars > csv.field_size_limit():
            raise ValueError("max_cell_chars is above csv.field_size_limit()")


DEFAULT_LIMITS = Limits()


# --- Messages -----------------------------------------------------------------------------------

# How each message is worded, by key: a function of the message's parameters that writes it in
# the active language. Registered with ``wording``, here and by the checks of what a table holds.
_WORDINGS: dict[str, Callable[..., str]] = {}


def wording(key: str) -> Callable[[Callable[..., str]], Callable[..., str]]:
    """Register the function that words the message ``key`` from its parameters."""

    def register(write: Callable[..., str]) -> Callable[..., str]:
        if key in _WORDINGS:
            raise ValueError(f"the message {key!r} is worded twice")
        _WORDINGS[key] = write
        return write

    return register


@dataclass(frozen=True)
class Message:
    """A message kept language-neutral: the key of its wording and its parameters (text,
    numbers, other messages), written in the active language by ``str``. Numbers are
    parameters, not text, so that they are grouped the reader's way."""

    key: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return _WORDINGS[self.key](**{name: _shown(value) for name, value in self.params.items()})

    def as_data(self) -> dict[str, Any]:
        """The message as stored (JSON); ``text`` is a fallback for a wording that no longer exists."""
        params = {name: value.as_data() if isinstance(value, Message) else value for name, value in self.params.items()}
        return {"key": self.key, "params": params, "text": str(self)}


def _shown(value: Any) -> Any:
    return str(value) if isinstance(value, Message) else value


def message_of(data: Any) -> Message | str:
    """A message as ``Message.as_data`` stored it; any other stored text (as stored before
    messages were kept language-neutral) stays that text."""
    if isinstance(data, Mapping) and isinstance(data.get("key"), str) and data["key"] in _WORDINGS:
        params = data.get("params")
        return Message(
            data["key"],
            {name: message_of(value) if isinstance(value, Mapping) else value for name, value in params.items()}
            if isinstance(params, Mapping)
            else {},
        )
    if isinstance(data, Mapping):
        return str(data.get("text", ""))
    return "" if data is None else str(data)


def stored_text(data: Any) -> str:
    """A stored message in the active language (a plain stored text as it is)."""
    return str(message_of(data))


class UnreadableFile(Exception):
    """The file cannot be read as a table (wrong format, not UTF-8, empty, past a limit).
    ``words`` is the message, ``message`` its text in the active language."""

    def __init__(self, words: Message) -> None:
        super().__init__(words)
        self.words = words

    @property
    def message(self) -> str:
        return str(self.words)

    def __str__(self) -> str:
        return self.message


class LimitExceeded(UnreadableFile):
    """The file is past one of the ``Limits``: ``limit`` names the field, ``value`` is its value."""

    def __init__(self, words: Message, *, limit: str, value: int) -> None:
        super().__init__(words)
        self.limit = limit
        self.value = value


@dataclass(frozen=True)
class Table:
    """The cells of a file: ``rows[i]`` is spreadsheet row ``i + 2`` (row 1 holds the names)."""

    headers: list[str]
    rows: list[list[Raw]]

    def records(self) -> list[dict[str, Raw]]:
        """The rows as {column name: raw value} (a repeated column name keeps its last cell)."""
        return [dict(zip(self.headers, row, strict=False)) for row in self.rows]


def read_table(filename: str, content: bytes, limits: Limits = DEFAULT_LIMITS) -> Table:
    """A CSV (comma, semicolon or tab separated, UTF-8 with or without BOM) or the first sheet
    of an XLSX workbook, by the file's name; a workbook (or an old Excel file) named .csv is read
    as what it is, not refused as text that is not UTF-8."""
    check_format(filename)
    as_csv = PurePath(filename).suffix.lower() == ".csv" and not content.startswith((_ZIP_FILE, _COMPOUND_FILE))
    reader = read_csv if as_csv else read_xlsx
    table = reader(content, limits)
    if not any(table.headers):
        raise UnreadableFile(Message(EMPTY))
    return table


def check_format(filename: str) -> None:
    """Refuse a file whose name says it is neither a CSV nor an XLSX workbook, an old Excel
    file (.xls) with what to do instead."""
    suffix = PurePath(filename).suffix.lower()
    if suffix == ".xls":
        raise UnreadableFile(Message(OLD_EXCEL))
    if suffix not in (".csv", ".xlsx"):
        raise UnreadableFile(Message(NOT_A_TABLE))


def read_file(path: Path, limits: Limits = DEFAULT_LIMITS) -> bytes:
    """The bytes of a file on disk; one past the size limit is refused without reading it all."""
    with path.open("rb") as handle:
        content = handle.read(limits.max_bytes + 1)
    check_size(len(content), limits)
    return content


def check_size(size: int, limits: Limits = DEFAULT_LIMITS) -> None:
    if size > limits.max_bytes:
        raise LimitExceeded(Message(TOO_LARGE, {"size": limits.max_bytes}), limit="max_bytes", value=limits.max_bytes)


# --- CSV ----------------------------------------------------------------------------------------


def read_csv(content: bytes, limits: Limits = DEFAULT_LIMITS) -> Table:
    check_size(len(content), limits)
    # A NUL byte is no part of UTF-8 text: the file is UTF-16 or not text at all.
    if b"\x00" in content:
        raise UnreadableFile(Message(NOT_UTF8))
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UnreadableFile(Message(NOT_UTF8)) from None
    first_line = text[: text.find("\n")] if "\n" in text else text
    delimiter = max((",", ";", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[list[Raw]] = []
    try:
        for record in reader:
            _check_row(len(rows), record, limits)
            rows.append(cast(list[Raw], record))  # the reader's lists of text, kept as they are
    except csv.Error as error:
        if str(error).startswith("field larger than field limit"):
            raise _cell_too_long(len(rows) + 1, limits) from None
        raise UnreadableFile(Message(NOT_CSV, {"reason": str(error)})) from None
    return _table(rows)


# --- XLSX ---------------------------------------------------------------------------------------

# An OLE2 compound file: an old .xls, or an .xlsx encrypted with a password.
_COMPOUND_FILE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")
# A zip file (an XLSX workbook among them) starts with this signature,
_ZIP_FILE = b"PK\x03\x04"
# and every entry of its central directory with this one.
_ZIP_ENTRY = b"PK\x01\x02"
# openpyxl parses every part whole except two kinds, which it streams, letting go of one element
# at a time: each row of a worksheet and each text of the shared strings. It finds those parts
# through the overrides of [Content_Types].xml, and always reads the parts at fixed names whole.
_NS = "}"
_SPREADSHEET = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_OVERRIDE = f"http://schemas.openxmlformats.org/package/2006/content-types{_NS}Override"
_SHEET_ROW = f"{_SPREADSHEET}{_NS}row"
_STREAMED_BY_TYPE = {
    "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml": _SHEET_ROW,
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml": f"{_SPREADSHEET}{_NS}si",
}
_CONTENT_TYPES = "[Content_Types].xml"
_READ_WHOLE = frozenset({_CONTENT_TYPES, "xl/styles.xml", "docProps/core.xml", "docProps/custom.xml"})
# A worksheet's cell, and a cell's formula and value; a text (in a cell or among the shared
# strings, possibly in several runs) and one shared string.
_CELL, _FORMULA, _VALUE, _TEXT, _SHARED = (f"{_SPREADSHEET}{_NS}{tag}" for tag in ("c", "f", "v", "t", "si"))


def read_xlsx(content: bytes, limits: Limits = DEFAULT_LIMITS) -> Table:
    check_size(len(content), limits)
    if content.startswith(_COMPOUND_FILE):
        raise UnreadableFile(Message(ENCRYPTED if _ENCRYPTED_PACKAGE in content else OLD_EXCEL))
    try:
        archive = _open_zip(content, limits)
        with archive:
            formulas = _count_xml_elements(archive, limits)
        rows = _first_sheet_rows(content, limits, formulas)
    except UnreadableFile:
        raise
    except Exception:  # zipfile, zlib, openpyxl and defusedxml raise many kinds of errors for a broken workbook
        raise UnreadableFile(Message(NOT_A_WORKBOOK)) from None
    return _table(rows)


def _open_zip(content: bytes, limits: Limits) -> zipfile.ZipFile:
    """The workbook's zip, refused from its directory alone when it would unpack too much."""
    # zipfile reads the whole central directory whatever its end record says: count it first.
    if content.count(_ZIP_ENTRY) > limits.max_zip_entries:
        raise _too_many_entries(limits)
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except zipfile.BadZipFile:
        raise UnreadableFile(Message(NOT_A_WORKBOOK)) from None
    entries = archive.infolist()
    # Two parts of one name: openpyxl reads the last, which need not be the one counted.
    if len({entry.filename for entry in entries}) < len(entries):
        raise UnreadableFile(Message(NOT_A_WORKBOOK))
    if any(entry.flag_bits & 0x1 for entry in entries):
        raise UnreadableFile(Message(ENCRYPTED))
    # zipfile stops each part at its declared size (a part that holds more fails its CRC check).
    if sum(entry.file_size for entry in entries) > limits.max_unpacked_bytes:
        raise LimitExceeded(
            Message(UNPACKS_TOO_LARGE, {"size": limits.max_unpacked_bytes}),
            limit="max_unpacked_bytes",
            value=limits.max_unpacked_bytes,
        )
    return archive


class _ElementCounter:
    """Counts the XML elements of a workbook's parts as they stream by, keeping nothing: those
    openpyxl would keep, and those of one row (or shared text) that it builds before letting go.

    On the way it notes, for each sheet, the first cell that holds a formula without its value
    (``formulas``): openpyxl reads such a cell as empty, and the file must not be read as if it
    were. Every element passes through here, so the work per cell is kept to a comparison or two."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.kept = 0
        # Parts that openpyxl streams, and the element it lets go of in each.
        self.streamed: dict[str, str] = {}
        self.overrides: list[tuple[str, str]] = []
        self.freed = ""
        # Inside an element that is let go of: how deep, and how many elements so far.
        self.depth = 0
        self.in_row = 0
        # Per sheet (part name), the first cell with a formula and no value: (row, column), from 1.
        self.formulas: dict[str, tuple[int, int]] = {}
        self.part = ""
        self.parser: Any = None
        # The row and cell the parser is in: the row's number and reference, the cell's place in
        # its row and attributes; whether it holds a formula, a value element and a value.
        self.rows = 0
        self.row_reference = ""
        self.cells = 0
        self.cell: Mapping[str, str] = {}
        self.formula = self.value_element = self.value = False
        # Characters of the cell's (or shared string's) texts so far: counted as the parser hands
        # them over, so that a giant text is refused before openpyxl builds it in memory.
        self.chars = 0

    def count(self, name: str, part: IO[bytes]) -> None:
        parser = expat.ParserCreate(namespace_separator=_NS)
        parser.StartDoctypeDeclHandler = _refuse_doctype
        parser.StartElementHandler = self._start
        parser.EndElementHandler = self._end
        whole = name in _READ_WHOLE or name.endswith(".rels")
        self.freed = "" if whole else self.streamed.get(name, "")
        self.depth = 0
        self.part, self.parser, self.rows, self.cells = name, parser, 0, 0
        self.formula = self.value_element = self.value = False
        # Not XML (a picture) or broken XML, which openpyxl refuses in turn if it reads the part.
        with contextlib.suppress(expat.ExpatError):
            parser.ParseFile(part)
        if name == _CONTENT_TYPES:
            self._learn_streamed_parts()

    def _start(self, name: str, attributes: dict[str, str]) -> None:
        if name == _CELL:
            self.cell = attributes
            self.cells += 1
            self.chars = 0
            self.value = False
        elif name == _SHARED:
            self.chars = 0
        elif name == _FORMULA:
            self.formula = True
        elif name == _VALUE:
            self.value_element = self.formula
            self.parser.CharacterDataHandler = self._text
        elif name == _TEXT:
            self.parser.CharacterDataHandler = self._text
        if self.depth:
            self.depth += 1
            self.in_row += 1
            if self.in_row > self.limits.max_xml_elements_per_row:
                raise _too_many_elements(self.limits, per_row=True)
            return
        if name == self.freed:
            self.depth, self.in_row = 1, 0
            self.rows += 1
            self.row_reference, self.cells = attributes.get("r", ""), 0
            if name == _SHEET_ROW:
                # openpyxl reads a row numbered 25,000 as the 25,000th, the gap filled with empty
                # rows: past the limit, the sheet is refused here, before it is read at all.
                number = int(self.row_reference) if self.row_reference.isdigit() else self.rows
                if number > self.limits.max_rows + 1:
                    raise _rows_past_limit(self.limits)
        elif name == _OVERRIDE:
            self.overrides.append((attributes.get("PartName", "").removeprefix("/"), attributes.get("ContentType", "")))
        self.kept += 1
        if self.kept > self.limits.max_xml_elements:
            raise _too_many_elements(self.limits, per_row=False)

    def _end(self, name: str) -> None:
        if self.depth:
            self.depth -= 1
        if name in (_VALUE, _TEXT):
            self.parser.CharacterDataHandler = None
        if not self.formula:
            return
        if name == _CELL:
            if self._without_value() and self.part not in self.formulas:
                self.formulas[self.part] = self._place()
            self.formula = self.value_element = self.value = False

    def _text(self, text: str) -> None:
        if text:
            self.value = True
        self.chars += len(text)
        if self.chars > self.limits.max_cell_chars:
            if self.part in self.streamed and self.streamed[self.part] == _SHEET_ROW:
                raise _cell_too_long(self._place()[0], self.limits)
            raise _text_too_long(self.limits)

    def _without_value(self) -> bool:
        """A formula whose result was never stored: no value, or an empty one where only a text
        result may be empty (openpyxl writes ``<v/>`` for a formula it cannot compute)."""
        if not self.value_element:
            return True
        return not self.value and self.cell.get("t", "n") != "str"

    def _place(self) -> tuple[int, int]:
        """The row and column of the cell, from its reference or else by counting."""
        reference = self.cell.get("r", "")
        letters = reference.rstrip("0123456789")
        digits = reference[len(letters) :]
        if letters.isalpha() and digits.isdigit():
            return int(digits), _column_number(letters)
        row = int(self.row_reference) if self.row_reference.isdigit() else self.rows
        return row, self.cells

    def _learn_streamed_parts(self) -> None:
        # A part given more than one type may be read whole under another: it is counted whole.
        types: dict[str, set[str]] = {}
        for part, content_type in self.overrides:
            types.setdefault(part, set()).add(content_type)
        for part, found in types.items():
            if len(found) == 1 and (content_type := next(iter(found))) in _STREAMED_BY_TYPE:
                self.streamed[part] = _STREAMED_BY_TYPE[content_type]
        self.overrides.clear()


def _column_number(letters: str) -> int:
    """The number of a spreadsheet column from its letters (A is 1, AA is 27)."""
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


def _column_letters(number: int) -> str:
    """The letters of a spreadsheet column from its number (1 is A, 27 is AA)."""
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _refuse_doctype(*args: object) -> None:
    # A workbook's XML has no document type; one may declare entities that expand without end.
    raise UnreadableFile(Message(NOT_A_WORKBOOK))


def _count_xml_elements(archive: zipfile.ZipFile, limits: Limits) -> dict[str, tuple[int, int]]:
    """Count the elements of every part (refusing the workbook past a limit) and return, per
    sheet, the first cell with a formula but no value."""
    counter = _ElementCounter(limits)
    # [Content_Types].xml first: it says which parts openpyxl streams.
    entries = sorted(archive.infolist(), key=lambda entry: entry.filename != _CONTENT_TYPES)
    for entry in entries:
        with archive.open(entry) as part:
            counter.count(entry.filename, part)
    return counter.formulas


def _first_sheet_rows(content: bytes, limits: Limits, formulas: Mapping[str, tuple[int, int]]) -> list[list[Raw]]:
    from openpyxl import load_workbook
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True, keep_links=False)
    try:
        if not workbook.worksheets:
            return []
        sheet = workbook.worksheets[0]
        if not isinstance(sheet, ReadOnlyWorksheet):
            raise TypeError(type(sheet))
        # The sheet's own <dimension> may claim A1:XFD1048576; rows are taken as they come.
        sheet.reset_dimensions()
        rows: list[list[Raw]] = []
        # openpyxl fills a gap between rows with empty rows: they are counted like any other.
        for values in sheet.iter_rows(values_only=True):
            row = _filled_cells(values, limits)
            _check_row(len(rows), row, limits)
            rows.append(row)
        # openpyxl does not say which part it read the sheet from but in this attribute; without
        # it, a formula without value in any sheet refuses the workbook.
        part = getattr(sheet, "_worksheet_path", None)
        found = formulas.get(part) if isinstance(part, str) else next(iter(formulas.values()), None)
        if found is not None:
            raise _formula_without_value(*found, rows[0] if rows else [])
        return rows
    finally:
        workbook.close()


def _formula_without_value(row: int, column: int, headers: Sequence[Raw]) -> UnreadableFile:
    name = headers[column - 1] if 0 < column <= len(headers) else None
    named = str(name).strip() if name is not None and row > 1 else ""
    return UnreadableFile(
        Message(
            FORMULA_WITHOUT_VALUE,
            {"row": row, "column": named or _column_letters(column), "cell": f"{_column_letters(column)}{row}"},
        )
    )


def _filled_cells(values: tuple[object, ...], limits: Limits) -> list[Raw]:
    """A row's cells up to its last one with a value: cells that are empty but formatted may run
    far to the right, and count as columns only when a value follows them."""
    beyond = values[limits.max_columns :]
    if beyond.count(None) < len(beyond):
        raise _too_many_columns(limits)
    end = min(len(values), limits.max_columns)
    while end and values[end - 1] is None:
        end -= 1
    return [_cell(value) for value in values[:end]]


def _cell(value: object) -> Raw:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int | float):
        return value
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return str(value)


# --- Shared -------------------------------------------------------------------------------------


def _table(rows: list[list[Raw]]) -> Table:
    if not rows:
        return Table([], [])
    return Table([str(name).strip() if name is not None else "" for name in rows[0]], rows[1:])


def _check_row(index: int, cells: Sequence[Raw], limits: Limits) -> None:
    """Check the row at ``index`` (0 for the column names) before it is kept."""
    if index > limits.max_rows:
        raise _rows_past_limit(limits)
    if len(cells) > limits.max_columns:
        raise _too_many_columns(limits)
    if any(isinstance(cell, str) and len(cell) > limits.max_cell_chars for cell in cells):
        raise _cell_too_long(index + 1, limits)


def _rows_past_limit(limits: Limits) -> LimitExceeded:
    return LimitExceeded(Message(TOO_MANY_ROWS, {"limit": limits.max_rows}), limit="max_rows", value=limits.max_rows)


def _too_many_columns(limits: Limits) -> LimitExceeded:
    return LimitExceeded(
        Message(TOO_MANY_COLUMNS, {"limit": limits.max_columns}), limit="max_columns", value=limits.max_columns
    )


def _cell_too_long(row: int, limits: Limits) -> LimitExceeded:
    return LimitExceeded(
        Message(CELL_TOO_LONG, {"row": row, "limit": limits.max_cell_chars}),
        limit="max_cell_chars",
        value=limits.max_cell_chars,
    )


def _text_too_long(limits: Limits) -> LimitExceeded:
    return LimitExceeded(
        Message(TEXT_TOO_LONG, {"limit": limits.max_cell_chars}),
        limit="max_cell_chars",
        value=limits.max_cell_chars,
    )


def _too_many_entries(limits: Limits) -> LimitExceeded:
    return LimitExceeded(
        Message(TOO_MANY_ENTRIES, {"limit": limits.max_zip_entries}),
        limit="max_zip_entries",
        value=limits.max_zip_entries,
    )


def _too_many_elements(limits: Limits, *, per_row: bool) -> LimitExceeded:
    if per_row:
        value = limits.max_xml_elements_per_row
        return LimitExceeded(
            Message(TOO_MANY_ELEMENTS_PER_ROW, {"limit": value}), limit="max_xml_elements_per_row", value=value
        )
    value = limits.max_xml_elements
    return LimitExceeded(Message(TOO_MANY_ELEMENTS, {"limit": value}), limit="max_xml_elements", value=value)


def grouped(number: int) -> str:
    """A whole number with its thousands grouped the active language's way."""
    return number_format(number, decimal_pos=0, force_grouping=True)


def _megabytes(size: int) -> str:
    whole = size % MEGABYTE == 0
    return number_format(size / MEGABYTE, decimal_pos=0 if whole else 1, force_grouping=True)


# --- Wordings -----------------------------------------------------------------------------------

EMPTY = "tables.empty"
NOT_A_TABLE = "tables.not_a_table"
OLD_EXCEL = "tables.old_excel"
TOO_LARGE = "tables.too_large"
NOT_UTF8 = "tables.not_utf8"
NOT_CSV = "tables.not_csv"
NOT_A_WORKBOOK = "tables.not_a_workbook"
ENCRYPTED = "tables.encrypted"
UNPACKS_TOO_LARGE = "tables.unpacks_too_large"
FORMULA_WITHOUT_VALUE = "tables.formula_without_value"
TOO_MANY_ROWS = "tables.too_many_rows"
TOO_MANY_COLUMNS = "tables.too_many_columns"
CELL_TOO_LONG = "tables.cell_too_long"
TEXT_TOO_LONG = "tables.text_too_long"
TOO_MANY_ENTRIES = "tables.too_many_entries"
TOO_MANY_ELEMENTS_PER_ROW = "tables.too_many_elements_per_row"
TOO_MANY_ELEMENTS = "tables.too_many_elements"


@wording(EMPTY)
def _empty() -> str:
    return _("The file is empty: its first row must name the columns.")


@wording(NOT_A_TABLE)
def _not_a_table() -> str:
    return _("Only CSV and XLSX files can be imported.")


@wording(OLD_EXCEL)
def _old_excel() -> str:
    return _("Old Excel files (.xls) cannot be read. Save the file as .xlsx or .csv.")


@wording(TOO_LARGE)
def _too_large(size: int) -> str:
    return _("The file is larger than %(limit)s MB: split it and import the parts one after the other.") % {
        "limit": _megabytes(size)
    }


@wording(NOT_UTF8)
def _not_utf8() -> str:
    return _("The file is not UTF-8 text. Save it as CSV with the UTF-8 encoding and import it again.")


@wording(NOT_CSV)
def _not_csv(reason: str) -> str:
    return _("The file cannot be read as CSV: %(reason)s.") % {"reason": reason}


@wording(NOT_A_WORKBOOK)
def _not_a_workbook() -> str:
    return _("The file cannot be read as an Excel workbook (XLSX).")


@wording(ENCRYPTED)
def _encrypted() -> str:
    return _("The workbook is protected with a password: save it without one and import it again.")


@wording(UNPACKS_TOO_LARGE)
def _unpacks_too_large(size: int) -> str:
    return _("The workbook unpacks to more than %(limit)s MB: save it as CSV and import that instead.") % {
        "limit": _megabytes(size)
    }


@wording(FORMULA_WITHOUT_VALUE)
def _formula_without_value_text(row: int, column: str, cell: str) -> str:
    return _(
        "Row %(row)s, column %(column)s (cell %(cell)s) holds a formula without its value: open the file in a "
        "spreadsheet program, save it again (or paste the values in place of the formulas) and import it again."
    ) % {"row": grouped(row), "column": column, "cell": cell}


@wording(TOO_MANY_ROWS)
def _too_many_rows(limit: int) -> str:
    return ngettext(
        "The file has more than %(limit)s row: split it and import the parts one after the other.",
        "The file has more than %(limit)s rows: split it and import the parts one after the other.",
        limit,
    ) % {"limit": grouped(limit)}


@wording(TOO_MANY_COLUMNS)
def _too_many_columns_text(limit: int) -> str:
    return ngettext(
        "The file has more than %(limit)s column: delete the columns that are not needed and import it again.",
        "The file has more than %(limit)s columns: delete the columns that are not needed and import it again.",
        limit,
    ) % {"limit": grouped(limit)}


@wording(CELL_TOO_LONG)
def _cell_too_long_text(row: int, limit: int) -> str:
    return ngettext(
        "Row %(row)s has a cell of more than %(limit)s character: shorten it and import the file again.",
        "Row %(row)s has a cell of more than %(limit)s characters: shorten it and import the file again.",
        limit,
    ) % {"row": grouped(row), "limit": grouped(limit)}


@wording(TEXT_TOO_LONG)
def _text_too_long_text(limit: int) -> str:
    return ngettext(
        "The workbook holds a text of more than %(limit)s character: shorten it and import the file again.",
        "The workbook holds a text of more than %(limit)s characters: shorten it and import the file again.",
        limit,
    ) % {"limit": grouped(limit)}


@wording(TOO_MANY_ENTRIES)
def _too_many_entries_text(limit: int) -> str:
    return ngettext(
        "The workbook is made of more than %(limit)s file inside (zip entries): "
        "save it as CSV and import that instead.",
        "The workbook is made of more than %(limit)s files inside (zip entries): "
        "save it as CSV and import that instead.",
        limit,
    ) % {"limit": grouped(limit)}


@wording(TOO_MANY_ELEMENTS_PER_ROW)
def _too_many_elements_per_row_text(limit: int) -> str:
    return ngettext(
        "A row or text of the workbook holds more than %(limit)s XML element: save it as CSV and import that instead.",
        "A row or text of the workbook holds more than %(limit)s XML elements: save it as CSV and import that instead.",
        limit,
    ) % {"limit": grouped(limit)}


@wording(TOO_MANY_ELEMENTS)
def _too_many_elements_text(limit: int) -> str:
    return ngettext(
        "The workbook holds more than %(limit)s XML element outside the rows of its sheets: "
        "save it as CSV and import that instead.",
        "The workbook holds more than %(limit)s XML elements outside the rows of its sheets: "
        "save it as CSV and import that instead.",
        limit,
    ) % {"limit": grouped(limit)}
