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

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from tandem.core.catalogues import CatalogueError, is_number, key_of, read_catalogue, required, texts
from tandem.mapping.rules.questionnaire import Definition

# Shared with every catalogue of Tandem; named here too for mapping's catalogues.
__all__ = ["CatalogueError", "is_number", "key_of", "read_catalogue", "required", "texts"]


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
