"""Standards as data: the Article 16 catalogue, its format, and judging an answer against it."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest

from tandem.mapping.rules.questionnaire import DEFINITIONS, Definition
from tandem.mapping.rules.standards import (
    ARTICLE_16,
    MET,
    NO_EVIDENCE,
    NOT_MET,
    StandardError,
    load_standard,
    parse_standard,
    questionnaire_problems,
    shipped_standard,
    shipped_standards,
)
from tests.factories import COMPLETE_VALUES

LANGUAGES = ("en", "sq", "sr_Latn", "sr", "bs", "mk", "hr", "tr", "cnr")


def catalogue(**criterion: Any) -> dict[str, Any]:
    """A one-criterion catalogue in the standards format, with the criterion's fields changed."""
    item = {
        "key": "contact",
        "label": {"en": "Partner contact"},
        "explanation": {"en": "Contact is offered."},
        "weight": 1,
        "evidence": {"question": "partner_contact", "operator": "in", "value": ["yes"]},
        **criterion,
    }
    return {"key": "test", "version": 1, "title": {"en": "Test"}, "source": {"en": "A test"}, "criteria": [item]}


def test_the_article_16_catalogue_has_the_criteria_a_mapping_reports() -> None:
    keys = [criterion.key for criterion in shipped_standard(ARTICLE_16).criteria]
    assert keys == [
        "victim_safety",
        "specialist_cooperation",
        "survivors_informed",
        "risk_assessment",
        "functioning",
        "outcome_monitoring",
        "supervision",
        "cofacilitation",
    ]


def test_the_article_16_catalogue_names_its_source() -> None:
    standard = shipped_standard(ARTICLE_16)
    assert "Istanbul Convention" in standard.source_text("en")
    assert "Article 16" in standard.source_text("en")
    assert "Konventa e Stambollit" in standard.source_text("sq")
    assert "Истанбулска конвенција" in standard.source_text("sr")


def test_every_criterion_is_labelled_and_explained_in_the_main_languages() -> None:
    standard = shipped_standard(ARTICLE_16)
    for language in LANGUAGES:
        assert standard.title.get(language)
        for criterion in standard.criteria:
            assert criterion.label.get(language), (criterion.key, language)
            assert criterion.explanation.get(language), (criterion.key, language)


def test_serbian_cyrillic_texts_are_in_cyrillic() -> None:
    standard = shipped_standard(ARTICLE_16)
    for criterion in standard.criteria:
        assert not re.search("[A-Za-z]", criterion.label["sr"] + criterion.explanation["sr"]), criterion.key


def test_the_catalogue_refers_only_to_questions_and_choices_of_the_questionnaire() -> None:
    definition = Definition.from_json(json.loads((DEFINITIONS / "mapping-v1.json").read_text(encoding="utf-8")))
    assert questionnaire_problems(shipped_standard(ARTICLE_16), definition) == []


def test_a_criterion_naming_an_unknown_choice_is_reported_against_the_questionnaire() -> None:
    definition = Definition.from_json(json.loads((DEFINITIONS / "mapping-v1.json").read_text(encoding="utf-8")))
    standard = parse_standard(catalogue(evidence={"question": "partner_contact", "operator": "in", "value": ["si"]}))
    assert questionnaire_problems(standard, definition) == [
        "test: criterion 'contact': 'si' is not a choice of 'partner_contact'"
    ]


def test_every_shipped_catalogue_loads() -> None:
    assert ARTICLE_16 in [standard.key for standard in shipped_standards()]


def test_a_complete_answer_meets_every_criterion_and_scores_100() -> None:
    assessment = shipped_standard(ARTICLE_16).assess(COMPLETE_VALUES)
    assert assessment.score == 100
    assert assessment.all_met


def test_a_partial_answer_scores_the_weight_met_over_the_weight_with_evidence() -> None:
    values = {**COMPLETE_VALUES, "partner_contact": "no", "cofacilitation": "sometimes"}
    del values["supervision"]
    assessment = shipped_standard(ARTICLE_16).assess(values)
    assert assessment.outcome("victim_safety") == NOT_MET
    assert assessment.outcome("supervision") == NO_EVIDENCE
    assert assessment.met_weight == 5
    assert assessment.evidence_weight == 7
    assert assessment.score == pytest.approx(100 * 5 / 7)
    assert not assessment.all_met


