"""Is this man already known? Matching a referred person against the people a programme already
has, before a new record is made.

The same man is written in Cyrillic by a court in Serbia or North Macedonia, in Latin by a
centre for social work, with or without the region's diacritics (č ć š đ ž ë ç), and an Albanian
name may be spelt the Albanian way or the Slavic way ("Shkëlzen", "Škeljzen", "Шкељзен"). Names
are therefore compared by a skeleton: transliterated to Latin (``cyrtranslit``), without
diacritics, with the digraphs of the region's alphabets folded to one letter, then scored with
``rapidfuzz`` (word order does not count: "Petrović Marko" is "Marko Petrović").

A match is a suggestion, never a decision: the person making the record chooses an existing
record or confirms a new one. An identical identity number or date of birth makes a weaker name
match worth showing; a different date of birth makes a strong name match less likely, not
impossible (dates are mistyped).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from datetime import date

import cyrtranslit
from rapidfuzz import fuzz

# From this name score (0-100) on, a person is a candidate on the name alone; with the same
# date of birth from the lower one.
NAME_ALONE = 90
NAME_WITH_BIRTH_DATE = 75

SAME_IDENTITY_NUMBER, SAME_BIRTH_DATE, SIMILAR_NAME = "same_identity_number", "same_birth_date", "similar_name"

_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
# Letters the decomposition does not take apart, and the digraphs of the Albanian and Slavic
# alphabets, folded to one skeleton letter ("sh" and "š" both to "s", "gj" and "đ" both to "d").
# Macedonian ѓ and ќ (ǵ, ḱ in Latin; "gj", "kj" as often written) are Serbian đ and ć.
_LETTERS = str.maketrans({"đ": "dj", "ð": "dj", "ǵ": "dj", "ḱ": "c", "ł": "l", "ß": "ss", "ı": "i"})
_DIGRAPHS = (
    ("dzh", "dz"), ("xh", "dz"), ("gj", "d"), ("dj", "d"), ("kj", "c"), ("sh", "s"), ("zh", "z"), ("ch", "c"),
    ("lj", "l"), ("nj", "n"), ("th", "t"), ("dh", "d"), ("ll", "l"), ("rr", "r"), ("q", "c"), ("x", "dz"),
)  # fmt: skip
_NOT_LETTERS = re.compile(r"[^a-z ]+")
_NOT_LETTERS_OR_DIGITS = re.compile(r"[^a-z0-9 ]+")


@dataclass(frozen=True)
class Person:
    """What is known of a person for matching; any of it may be missing."""

    name: str
    birth_date: date | None = None
    identity_number: str = ""


@dataclass(frozen=True)
class Candidate:
    key: Hashable  # the existing record's id
    name_score: int
    reasons: tuple[str, ...]  # SAME_IDENTITY_NUMBER, SAME_BIRTH_DATE, SIMILAR_NAME, strongest first


def name_skeleton(name: str) -> str:
    """The name as it is compared: Latin letters without diacritics, digraphs folded, lower case,
    one space between words."""
    return _skeleton(name, _NOT_LETTERS)


def text_skeleton(text: str) -> str:
    """An address or a search as compared: the name's skeleton, with its digits kept (a house
    number, a postcode)."""
    return _skeleton(text, _NOT_LETTERS_OR_DIGITS)


def _skeleton(written: str, dropped: re.Pattern[str]) -> str:
    text = written.strip()
    if _CYRILLIC.search(text):
        # Macedonian first for its own letters (ѓ ќ ѕ), then Serbian for the rest.
        text = cyrtranslit.to_latin(text, "mk") if re.search("[ѓќѕЃЌЅ]", text) else cyrtranslit.to_latin(text, "sr")
    text = unicodedata.normalize("NFKD", text.casefold().translate(_LETTERS))
    text = "".join(char for char in text if not unicodedata.combining(char))
    text = dropped.sub(" ", text)
    for digraph, letter in _DIGRAPHS:
        text = text.replace(digraph, letter)
    return " ".join(text.split())


def name_score(first: str, second: str) -> int:
    """How alike two names are, 0 to 100, whatever the script, diacritics and word order."""
    left, right = name_skeleton(first), name_skeleton(second)
    if not left or not right:
        return 0
    return round(fuzz.token_sort_ratio(left, right))


def identity_key(number: str) -> str:
    """An identity number as compared: letters and digits only, upper case."""
    return "".join(char for char in number.upper() if char.isalnum())


def candidates(person: Person, known: Iterable[tuple[Hashable, Person]]) -> list[Candidate]:
    """The known people who may be ``person``, most likely first."""
    found = []
    skeleton = name_skeleton(person.name)
    identity = identity_key(person.identity_number)
    for key, other in known:
        score = round(fuzz.token_sort_ratio(skeleton, name_skeleton(other.name))) if skeleton else 0
        reasons = []
        if identity and identity == identity_key(other.identity_number):
            reasons.append(SAME_IDENTITY_NUMBER)
        same_birth = person.birth_date is not None and person.birth_date == other.birth_date
        if same_birth:
            reasons.append(SAME_BIRTH_DATE)
        if score >= (NAME_WITH_BIRTH_DATE if same_birth or reasons else NAME_ALONE):
            reasons.append(SIMILAR_NAME)
        if SIMILAR_NAME in reasons or SAME_IDENTITY_NUMBER in reasons:
            found.append(Candidate(key, score, tuple(reasons)))
    found.sort(key=lambda c: (SAME_IDENTITY_NUMBER not in c.reasons, SAME_BIRTH_DATE not in c.reasons, -c.name_score))
    return found


# --- Searching by name -----------------------------------------------------------------------------

# A word typed in a search is a word of a name when it is its beginning (on the case list, where
# a name is found as it is typed) or the whole word with a slip of the keyboard: one letter in
# five wrong, after the skeleton has already taken away the script, the diacritics and the
# spelling ("Petrovic", "Петровић" and "Petrović" are one word before any slip is counted).
WORD_ALIKE = 80
# The largest number a case can have (a 64-bit key); a longer run of digits is no case number.
LARGEST_NUMBER = 2**63 - 1


@dataclass(frozen=True)
class Search:
    """What was typed in a search box, as names and addresses are compared with it."""

    words: tuple[str, ...]  # the name's skeleton, word by word: letters only
    text: str  # the address skeleton of it: letters and digits
    number: int | None  # a case number ("1234" or "#1234"), when it is one

    @classmethod
    def of(cls, typed: str) -> Search:
        digits = typed.strip().removeprefix("#").strip()
        number = None
        if digits.isascii() and digits.isdigit() and len(digits) <= len(str(LARGEST_NUMBER)):
            number = int(digits) if 0 < int(digits) <= LARGEST_NUMBER else None
        return cls(words=tuple(name_skeleton(typed).split()), text=text_skeleton(typed), number=number)

    def finds_name(self, name: str, *, beginnings: bool = True) -> bool:
        """Whether every word typed is a word of the name, in any order and any script: its
        beginning (when ``beginnings``) or the whole word with a slip. Nothing typed finds
        nothing."""
        if not self.words or not name:
            return False
        written = name_skeleton(name).split()
        return all(
            any((beginnings and word.startswith(typed)) or fuzz.ratio(typed, word) >= WORD_ALIKE for word in written)
            for typed in self.words
        )

    def finds_in_address(self, address: str) -> bool:
        """Whether every word typed (letters and digits) is a whole word of the address, in any
        order: "Ilindenska 12" and "12 Ilindenska" are both in "ul. Ilindenska br. 12, Skopje";
        "Ilinden" is not (a part of a word would find too much)."""
        if not self.text or not address:
            return False
        written = set(text_skeleton(address).split())
        return all(typed in written for typed in self.text.split())
