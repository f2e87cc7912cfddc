"""Risk instruments as data: the shipped instrument is well formed and sourced, and a set of
answers is scored by the instrument's own points, thresholds and items that force a high level,
with what is not known counted and never read as "no"."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from tandem.risk.rules import (
    HIGH,
    MEDIUM,
    STANDARD,
    AnswerError,
    InstrumentError,
    instrument_files,
    parse_instrument,
    shipped_instrument,
)

LANGUAGES = ("en", "sq", "sr_Latn", "sr", "bs", "mk", "hr", "tr", "cnr")


def small() -> dict[str, Any]:
    """An instrument of three items: 2 and 3 points, and one that forces a high level alone."""
    yes_no = [
        {"value": "yes", "label": {"en": "Yes"}},
        {"value": "no", "label": {"en": "No"}},
        {"value": "unknown", "label": {"en": "Not known"}, "unknown": True},
    ]
    return {
        "key": "small",
        "version": 1,
        "title": {"en": "Small"},
        "description": {"en": "For tests"},
        "sources": ["A test"],
        "option_sets": {"yes_no": yes_no},
        "thresholds": {"medium": 2, "high": 5},
        "sections": [
            {
                "key": "one",
                "title": {"en": "One"},
                "items": [
                    {"key": "a", "text": {"en": "A"}, "options": "yes_no", "scores": {"yes": 2}},
                    {"key": "b", "text": {"en": "B"}, "options": "yes_no", "scores": {"yes": 3}},
                ],
            },
            {
                "key": "two",
                "title": {"en": "Two"},
                "items": [
                    {"key": "c", "text": {"en": "C"}, "options": "yes_no", "scores": {}, "forces_high": ["yes"]},
                ],
            },
        ],
    }


def answers(**values: str) -> dict[str, str]:
    return {"a": "no", "b": "no", "c": "no", **values}


def test_no_risk_factor_present_is_the_standard_level() -> None:
    result = parse_instrument(small()).score(answers())
    assert (result.score, result.level, result.most) == (0, STANDARD, 5)


def test_the_medium_threshold_is_reached_at_its_score() -> None:
    assert parse_instrument(small()).score(answers(a="yes")).level == MEDIUM


def test_the_high_threshold_is_reached_at_its_score() -> None:
    result = parse_instrument(small()).score(answers(a="yes", b="yes"))
    assert (result.score, result.level, result.forced_by) == (5, HIGH, ())


def test_an_item_that_forces_high_makes_the_level_high_whatever_the_score() -> None:
    result = parse_instrument(small()).score(answers(c="yes"))
    assert (result.score, result.level, result.forced_by) == (0, HIGH, ("c",))


def test_what_is_not_known_scores_nothing_and_is_named() -> None:
    result = parse_instrument(small()).score(answers(a="unknown", c="unknown"))
    assert (result.score, result.level, result.unknown) == (0, STANDARD, ("a", "c"))


def test_the_result_gives_each_sections_score() -> None:
    result = parse_instrument(small()).score(answers(b="yes"))
    assert result.as_dict()["sections"] == [{"key": "one", "score": 3}, {"key": "two", "score": 0}]


@pytest.mark.parametrize(
    ("given", "item", "message"),
    [
        (answers(a="maybe"), "a", '"maybe" is not one of its options (yes, no, unknown)'),
        ({**answers(), "a": 1}, "a", "1 is not one of its options (yes, no, unknown)"),
        ({**answers(), "a": True}, "a", "true is not one of its options (yes, no, unknown)"),
        ({**answers(), "a": None}, "a", "null is not one of its options (yes, no, unknown)"),
        ({"a": "no", "b": "no"}, "c", "not answered (answer 'unknown' where it is not known)"),
        (answers(d="yes"), "d", "no such item in this instrument"),
    ],
)
def test_a_bad_answer_is_refused_naming_its_item(given: dict[str, Any], item: str, message: str) -> None:
    with pytest.raises(AnswerError) as refused:
        parse_instrument(small()).score(given)
    assert (refused.value.item, refused.value.message) == (item, message)


def test_an_unknown_item_with_a_line_break_is_named_on_one_line() -> None:
    with pytest.raises(AnswerError) as refused:
        parse_instrument(small()).score({**answers(), "x\ny": "yes"})
    assert str(refused.value) == '"x\\ny": no such item in this instrument'


def test_a_wrong_answer_is_named_before_a_missing_one() -> None:
    with pytest.raises(AnswerError) as refused:
        parse_instrument(small()).score({"c": "maybe"})
    assert refused.value.item == "c"


def test_answers_that_are_not_an_object_are_refused() -> None:
    with pytest.raises(AnswerError, match="must be an object"):
        parse_instrument(small()).score(["a", "yes"])


def broken(change: Any) -> dict[str, Any]:
    data = copy.deepcopy(small())
    change(data)
    return data


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.pop("sources"), "'sources' is missing"),
        (lambda d: d.update(sources=[]), "'sources' must list"),
        (lambda d: d.update(thresholds={"medium": 5, "high": 2}), "0 < medium < high"),
        (lambda d: d["sections"][0]["items"][0].update(options="colours"), "must name one of the option sets"),
        (lambda d: d["sections"][0]["items"][0].update(scores={"perhaps": 1}), "'scores' must give points"),
        (lambda d: d["sections"][0]["items"][0].update(scores={"yes": -1}), "'scores' must give points"),
        (lambda d: d["sections"][0]["items"][0].update(scores={"unknown": 1}), "what is not known scores nothing"),
        (lambda d: d["sections"][1]["items"][0].update(key="a"), "the key is used twice"),
        (lambda d: d["sections"][0]["items"][0].update(forces_high=["perhaps"]), "'forces_high' must list"),
        (lambda d: d["sections"][0]["items"][0].update(text={"sq": "A"}), "an English text ('en') is required"),
        (lambda d: d.update(version=0), "'version' must be a whole number"),
    ],
)
def test_a_malformed_instrument_is_refused_naming_the_field(change: Any, message: str) -> None:
    with pytest.raises(InstrumentError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_instrument(broken(change), origin="small.json")


# --- The shipped instrument ---------------------------------------------------------------------


def test_the_shipped_instrument_is_found_by_its_key_and_by_its_version() -> None:
    assert "tandem-risk-1" in instrument_files()
    assert shipped_instrument("tandem-risk").version == shipped_instrument("tandem-risk-1").version == 1


def test_the_shipped_instrument_covers_the_factor_categories_and_lethality_factors() -> None:
    instrument = shipped_instrument("tandem-risk")
    items = {item.key for item in instrument.items}
    assert {section.key for section in instrument.sections} == {
        "current_incident",
        "abuse_history",
        "circumstances",
        "criminal_history",
    }
    assert {"strangulation", "threats_to_kill", "separation", "weapon", "stalking_control", "pregnancy"} <= items
    assert {item.key for item in instrument.items if item.forces_high} == {"strangulation", "threats_to_kill"}


def test_the_shipped_instrument_lists_its_sources_and_uses_no_instruments_wording() -> None:
    instrument = shipped_instrument("tandem-risk")
    assert any("SARA" in source for source in instrument.sources)
    assert all("no item wording used" in source for source in instrument.sources if "SARA" in source)


def test_every_wording_of_the_shipped_instrument_is_in_every_language() -> None:
    data = json.loads(instrument_files()["tandem-risk-1"].read_text(encoding="utf-8"))
    wordings: list[dict[str, str]] = []

    def collect(node: Any) -> None:
        if isinstance(node, dict):
            if "en" in node:
                wordings.append(node)
            else:
                for value in node.values():
                    collect(value)
        elif isinstance(node, list):
            for value in node:
                collect(value)

    collect(data)
    assert len(wordings) > 20
    for wording in wordings:
        assert set(wording) == set(LANGUAGES), wording["en"]
        assert all(text.strip() for text in wording.values()), wording["en"]


def test_the_shipped_instrument_gives_high_for_strangulation_alone() -> None:
    instrument = shipped_instrument("tandem-risk")
    given = {item.key: "no" for item in instrument.items} | {"strangulation": "yes"}
    assert instrument.score(given).level == HIGH
