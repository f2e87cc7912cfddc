"""Curricula as data: the shipped curriculum is well formed, sourced and worded in every language
of the region, a malformed file is refused naming its field, and a man's attendance is counted
against the curriculum's own rule for completion, catch-ups and dosage."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from tandem.groups.rules.curriculum import (
    Curriculum,
    CurriculumError,
    completes,
    curriculum_files,
    dosage,
    entry_points,
    missed_catch_ups,
    parse_curriculum,
    shipped_curriculum,
)

LANGUAGES = ("en", "sq", "sr_Latn", "sr", "bs", "mk", "hr", "tr", "cnr")


def session(number: int, key: str, *, catch_up: bool = False) -> dict[str, Any]:
    return {
        "number": number,
        "key": key,
        "title": {"en": key.title()},
        "aims": {"en": f"Aims of {key}"},
        "duration": 120,
        "materials": [{"en": "Flipchart"}],
        "catch_up": catch_up,
    }


def small(**rules: Any) -> dict[str, Any]:
    """Five sessions in two modules (1–3 and 4–5); session 2 must be made up when missed; four
    sessions complete."""
    return {
        "key": "small",
        "version": 1,
        "title": {"en": "Small"},
        "description": {"en": "For tests"},
        "sources": ["A test"],
        "weeks": 5,
        "minimum_attendance": {"sessions": 4},
        "rolling_entry_points": [1, 4],
        "modules": [
            {
                "key": "one",
                "title": {"en": "One"},
                "sessions": [session(1, "a"), session(2, "b", catch_up=True), session(3, "c")],
            },
            {"key": "two", "title": {"en": "Two"}, "sessions": [session(4, "d"), session(5, "e")]},
        ],
        **rules,
    }


def curriculum(**rules: Any) -> Curriculum:
    return parse_curriculum(small(**rules), origin="small.json")


# --- Completion, catch-up and dosage ------------------------------------------------------------


def test_attending_the_minimum_with_every_catch_up_completes() -> None:
    assert completes(curriculum(), {1, 2, 3, 4})


def test_attending_fewer_than_the_minimum_does_not_complete() -> None:
    assert not completes(curriculum(), {1, 2, 3})


def test_a_missed_catch_up_session_prevents_completion_even_above_the_minimum() -> None:
    assert not completes(curriculum(), {1, 3, 4, 5})


def test_missed_catch_ups_names_the_sessions_still_to_make_up() -> None:
    assert [s.key for s in missed_catch_ups(curriculum(), {1, 3})] == ["b"]
    assert missed_catch_ups(curriculum(), {2}) == []


def test_a_minimum_stated_as_a_share_is_rounded_up_to_whole_sessions() -> None:
    # 0.7 of 5 sessions is 3.5: a man must attend 4.
    shared = curriculum(minimum_attendance={"share": 0.7})
    assert (shared.minimum_sessions, shared.minimum_share) == (4, 0.7)
    assert not completes(shared, {1, 2, 3}) and completes(shared, {1, 2, 3, 4})


def test_a_share_is_counted_exactly_not_in_floating_point() -> None:
    # 0.6 × 5 is 3.0000000000000004 in floating point, which would wrongly ask for 4.
    assert curriculum(minimum_attendance={"share": 0.6}).minimum_sessions == 3


def test_dosage_counts_sessions_and_the_modules_fully_covered() -> None:
    measured = dosage(curriculum(), {1, 2, 3, 5})
    assert (measured.sessions_attended, measured.sessions_total, measured.modules_covered) == (4, 5, 1)
    assert measured.share == pytest.approx(0.8)


def test_dosage_of_no_attendance_is_zero() -> None:
    measured = dosage(curriculum(), set())
    assert (measured.sessions_attended, measured.modules_covered, measured.share) == (0, 0, 0)


def test_a_session_number_outside_the_curriculum_is_refused_not_counted() -> None:
    with pytest.raises(ValueError, match="small-1 has sessions 1 to 5, not 0, 6"):
        dosage(curriculum(), {1, 6, 0})


def test_entry_points_are_the_listed_module_starts_in_order() -> None:
    assert entry_points(curriculum(rolling_entry_points=[4, 1])) == [1, 4]


def test_sessions_are_found_by_number_with_their_module() -> None:
    found = curriculum().session(4)
    assert found is not None and (found.key, found.module) == ("d", "two")
    assert curriculum().session(6) is None


# --- Malformed files ----------------------------------------------------------------------------


def broken(change: Any) -> dict[str, Any]:
    data = copy.deepcopy(small())
    change(data)
    return data


def first_session(data: dict[str, Any]) -> dict[str, Any]:
    first: dict[str, Any] = data["modules"][0]["sessions"][0]
    return first


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.pop("minimum_attendance"), "small.json: 'minimum_attendance' is missing"),
        (lambda d: d.update(version=0), "'version' must be a whole number from 1"),
        (lambda d: d.update(sources=[]), "'sources' must list"),
        (lambda d: d.update(title={"en": "Small", "sq": "E vogël"}), "module 'one': title: no text in sq"),
        (lambda d: first_session(d).update(aims={"en": "A", "de": "B"}), "session 'a': aims: de is not a language"),
        (
            lambda d: first_session(d).update(title={"sq": "A"}),
            "session 'a': title: an English text ('en') is required",
        ),
        (lambda d: d["modules"][1].update(key="one"), "module 'one': the key is used twice"),
        (lambda d: d["modules"][1]["sessions"][0].update(key="a"), "session 'a': the key is used twice"),
        (lambda d: d["modules"][1]["sessions"][0].update(number=5), "session 'd': 'number' must be 4"),
        (lambda d: first_session(d).update(number=True), "session 'a': 'number' must be 1"),
        (lambda d: first_session(d).update(duration=0), "session 'a': 'duration' must be a positive whole number"),
        (lambda d: first_session(d).update(duration="90"), "session 'a': 'duration' must be a positive whole number"),
        (lambda d: first_session(d).update(materials="Flipchart"), "session 'a': 'materials' must be a list"),
        (lambda d: first_session(d).update(catch_up="yes"), "session 'a': 'catch_up' must be true or false"),
        (lambda d: first_session(d).pop("catch_up"), "session 1: 'catch_up' is missing"),
        (lambda d: d["modules"][1].update(sessions=[]), "module 'two': 'sessions' must be a non-empty list"),
        (lambda d: d.update(minimum_attendance={"sessions": 6}), "'sessions' must be a whole number from 1 to 5"),
        (lambda d: d.update(minimum_attendance={"share": 1.5}), "'share' must be a number above 0 and at most 1"),
        (lambda d: d.update(minimum_attendance={"sessions": 4, "share": 0.8}), "give either"),
        (
            lambda d: d.update(rolling_entry_points=[1, 3]),
            "rolling_entry_points: 3 is not the first session of a module (1, 4)",
        ),
        (lambda d: d.update(rolling_entry_points=[1, 1]), "rolling_entry_points: a session is listed twice"),
        (lambda d: d.update(rolling_entry_points=[]), "rolling_entry_points: must list session numbers"),
        (lambda d: d.update(weeks=4), "'weeks' must be a whole number of at least 5"),
    ],
)
def test_a_malformed_curriculum_is_refused_naming_the_field(change: Any, message: str) -> None:
    with pytest.raises(CurriculumError) as refused:
        parse_curriculum(broken(change), origin="small.json")
    assert message in str(refused.value)


def test_a_curriculum_that_is_not_an_object_is_refused() -> None:
    with pytest.raises(CurriculumError) as refused:
        parse_curriculum([], origin="small.json")
    assert str(refused.value) == "small.json: expected an object"


# --- The shipped curriculum ---------------------------------------------------------------------


def test_the_shipped_curriculum_is_found_by_its_key_and_by_its_version() -> None:
    assert "tandem-generic-1" in curriculum_files()
    assert shipped_curriculum("tandem-generic") == shipped_curriculum("tandem-generic-1")


def test_an_unknown_curriculum_is_refused_naming_what_is_shipped() -> None:
    with pytest.raises(CurriculumError) as refused:
        shipped_curriculum("unheard-of")
    assert str(refused.value).startswith("no curriculum 'unheard-of' (shipped: ")
    assert "tandem-generic-1" in str(refused.value)


def test_every_shipped_file_holds_the_version_its_name_says() -> None:
    for name in curriculum_files():
        assert shipped_curriculum(name).name == name


def test_the_shipped_curriculum_runs_26_to_30_weekly_sessions_numbered_in_order() -> None:
    shipped = shipped_curriculum("tandem-generic")
    numbers = [s.number for s in shipped.sessions]
    assert 26 <= len(numbers) <= 30 and shipped.weeks >= len(numbers)
    assert numbers == list(range(1, len(numbers) + 1))
    assert len({s.key for s in shipped.sessions}) == len(numbers)


def test_the_shipped_curriculum_asks_at_least_22_sessions_and_admits_at_module_starts() -> None:
    shipped = shipped_curriculum("tandem-generic")
    assert shipped.minimum_sessions >= 22
    assert entry_points(shipped)[0] == 1
    assert set(entry_points(shipped)) <= {module.first for module in shipped.modules}


def test_the_shipped_curriculum_makes_the_opening_and_the_plan_to_stop_catch_ups() -> None:
    shipped = shipped_curriculum("tandem-generic")
    catch_ups = {s.key for s in shipped.sessions if s.catch_up}
    assert {"why_we_are_here", "plan_to_stop", "separation", "staying_non_violent"} <= catch_ups
    # The catch-ups fit within the minimum: the rule asks no more sessions than it states.
    assert len(catch_ups) <= shipped.minimum_sessions


def test_the_shipped_curriculum_lists_its_sources_and_uses_no_programmes_wording() -> None:
    shipped = shipped_curriculum("tandem-generic")
    assert any("Article 16" in source for source in shipped.sources)
    assert any("22 weeks" in source for source in shipped.sources)
    assert any("no wording taken from any published programme manual" in source for source in shipped.sources)


def test_every_wording_of_the_shipped_curriculum_is_in_every_language() -> None:
    data = json.loads(curriculum_files()["tandem-generic-1"].read_text(encoding="utf-8"))
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
    assert len(wordings) > 60
    for wording in wordings:
        assert set(wording) == set(LANGUAGES), wording["en"]
        assert all(text.strip() for text in wording.values()), wording["en"]
    assert shipped_curriculum("tandem-generic").languages == LANGUAGES


def test_the_shipped_curriculum_reads_in_the_language_asked_for() -> None:
    opening = shipped_curriculum("tandem-generic").sessions[0]
    assert opening.text("sq") == "Pse jemi këtu"
    assert opening.text("sr") == "Зашто смо овде"
    assert opening.text("sr-latn") == "Zašto smo ovde"
    assert len(opening.materials_text("mk")) == 2
