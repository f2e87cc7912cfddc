"""The questionnaire of a round as an XLSForm: pyxform converts it, every language and choice
list is in it, and what KoboToolbox exports from it imports back unchanged."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from pyxform.xls2xform import convert  # type: ignore[import-untyped]

from tandem import cli
from tandem.core.models import AuditEntry
from tandem.mapping.actions.imports import import_answers
from tandem.mapping.models import Programme, SurveyAnswer, SurveyRound
from tandem.mapping.render.xlsform import build_xlsform, xlsform_bytes
from tests import factories
from tests.conftest import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def survey_round(world: World) -> SurveyRound:
    return factories.survey_round(owner=world.network, countries=["AL", "XK"])


@pytest.fixture
def tirana(world: World) -> Programme:
    return factories.programme("Tirana programme", provider=world.org, country="AL", region="AL-11")


def xform_of(survey_round: SurveyRound, warnings: list[str] | None = None) -> str:
    return str(convert(xlsform=xlsform_bytes(survey_round), file_type=".xlsx", warnings=warnings).xform)


def sheet_rows(survey_round: SurveyRound, name: str) -> list[dict[str, Any]]:
    sheet = build_xlsform(survey_round)[name]
    header, *rows = [
        [str(value) if value is not None else None for value in row] for row in sheet.iter_rows(values_only=True)
    ]
    return [dict(zip(map(str, header), row, strict=True)) for row in rows]


def test_pyxform_converts_the_form_without_error(survey_round: SurveyRound, tirana: Programme) -> None:
    warnings: list[str] = []
    xform = xform_of(survey_round, warnings)
    assert "<h:title>Mapping of perpetrator programmes: " in xform
    # pyxform knows only single-subtag language codes; sr-Latn and sr-Cyrl are right all the same.
    assert [w for w in warnings if "language declarations" not in w] == []


def test_the_form_has_a_column_for_every_language_of_the_questionnaire(
    survey_round: SurveyRound, tirana: Programme
) -> None:
    header = next(build_xlsform(survey_round)["survey"].iter_rows(values_only=True))
    assert [name for name in header if str(name).startswith("label::")] == [
        "label::English (en)",
        "label::Albanian (sq)",
        "label::Serbian Latin (sr-Latn)",
        "label::Serbian Cyrillic (sr-Cyrl)",
        "label::Bosnian (bs)",
        "label::Macedonian (mk)",
        "label::Croatian (hr)",
        "label::Turkish (tr)",
        "label::Montenegrin (cnr)",
    ]


def test_the_xform_carries_every_translation(survey_round: SurveyRound, tirana: Programme) -> None:
    xform = xform_of(survey_round)
    for language in ("English (en)", "Albanian (sq)", "Serbian Latin (sr-Latn)", "Serbian Cyrillic (sr-Cyrl)"):
        assert f'<translation lang="{language}"' in xform
    assert '<translation lang="English (en)" default="true()">' in xform


def test_a_text_not_yet_translated_falls_back_to_english(survey_round: SurveyRound, tirana: Programme) -> None:
    definition = survey_round.questionnaire.definition
    definition["sections"][1]["questions"][1]["label"] = {"en": "Places a year?", "sq": "Vende në vit?"}
    survey_round.questionnaire.save()
    row = next(r for r in sheet_rows(survey_round, "survey") if r["name"] == "places_per_year")
    assert (row["label::Albanian (sq)"], row["label::Bosnian (bs)"]) == ("Vende në vit?", "Places a year?")


def test_the_xform_has_a_choice_from_every_list(survey_round: SurveyRound, tirana: Programme) -> None:
    xform = xform_of(survey_round)
    for list_name, choice in (("status", "functioning"), ("programmes", tirana.code), ("regions", "XK-D01")):
        assert f'<instance id="{list_name}">' in xform
        assert f"<name>{choice}</name>" in xform
    assert "<value>Tirana programme (" in xform


def test_sections_are_groups_named_as_the_section(survey_round: SurveyRound, tirana: Programme) -> None:
    xform = xform_of(survey_round)
    assert '<bind nodeset="/data/availability/places_per_year" type="int"' in xform
    assert '<group ref="/data/survivor_safety">' in xform


def test_limits_and_cross_field_checks_are_constraints_with_a_message(
    survey_round: SurveyRound, tirana: Programme
) -> None:
    row = next(r for r in sheet_rows(survey_round, "survey") if r["name"] == "men_completed_12m")
    assert row["constraint"] == ". >= 0 and . <= 100000 and (${men_started_12m} = '' or . <= ${men_started_12m})"
    assert row["constraint_message::English (en)"] == (
        "Enter a whole number from 0 to 100000. More men completed than started in the last 12 months."
    )
    assert row["type"] == "integer"


def test_a_check_on_a_sum_is_a_constraint_on_its_first_question(survey_round: SurveyRound, tirana: Programme) -> None:
    row = next(r for r in sheet_rows(survey_round, "survey") if r["name"] == "facilitators_women")
    assert row["constraint"].endswith(
        "(${facilitators_men} = '' or ${facilitators_trained} = '' "
        "or . + ${facilitators_men} <= ${facilitators_trained})"
    )
    assert (
        "More women and men facilitators together than trained facilitators." in row["constraint_message::English (en)"]
    )


def test_select_questions_name_their_list_and_required_ones_say_so(
    survey_round: SurveyRound, tirana: Programme
) -> None:
    rows = {row["name"]: row for row in sheet_rows(survey_round, "survey")}
    assert (rows["programme"]["type"], rows["programme"]["required"]) == ("select_one programmes", "yes")
    assert rows["regions_served"]["type"] == "select_multiple regions"


def test_the_settings_name_the_round(survey_round: SurveyRound, tirana: Programme) -> None:
    (settings,) = sheet_rows(survey_round, "settings")
    assert settings["form_id"] == f"tandem_mapping_round_{survey_round.pk}"
    assert settings["default_language"] == "English (en)"


def test_the_cli_writes_the_form(
    survey_round: SurveyRound, tirana: Programme, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "form.xlsx"
    assert cli.main(["mapping", "xlsform", "--round", str(survey_round.pk), "--output", str(output)]) == 0
    assert load_workbook(output).sheetnames == ["survey", "choices", "settings"]
    assert str(output) in capsys.readouterr().out
    assert AuditEntry.objects.filter(action="mapping.xlsform_exported", actor_label="command line").exists()


def test_the_cli_refuses_a_round_without_programmes_in_one_line(
    survey_round: SurveyRound, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.main(["mapping", "xlsform", "--round", str(survey_round.pk), "--output", str(tmp_path / "f.xlsx")])
    assert exited.value.code == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 1


# --- Round trip -------------------------------------------------------------------------------


def kobo_columns(survey_round: SurveyRound) -> dict[str, str]:
    """Question name → the column KoboToolbox exports it under: its group path from the form."""
    groups: list[str] = []
    columns: dict[str, str] = {}
    for row in sheet_rows(survey_round, "survey"):
        if row["type"] == "begin_group":
            groups.append(row["name"])
        elif row["type"] == "end_group":
            groups.pop()
        else:
            columns[row["name"]] = "/".join([*groups, row["name"]])
    return columns


def kobo_export(survey_round: SurveyRound, answers: list[dict[str, Any]], split: set[str]) -> bytes:
    """A CSV as Kobo writes it: metadata, group-prefixed columns, select-multiple answers joined by
    spaces and also split into one 1/0 column per choice, "n/a" where nothing was given."""
    columns = kobo_columns(survey_round)
    choices: dict[str, list[str]] = {}
    for row in sheet_rows(survey_round, "choices"):
        choices.setdefault(row["list_name"], []).append(row["name"])
    lists = {row["name"]: row["type"].split()[-1] for row in sheet_rows(survey_round, "survey") if " " in row["type"]}
    header = ["start", "end"]
    for name, column in columns.items():
        header.append(column)
        if name in split:
            header.extend(f"{column}/{choice}" for choice in choices[lists[name]])
    header += ["meta/instanceID", "_id", "_uuid", "_submission_time", "_validation_status", "_index"]
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(header)
    for number, values in enumerate(answers, start=1):
        cells = ["2026-03-01T10:00:00.000+01:00", "2026-03-01T10:30:00.000+01:00"]
        for name in columns:
            value = values.get(name)
            cells.append(" ".join(value) if isinstance(value, list) else "n/a" if value is None else str(value))
            if name in split:
                cells.extend("1" if choice in (value or []) else "0" for choice in choices[lists[name]])
        cells += [f"uuid:{number}", str(number), str(number), "2026-03-01T10:31:00", "", str(number)]
        writer.writerow(cells)
    return out.getvalue().encode("utf-8-sig")


def test_answers_exported_by_kobo_from_the_form_import_back_unchanged(
    survey_round: SurveyRound, tirana: Programme, world: World
) -> None:
    vlora = factories.programme("Vlorë programme", provider=world.other_org, country="AL", region="AL-12")
    answers = [
        {
            **factories.COMPLETE_VALUES,
            "programme": tirana.code,
            "regions_served": ["AL-11", "AL-02"],
            "comments": "Groups in Albanian; individual work in English",
        },
        {
            **factories.COMPLETE_VALUES,
            "programme": vlora.code,
            "regions_served": ["AL-12"],
            "funding_sources": ["state", "international"],
        },
    ]
    answers[1].pop("places_per_year")  # exported as "n/a"
    content = kobo_export(survey_round, answers, split={"regions_served", "languages"})
    result = import_answers(survey_round=survey_round, filename="kobo.csv", content=content, acting_user=None)
    assert result.created == 2
    stored = {a.programme.code: a.values for a in SurveyAnswer.objects.filter(round=survey_round)}
    assert stored == {tirana.code: answers[0], vlora.code: answers[1]}


def test_the_people_running_a_round_download_its_xlsform(client, world) -> None:
    from tests.conftest import sign_in

    survey_round = factories.survey_round(owner=world.network, countries=["AL"])
    factories.programme("In Albania")
    sign_in(client, world.analyst)
    response = client.get(f"/programmes/rounds/{survey_round.pk}/xlsform.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response.content[:2] == b"PK"


def test_a_programme_not_to_be_published_is_listed_by_its_reference_only(world, survey_round: SurveyRound) -> None:
    hidden = factories.programme("Secret shelter programme", provider=world.org, publish=False)
    workbook = load_workbook(io.BytesIO(xlsform_bytes(survey_round)))
    cells = [str(cell) for row in workbook["choices"].iter_rows(values_only=True) for cell in row if cell]
    assert hidden.code in cells
    assert not any("Secret shelter programme" in cell for cell in cells)
