"""Reading a file of questionnaires collected in the field (a KoboToolbox or ODK export of the
form ``outcomes.xlsform`` writes, as CSV or XLSX), pure: the table read within the limits of
``core.tables``, each column matched to a field of the form, each row turned into the answers
of one time point, and everything wrong found on the way, each problem naming its row (as a
spreadsheet counts them: the column names are row 1) and its column (as named in the file).

Column names are the form's field names, plain (``m_phys_1``) or behind the group path Kobo and
ODK write (``physical/m_phys_1``, ODK Central's ``physical-m_phys_1``); the metadata columns
those tools add to every export are ignored (``core.table_imports``). An answer is its scale's
value as the form's export holds it (``2``, or ``2.0`` from a workbook); a blank cell or ``na``
is "not answered". A row is refused whole when it was collected with another questionnaire or
another version of it: answers are only comparable within one version.

Nothing here reads the database: whether the point exists, is in reach and is open is for the
action (``import_actions``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext as _

from tandem.core import tables
from tandem.core.table_imports import Found, blank_cell, blank_row, field_for, is_meta_column
from tandem.core.tables import Message, Raw, Table, wording
from tandem.outcomes.rules.field_numbers import field_number, point_of
from tandem.outcomes.rules.instruments import PARTNER, Instrument, Item
from tandem.outcomes.xlsform import (
    ANSWERED_ON,
    CHANNEL,
    INSTRUMENT,
    LANGUAGE,
    NOT_ANSWERED,
    POINT,
    fields_of,
    quiet_fields,
)
from tandem.survivors.models import Channel

# A programme's questionnaires of a year fit with room to spare; the limits guard the server.
LIMITS = tables.DEFAULT_LIMITS


@dataclass(frozen=True)
class FieldRow:
    """A row without problems of its own: the answers given at one time point."""

    row: int
    point_id: int
    answered_on: date
    language: str
    channel: str
    values: dict[str, int | None]


@dataclass
class FieldFile:
    """What a file holds: its good rows, the problems of the others, and where each field's
    column is (index, name as in the file)."""

    rows: list[FieldRow] = field(default_factory=list)
    problems: Found = field(default_factory=list)
    columns: dict[str, tuple[int, str]] = field(default_factory=dict)
    data_rows: int = 0
    width: int = 0

    def column(self, name: str) -> tuple[int, str]:
        return self.columns.get(name, (-1, name))


def read_table(filename: str, content: bytes) -> Table:
    """The table in an uploaded file, within the limits of an upload (``UnreadableFile`` else)."""
    return tables.read_table(filename, content, LIMITS)


def read_answers(instrument: Instrument, table: Table) -> FieldFile:
    """Every row of ``table`` read as answers to ``instrument``; nothing written."""
    found = FieldFile(width=len(table.headers))
    _map_columns(instrument, table.headers, found)
    items = {item.key: item for item in instrument.items}
    seen: dict[int, int] = {}
    for offset, cells in enumerate(table.rows):
        if blank_row(cells):
            continue
        found.data_rows += 1
        row = _read_row(instrument, items, offset + 2, cells, found)
        if row is None:
            continue
        first = seen.setdefault(row.point_id, row.row)
        if first != row.row:
            found.problems.append(
                (
                    row.row,
                    *found.column(POINT),
                    Message(POINT_TWICE, {"point": field_number(row.point_id), "row": first}),
                    "",
                )
            )
            continue
        found.rows.append(row)
    if not found.data_rows:
        found.problems.append((1, -1, "", Message(NO_ROWS), ""))
    found.problems.sort(key=lambda problem: (problem[0], problem[1]))
    return found


def _map_columns(instrument: Instrument, headers: Sequence[str], found: FieldFile) -> None:
    names = {name: name for name in fields_of(instrument)}
    quiet = {name: name for name in quiet_fields(instrument)}
    for index, header in enumerate(headers):
        if not header:
            continue
        name = field_for(header, names)
        if name is not None:
            if name in found.columns:
                words = Message(FIELD_TWICE, {"field": name, "column": found.columns[name][1]})
                found.problems.append((1, index, header, words, ""))
            else:
                found.columns[name] = (index, header)
        elif field_for(header, quiet) is None and not is_meta_column(header):
            found.problems.append((1, index, header, Message(NOT_A_FIELD), Message(FIELD_NAMES)))
    for name in names:
        if name not in found.columns:
            found.problems.append((1, len(headers), name, Message(NO_COLUMN, {"field": name}), ""))


def _cell(cells: Sequence[Raw], found: FieldFile, name: str) -> Raw:
    index = found.columns.get(name, (-1, ""))[0]
    return cells[index] if 0 <= index < len(cells) else None


def _read_row(
    instrument: Instrument, items: Mapping[str, Item], row: int, cells: Sequence[Raw], found: FieldFile
) -> FieldRow | None:
    problems: Found = []

    def problem(name: str, words: Message, allowed: Message | str = "") -> None:
        problems.append((row, *found.column(name), words, allowed))

    if INSTRUMENT in found.columns:
        given = _text(_cell(cells, found, INSTRUMENT))
        if given != instrument.name:
            problem(INSTRUMENT, _other_instrument(instrument, given))
            # Answers to another questionnaire say nothing about this one's items.
            found.problems.extend(problems)
            return None
    number = _whole(_cell(cells, found, POINT))
    point_id = point_of(number) if number is not None and number > 0 else None
    if point_id is None or point_id < 1:
        problem(POINT, Message(NOT_A_POINT, {"value": _text(_cell(cells, found, POINT))}))
    answered_on = _day(_cell(cells, found, ANSWERED_ON))
    if answered_on is None:
        problem(ANSWERED_ON, Message(NOT_A_DAY, {"value": _text(_cell(cells, found, ANSWERED_ON))}), Message(A_DAY))
    language = _text(_cell(cells, found, LANGUAGE))
    if language not in instrument.languages:
        allowed = Message(ONE_OF, {"choices": ", ".join(instrument.languages)})
        problem(LANGUAGE, Message(NOT_A_LANGUAGE, {"value": language}), allowed)
    channel = ""
    if instrument.respondent == PARTNER:
        channel = _text(_cell(cells, found, CHANNEL))
        if channel not in Channel.values:
            problem(
                CHANNEL,
                Message(NOT_A_CHANNEL, {"value": channel}),
                Message(ONE_OF, {"choices": ", ".join(Channel.values)}),
            )
    values: dict[str, int | None] = {}
    for key, item in items.items():
        raw = _cell(cells, found, key)
        value = _answer(raw)
        if (value is None and not _unanswered(raw)) or (value is not None and not item.scale.has(value)):
            scale = ", ".join([*(str(option.value) for option in item.scale.options), NOT_ANSWERED])
            problem(key, Message(NOT_ON_SCALE, {"value": _text(raw)}), Message(ONE_OF, {"choices": scale}))
            continue
        values[key] = value
    if len(cells) > found.width and not all(blank_cell(cell) for cell in cells[found.width :]):
        problems.append((row, found.width, "", Message(MORE_CELLS), ""))
    found.problems.extend(problems)
    if problems or point_id is None or answered_on is None:
        return None
    return FieldRow(row, point_id, answered_on, language, channel, values)


def _other_instrument(instrument: Instrument, given: str) -> Message:
    key, _dash, version = given.rpartition("-")
    if key == instrument.key and version.isdigit():
        return Message(OTHER_VERSION, {"found": int(version), "expected": instrument.version})
    return Message(OTHER_INSTRUMENT, {"found": given, "expected": instrument.name})


def _text(raw: Raw) -> str:
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return str(raw).strip()


def _whole(raw: Raw) -> int | None:
    """A whole number as a form's export holds it: ``7``, ``7.0`` from a workbook, or ``"7"``."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float):
        return int(raw) if raw.is_integer() else None
    text = _text(raw)
    # Longer than any number Tandem writes (and than Python reads without a limit): not a number.
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 40 else None


