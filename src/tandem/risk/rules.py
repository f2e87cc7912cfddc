"""Risk instruments as data, and how a set of answers is scored against one.

An instrument is versioned JSON in ``risk/instruments/<key>-<version>.json``::

    {"key", "version", "title": {lang: text}, "description": {lang: text}, "sources": [text],
     "option_sets": {name: [{"value", "label": {lang: text}, "unknown"?: true}]},
     "thresholds": {"medium": score, "high": score},
     "sections": [{"key", "title": {lang: text}, "items": [
         {"key", "text": {lang: text}, "options": option set name,
          "scores": {option value: points}, "forces_high"?: [option values]}]}]}

The score is the sum of the points of the chosen options (an option without points counts 0).
The level is "high" from the high threshold on, or whenever an answer forces it alone (e.g.
strangulation); "medium" from the medium threshold; "standard" below. An option marked
``unknown`` ("not known") scores nothing but is counted and named in the result: missing
information is never read as the absence of a risk, and the result says how much is missing.
The level is a floor for the assessor's professional judgement, not a replacement for it.

Everything here is pure: the web form, the command line and the assessments to come score the
same way.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from tandem.core.catalogues import CatalogueError, is_number, key_of, read_catalogue, required, text_in, texts

INSTRUMENTS_DIR = Path(__file__).resolve().parent / "instruments"

STANDARD, MEDIUM, HIGH = "standard", "medium", "high"
LEVELS = (STANDARD, MEDIUM, HIGH)


class InstrumentError(CatalogueError):
    """An instrument file that does not have the instrument format; the message names the field."""


class AnswerError(ValueError):
    """Answers that cannot be scored; ``item`` names the item at fault (empty for the whole set)."""

    def __init__(self, item: str, message: str) -> None:
        # An item key from the file may hold anything, a line break included: quoted unless plain.
        shown = item if item.isidentifier() else json.dumps(item, ensure_ascii=False)
        super().__init__(f"{shown}: {message}" if item else message)
        self.item = item
        self.message = message


@dataclass(frozen=True)
class Option:
    value: str
    label: Mapping[str, str]
    unknown: bool

    def text(self, language: str | None = None) -> str:
        return text_in(self.label, language)


@dataclass(frozen=True)
class Item:
    key: str
    section: str
    text: Mapping[str, str]
    options: tuple[Option, ...]
    scores: Mapping[str, float]
    forces_high: frozenset[str]

    def wording(self, language: str | None = None) -> str:
        return text_in(self.text, language)

    def option(self, value: str) -> Option | None:
        return next((option for option in self.options if option.value == value), None)

    @property
    def most(self) -> float:
        return max((self.scores.get(option.value, 0) for option in self.options), default=0)


@dataclass(frozen=True)
class Section:
    key: str
    title: Mapping[str, str]
    items: tuple[Item, ...]

    def text(self, language: str | None = None) -> str:
        return text_in(self.title, language)


@dataclass(frozen=True)
class Instrument:
    key: str
    version: int
    title: Mapping[str, str]
    description: Mapping[str, str]
    sources: tuple[str, ...]
    medium: float
    high: float
    sections: tuple[Section, ...]

    def text(self, language: str | None = None) -> str:
        return text_in(self.title, language)

    @property
    def items(self) -> tuple[Item, ...]:
        return tuple(item for section in self.sections for item in section.items)

    def score(self, answers: Any) -> Result:
        """Score a complete set of answers ``{item key: option value}``; AnswerError names the
        first item that is missing, unknown to the instrument or answered with no option of it."""
        if not isinstance(answers, Mapping):
            raise AnswerError("", "the answers must be an object of item keys and option values")
        items = {item.key: item for item in self.items}
        chosen: dict[str, Option] = {}
        # What was answered wrongly is named before what was left out.
        for key, value in answers.items():
            item = items.get(key)
            if item is None:
                raise AnswerError(str(key), "no such item in this instrument")
            option = item.option(value) if isinstance(value, str) else None
            if option is None:
                allowed = ", ".join(option.value for option in item.options)
                raise AnswerError(item.key, f"{_shown(value)} is not one of its options ({allowed})")
            chosen[item.key] = option
        for item in self.items:
            if item.key not in chosen:
                raise AnswerError(item.key, "not answered (answer 'unknown' where it is not known)")
        return self._result(chosen)

    def _result(self, chosen: Mapping[str, Option]) -> Result:
        points = {item.key: item.scores.get(chosen[item.key].value, 0) for item in self.items}
        total = sum(points.values())
        forced = tuple(item.key for item in self.items if chosen[item.key].value in item.forces_high)
        level = HIGH if forced or total >= self.high else MEDIUM if total >= self.medium else STANDARD
        return Result(
            instrument=self.key,
            version=self.version,
            score=total,
            most=sum(item.most for item in self.items),
            level=level,
            forced_by=forced,
            unknown=tuple(item.key for item in self.items if chosen[item.key].unknown),
            sections=tuple((section.key, sum(points[item.key] for item in section.items)) for section in self.sections),
        )


@dataclass(frozen=True)
class Result:
    instrument: str
    version: int
    score: float
    most: float
    level: str
    forced_by: tuple[str, ...]  # items whose answer alone makes the level high
    unknown: tuple[str, ...]  # items answered "not known"
    sections: tuple[tuple[str, float], ...]  # (section key, its score), in the instrument's order

    def as_dict(self) -> dict[str, Any]:
        return {
            "instrument": {"key": self.instrument, "version": self.version},
            "score": _number(self.score),
            "most": _number(self.most),
            "level": self.level,
            "forced_by": list(self.forced_by),
            "unknown": list(self.unknown),
            "sections": [{"key": key, "score": _number(score)} for key, score in self.sections],
        }


def _shown(value: Any) -> str:
    """A value as the answers file writes it, on one line: "maybe", true, null, 1."""
    return json.dumps(value, ensure_ascii=False)


def _number(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


# --- Reading instruments ----------------------------------------------------------------------


def instrument_files() -> dict[str, Path]:
    """The shipped instruments by "<key>-<version>", as the command line names them."""
    return {path.stem: path for path in sorted(INSTRUMENTS_DIR.glob("*.json"))}


@cache
def shipped_instrument(name: str) -> Instrument:
    """A shipped instrument by "<key>-<version>" (or by key alone, its latest version)."""
    files = instrument_files()
    if name not in files:
        versions = sorted((path for stem, path in files.items() if stem.rsplit("-", 1)[0] == name), key=_version)
        if not versions:
            raise InstrumentError(f"no instrument {name!r} (shipped: {', '.join(files) or 'none'})")
        return parse_instrument(read_catalogue(versions[-1], InstrumentError), origin=versions[-1].name)
    return parse_instrument(read_catalogue(files[name], InstrumentError), origin=files[name].name)


def _version(path: Path) -> int:
    suffix = path.stem.rsplit("-", 1)[-1]
    return int(suffix) if suffix.isdigit() else 0


def parse_instrument(data: Any, *, origin: str = "instrument") -> Instrument:
    """Check the shape of an instrument and build it; InstrumentError names the first problem."""
    try:
        return _parse(data, origin)
    except InstrumentError:
        raise
    except CatalogueError as error:
        raise InstrumentError(str(error)) from None


def _parse(data: Any, origin: str) -> Instrument:
    fields = ("key", "version", "title", "description", "sources", "option_sets", "thresholds", "sections")
    data = required(data, fields, origin)
    key, version = key_of(data, origin), data["version"]
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise InstrumentError(f"{origin}: 'version' must be a whole number from 1")
    sources = data["sources"]
    if not isinstance(sources, list) or not sources or not all(isinstance(s, str) and s.strip() for s in sources):
        raise InstrumentError(f"{origin}: 'sources' must list where the items come from")
    option_sets = _option_sets(data["option_sets"], origin)
    medium, high = _thresholds(data["thresholds"], origin)
    if not isinstance(data["sections"], list) or not data["sections"]:
        raise InstrumentError(f"{origin}: 'sections' must be a non-empty list")
    sections: list[Section] = []
    seen: set[str] = set()
    for position, raw in enumerate(data["sections"], start=1):
        where = f"{origin}: section {position}"
        section = required(raw, ("key", "title", "items"), where)
        section_key = key_of(section, where)
        if not isinstance(section["items"], list) or not section["items"]:
            raise InstrumentError(f"{where}: 'items' must be a non-empty list")
        items = tuple(_item(raw_item, section_key, option_sets, seen, where) for raw_item in section["items"])
        sections.append(Section(section_key, texts(section["title"], f"{where}: title"), items))
    return Instrument(
        key=key,
        version=version,
        title=texts(data["title"], f"{origin}: title"),
        description=texts(data["description"], f"{origin}: description"),
        sources=tuple(sources),
        medium=medium,
        high=high,
        sections=tuple(sections),
    )


def _option_sets(data: Any, origin: str) -> dict[str, tuple[Option, ...]]:
    if not isinstance(data, dict) or not data:
        raise InstrumentError(f"{origin}: 'option_sets' must name at least one list of options")
    sets: dict[str, tuple[Option, ...]] = {}
    for name, raw in data.items():
        where = f"{origin}: option set '{name}'"
        if not isinstance(raw, list) or len(raw) < 2:
            raise InstrumentError(f"{where}: must list at least two options")
        options: list[Option] = []
        for entry in raw:
            option = required(entry, ("value", "label"), where)
            value = option["value"]
            if not isinstance(value, str) or not value or any(o.value == value for o in options):
                raise InstrumentError(f"{where}: each option needs a 'value' of its own")
            options.append(Option(value, texts(option["label"], f"{where}: {value}"), option.get("unknown") is True))
        sets[name] = tuple(options)
    return sets


def _thresholds(data: Any, origin: str) -> tuple[float, float]:
    thresholds = required(data, ("medium", "high"), f"{origin}: thresholds")
    medium, high = thresholds["medium"], thresholds["high"]
    if not (is_number(medium) and is_number(high)) or not 0 < medium < high:
        raise InstrumentError(f"{origin}: thresholds must be numbers with 0 < medium < high")
    return float(medium), float(high)


def _item(data: Any, section: str, option_sets: Mapping[str, tuple[Option, ...]], seen: set[str], where: str) -> Item:
    item = required(data, ("key", "text", "options", "scores"), where)
    key = key_of(item, where)
    where = f"{where}: item '{key}'"
    if key in seen:
        raise InstrumentError(f"{where}: the key is used twice")
    seen.add(key)
    options = option_sets.get(item["options"]) if isinstance(item["options"], str) else None
    if options is None:
        raise InstrumentError(f"{where}: 'options' must name one of the option sets ({', '.join(option_sets)})")
    values = {option.value for option in options}
    scores = item["scores"]
    valid = isinstance(scores, dict) and all(v in values and is_number(p) and p >= 0 for v, p in scores.items())
    if not valid:
        raise InstrumentError(f"{where}: 'scores' must give points (0 or more) to options of its set")
    if any(option.unknown and scores.get(option.value) for option in options):
        raise InstrumentError(f"{where}: an option for what is not known scores nothing")
    forces = item.get("forces_high", [])
    if not isinstance(forces, list) or not all(value in values for value in forces):
        raise InstrumentError(f"{where}: 'forces_high' must list options of its set")
    return Item(
        key=key,
        section=section,
        text=texts(item["text"], f"{where}: text"),
        options=options,
        scores={value: float(points) for value, points in scores.items()},
        forces_high=frozenset(forces),
    )
