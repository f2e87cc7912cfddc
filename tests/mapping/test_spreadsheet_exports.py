"""A programme's name is typed by people: in the CSV and XLSX files Tandem writes, a name that
starts like a formula stays text that a spreadsheet shows and never runs."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.management import call_command
from openpyxl import load_workbook
from pyxform.xls2xform import convert  # type: ignore[import-untyped]

from tandem.mapping.models import AnswerStatus, Programme, SurveyRound
from tandem.mapping.render.xlsform import xlsform_bytes
from tests import factories

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("https://example.invalid","click")'


@pytest.fixture
def survey_round() -> SurveyRound:
    return factories.survey_round(countries=["AL"])


@pytest.fixture
def planted(survey_round: SurveyRound) -> Programme:
    """A programme named like a formula, with an answer published in the round."""
    programme = factories.programme(FORMULA, country="AL", region="AL-11")
    factories.survey_answer(survey_round, programme, status=AnswerStatus.PUBLISHED)
    return programme


def test_the_indicators_csv_starts_the_name_with_an_apostrophe(survey_round: SurveyRound, planted: Programme) -> None:
    out = io.StringIO()
    call_command("mapping_indicators", round=survey_round.pk, format="csv", stdout=out)
    header, *rows = csv.reader(io.StringIO(out.getvalue()))
    names = {row[header.index("name")] for row in rows if row[header.index("code")] == planted.code}
    assert names == {"'" + FORMULA}
    assert not any(cell.startswith("=") for row in rows for cell in row)


def test_the_xlsform_holds_the_name_as_text_not_as_a_formula(survey_round: SurveyRound, planted: Programme) -> None:
    content = xlsform_bytes(survey_round)
    choices = load_workbook(io.BytesIO(content))["choices"]
    header = [cell.value for cell in next(choices.iter_rows(max_row=1))]
    label = header.index("label::English (en)")
    (row,) = [row for row in choices.iter_rows(min_row=2) if row[header.index("name")].value == planted.code]
    assert (row[label].value, row[label].data_type) == (f"{FORMULA} ({planted.code})", "s")
    # pyxform reads the label as the text it is.
    xform = str(convert(xlsform=content, file_type=".xlsx").xform)
    assert f"<value>{FORMULA} ({planted.code})</value>" in xform
