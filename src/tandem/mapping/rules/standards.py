"""Standards as data: catalogues of criteria that a programme meets or not, judged from the
values of its survey answer.

A catalogue is a JSON file (the shipped ones live in ``mapping/standards/``)::

    {"key": "istanbul-article-16", "version": 1,
     "title": {lang: text}, "source": {lang: where the criteria come from},
     "criteria": [
        {"key": "victim_safety",
         "label": {lang: text}, "explanation": {lang: text},
         "weight": 1,
         "evidence": {"question": "partner_contact", "operator": "in", "value": ["yes"]}}]}

``label``, ``explanation`` and ``title`` are ``{language code: text}`` with at least ``en``
(read with ``questionnaire.text_in``: the active language, then English). ``weight`` is a
positive number. ``evidence`` names one question of the questionnaire and how its value is
judged, with the operators of ``evidence.OPERATORS``; a question left unanswered gives no
evidence: the criterion is then neither met nor failed.

Public API (pure: no database)::

    MET, NOT_MET, NO_EVIDENCE                    # outcomes of one criterion
    Evidence(question, operator, value)
    Criterion(key, label, explanation, weight, evidence)   .text() .explanation_text() .evaluate(values)
    Standard(key, version, title, source, criteria)        .text() .criterion(key) .assess(values)
    Assessment(standard_key, outcomes, met_weight, evidence_weight, total_weight)
        .score (0-100 or None) .all_met .outcome(key)
    StandardError                                # a malformed catalogue, one line naming file and field
    parse_standard(data, origin=) / load_standard(path) / shipped_standard(key) / shipped_standards()
    questionnaire_problems(standard, definition) # evidence naming unknown questions or choices

A later catalogue (for example a quality-assurance standard) is another file in the same
format: ``load_standard(path)`` reads it from anywhere, ``shipped_standard(key)`` from here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from tandem.core.catalogues import text_in
from tandem.mapping.rules.evidence import (
    OPERATORS,
    CatalogueError,
    Evidence,
    evidence_of,
    evidence_problems,
    is_number,
    key_of,
    read_catalogue,
    required,
    texts,
)
from tandem.mapping.rules.questionnaire import Definition

STANDARDS_DIR = Path(__file__).resolve().parents[1] / "standards"
ARTICLE_16 = "istanbul-article-16"

MET, NOT_MET, NO_EVIDENCE = "met", "not_met", "no_evidence"

__all__ = ["OPERATORS", "Evidence"]


class StandardError(CatalogueError):
    """A catalogue that does not have the standards format; the message names file and field."""


@dataclass(frozen=True)
class Criterion:
    key: str
    label: Mapping[str, str]
    explanation: Mapping[str, str]
    weight: float
    evidence: Evidence

    def text(self, language: str | None = None) -> str:
        return text_in(self.label, language)

    def explanation_text(self, language: str | None = None) -> str:
        return text_in(self.explanation, language)

    def evaluate(self, values: Mapping[str, Any]) -> str:
        """MET, NOT_MET, or NO_EVIDENCE when the question was left unanswered."""
        result = self.evidence.judge(values)
        if result is None:
            return NO_EVIDENCE
        return MET if result else NOT_MET


@dataclass(frozen=True)
class Assessment:
    """How one answer fares against one standard.

    ``score`` is the weight of the criteria met as a percentage of the weight of the criteria
    with evidence (None when no criterion has evidence); ``all_met`` is true only when every
    criterion has evidence and is met."""

    standard_key: str
    outcomes: tuple[tuple[str, str], ...]  # (criterion key, MET | NOT_MET | NO_EVIDENCE), in catalogue order
    met_weight: float
    evidence_weight: float
    total_weight: float

    @property
    def score(self) -> float | None:
        if not self.evidence_weight:
            return None
        return 100.0 * self.met_weight / self.evidence_weight

    @property
    def all_met(self) -> bool:
        return bool(self.outcomes) and all(outcome == MET for _key, outcome in self.outcomes)

    @property
    def has_evidence(self) -> bool:
        return self.evidence_weight > 0

    def outcome(self, criterion_key: str) -> str:
        for key, outcome in self.outcomes:
            if key == criterion_key:
                return outcome
        raise KeyError(criterion_key)


@dataclass(frozen=True)
class Standard:
    key: str
    version: int
    title: Mapping[str, str]
    source: Mapping[str, str]
    criteria: tuple[Criterion, ...]

    def text(self, language: str | None = None) -> str:
        return text_in(self.title, language)

    def source_text(self, language: str | None = None) -> str:
        return text_in(self.source, language)

    def criterion(self, key: str) -> Criterion:
        for criterion in self.criteria:
            if criterion.key == key:
                return criterion
        raise KeyError(key)

    def assess(self, values: Mapping[str, Any]) -> Assessment:
        outcomes = []
        met = evidence = total = 0.0
        for criterion in self.criteria:
            outcome = criterion.evaluate(values)
            outcomes.append((criterion.key, outcome))
            total += criterion.weight
            if outcome != NO_EVIDENCE:
                evidence += criterion.weight
            if outcome == MET:
                met += criterion.weight
        return Assessment(self.key, tuple(outcomes), met, evidence, total)


# --- Reading catalogues ---------------------------------------------------------------------


def parse_standard(data: Any, *, origin: str = "standard") -> Standard:
    """Check the shape of a catalogue and build it; StandardError names the first problem."""
    try:
        return _parse(data, origin)
    except StandardError:
        raise
    except CatalogueError as error:
        raise StandardError(str(error)) from None


def _parse(data: Any, origin: str) -> Standard:
    data = required(data, ("key", "version", "title", "source", "criteria"), origin)
    key, version = key_of(data, origin), data["version"]
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise StandardError(f"{origin}: 'version' must be a whole number from 1")
    title = texts(data["title"], f"{origin}: title")
    source = texts(data["source"], f"{origin}: source")
    if not isinstance(data["criteria"], list) or not data["criteria"]:
        raise StandardError(f"{origin}: 'criteria' must be a non-empty list")
    criteria: list[Criterion] = []
    for position, raw in enumerate(data["criteria"], start=1):
        item = required(raw, ("key", "label", "explanation", "weight", "evidence"), f"{origin}: criterion {position}")
        where = f"{origin}: criterion '{key_of(item, f'{origin}: criterion {position}')}'"
        if any(existing.key == item["key"] for existing in criteria):
            raise StandardError(f"{where}: the key is used twice")
        weight = item["weight"]
        if not is_number(weight) or weight <= 0:
            raise StandardError(f"{where}: 'weight' must be a positive number")
        criteria.append(
            Criterion(
                key=item["key"],
                label=texts(item["label"], f"{where}: label"),
                explanation=texts(item["explanation"], f"{where}: explanation"),
                weight=weight,
                evidence=evidence_of(item["evidence"], where),
            )
        )
    return Standard(key=key, version=version, title=title, source=source, criteria=tuple(criteria))


def load_standard(path: Path | str) -> Standard:
    """Read and check a catalogue file."""
    path = Path(path)
    return parse_standard(read_catalogue(path, StandardError), origin=path.name)


@cache
def shipped_standard(key: str = ARTICLE_16) -> Standard:
    """A catalogue shipped with Tandem, by key (the file name without ``.json``)."""
    path = STANDARDS_DIR / f"{key}.json"
    if not path.is_file():
        raise StandardError(f"{key}: no such standard in {STANDARDS_DIR.name}/")
    return load_standard(path)


def shipped_standards() -> list[Standard]:
    return [shipped_standard(path.stem) for path in sorted(STANDARDS_DIR.glob("*.json"))]


def questionnaire_problems(standard: Standard, definition: Definition) -> list[str]:
    """Evidence that names a question the questionnaire does not have, or a choice its
    question does not offer: such a criterion would never be met."""
    return [
        problem
        for criterion in standard.criteria
        for problem in evidence_problems(standard.key, f"criterion '{criterion.key}'", criterion.evidence, definition)
    ]
