"""The mapping indicators are data: a catalogue with their wording and their evidence."""

from __future__ import annotations

import copy
import json
import re
from typing import Any

import pytest

from tandem.mapping.rules.evidence import CatalogueError
from tandem.mapping.rules.indicators import (
    INDICATORS,
    INDICATORS_DIR,
    MAPPING_INDICATORS,
    WORDING,
    parse_indicators,
    questionnaire_problems,
    shipped_indicators,
)
from tandem.mapping.rules.questionnaire import DEFINITIONS, Definition

MAIN_LANGUAGES = ("en", "sq", "sr_Latn", "sr", "bs", "mk", "hr", "tr", "cnr")


def shipped_data() -> dict[str, Any]:
    return json.loads((INDICATORS_DIR / f"{MAPPING_INDICATORS}.json").read_text(encoding="utf-8"))


def test_the_shipped_indicators_are_the_ones_the_mapping_shows() -> None:
    assert shipped_indicators().indicators == INDICATORS
    assert [item.key for item in INDICATORS][:3] == ["functioning", "on_paper", "joint_planning"]


def test_every_indicator_is_worded_in_the_main_languages() -> None:
    for item in INDICATORS:
        for part in WORDING:
            missing = [lang for lang in MAIN_LANGUAGES if not item.wording[part].get(lang)]
            assert missing == [], (item.key, part)


def test_every_indicator_reads_a_question_and_choice_of_the_questionnaire() -> None:
    definition = Definition.from_json(json.loads((DEFINITIONS / "mapping-v1.json").read_text(encoding="utf-8")))
    assert questionnaire_problems(shipped_indicators(), definition) == []


def test_an_indicator_counts_its_evidence_among_those_who_answered_its_question() -> None:
    joint = next(item for item in INDICATORS if item.key == "joint_planning")
    assert joint.counts({"joint_planning": "joint_decisions"}) is True
    assert joint.counts({"joint_planning": "information"}) is False
    assert joint.counts({}) is None


def test_a_choice_among_several_is_found() -> None:
    state = next(item for item in INDICATORS if item.key == "state_funding")
    assert state.counts({"funding_sources": ["international", "state"]}) is True


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"target": 120}, "'target' must be a whole percentage"),
        ({"label": {"sq": "Funksionale"}}, "label: an English text ('en') is required"),
        ({"evidence": {"question": "status", "operator": "like", "value": "x"}}, "unknown operator 'like'"),
        ({"higher_is_better": "no"}, "'higher_is_better' must be true or false"),
    ],
)
def test_a_malformed_indicator_is_refused_naming_it(change: dict[str, Any], message: str) -> None:
    data = shipped_data()
    data["indicators"][0] = {**copy.deepcopy(data["indicators"][0]), **change}
    with pytest.raises(CatalogueError, match=re.escape(message)) as raised:
        parse_indicators(data, origin="mine.json")
    assert str(raised.value).startswith("mine.json: indicator 'functioning'")


def test_an_indicator_key_used_twice_is_refused() -> None:
    data = shipped_data()
    data["indicators"].append(copy.deepcopy(data["indicators"][0]))
    with pytest.raises(CatalogueError, match="the key is used twice"):
        parse_indicators(data)
