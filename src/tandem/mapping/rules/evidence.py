"""How a catalogue judges a survey answer: one question of the questionnaire, an operator and a
value. Standards (their criteria) and indicators (what they count) are both written this way,
as data; so is their wording, in every language of the region.

Operators (``OPERATORS``):

- ``in``: the answer (one choice) is one of ``value`` (a list);
- ``contains``: the answer (several choices) includes ``value`` (one choice);
- ``gte`` / ``lte``: the answer (a number) is at least / at most ``value``;
- ``eq``: the answer equals ``value``.

A question left unanswered gives no evidence (``judge`` answers None), nor does an answer of a
shape the operator cannot judge.
"""

from __future__ import annotations

import json
import numbers
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tandem.mapping.rules.questionnaire import Definition


class CatalogueError(ValueError):
    """A catalogue that does not have its format; the message names the file and the field."""


def read_catalogue(path: Path, error: type[CatalogueError] = CatalogueError) -> Any:
    """The JSON of a catalogue file; a file that cannot be read raises ``error`` naming it."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as problem:
        raise error(f"{path.name}: cannot be read as JSON ({problem})") from None


def is_number(value: Any) -> bool:
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
    return answer >= value if is_number(answer) else None


def _lte(answer: Any, value: Any) -> bool | None:
    return answer <= value if is_number(answer) else None


def _eq(answer: Any, value: Any) -> bool | None:
    return bool(answer == value)


# operator: (test of an answer against the value → True, False, or None when the answer is
# not of a shape the operator can judge; check of the value itself)
OPERATORS: dict[str, tuple[Callable[[Any, Any], bool | None], Callable[[Any], bool]]] = {
    "in": (_in, lambda value: isinstance(value, list) and bool(value)),
    "contains": (_contains, lambda value: isinstance(value, str) and bool(value)),
    "gte": (_gte, is_number),
    "lte": (_lte, is_number),
    "eq": (_eq, lambda value: value is not None),
}


@dataclass(frozen=True)
class Evidence:
    question: str
    operator: str
    value: Any

    def judge(self, values: Mapping[str, Any]) -> bool | None:
        """Whether the answer meets the test; None when the question was left unanswered or
        its answer cannot be judged."""
        answer = values.get(self.question)
        if answer is None or answer in ("", []):
            return None
        test, _check = OPERATORS[self.operator]
        return test(answer, self.value)


def texts(data: Any, where: str) -> dict[str, str]:
    """Wording by language code, with at least English."""
    if (
        not isinstance(data, dict)
        or not data
        or not all(isinstance(lang, str) and isinstance(text, str) and text.strip() for lang, text in data.items())
    ):
        raise CatalogueError(f"{where}: expected texts by language, e.g. {{'en': '...'}}")
    if "en" not in data:
        raise CatalogueError(f"{where}: an English text ('en') is required")
    return dict(data)


def required(data: Any, names: tuple[str, ...], where: str) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise CatalogueError(f"{where}: expected an object")
    for name in names:
        if name not in data:
            raise CatalogueError(f"{where}: '{name}' is missing")
    return data


def key_of(data: Mapping[str, Any], where: str) -> str:
    key = data["key"]
    if not isinstance(key, str) or not key:
        raise CatalogueError(f"{where}: 'key' must be a non-empty text")
    return key


def evidence_of(data: Any, where: str) -> Evidence:
    if not isinstance(data, dict) or set(data) != {"question", "operator", "value"}:
        raise CatalogueError(f"{where}: 'evidence' must have exactly 'question', 'operator' and 'value'")
    if not isinstance(data["question"], str) or not data["question"]:
        raise CatalogueError(f"{where}: evidence 'question' must name a question")
    operator = data["operator"]
    if operator not in OPERATORS:
        raise CatalogueError(f"{where}: unknown operator '{operator}' (allowed: {', '.join(sorted(OPERATORS))})")
    if not OPERATORS[operator][1](data["value"]):
        raise CatalogueError(f"{where}: evidence 'value' {data['value']!r} does not suit operator '{operator}'")
    return Evidence(data["question"], operator, data["value"])


def evidence_problems(catalogue: str, item: str, evidence: Evidence, definition: Definition) -> list[str]:
    """Evidence that names a question the questionnaire does not have, or a choice its
    question does not offer: such a test would never be met."""
    try:
        question = definition.question(evidence.question)
    except KeyError:
        return [f"{catalogue}: {item}: no question '{evidence.question}'"]
    static_choices = definition.choice_lists.get(question.choices) if question.is_select else None
    if static_choices is None:
        return []
    allowed = {choice.name for choice in static_choices}
    wanted = evidence.value if isinstance(evidence.value, list) else [evidence.value]
    return [
        f"{catalogue}: {item}: '{value}' is not a choice of '{evidence.question}'"
        for value in wanted
        if value not in allowed
    ]
