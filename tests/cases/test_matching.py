"""Is this man already known? Names match across Cyrillic and Latin, the region's diacritics,
Albanian and Slavic spellings and word order; an identity number or a date of birth makes a
weaker name match worth showing; a match is a suggestion, most likely first."""

from __future__ import annotations

from datetime import date

import pytest

from tandem.cases.rules.matching import (
    SAME_BIRTH_DATE,
    SAME_IDENTITY_NUMBER,
    SIMILAR_NAME,
    Person,
    Search,
    candidates,
    identity_key,
    name_score,
    name_skeleton,
)


@pytest.mark.parametrize(
    ("written", "also_written"),
    [
        ("Đorđe Đokić", "Ђорђе Ђокић"),  # Serbian, Latin and Cyrillic
        ("Djordje Djokic", "Đorđe Đokić"),  # without diacritics, đ as "dj"
        ("Dorde Dokic", "Đorđe Đokić"),  # without diacritics, đ as "d"
        ("Shkëlzen Berisha", "Шкељзен Бериша"),  # an Albanian name in Serbian Cyrillic
        ("Shkelzen Berisha", "Škeljzen Beriša"),  # Albanian and Slavic spelling in Latin
        ("Ѓорѓи Ќосевски", "Gjorgji Kjosevski"),  # Macedonian, Cyrillic and its usual Latin
        ("Ѓорѓи Ќосевски", "Đorđi Ćosevski"),  # Macedonian ѓ ќ as Serbian đ ć
        ("Ardian Çela", "Ardian Cela"),  # Albanian ç
        ("Petrović Marko", "Marko Petrović"),  # surname first
        ("  MARKO   petrović ", "Marko Petrović"),  # case and spaces
    ],
)
def test_one_name_in_different_writings_is_the_same_skeleton(written: str, also_written: str) -> None:
    assert name_score(written, also_written) == 100


def test_the_skeleton_is_latin_letters_without_diacritics() -> None:
    assert name_skeleton("Жељко Čačić-Ђурић") == "zelko cacic duric"


def test_different_names_score_low() -> None:
    assert name_score("Marko Petrović", "Ana Jovanović") < 60


def test_an_empty_name_matches_nothing() -> None:
    assert name_score("", "Marko Petrović") == 0
    assert name_score("—", "—") == 0


def test_identity_numbers_compare_without_spaces_dashes_or_case() -> None:
    assert identity_key(" 0101980-71 0012 ") == identity_key("0101980710012")
    assert identity_key("i12345678a") == "I12345678A"


KNOWN = [
    (1, Person("Ђорђе Ђокић", date(1980, 1, 1), "0101980710012")),
    (2, Person("Marko Petrović", date(1975, 5, 5))),
    (3, Person("Mirko Petrović", date(1990, 3, 3))),
    (4, Person("Ana Jovanović")),
]


def test_the_same_man_written_in_another_script_is_found() -> None:
    found = candidates(Person("Djordje Djokic"), KNOWN)
    assert [(c.key, c.reasons) for c in found] == [(1, (SIMILAR_NAME,))]


def test_a_similar_name_with_the_same_date_of_birth_is_found_from_a_lower_score() -> None:
    person = Person("Marko Petrovićević", date(1975, 5, 5))
    assert name_score(person.name, "Marko Petrović") < 90
    found = candidates(person, KNOWN)
    assert found[0].key == 2
    assert found[0].reasons == (SAME_BIRTH_DATE, SIMILAR_NAME)


def test_the_same_identity_number_is_found_whatever_the_name() -> None:
    found = candidates(Person("Someone Else", identity_number="0101980-710012"), KNOWN)
    assert [(c.key, c.reasons) for c in found] == [(1, (SAME_IDENTITY_NUMBER,))]


def test_a_date_of_birth_alone_is_no_match() -> None:
    assert candidates(Person("Ana Jovanović", date(1975, 5, 5)), KNOWN[:3]) == []


def test_the_most_likely_come_first() -> None:
    person = Person("Marko Petrović", date(1990, 3, 3))
    assert [c.key for c in candidates(person, KNOWN)] == [3, 2]


# --- Searching by name ---------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["Petrović", "Петровић", "petrovic", "PETROVICH", "Marko", "Марко Петровић"])
def test_a_search_finds_a_name_in_any_script_case_or_diacritics(typed: str) -> None:
    assert Search.of(typed).finds_name("Marko Petrović")


def test_a_search_finds_a_name_by_the_beginning_of_its_words_in_any_order() -> None:
    assert Search.of("petr mar").finds_name("Marko Petrović")


def test_a_search_finds_a_name_typed_with_a_slip() -> None:
    assert Search.of("Petrovix").finds_name("Marko Petrović")


def test_every_word_typed_must_be_in_the_name() -> None:
    assert not Search.of("Marko Jovanović").finds_name("Marko Petrović")


def test_without_beginnings_only_whole_words_are_found() -> None:
    assert not Search.of("Mar").finds_name("Marija Petrović", beginnings=False)
    assert Search.of("Marija").finds_name("Marija Petrović", beginnings=False)


def test_a_search_with_no_letters_finds_no_name() -> None:
    assert not Search.of("—").finds_name("Marko Petrović")
    assert not Search.of("").finds_name("Marko Petrović")


@pytest.mark.parametrize(("typed", "number"), [("1234", 1234), (" #1234 ", 1234), ("0", None), ("12a", None)])
def test_a_search_of_digits_is_a_case_number(typed: str, number: int | None) -> None:
    assert Search.of(typed).number == number


def test_a_run_of_digits_too_long_for_a_case_is_no_case_number() -> None:
    assert Search.of("9" * 40).number is None


@pytest.mark.parametrize("typed", ["Ilindenska 12", "12 Ilindenska", "ИЛИНДЕНСКА 12", "ilindenska"])
def test_an_address_holds_the_whole_words_typed_in_any_order_or_script(typed: str) -> None:
    assert Search.of(typed).finds_in_address("ul. Ilindenska br. 12, Skopje")


def test_part_of_a_word_is_not_found_in_an_address() -> None:
    assert not Search.of("Ilinden").finds_in_address("ul. Ilindenska br. 12, Skopje")
    assert not Search.of("Ilindenska 14").finds_in_address("ul. Ilindenska br. 12, Skopje")
