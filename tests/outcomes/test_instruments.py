"""Outcome questionnaires as data: their format, the shipped ones, and scoring."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from tandem.outcomes.rules.instruments import (
    MAN,
    PARTNER,
    AnswerError,
    InstrumentError,
    current_instrument,
    parse_instrument,
    shipped_instruments,
)

MAIN_LANGUAGES = ("en", "sq", "sr_Latn", "sr", "bs", "mk")


def _texts(text: str) -> dict[str, str]:
    return {"en": text}


SMALL: dict[str, Any] = {
    "key": "small",
    "version": 1,
    "respondent": "partner",
    "title": _texts("Small"),
    "description": _texts("A small questionnaire."),
    "recall": _texts("The last three months."),
    "sources": ["Written for the test"],
    "languages": {"en": 1},
    "scales": {
        "frequency": {"options": [{"value": v, "label": _texts(str(v))} for v in range(4)]},
        "agreement": {"options": [{"value": v, "label": _texts(str(v))} for v in range(5)]},
    },
    "subscales": [
        {"key": "physical", "title": _texts("Physical"), "measure": "safety", "score": "any", "better": "lower"},
        {"key": "voice", "title": _texts("Voice"), "measure": "space_for_action", "score": "mean", "better": "higher"},
    ],
    "items": [
        {"key": "pushed", "subscale": "physical", "scale": "frequency", "text": _texts("Pushed")},
        {"key": "hit", "subscale": "physical", "scale": "frequency", "text": _texts("Hit")},
        {"key": "decide", "subscale": "voice", "scale": "agreement", "text": _texts("I decide")},
        {"key": "see", "subscale": "voice", "scale": "agreement", "text": _texts("I see friends")},
        {"key": "afraid", "subscale": "voice", "scale": "agreement", "text": _texts("I hold back"), "reversed": True},
        {"key": "money", "subscale": "voice", "scale": "agreement", "text": _texts("My money")},
    ],
}


@pytest.fixture
def small() -> Any:
    return parse_instrument(copy.deepcopy(SMALL))


def test_a_mean_subscale_counts_a_reversed_item_from_the_other_end(small: Any) -> None:
    answers = small.checked({"decide": 4, "see": 4, "afraid": 0, "money": 4})
    assert small.scores(answers)["voice"] == 4.0


def test_a_mean_subscale_needs_half_its_items_answered(small: Any) -> None:
    assert small.scores(small.checked({"decide": 2, "see": 4}))["voice"] == 3.0
    assert small.scores(small.checked({"decide": 2}))["voice"] is None


def test_violence_happened_when_any_item_is_above_never(small: Any) -> None:
    assert small.scores(small.checked({"pushed": 0, "hit": 2}))["physical"] == 1.0
    assert small.scores(small.checked({"pushed": 1}))["physical"] == 1.0


def test_no_violence_only_when_every_item_says_never(small: Any) -> None:
    assert small.scores(small.checked({"pushed": 0, "hit": 0}))["physical"] == 0.0


def test_an_unanswered_violence_item_is_never_read_as_never(small: Any) -> None:
    assert small.scores(small.checked({"pushed": 0}))["physical"] is None


def test_an_answer_off_its_scale_is_refused_naming_the_item(small: Any) -> None:
    with pytest.raises(AnswerError) as refused:
        small.checked({"hit": 7})
    assert refused.value.item == "hit"


def test_a_yes_is_not_a_number_on_the_scale(small: Any) -> None:
    with pytest.raises(AnswerError):
        small.checked({"hit": True})


def test_an_item_the_questionnaire_does_not_have_is_refused(small: Any) -> None:
    with pytest.raises(AnswerError) as refused:
        small.checked({"strangled": 1})
    assert refused.value.item == "strangled"


def test_every_item_is_kept_with_none_where_not_answered(small: Any) -> None:
    assert small.checked({"hit": 1}) == {
        "pushed": None,
        "hit": 1,
        "decide": None,
        "see": None,
        "afraid": None,
        "money": None,
    }


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (lambda d: d["items"][0].update(subscale="nowhere"), "pushed"),
        (lambda d: d["items"][0].update(scale="stars"), "pushed"),
        (lambda d: d["subscales"][0].update(measure="happiness"), "physical"),
        (lambda d: d["subscales"][0].update(score="median"), "physical"),
        (lambda d: d["items"][0].update(reversed=True), "physical"),
        (lambda d: d["items"].append(dict(d["items"][0])), "pushed"),
        (lambda d: d.update(respondent="child"), "respondent"),
        (lambda d: d.update(languages={"sq": 1}), "languages"),
    ],
)
def test_a_malformed_questionnaire_is_refused_naming_the_field(change: Any, named: str) -> None:
    data = copy.deepcopy(SMALL)
    change(data)
    with pytest.raises(InstrumentError, match=named):
        parse_instrument(data)


def test_tandem_ships_a_questionnaire_for_the_man_and_one_for_his_partner() -> None:
    assert current_instrument(MAN).respondent == MAN
    assert current_instrument(PARTNER).respondent == PARTNER


@pytest.mark.parametrize("respondent", [MAN, PARTNER])
def test_the_shipped_questionnaires_are_written_in_the_main_languages(respondent: str) -> None:
    instrument = current_instrument(respondent)
    for language in MAIN_LANGUAGES:
        assert instrument.translation_version(language) >= 1
        for item in instrument.items:
            assert item.text.get(language), (item.key, language)
        for subscale in instrument.subscales:
            assert subscale.title.get(language), (subscale.key, language)


def test_the_partner_questionnaire_covers_the_domains_of_the_brief() -> None:
    keys = {subscale.key for subscale in current_instrument(PARTNER).subscales}
    assert {
        "physical",
        "sexual",
        "psychological",
        "economic",
        "coercive_control",
        "fear",
        "children_exposure",
        "communication",
        "space_for_action",
        "safety",
    } <= keys


def test_his_subscales_share_the_keys_of_hers_so_that_they_stand_side_by_side() -> None:
    his = {subscale.key for subscale in current_instrument(MAN).subscales}
    hers = {subscale.key for subscale in current_instrument(PARTNER).subscales}
    assert {"physical", "sexual", "psychological", "economic", "coercive_control"} <= his & hers


def test_every_shipped_questionnaire_names_its_sources() -> None:
    for instrument in shipped_instruments():
        assert instrument.sources
