"""Questionnaires as data: reading a definition, the choices a question allows in a round,
turning text (from a form or a file) into values, and checking a set of values.

A definition is JSON (see ``questionnaires/mapping-v1.json``)::

    {"key", "version", "title": {lang: text}, "languages": [...],
     "sections": [{"name", "label", "questions": [
         {"name", "type": integer|decimal|text|select_one|select_multiple,
          "label", "hint"?, "choices"?: list name, "required"?, "min"?, "max"?}]}],
     "choices": {list name: [{"name", "label"}]},
     "dynamic_choices": {list name: description},   # filled from the registry per round
     "checks": [{"left": name | [names], "op": "lte", "right": name, "message"}]}

A check compares a number question (``left``) with another (``right``); ``left`` may also be a
list of number questions whose sum is compared. A check with any of its questions unanswered
is skipped: a draft may be incomplete.

Labels are ``{language code: text}``; a language without a text falls back to English.
Everything here is pure: no database access, so the web form, the importers, the XLSForm
export and the indicators all read the same rules.
"""

from __future__ import annotations

import json
import operator
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache, cached_property
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from tandem.core.catalogues import text_in

DEFINITIONS = Path(__file__).resolve().parents[1] / "questionnaires"

# Values that mean "not applicable / not known" in files exported from survey tools.
MISSING_TOKENS = frozenset({"", "n/a", "na", "n.a.", "-", "null", "none_applicable"})


QUESTION_TYPES = frozenset({"integer", "decimal", "text", "select_one", "select_multiple"})
NUMBER_TYPES = frozenset({"integer", "decimal"})
# A check's operator: does ``left`` (or the sum of its questions) stand so to ``right``?
CHECK_OPERATORS: dict[str, Callable[[float, float], bool]] = {"lte": operator.le}


@dataclass(frozen=True)
class Choice:
    name: str
    label: Mapping[str, str]

    def text(self, language: str | None = None) -> str:
        return text_in(self.label, language)


@dataclass(frozen=True)
class Question:
    name: str
    type: str
    label: Mapping[str, str]
    section: str
    hint: Mapping[str, str] = field(default_factory=dict)
    choices: str = ""
    required: bool = False
    min: int | None = None
    max: int | None = None

    @property
    def is_select(self) -> bool:
        return self.type in {"select_one", "select_multiple"}

    def text(self, language: str | None = None) -> str:
        return text_in(self.label, language)

    def hint_text(self, language: str | None = None) -> str:
        return text_in(self.hint, language) if self.hint else ""


@dataclass(frozen=True)
class Section:
    name: str
    label: Mapping[str, str]
    questions: tuple[Question, ...]

    def text(self, language: str | None = None) -> str:
        return text_in(self.label, language)


