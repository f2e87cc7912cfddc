"""Standards as data: catalogues of criteria that a programme meets or not, judged from the
values of its survey answer.

A catalogue is a JSON file (the shipped ones live in ``mapping/standards/``)::

    {"key": "istanbul-article-16", "version": 1,
     "title": {lang: text}, "source": "where the criteria come from",
     "criteria": [
        {"key": "victim_safety",
         "label": {lang: text}, "explanation": {lang: text},
         "weight": 1,
         "evidence": {"question": "partner_contact", "operator": "in", "value": ["yes"]}}]}

``label``, ``explanation`` and ``title`` are ``{language code: text}`` with at least ``en``
(read with ``questionnaire.text_in``: the active language, then English). ``weight`` is a
positive number. ``evidence`` names one question of the questionnaire and how its value is
judged; the operators are in ``OPERATORS``:

- ``in``: the answer (one choice) is one of ``value`` (a list);
- ``contains``: the answer (several choices) includes ``value`` (one choice);
- ``gte`` / ``lte``: the answer (a number) is at least / at most ``value``;
- ``eq``: the answer equals ``value``.

A question left unanswered gives no evidence: the criterion is then neither met nor failed.

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

import json
import numbers
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from tandem.mapping.questionnaire import Definition, text_in

STANDARDS_DIR = Path(__file__).resolve().parent / "standards"
ARTICLE_16 = "istanbul-article-16"

MET, NOT_MET, NO_EVIDENCE = "met", "not_met", "no_evidence"


def _is_number(value: Any) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _in(answer: Any, value: Any) -> bool | None:
    if isinstance(answer, list | dict):
        return None
    return answer in value


def _contains(answer: Any, value: Any) -> bool | None:
    if isinstance(answer, str):
        answer = answer.split()
    if not isinstance(answer, list):
        return None
    return value in answer


def _gte(answer: Any, value: Any) -> bool | None:
    return answer >= value if _is_number(answer) else None


def _lte(answer: Any, value: Any) -> bool | None:
    return answer <= value if _is_number(answer) else None


def _eq(answer: Any, value: Any) -> bool | None:
    return bool(answer == value)


# operator: (test of an answer against the criterion's value → met, not met, or None when the
# answer is not of a shape the operator can judge; check of the criterion's value itself)
OPERATORS: dict[str, tuple[Callable[[Any, Any], bool | None], Callable[[Any], bool]]] = {
    "in": (_in, lambda value: isinstance(value, list) and bool(value)),
    "contains": (_contains, lambda value: isinstance(value, str) and bool(value)),
    "gte": (_gte, _is_number),
    "lte": (_lte, _is_number),
    "eq": (_eq, lambda value: value is not None),
}


class StandardError(ValueError):
    """A catalogue that does not have the standards format; the message names file and field."""


@dataclass(frozen=True)
class Evidence:
    question: str
    operator: str
    value: Any


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
        answer = values.get(self.evidence.question)
        if answer is None:
            return NO_EVIDENCE
        test, _check = OPERATORS[self.evidence.operator]
        result = test(answer, self.evidence.value)
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
    source: str
    criteria: tuple[Criterion, ...]

    def text(self, language: str | None = None) -> str:
        return text_in(self.title, language)

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


def _texts(data: Any, where: str) -> dict[str, str]:
    if (
        not isinstance(data, dict)
        or not data
        or not all(isinstance(lang, str) and isinstance(text, str) and text.strip() for lang, text in data.items())
    ):
        raise StandardError(f"{where}: expected texts by language, e.g. {{'en': '...'}}")
    if "en" not in data:
        raise StandardError(f"{where}: an English text ('en') is required")
    return dict(data)


def parse_standard(data: Any, *, origin: str = "standard") -> Standard:
    """Check the shape of a catalogue and build it; StandardError names the first problem."""
    if not isinstance(data, dict):
        raise StandardError(f"{origin}: expected an object")
    for name in ("key", "version", "title", "source", "criteria"):
        if name not in data:
            raise StandardError(f"{origin}: '{name}' is missing")
    key, version, source = data["key"], data["version"], data["source"]
    if not isinstance(key, str) or not key:
        raise StandardError(f"{origin}: 'key' must be a non-empty text")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise StandardError(f"{origin}: 'version' must be a whole number from 1")
    if not isinstance(source, str) or not source.strip():
        raise StandardError(f"{origin}: 'source' must name where the criteria come from")
    title = _texts(data["title"], f"{origin}: title")
    if not isinstance(data["criteria"], list) or not data["criteria"]:
        raise StandardError(f"{origin}: 'criteria' must be a non-empty list")
    criteria: list[Criterion] = []
    for position, item in enumerate(data["criteria"], start=1):
        where = f"{origin}: criterion {position}"
        if not isinstance(item, dict):
            raise StandardError(f"{where}: expected an object")
        for name in ("key", "label", "explanation", "weight", "evidence"):
            if name not in item:
                raise StandardError(f"{where}: '{name}' is missing")
        ckey = item["key"]
        if not isinstance(ckey, str) or not ckey:
            raise StandardError(f"{where}: 'key' must be a non-empty text")
        where = f"{origin}: criterion '{ckey}'"
        if any(existing.key == ckey for existing in criteria):
            raise StandardError(f"{where}: the key is used twice")
        weight = item["weight"]
        if not _is_number(weight) or weight <= 0:
            raise StandardError(f"{where}: 'weight' must be a positive number")
        evidence = item["evidence"]
        if not isinstance(evidence, dict) or set(evidence) != {"question", "operator", "value"}:
            raise StandardError(f"{where}: 'evidence' must have exactly 'question', 'operator' and 'value'")
        if not isinstance(evidence["question"], str) or not evidence["question"]:
            raise StandardError(f"{where}: evidence 'question' must name a question")
        operator = evidence["operator"]
        if operator not in OPERATORS:
            raise StandardError(f"{where}: unknown operator '{operator}' (allowed: {', '.join(sorted(OPERATORS))})")
        if not OPERATORS[operator][1](evidence["value"]):
            raise StandardError(f"{where}: evidence 'value' {evidence['value']!r} does not suit operator '{operator}'")
        criteria.append(
            Criterion(
                key=ckey,
                label=_texts(item["label"], f"{where}: label"),
                explanation=_texts(item["explanation"], f"{where}: explanation"),
                weight=weight,
                evidence=Evidence(evidence["question"], operator, evidence["value"]),
            )
        )
    return Standard(key=key, version=version, title=title, source=source, criteria=tuple(criteria))


def load_standard(path: Path | str) -> Standard:
    """Read and check a catalogue file."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise StandardError(f"{path.name}: cannot be read as JSON ({error})") from None
    return parse_standard(data, origin=path.name)


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
    problems = []
    for criterion in standard.criteria:
        evidence = criterion.evidence
        try:
            question = definition.question(evidence.question)
        except KeyError:
            problems.append(f"{standard.key}: criterion '{criterion.key}': no question '{evidence.question}'")
            continue
        static_choices = definition.choice_lists.get(question.choices) if question.is_select else None
        if static_choices is None:
            continue
        allowed = {choice.name for choice in static_choices}
        wanted = evidence.value if isinstance(evidence.value, list) else [evidence.value]
        for value in wanted:
            if value not in allowed:
                problems.append(
                    f"{standard.key}: criterion '{criterion.key}': '{value}' is not a choice of '{evidence.question}'"
                )
    return problems
