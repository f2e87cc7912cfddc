"""Writing XLSForm workbooks, for collecting answers in the field with KoboToolbox or ODK.

An XLSForm is a workbook of three sheets: ``survey`` (one row per question), ``choices`` (the
answers of the select questions) and ``settings``. Every language gets its own column per kind
of text, named as pyxform expects: ``label::Albanian (sq)``. The rows are given with short keys
(``label:sq``), and only the columns some row fills are written.

Every cell goes through ``core.spreadsheets``: a label that starts with ``=`` stays text, as
written, and never becomes a formula.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping, Sequence

from django.utils import translation
from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from tandem.core.spreadsheets import append_row

# XLSForm language columns name a language and its code, e.g. ``label::Albanian (sq)``.
LANGUAGE_COLUMNS = {
    "en": "English (en)",
    "sq": "Albanian (sq)",
    "sr_Latn": "Serbian Latin (sr-Latn)",
    "sr": "Serbian Cyrillic (sr-Cyrl)",
    "bs": "Bosnian (bs)",
    "mk": "Macedonian (mk)",
    "hr": "Croatian (hr)",
    "tr": "Turkish (tr)",
    "cnr": "Montenegrin (cnr)",
}
DEFAULT_LANGUAGE = "en"
# The kinds of text that are written once per language, in this order after the other columns.
TRANSLATED = ("label", "hint", "required_message", "constraint_message")

Row = Mapping[str, str | None]


def language_column(code: str) -> str:
    return LANGUAGE_COLUMNS.get(code, f"{code} ({code.replace('_', '-')})")


def languages_of(codes: Sequence[str]) -> list[str]:
    """The languages of a form, the default one first."""
    return [DEFAULT_LANGUAGE, *(code for code in codes if code != DEFAULT_LANGUAGE)]


def django_language(code: str) -> str:
    # Questionnaires name Serbian in Latin script "sr_Latn"; Django calls it "sr-latn".
    return code.lower().replace("_", "-")


def in_language(code: str, message: Callable[[], str]) -> str:
    """A message of Tandem's own catalogues, written in one of a form's languages."""
    with translation.override(django_language(code)):
        return message()


def translated_columns(base: Sequence[str], languages: Sequence[str], rows: Sequence[Row]) -> list[str]:
    """The columns of a sheet: those of ``base`` that some row fills (or that are never
    translated), then each kind of translated text, language by language."""
    present = {key for row in rows for key in row}
    columns = [column for column in base if column in present or ":" not in column]
    for kind in TRANSLATED:
        columns.extend(f"{kind}:{lang}" for lang in languages if f"{kind}:{lang}" in present)
    return columns


def write_sheet(sheet: Worksheet, columns: Sequence[str], rows: Sequence[Row], headers: Mapping[str, str]) -> None:
    # Labels are people's text (programme names among them): a label starting with "=" is text.
    append_row(sheet, [headers.get(column, column) for column in columns])
    for row in rows:
        append_row(sheet, [row.get(column) for column in columns])


def build_workbook(
    *,
    languages: Sequence[str],
    survey: tuple[Sequence[str], Sequence[Row]],
    choices: tuple[Sequence[str], Sequence[Row]],
    settings: Mapping[str, str],
) -> Workbook:
    """The XLSForm workbook: ``survey`` and ``choices`` are each (the columns that may be
    written, the rows), ``settings`` the one row of the settings sheet by column."""
    headers = {f"{kind}:{lang}": f"{kind}::{language_column(lang)}" for kind in TRANSLATED for lang in languages}
    workbook = Workbook()
    del workbook[workbook.sheetnames[0]]
    for name, (base, rows) in (("survey", survey), ("choices", choices)):
        write_sheet(workbook.create_sheet(name), translated_columns(base, languages, rows), rows, headers)
    settings_sheet = workbook.create_sheet("settings")
    append_row(settings_sheet, list(settings))
    append_row(settings_sheet, list(settings.values()))
    return workbook


def workbook_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