@dataclass(frozen=True)
class Check:
    """``left`` op ``right``. ``left`` is one question's name, or a tuple of names whose
    values are summed."""

    left: str | tuple[str, ...]
    op: str
    right: str
    message: Mapping[str, str]

    @property
    def left_names(self) -> tuple[str, ...]:
        return self.left if isinstance(self.left, tuple) else (self.left,)

    @property
    def subject(self) -> str:
        """The question a failed check is reported on: the (first) left one."""
        return self.left_names[0]

    def describe(self) -> str:
        return f"{' + '.join(self.left_names)} {self.op} {self.right}"

    def fails(self, values: Mapping[str, Any]) -> bool:
        """True when every operand is a number and the comparison does not hold; a check
        with an operand unanswered (or not a number) does not fail."""
        left: list[Any] = [values.get(name) for name in self.left_names]
        right: Any = values.get(self.right)
        if not all(_is_number(value) for value in (*left, right)):
            return False
        return not CHECK_OPERATORS[self.op](sum(left), right)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one value: which question, what is wrong, what is allowed."""

    question: str
    message: str
    allowed: str = ""
    # "missing" for a required answer left blank (a draft may be incomplete), else "invalid".
    kind: str = "invalid"


@dataclass(frozen=True)
class Definition:
    key: str
    version: int
    title: Mapping[str, str]
    languages: tuple[str, ...]
    sections: tuple[Section, ...]
    choice_lists: Mapping[str, tuple[Choice, ...]]
    dynamic_lists: frozenset[str]
    checks: tuple[Check, ...]

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Definition:
        sections = tuple(
            Section(
                name=section["name"],
                label=section["label"],
                questions=tuple(
                    Question(
                        name=question["name"],
                        type=question["type"],
                        label=question["label"],
                        section=section["name"],
                        hint=question.get("hint", {}),
                        choices=question.get("choices", ""),
                        required=bool(question.get("required", False)),
                        min=question.get("min"),
                        max=question.get("max"),
                    )
                    for question in section["questions"]
                ),
            )
            for section in data["sections"]
        )
        definition = cls(
            key=data["key"],
            version=int(data["version"]),
            title=data["title"],
            languages=tuple(data.get("languages", ["en"])),
            sections=sections,
            choice_lists={
                name: tuple(Choice(c["name"], c["label"]) for c in items) for name, items in data["choices"].items()
            },
            dynamic_lists=frozenset(data.get("dynamic_choices", {})),
            checks=tuple(_check_of(c) for c in data.get("checks", [])),
        )
        definition.ensure_consistent()
        return definition

    def ensure_consistent(self) -> None:
        """Refuse a definition that names an unknown type or choice list, or a name twice."""
        seen: set[str] = set()
        for question in self.questions:
            if question.type not in QUESTION_TYPES:
                raise ValueError(f"question {question.name}: unknown type {question.type!r}")
            if question.is_select and question.choices not in {*self.choice_lists, *self.dynamic_lists}:
                raise ValueError(f"question {question.name}: unknown choice list {question.choices!r}")
            if question.name in seen:
                raise ValueError(f"question {question.name} appears twice")
            seen.add(question.name)
        types = {question.name: question.type for question in self.questions}
        for check in self.checks:
            where = f"check {check.describe()}"
            if check.op not in CHECK_OPERATORS:
                raise ValueError(f"{where}: unknown operator {check.op!r}")
            if not check.left_names or len(set(check.left_names)) != len(check.left_names):
                raise ValueError(f"{where}: 'left' must name one question, or several different ones")
            for name in (*check.left_names, check.right):
                if name not in types:
                    raise ValueError(f"{where}: unknown question {name!r}")
                if types[name] not in NUMBER_TYPES:
                    raise ValueError(f"{where}: question {name!r} is not a number ({types[name]})")

    @cached_property
    def questions(self) -> tuple[Question, ...]:
        return tuple(question for section in self.sections for question in section.questions)

    @cached_property
    def question_names(self) -> frozenset[str]:
        return frozenset(question.name for question in self.questions)

    @cached_property
    def static_choice_sets(self) -> dict[str, frozenset[str]]:
        """The choice names of each fixed list, as sets: checking an answer is a lookup."""
        return {name: frozenset(choice.name for choice in items) for name, items in self.choice_lists.items()}

    def question(self, name: str) -> Question:
        for question in self.questions:
            if question.name == name:
                return question
        raise KeyError(name)

    def title_text(self, language: str | None = None) -> str:
        return text_in(self.title, language)


def _check_of(data: Mapping[str, Any]) -> Check:
    left = data["left"]
    if isinstance(left, list):
        if not all(isinstance(name, str) for name in left):
            raise ValueError(f"check {left!r}: 'left' must be a question's name or a list of names")
        left = tuple(left)
    elif not isinstance(left, str):
        raise ValueError(f"check {left!r}: 'left' must be a question's name or a list of names")
    if not isinstance(data["right"], str):
        raise ValueError(f"check {data['right']!r}: 'right' must be a question's name")
    return Check(left, data["op"], data["right"], data["message"])


@cache
def _definition_from_text(text: str) -> Definition:
    return Definition.from_json(json.loads(text))


def definition_of(data: Mapping[str, Any]) -> Definition:
    """The parsed definition of a stored questionnaire (cached by content)."""
    return _definition_from_text(json.dumps(data, sort_keys=True))


def shipped_definitions() -> list[dict[str, Any]]:
    """The questionnaire versions that ship with Tandem, in file order."""
    return [json.loads(path.read_text(encoding="utf-8")) for path in sorted(DEFINITIONS.glob("*.json"))]


# --- Values ---------------------------------------------------------------------------------

ChoiceSets = Mapping[str, Iterable[str]]


def allowed_names(definition: Definition, question: Question, dynamic: ChoiceSets) -> list[str]:
    """The choice names a select question accepts (dynamic lists come from the round)."""
    if question.choices in definition.dynamic_lists:
        return sorted(dynamic.get(question.choices, ()))
    return [choice.name for choice in definition.choice_lists[question.choices]]


def parse_value(
    definition: Definition, question: Question, raw: str | float | int | None, dynamic: ChoiceSets
) -> tuple[Any, Problem | None]:
    """Text (or a spreadsheet's number) into the stored value. Blank and "n/a" are no value.
    Select-multiple values are separated by spaces, as Kobo and ODK write them."""
    if raw is None:
        return None, None
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    text = str(raw).strip()
    if text.lower() in MISSING_TOKENS:
        return None, None
    if question.type == "integer":
        try:
            number = Decimal(text.replace(" ", ""))
        except InvalidOperation:
            return None, Problem(
                question.name, _("“%(value)s” is not a whole number.") % {"value": text}, _limits(question)
            )
        if number != number.to_integral_value():
            return None, Problem(
                question.name, _("“%(value)s” is not a whole number.") % {"value": text}, _limits(question)
            )
        return int(number), None
    if question.type == "decimal":
        try:
            return float(Decimal(text.replace(",", "."))), None
        except InvalidOperation:
            return None, Problem(question.name, _("“%(value)s” is not a number.") % {"value": text}, _limits(question))
    if question.type == "select_one":
        return text, None
    if question.type == "select_multiple":
        return list(dict.fromkeys(text.replace(",", " ").split())), None
    return text, None


def _limits(question: Question) -> str:
    if question.min is not None and question.max is not None:
        return _("a whole number from %(min)s to %(max)s") % {"min": question.min, "max": question.max}
    return _("a whole number")


def validate(definition: Definition, values: Mapping[str, Any], dynamic: ChoiceSets) -> list[Problem]:
    """Every problem with a set of stored values, in questionnaire order."""
    problems: list[Problem] = []
    for question in definition.questions:
        value = values.get(question.name)
        if value is None or value in ([], ""):
            if question.required:
                allowed = _allowed_text(definition, question, dynamic)
                problems.append(Problem(question.name, _("An answer is required."), allowed, kind="missing"))
            continue
        problems.extend(_value_problems(definition, question, value, dynamic))
    unknown = sorted(set(values) - definition.question_names)
    problems.extend(Problem(name, _("This question is not in the questionnaire.")) for name in unknown)
    failed = (check for check in definition.checks if check.fails(values))
    problems.extend(Problem(check.subject, text_in(check.message)) for check in failed)
    return problems


def _value_problems(definition: Definition, question: Question, value: Any, dynamic: ChoiceSets) -> list[Problem]:
    if question.type == "integer":
        if not isinstance(value, int) or isinstance(value, bool):
            return [Problem(question.name, _("A whole number is needed."), _limits(question))]
        if (question.min is not None and value < question.min) or (question.max is not None and value > question.max):
            return [Problem(question.name, _("%(value)s is out of range.") % {"value": value}, _limits(question))]
        return []
    if question.type == "decimal":
        return [] if isinstance(value, int | float) else [Problem(question.name, _("A number is needed."))]
    if question.type == "text":
        return [] if isinstance(value, str) else [Problem(question.name, _("A text is needed."))]
    if question.choices in definition.dynamic_lists:
        listed = dynamic.get(question.choices, ())
        allowed = listed if isinstance(listed, set | frozenset) else frozenset(listed)
    else:
        allowed = definition.static_choice_sets[question.choices]
    chosen = value if question.type == "select_multiple" else [value]
    if not isinstance(chosen, list) or not all(isinstance(item, str) for item in chosen):
        return [Problem(question.name, _("A choice is needed."), _allowed_text(definition, question, dynamic))]
    unknown = [item for item in chosen if item not in allowed]
    if unknown:
        return [
            Problem(
                question.name,
                _("“%(value)s” is not one of the choices.") % {"value": " ".join(unknown)},
                _allowed_text(definition, question, dynamic),
            )
        ]
    return []


def _allowed_text(definition: Definition, question: Question, dynamic: ChoiceSets) -> str:
    if not question.is_select:
        return _limits(question) if question.type == "integer" else ""
    names = allowed_names(definition, question, dynamic)
    shown = ", ".join(names[:12]) + (" …" if len(names) > 12 else "")
    if question.type == "select_multiple":
        return _("one or more of: %(choices)s, separated by spaces") % {"choices": shown}
    return _("one of: %(choices)s") % {"choices": shown}


def choice_text(definition: Definition, question: Question, name: str, language: str | None = None) -> str:
    """The label of a static choice, or the name itself for a dynamic list."""
    for choice in definition.choice_lists.get(question.choices, ()):
        if choice.name == name:
            return choice.text(language)
    return name