def _unanswered(raw: Raw) -> bool:
    return blank_cell(raw) or _text(raw).lower() == NOT_ANSWERED


def _answer(raw: Raw) -> int | None:
    if _unanswered(raw):
        return None
    text = _text(raw)
    if text.startswith("-") and text[1:].isdigit():
        return -int(text[1:])
    return _whole(raw)


def _day(raw: Raw) -> date | None:
    """A day as the exports write it: ``2026-03-31``, or a workbook's date (read as
    ``2026-03-31T00:00:00``)."""
    text = _text(raw)
    try:
        return date.fromisoformat(text.split("T", 1)[0])
    except ValueError:
        return None


# --- Wordings -----------------------------------------------------------------------------------

FIELD_TWICE = "outcomes.import.field_twice"
NOT_A_FIELD = "outcomes.import.not_a_field"
FIELD_NAMES = "outcomes.import.field_names"
NO_COLUMN = "outcomes.import.no_column"
NO_ROWS = "outcomes.import.no_rows"
POINT_TWICE = "outcomes.import.point_twice"
OTHER_VERSION = "outcomes.import.other_version"
OTHER_INSTRUMENT = "outcomes.import.other_instrument"
NOT_A_POINT = "outcomes.import.not_a_point"
NOT_A_DAY = "outcomes.import.not_a_day"
A_DAY = "outcomes.import.a_day"
NOT_A_LANGUAGE = "outcomes.import.not_a_language"
NOT_A_CHANNEL = "outcomes.import.not_a_channel"
NOT_ON_SCALE = "outcomes.import.not_on_scale"
ONE_OF = "outcomes.import.one_of"
MORE_CELLS = "outcomes.import.more_cells"


