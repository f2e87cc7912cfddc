"""Outcome questionnaires as data, and how a set of answers is scored against one.

A questionnaire is versioned JSON in ``outcomes/instruments/<key>-<version>.json``::

    {"key", "version", "respondent": "man" | "partner",
     "title": {lang: text}, "description": {lang: text}, "recall": {lang: text},
     "sources": [text], "languages": {lang: translation version},
     "scales": {name: {"options": [{"value": whole number, "label": {lang: text}}]}},
     "subscales": [{"key", "title": {lang: text}, "measure": MEASURES key,
                    "score": "any" | "mean", "better": "lower" | "higher"}],
     "items": [{"key", "subscale", "scale", "text": {lang: text}, "reversed"?: true}]}

Answers stay comparable across countries and over the years because an answer keeps the
questionnaire's key and version and the language with its translation version it was given in;
a changed wording is a new translation version, a changed item a new questionnaire version.

Every question may be left unanswered (``None``): nobody, least of all a survivor, must answer
what she does not want to. A sub-scale scores

* ``mean``: the mean of its answered items on the scale's own values, a reversed item counted
  from the other end, when at least half its items are answered (fewer say too little);
* ``any``: 1 when any answered item is above the scale's lowest value (it happened at all), 0
  when every item is answered at the lowest value, and no score when any item is unanswered
  and none is above the lowest: "not answered" is never read as "it did not happen".

Everything here is pure: the staff form, the partner's own page and the import score alike.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from tandem.core.catalogues import CatalogueError, key_of, read_catalogue, required, text_in, texts

INSTRUMENTS_DIR = Path(__file__).resolve().parent.parent / "instruments"

MAN, PARTNER = "man", "partner"
RESPONDENTS = (MAN, PARTNER)
MEAN, ANY = "mean", "any"
LOWER, HIGHER = "lower", "higher"

# Project Mirabal's six measures of success, the headings of the outcome report.
MEASURES = (
    "respectful_relationship",
    "space_for_action",
    "safety",
    "parenting",
    "awareness",
    "childhoods",
)


class InstrumentError(CatalogueError):
    """A questionnaire file that does not have the format; the message names the field."""


class AnswerError(ValueError):
    """Answers that do not fit the questionnaire; ``item`` names the item at fault."""

    def __init__(self, item: str, message: str) -> None:
        shown = item if item.isidentifier() else json.dumps(item, ensure_ascii=False)
        super().__init__(f"{shown}: {message}" if item else message)
        self.item = item
        self.message = message


@dataclass(frozen=True)
class Option:
    value: int
    label: Mapping[str, str]

    def text(self, language: str | None = None) -> str:
        return text_in(self.label, language)


@dataclass(frozen=True)
class Scale:
    name: str
    options: tuple[Option, ...]

    @property
    def lowest(self) -> int:
        return min(option.value for option in self.options)

    @property
    def highest(self) -> int:
        return max(option.value for option in self.options)

    def has(self, value: int) -> bool:
        return any(option.value == value for option in self.options)


@dataclass(frozen=True)
class Item:
    key: str
    subscale: str
    scale: Scale
    text: Mapping[str, str]
    reversed: bool

    def wording(self, language: str | None = None) -> str:
        return text_in(self.text, language)

    def counted(self, value: int) -> int:
        """The value as the sub-scale counts it: a reversed item from the other end."""
        return self.scale.lowest + self.scale.highest - value if self.reversed else value


@dataclass(frozen=True)
class Subscale:
    key: str
    title: Mapping[str, str]
    measure: str
    score: str
    better: str
    items: tuple[Item, ...]

    def text(self, language: str | None = None) -> str:
        return text_in(self.title, language)

    def score_of(self, answers: Mapping[str, int | None]) -> float | None:
        given = [(item, answers.get(item.key)) for item in self.items]
        answered = [(item, value) for item, value in given if value is not None]
        if self.score == ANY:
            if any(value > item.scale.lowest for item, value in answered):
                return 1.0
            return 0.0 if len(answered) == len(self.items) else None
        if not answered or 2 * len(answered) < len(self.items):
            return None
        return sum(item.counted(value) for item, value in answered) / len(answered)


@dataclass(frozen=True)
class Instrument:
    key: str
    version: int
    respondent: str
    title: Mapping[str, str]
    description: Mapping[str, str]
    recall: Mapping[str, str]
    sources: tuple[str, ...]
    languages: Mapping[str, int]
    subscales: tuple[Subscale, ...]

    @property
    def name(self) -> str:
        return f"{self.key}-{self.version}"

    def text(self, language: str | None = None) -> str:
        return text_in(self.title, language)

    @property
    def items(self) -> tuple[Item, ...]:
        return tuple(item for subscale in self.subscales for item in subscale.items)

    def item(self, key: str) -> Item | None:
        return next((item for item in self.items if item.key == key), None)

    def subscale(self, key: str) -> Subscale | None:
        return next((subscale for subscale in self.subscales if subscale.key == key), None)

    def translation_version(self, language: str) -> int:
        """The version of the wording in ``language`` (0 for a language it is not written in)."""
        return self.languages.get(language, 0)

    def checked(self, answers: Any) -> dict[str, int | None]:
        """Answers ``{item key: value or None}`` checked against the questionnaire, every item
        present (``None`` where not answered); AnswerError names the first item at fault."""
        if not isinstance(answers, Mapping):
            raise AnswerError("", "the answers must be an object of item keys and values")
        items = {item.key: item for item in self.items}
        for key, value in answers.items():
            item = items.get(key)
            if item is None:
                raise AnswerError(str(key), "no such item in this questionnaire")
            if value is None:
                continue
            if not isinstance(value, int) or isinstance(value, bool) or not item.scale.has(value):
                allowed = ", ".join(str(option.value) for option in item.scale.options)
                raise AnswerError(item.key, f"{_shown(value)} is not on its scale ({allowed}, or empty)")
        return {key: answers.get(key) for key in items}

    def scores(self, answers: Mapping[str, int | None]) -> dict[str, float | None]:
        """The score of every sub-scale, ``None`` where too little was answered."""
        return {subscale.key: subscale.score_of(answers) for subscale in self.subscales}

    def answered(self, answers: Mapping[str, int | None]) -> int:
        return sum(1 for item in self.items if answers.get(item.key) is not None)


def _shown(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


# --- Reading questionnaires ----------------------------------------------------------------------


def instrument_files() -> dict[str, Path]:
    """The shipped questionnaires by "<key>-<version>"."""
    return {path.stem: path for path in sorted(INSTRUMENTS_DIR.glob("*.json"))}


@cache
def shipped_instrument(name: str) -> Instrument:
    """A shipped questionnaire by "<key>-<version>"."""
    files = instrument_files()
    if name not in files:
        raise InstrumentError(f"no questionnaire {name!r} (shipped: {', '.join(files) or 'none'})")
    return parse_instrument(read_catalogue(files[name], InstrumentError), origin=files[name].name)


def shipped_instruments() -> list[Instrument]:
    return [shipped_instrument(name) for name in instrument_files()]


def current_instrument(respondent: str) -> Instrument:
    """The latest version of the questionnaire for ``respondent``: what new answers are given in."""
    found = [instrument for instrument in shipped_instruments() if instrument.respondent == respondent]
    if not found:
        raise InstrumentError(f"no questionnaire for the {respondent}")
    return max(found, key=lambda instrument: (instrument.key, instrument.version))


def parse_instrument(data: Any, *, origin: str = "questionnaire") -> Instrument:
    """Check the shape of a questionnaire and build it; InstrumentError names the first problem."""
    try:
        return _parse(data, origin)
    except InstrumentError:
        raise
    except CatalogueError as error:
        raise InstrumentError(str(error)) from None


def _parse(data: Any, origin: str) -> Instrument:
    fields = ("key", "version", "respondent", "title", "description", "recall", "sources", "languages")
    data = required(data, (*fields, "scales", "subscales", "items"), origin)
    key, version = key_of(data, origin), data["version"]
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise InstrumentError(f"{origin}: 'version' must be a whole number from 1")
    if data["respondent"] not in RESPONDENTS:
        raise InstrumentError(f"{origin}: 'respondent' must be one of {', '.join(RESPONDENTS)}")
    sources = data["sources"]
    if not isinstance(sources, list) or not sources or not all(isinstance(s, str) and s.strip() for s in sources):
        raise InstrumentError(f"{origin}: 'sources' must list what the questions draw on")
    languages = data["languages"]
    valid_languages = isinstance(languages, dict) and "en" in languages
    if not valid_languages or not all(
        isinstance(v, int) and not isinstance(v, bool) and v >= 1 for v in languages.values()
    ):
        raise InstrumentError(
            f"{origin}: 'languages' must give each language's translation version (from 1), English included"
        )
    scales = _scales(data["scales"], origin)
    items = _items(data["items"], scales, origin)
    subscales = _subscales(data["subscales"], items, origin)
    return Instrument(
        key=key,
        version=version,
        respondent=data["respondent"],
        title=texts(data["title"], f"{origin}: title"),
        description=texts(data["description"], f"{origin}: description"),
        recall=texts(data["recall"], f"{origin}: recall"),
        sources=tuple(sources),
        languages=dict(languages),
        subscales=subscales,
    )


def _scales(data: Any, origin: str) -> dict[str, Scale]:
    if not isinstance(data, dict) or not data:
        raise InstrumentError(f"{origin}: 'scales' must name at least one answer scale")
    scales: dict[str, Scale] = {}
    for name, raw in data.items():
        where = f"{origin}: scale '{name}'"
        entries = required(raw, ("options",), where)["options"]
        if not isinstance(entries, list) or len(entries) < 2:
            raise InstrumentError(f"{where}: must list at least two options")
        options: list[Option] = []
        for entry in entries:
            option = required(entry, ("value", "label"), where)
            value = option["value"]
            if not isinstance(value, int) or isinstance(value, bool) or any(o.value == value for o in options):
                raise InstrumentError(f"{where}: each option needs a whole-number 'value' of its own")
            options.append(Option(value, texts(option["label"], f"{where}: {value}")))
        scales[name] = Scale(name, tuple(options))
    return scales


def _items(data: Any, scales: Mapping[str, Scale], origin: str) -> list[tuple[str, Item]]:
    if not isinstance(data, list) or not data:
        raise InstrumentError(f"{origin}: 'items' must be a non-empty list")
    items: list[tuple[str, Item]] = []
    seen: set[str] = set()
    for position, raw in enumerate(data, start=1):
        where = f"{origin}: item {position}"
        item = required(raw, ("key", "subscale", "scale", "text"), where)
        key = key_of(item, where)
        where = f"{origin}: item '{key}'"
        if key in seen:
            raise InstrumentError(f"{where}: the key is used twice")
        seen.add(key)
        scale = scales.get(item["scale"]) if isinstance(item["scale"], str) else None
        if scale is None:
            raise InstrumentError(f"{where}: 'scale' must name one of the scales ({', '.join(scales)})")
        if not isinstance(item["subscale"], str):
            raise InstrumentError(f"{where}: 'subscale' must name a sub-scale")
        reverse = item.get("reversed", False)
        if not isinstance(reverse, bool):
            raise InstrumentError(f"{where}: 'reversed' is true or left out")
        built = Item(key, item["subscale"], scale, texts(item["text"], f"{where}: text"), reverse)
        items.append((item["subscale"], built))
    return items


def _subscales(data: Any, items: list[tuple[str, Item]], origin: str) -> tuple[Subscale, ...]:
    if not isinstance(data, list) or not data:
        raise InstrumentError(f"{origin}: 'subscales' must be a non-empty list")
    subscales: list[Subscale] = []
    for position, raw in enumerate(data, start=1):
        where = f"{origin}: sub-scale {position}"
        subscale = required(raw, ("key", "title", "measure", "score", "better"), where)
        key = key_of(subscale, where)
        where = f"{origin}: sub-scale '{key}'"
        if any(existing.key == key for existing in subscales):
            raise InstrumentError(f"{where}: the key is used twice")
        if subscale["measure"] not in MEASURES:
            raise InstrumentError(f"{where}: 'measure' must be one of {', '.join(MEASURES)}")
        if subscale["score"] not in (MEAN, ANY) or subscale["better"] not in (LOWER, HIGHER):
            raise InstrumentError(f"{where}: 'score' is 'mean' or 'any', 'better' is 'lower' or 'higher'")
        own = tuple(item for name, item in items if name == key)
        if not own:
            raise InstrumentError(f"{where}: no item belongs to it")
        if subscale["score"] == ANY and any(item.reversed for item in own):
            raise InstrumentError(f"{where}: an 'any' sub-scale counts occurrences and has no reversed item")
        subscales.append(
            Subscale(
                key,
                texts(subscale["title"], f"{where}: title"),
                subscale["measure"],
                subscale["score"],
                subscale["better"],
                own,
            )
        )
    known = {subscale.key for subscale in subscales}
    for name, item in items:
        if name not in known:
            raise InstrumentError(
                f"{origin}: item '{item.key}': 'subscale' must name one of the sub-scales ({', '.join(sorted(known))})"
            )
    return tuple(subscales)
