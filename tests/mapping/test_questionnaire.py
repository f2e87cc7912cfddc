"""The questionnaire as data: its wording in every language of the app, and its checks across
questions (one question against another, or the sum of several against another)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.utils import translation

from tandem.mapping.rules.questionnaire import DEFINITIONS, Definition, validate
from tandem.mapping.rules.standards import STANDARDS_DIR
from tests.factories import COMPLETE_VALUES

# Every language the app offers, as the catalogues name them (Django's "sr-latn" is "sr_Latn").
CATALOGUE_LANGUAGES = ("en", "sq", "sr_Latn", "sr", "bs", "mk", "hr", "tr", "cnr")
CATALOGUES = [DEFINITIONS / "mapping-v1.json", STANDARDS_DIR / "istanbul-article-16.json"]
SUM_MESSAGE = "More women and men facilitators together than trained facilitators."
CHOICES = {"programmes": ["AL-TIR-01"], "regions": ["AL-11"]}


def shipped_data() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((DEFINITIONS / "mapping-v1.json").read_text(encoding="utf-8"))
    return data


def shipped() -> Definition:
    return Definition.from_json(shipped_data())


def wordings(node: Any, where: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every ``{language: text}`` object of a catalogue (an object with an English text), with
    where it is."""
    if isinstance(node, dict):
        if "en" in node:
            yield where, node
            return
        for key, value in node.items():
            yield from wordings(value, f"{where}/{key}")
    elif isinstance(node, list):
        for position, value in enumerate(node):
            yield from wordings(value, f"{where}/{position}")


def answer(**changes: Any) -> dict[str, Any]:
    """A complete answer with ``changes``; a change to None leaves the question unanswered."""
    values = {**COMPLETE_VALUES, "programme": "AL-TIR-01", "regions_served": ["AL-11"], **changes}
    return {name: value for name, value in values.items() if value is not None}


def facilitators(*, trained: int | None, women: int | None, men: int | None) -> dict[str, Any]:
    return answer(facilitators_trained=trained, facilitators_women=women, facilitators_men=men)


def problems_of(values: dict[str, Any]) -> list[tuple[str, str]]:
    return [(problem.question, problem.message) for problem in validate(shipped(), values, CHOICES)]


def with_check(**check: Any) -> dict[str, Any]:
    data = shipped_data()
    data["checks"].append({"op": "lte", "message": {"en": "Too many."}, **check})
    return data


# --- Wording --------------------------------------------------------------------------------


def test_the_catalogue_languages_are_the_languages_the_app_offers() -> None:
    offered = {code.replace("sr-latn", "sr_Latn") for code, _name in settings.LANGUAGES}
    assert set(CATALOGUE_LANGUAGES) == offered


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda path: path.name)
def test_every_wording_of_the_catalogue_is_in_all_nine_languages(path: Any) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    missing = [
        (where, language)
        for where, texts in wordings(data)
        for language in CATALOGUE_LANGUAGES
        if not str(texts.get(language, "")).strip()
    ]
    assert missing == []


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda path: path.name)
def test_the_catalogue_is_written_one_space_indented_and_unescaped(path: Any) -> None:
    text = path.read_text(encoding="utf-8")
    assert text == json.dumps(json.loads(text), indent=1, ensure_ascii=False) + "\n"


# --- Checks ---------------------------------------------------------------------------------


def test_more_women_and_men_facilitators_together_than_trained_ones_is_a_problem() -> None:
    values = facilitators(trained=12, women=12, men=12)
    assert problems_of(values) == [("facilitators_women", SUM_MESSAGE)]


def test_a_complete_answer_has_no_problem() -> None:
    assert problems_of(answer()) == []


def test_women_and_men_facilitators_adding_up_to_the_trained_ones_is_no_problem() -> None:
    assert problems_of(facilitators(trained=12, women=5, men=7)) == []


@pytest.mark.parametrize("left_out", ["trained", "women", "men"])
def test_a_sum_check_is_skipped_while_one_of_its_questions_is_unanswered(left_out: str) -> None:
    numbers: dict[str, int | None] = {"trained": 10, "women": 6, "men": 6}
    numbers[left_out] = None
    assert problems_of(facilitators(**numbers)) == []


def test_a_sum_check_is_shown_in_the_language_of_the_page() -> None:
    with translation.override("hr"):
        problems = validate(shipped(), facilitators(trained=2, women=2, men=2), CHOICES)
    assert [problem.message for problem in problems] == [
        "Broj voditeljica i voditelja muškaraca zajedno veći je od broja osposobljenih voditelja i voditeljica grupa."
    ]


def test_a_single_question_check_still_compares_one_question_with_another() -> None:
    assert problems_of(answer(men_started_12m=5, men_completed_12m=9)) == [
        ("men_completed_12m", "More men completed than started in the last 12 months."),
    ]


@pytest.mark.parametrize(
    ("check", "message"),
    [
        (
            {"left": ["facilitators_women", "facilitators_girls"], "right": "facilitators_trained"},
            "check facilitators_women + facilitators_girls lte facilitators_trained: "
            "unknown question 'facilitators_girls'",
        ),
        (
            {"left": ["facilitators_women", "facilitators_men"], "right": "facilitators_all"},
            "unknown question 'facilitators_all'",
        ),
        (
            {"left": ["facilitators_women", "status"], "right": "facilitators_trained"},
            "question 'status' is not a number (select_one)",
        ),
        (
            {"left": ["facilitators_women", "facilitators_men"], "right": "comments"},
            "question 'comments' is not a number (text)",
        ),
        ({"left": "status", "right": "facilitators_trained"}, "question 'status' is not a number (select_one)"),
        (
            {"left": ["facilitators_women", "facilitators_women"], "right": "facilitators_trained"},
            "'left' must name one question, or several different ones",
        ),
        ({"left": [], "right": "facilitators_trained"}, "'left' must name one question, or several different ones"),
        ({"left": ["facilitators_women", 3], "right": "facilitators_trained"}, "'left' must be a question's name"),
        ({"left": ["facilitators_women"], "right": ["facilitators_trained"]}, "'right' must be a question's name"),
        (
            {"left": ["facilitators_women", "facilitators_men"], "op": "lt", "right": "facilitators_trained"},
            "unknown operator 'lt'",
        ),
    ],
)
def test_a_malformed_check_is_refused_when_the_questionnaire_is_loaded(check: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        Definition.from_json(with_check(**check))


def test_the_shipped_questionnaire_sums_women_and_men_facilitators_against_the_trained_ones() -> None:
    sums = [check for check in shipped().checks if len(check.left_names) > 1]
    assert [(check.left_names, check.op, check.right) for check in sums] == [
        (("facilitators_women", "facilitators_men"), "lte", "facilitators_trained")
    ]
