"""Mapping indicators as data: what share of programmes do what Article 16 of the Istanbul
Convention and good practice ask, each defined once in a catalogue shipped with Tandem
(``mapping/indicators/mapping-indicators.json``)::

    {"key": "mapping-indicators", "version": 1, "title": {lang: text}, "source": "...",
     "indicators": [
        {"key": "joint_planning",
         "label": {lang: text}, "definition": {lang: text},
         "numerator": {lang: text}, "denominator": {lang: text},
         "recommendation": {lang: text},
         "evidence": {"question": "joint_planning", "operator": "eq", "value": "joint_decisions"},
         "target": 50, "higher_is_better": true}]}

An indicator counts the programmes whose answer meets its evidence (the numerator) among the
programmes that answered its question (the denominator); a programme that left the question
unanswered is in neither. The evidence is written as the criteria of a standard are
(``evidence``); the wording is given in the region's languages and read in the active one.
``target`` is a percentage; ``higher_is_better`` is false for an indicator whose target is a
maximum (programmes on paper only).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tandem.core.catalogues import text_in
from tandem.mapping.rules.evidence import CatalogueError, Evidence, evidence_of, key_of, read_catalogue, required, texts
from tandem.mapping.rules.questionnaire import Definition

if TYPE_CHECKING:
    from tandem.mapping.rules.figures import Figure

INDICATORS_DIR = Path(__file__).resolve().parents[1] / "indicators"
MAPPING_INDICATORS = "mapping-indicators"
WORDING = ("label", "definition", "numerator", "denominator", "recommendation")


@dataclass(frozen=True)
class Indicator:
    key: str
    wording: Mapping[str, Mapping[str, str]]  # one of WORDING → language → text
    evidence: Evidence
    target: int
    higher_is_better: bool = True

    @property
    def label(self) -> str:
        return text_in(self.wording["label"])

    @property
    def definition(self) -> str:
        return text_in(self.wording["definition"])

    @property
    def numerator(self) -> str:
        return text_in(self.wording["numerator"])

    @property
    def denominator(self) -> str:
        return text_in(self.wording["denominator"])

    @property
    def recommendation(self) -> str:
        return text_in(self.wording["recommendation"])

    @property
    def question(self) -> str:
        return self.evidence.question

    def counts(self, values: Mapping[str, Any]) -> bool | None:
        """True when the answer is counted in the numerator, False when it is only in the
        denominator, None when the question was left unanswered (in neither)."""
        judged = self.evidence.judge(values)
        return None if judged is None else bool(judged)

    def applies(self, values: Mapping[str, Any]) -> bool:
        return self.counts(values) is not None

    def misses_target(self, figure: Figure) -> bool | None:
        """Whether a figure falls short of the target; None when it has no percentage."""
        if figure.percent is None:
            return None
        if self.higher_is_better:
            return figure.percent < self.target
        return figure.percent > self.target


@dataclass(frozen=True)
class IndicatorSet:
    key: str
    version: int
    title: Mapping[str, str]
    source: str
    indicators: tuple[Indicator, ...]

    def text(self, language: str | None = None) -> str:
        return text_in(self.title, language)


def parse_indicators(data: Any, *, origin: str = "indicators") -> IndicatorSet:
    """Check the shape of an indicator catalogue and build it; CatalogueError names the
    first problem."""
    data = required(data, ("key", "version", "title", "source", "indicators"), origin)
    key = key_of(data, origin)
    if not isinstance(data["version"], int) or isinstance(data["version"], bool) or data["version"] < 1:
        raise CatalogueError(f"{origin}: 'version' must be a whole number from 1")
    if not isinstance(data["source"], str) or not data["source"].strip():
        raise CatalogueError(f"{origin}: 'source' must say where the indicators come from")
    if not isinstance(data["indicators"], list) or not data["indicators"]:
        raise CatalogueError(f"{origin}: 'indicators' must be a non-empty list")
    made: list[Indicator] = []
    for position, raw in enumerate(data["indicators"], start=1):
        item = required(raw, ("key", *WORDING, "evidence", "target"), f"{origin}: indicator {position}")
        where = f"{origin}: indicator '{key_of(item, f'{origin}: indicator {position}')}'"
        if any(existing.key == item["key"] for existing in made):
            raise CatalogueError(f"{where}: the key is used twice")
        target = item["target"]
        if not isinstance(target, int) or isinstance(target, bool) or not 0 <= target <= 100:
            raise CatalogueError(f"{where}: 'target' must be a whole percentage from 0 to 100")
        higher = item.get("higher_is_better", True)
        if not isinstance(higher, bool):
            raise CatalogueError(f"{where}: 'higher_is_better' must be true or false")
        made.append(
            Indicator(
                key=item["key"],
                wording={name: texts(item[name], f"{where}: {name}") for name in WORDING},
                evidence=evidence_of(item["evidence"], where),
                target=target,
                higher_is_better=higher,
            )
        )
    title = texts(data["title"], f"{origin}: title")
    return IndicatorSet(key, data["version"], title, data["source"], tuple(made))


def load_indicators(path: Path | str) -> IndicatorSet:
    path = Path(path)
    return parse_indicators(read_catalogue(path), origin=path.name)


@cache
def shipped_indicators(key: str = MAPPING_INDICATORS) -> IndicatorSet:
    return load_indicators(INDICATORS_DIR / f"{key}.json")


def questionnaire_problems(indicators: IndicatorSet, definition: Definition) -> list[str]:
    """Evidence naming a question the questionnaire does not have, or a choice it does not offer."""
    from tandem.mapping.rules.evidence import evidence_problems

    return [
        problem
        for item in indicators.indicators
        for problem in evidence_problems(indicators.key, f"indicator '{item.key}'", item.evidence, definition)
    ]


# The indicators of the mapping, in display order.
INDICATORS: tuple[Indicator, ...] = shipped_indicators().indicators
_BY_KEY = {item.key: item for item in INDICATORS}
POSITION = {item.key: position for position, item in enumerate(INDICATORS)}


def indicator(key: str) -> Indicator:
    return _BY_KEY[key]