def test_an_empty_answer_has_no_score() -> None:
    assessment = shipped_standard(ARTICLE_16).assess({})
    assert assessment.score is None
    assert {outcome for _key, outcome in assessment.outcomes} == {NO_EVIDENCE}
    assert not assessment.all_met


def test_an_answer_with_one_criterion_unanswered_does_not_meet_all_criteria() -> None:
    values = {**COMPLETE_VALUES}
    del values["outcome_monitoring"]
    assessment = shipped_standard(ARTICLE_16).assess(values)
    assert assessment.score == 100
    assert not assessment.all_met


def test_a_programme_that_ran_no_group_is_not_functioning() -> None:
    criterion = shipped_standard(ARTICLE_16).criterion("functioning")
    assert criterion.evaluate({"groups_12m": 0}) == NOT_MET
    assert criterion.evaluate({"groups_12m": 1}) == MET
    assert criterion.evaluate({}) == NO_EVIDENCE


def test_regular_supervision_is_external_or_internal() -> None:
    criterion = shipped_standard(ARTICLE_16).criterion("supervision")
    assert criterion.evaluate({"supervision": "internal"}) == MET
    assert criterion.evaluate({"supervision": "occasional"}) == NOT_MET


def test_contains_looks_for_a_choice_among_several() -> None:
    standard = parse_standard(
        catalogue(evidence={"question": "funding_sources", "operator": "contains", "value": "state"})
    )
    criterion = standard.criteria[0]
    assert criterion.evaluate({"funding_sources": ["international", "state"]}) == MET
    assert criterion.evaluate({"funding_sources": ["international"]}) == NOT_MET


def test_weights_count_in_the_score() -> None:
    data = catalogue(weight=3)
    data["criteria"].append({**copy.deepcopy(data["criteria"][0]), "key": "informed", "weight": 1})
    data["criteria"][1]["evidence"] = {"question": "survivors_informed", "operator": "in", "value": ["yes"]}
    assessment = parse_standard(data).assess({"partner_contact": "yes", "survivors_informed": "no"})
    assert assessment.score == 75


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"evidence": {"question": "partner_contact", "operator": "like", "value": "yes"}}, "unknown operator 'like'"),
        ({"evidence": {"question": "groups_12m", "operator": "gte", "value": "one"}}, "does not suit operator 'gte'"),
        ({"weight": 0}, "'weight' must be a positive number"),
        ({"label": {"sq": "Kontakt"}}, "label: an English text ('en') is required"),
        ({"evidence": {"question": "partner_contact", "operator": "in"}}, "'evidence' must have exactly"),
    ],
)
def test_a_malformed_criterion_is_refused_naming_it(change: dict[str, Any], message: str) -> None:
    with pytest.raises(StandardError, match=re.escape(message)) as raised:
        parse_standard(catalogue(**change), origin="qa.json")
    assert str(raised.value).startswith("qa.json: criterion 'contact'")


def test_a_criterion_key_used_twice_is_refused() -> None:
    data = catalogue()
    data["criteria"].append(copy.deepcopy(data["criteria"][0]))
    with pytest.raises(StandardError, match="the key is used twice"):
        parse_standard(data)


def test_a_catalogue_without_criteria_is_refused() -> None:
    with pytest.raises(StandardError, match="'criteria' must be a non-empty list"):
        parse_standard({**catalogue(), "criteria": []})


def test_another_catalogue_in_the_same_format_loads_from_a_file(tmp_path: Path) -> None:
    path = tmp_path / "quality-assurance.json"
    path.write_text(json.dumps({**catalogue(), "key": "quality-assurance"}), encoding="utf-8")
    standard = load_standard(path)
    assert standard.key == "quality-assurance"
    assert standard.assess({"partner_contact": "yes"}).all_met


def test_a_file_that_is_not_json_is_refused_with_its_name(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text("{", encoding="utf-8")
    with pytest.raises(StandardError, match=r"^broken\.json: cannot be read as JSON"):
        load_standard(path)