@wording(FIELD_TWICE)
def _field_twice(field: str, column: str) -> str:
    return _("The field %(field)s already has a column: %(column)s.") % {"field": field, "column": column}


@wording(NOT_A_FIELD)
def _not_a_field() -> str:
    return _("This column is not a field of the questionnaire's form.")


@wording(FIELD_NAMES)
def _field_names() -> str:
    return _(
        "the field names of the questionnaire's form, with or without group prefixes "
        "(export from KoboToolbox or ODK with XML values and headers)"
    )


@wording(NO_COLUMN)
def _no_column(field: str) -> str:
    return _(
        "The file has no column for the field %(field)s: export the answers of the questionnaire's form as they are."
    ) % {"field": field}


@wording(NO_ROWS)
def _no_rows() -> str:
    return _("The file has no rows of answers under its column names.")


@wording(POINT_TWICE)
def _point_twice(point: int, row: int) -> str:
    return _("The time point %(point)s is also answered in row %(row)s; a time point is answered once.") % {
        "point": point,
        "row": tables.grouped(row),
    }


@wording(OTHER_VERSION)
def _other_version(found: int, expected: int) -> str:
    return _(
        "This row was collected with version %(found)s of the questionnaire; this installation takes version "
        "%(expected)s. Collect it again with the current form."
    ) % {"found": found, "expected": expected}


@wording(OTHER_INSTRUMENT)
def _other_instrument_text(found: str, expected: str) -> str:
    return _(
        "This row holds answers to “%(found)s”, not to this questionnaire (%(expected)s): check which "
        "questionnaire's answers you are importing."
    ) % {"found": found, "expected": expected}


@wording(NOT_A_POINT)
def _not_a_point(value: str) -> str:
    return _(
        "“%(value)s” is not the number of a time point: copy the whole number printed beside it, whose last "
        "digit checks the others."
    ) % {"value": value}


@wording(NOT_A_DAY)
def _not_a_day(value: str) -> str:
    return _("“%(value)s” is not a day.") % {"value": value}


@wording(A_DAY)
def _a_day() -> str:
    return _("a day as the form's export writes it (year-month-day)")


@wording(NOT_A_LANGUAGE)
def _not_a_language(value: str) -> str:
    return _("“%(value)s” is not a language the questionnaire is written in.") % {"value": value}


@wording(NOT_A_CHANNEL)
def _not_a_channel(value: str) -> str:
    return _("“%(value)s” is not a way she can be reached.") % {"value": value}


@wording(NOT_ON_SCALE)
def _not_on_scale(value: str) -> str:
    return _("“%(value)s” is not an answer on this question's scale.") % {"value": value}


@wording(ONE_OF)
def _one_of(choices: str) -> str:
    return _("one of: %(choices)s") % {"choices": choices}


@wording(MORE_CELLS)
def _more_cells() -> str:
    return _("This row has more cells than the first row has column names.")
