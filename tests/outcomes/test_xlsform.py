"""Each outcome questionnaire as an XLSForm: pyxform converts it, every question and every
language is in it, and the fields the import reads back are there."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from pyxform.xls2xform import convert  # type: ignore[import-untyped]

from tandem import cli
from tandem.core.xlsforms import build_workbook, language_column, workbook_bytes
from tandem.outcomes.rules.instruments import RESPONDENTS, current_instrument
from tandem.outcomes.xlsform import build_xlsform, fields_of, xlsform_bytes


def xform_of(respondent: str, warnings: list[str] | None = None) -> str:
    return str(convert(xlsform=xlsform_bytes(respondent), file_type=".xlsx", warnings=warnings).xform)


def sheet_rows(respondent: str, name: str) -> list[dict[str, Any]]:
    sheet = build_xlsform(respondent)[name]
    header, *rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    return [dict(zip(map(str, header), row, strict=True)) for row in rows]


@pytest.mark.parametrize("respondent", RESPONDENTS)
def test_pyxform_converts_each_questionnaire_without_error(respondent: str) -> None:
    warnings: list[str] = []
    xform = xform_of(respondent, warnings)
    assert f"<h:title>{current_instrument(respondent).text('en')}</h:title>" in xform
    # pyxform knows only single-subtag language codes; sr-Latn and sr-Cyrl are right all the same.
    assert [w for w in warnings if "language declarations" not in w] == []


@pytest.mark.parametrize("respondent", RESPONDENTS)
def test_every_item_is_a_question_of_its_scale_with_not_answered(respondent: str) -> None:
    instrument = current_instrument(respondent)
    questions = {row["name"]: row["type"] for row in sheet_rows(respondent, "survey")}
    choices = sheet_rows(respondent, "choices")
    for item in instrument.items:
        assert questions[item.key] == f"select_one {item.scale.name}"
        names = [row["name"] for row in choices if row["list_name"] == item.scale.name]
        assert names == [*(str(option.value) for option in item.scale.options), "na"]


@pytest.mark.parametrize("respondent", RESPONDENTS)
def test_every_language_of_the_questionnaire_has_its_label_column(respondent: str) -> None:
    instrument = current_instrument(respondent)
    header = next(build_xlsform(respondent)["survey"].iter_rows(values_only=True))
    labels = [str(name) for name in header if str(name).startswith("label::")]
    assert sorted(labels) == sorted(f"label::{language_column(code)}" for code in instrument.languages)


@pytest.mark.parametrize("respondent", RESPONDENTS)
def test_every_item_is_worded_in_every_language(respondent: str) -> None:
    instrument = current_instrument(respondent)
    rows = {row["name"]: row for row in sheet_rows(respondent, "survey")}
    for item in instrument.items:
        for code in instrument.languages:
            assert rows[item.key][f"label::{language_column(code)}"] == item.wording(code)


@pytest.mark.parametrize("respondent", RESPONDENTS)
def test_the_xform_carries_every_translation_english_first(respondent: str) -> None:
    xform = xform_of(respondent)
    for code in current_instrument(respondent).languages:
        assert f'<translation lang="{language_column(code)}"' in xform
    assert '<translation lang="English (en)" default="true()">' in xform


@pytest.mark.parametrize("respondent", RESPONDENTS)
def test_the_form_carries_the_questionnaire_key_and_version(respondent: str) -> None:
    instrument = current_instrument(respondent)
    survey = {row["name"]: row for row in sheet_rows(respondent, "survey")}
    assert survey["instrument"]["type"] == "calculate"
    assert survey["instrument"]["calculation"] == f"'{instrument.key}-{instrument.version}'"
    (settings,) = sheet_rows(respondent, "settings")
    assert settings["form_id"] == f"{instrument.key}-{instrument.version}"
    assert str(settings["version"]).startswith(f"{instrument.version}.")
    assert settings["default_language"] == "English (en)"


@pytest.mark.parametrize("respondent", RESPONDENTS)
def test_the_form_asks_for_the_point_and_the_day_it_was_answered(respondent: str) -> None:
    survey = {row["name"]: row for row in sheet_rows(respondent, "survey")}
    assert (survey["point"]["type"], survey["point"]["required"]) == ("integer", "yes")
    assert (survey["answered_on"]["type"], survey["answered_on"]["required"]) == ("date", "yes")
    assert set(fields_of(current_instrument(respondent))) <= set(survey)


def test_only_her_form_asks_how_she_was_reached() -> None:
    assert "channel" in {row["name"] for row in sheet_rows("partner", "survey")}
    assert "channel" not in {row["name"] for row in sheet_rows("man", "survey")}


def test_the_texts_of_tandem_itself_are_written_in_each_language() -> None:
    survey = {row["name"]: row for row in sheet_rows("man", "survey")}
    assert survey["point"]["label::English (en)"] == "Number of the time point"
    # Every language column is filled, from Tandem's catalogues or, untranslated, in English.
    assert all(survey["point"][f"label::{language_column(code)}"] for code in current_instrument("man").languages)


def test_a_label_that_starts_like_a_formula_is_written_as_text() -> None:
    label = '=HYPERLINK("https://example.org", "x")'
    book = build_workbook(
        languages=["en"],
        survey=(["type", "name"], [{"type": "note", "name": "n", "label:en": label}]),
        choices=(["list_name", "name"], []),
        settings={"form_id": "f"},
    )
    reread = load_workbook(io.BytesIO(workbook_bytes(book)))
    cell = reread["survey"]["C2"]
    assert (cell.value, cell.data_type) == (label, "s")


# --- From the command line ----------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("respondent", RESPONDENTS)
def test_the_cli_writes_the_form_of_each_questionnaire(
    respondent: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / f"{respondent}.xlsx"
    assert cli.main(["outcomes", "xlsform", "--respondent", respondent, "--output", str(output)]) == 0
    written = load_workbook(output)
    assert written.sheetnames == ["survey", "choices", "settings"]
    assert written["settings"]["B2"].value == current_instrument(respondent).name
    assert str(output) in capsys.readouterr().out


@pytest.mark.django_db
def test_the_cli_refuses_a_folder_that_does_not_exist_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.main(["outcomes", "xlsform", "--respondent", "man", "--output", str(tmp_path / "no" / "f.xlsx")])
    assert exited.value.code == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 1
