"""The checks of a file of answers, pure: which column stands for which question (with or
without Kobo/ODK group prefixes, split select-multiple columns), each row turned into values
and checked against the questionnaire and the round, and the plan of what an import would
create, change or leave alone. Problems name their row, their column, what is wrong and what
is allowed, as ``tandem.core.table_imports`` keeps them.

Column names are question names, optionally behind a group path as Kobo and ODK write them
(``availability/places_per_year``, ODK Central's ``availability-places_per_year``). The
metadata columns those tools add (``_id``, ``_uuid``, ``start``, ``meta/instanceID`` …) are
ignored. A select-multiple question may come as one column of space-separated choices or, as
Kobo also exports it, as one column per choice (``availability/regions_served/AL-11``) holding
1 or 0.

Problems are kept language-neutral, to be shown in the language of whoever reads them: the
messages written here are ``tables.Message`` (the key of a wording and its parameters), and
those the questionnaire's checks write (``rules.questionnaire``), already in the active
language, are ``Written``: kept with the way to write them again in another language."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _, ngettext

from tandem.core.catalogues import text_in
from tandem.core.table_imports import (
    FirstProblems,
    Found,
    Words,
    blank_cell,
    blank_row,
    field_for,
    is_meta_column,
)
from tandem.core.tables import Message, Raw, Table, stored_text, wording
from tandem.geo.models import Country
from tandem.mapping.models import (
    AnswerStatus,
)
from tandem.mapping.rules.questionnaire import (
    MISSING_TOKENS,
    ChoiceSets,
    Definition,
    Problem,
    Question,
    allowed_names,
    parse_value,
    validate,
)

Progress = Callable[[int, int], None]


# The question every row must answer: which programme the row is about.
PROGRAMME = "programme"


# How often (in rows) the progress callback hears how far the check has come.
PROGRESS_EVERY = 250


TRUE_FLAGS = frozenset({"1", "true", "yes"})


FALSE_FLAGS = frozenset({"0", "false", "no"})


class _Rewritable:
    """A problem that the questionnaire's checks wrote in the active language, with the way to
    write it again: in another language it is written anew, once per language."""

    def __init__(self, rewrite: Callable[[], Problem | None], found: Problem) -> None:
        self._rewrite = rewrite
        self._found = found
        self._by_language: dict[str, Problem] = {translation.get_language() or "": found}

    def problem(self) -> Problem:
        language = translation.get_language() or ""
        if language not in self._by_language:
            self._by_language[language] = self._rewrite() or self._found
        return self._by_language[language]


@dataclass(frozen=True)
class Written:
    """The message or the ``allowed`` of a problem the questionnaire's checks wrote: shown in
    the active language, stored in every language the site offers (``as_data``)."""

    source: _Rewritable
    part: str  # "message" or "allowed"

    def __str__(self) -> str:
        return str(getattr(self.source.problem(), self.part))

    def as_data(self, languages: Iterable[str]) -> dict[str, Any]:
        texts = {}
        for code in languages:
            with translation.override(code):
                texts[translation.to_locale(code)] = str(self)
        return {"texts": texts}


def written(rewrite: Callable[[], Problem | None], found: Problem) -> tuple[Written, Written | str]:
    """The message and the ``allowed`` of a problem the questionnaire's checks found, which
    ``rewrite`` finds again in the active language."""
    source = _Rewritable(rewrite, found)
    return Written(source, "message"), (Written(source, "allowed") if found.allowed else "")


def stored_words(data: Any) -> str:
    """Stored words (``words_data``) in the active language; a text stored before problems were
    kept language-neutral is shown as it was stored."""
    if isinstance(data, Mapping) and isinstance(data.get("texts"), Mapping):
        return text_in({str(code): str(text) for code, text in data["texts"].items()})
    return stored_text(data)


@dataclass(frozen=True)
class StoredProblem:
    """A problem as an import job keeps it, written in the active language."""

    row: int
    column: str
    message: str
    allowed: str


def stored_problems(stored: Iterable[Mapping[str, Any]]) -> list[StoredProblem]:
    """The problems an import job keeps (``ImportProblem.as_dict``), in the active language."""
    return [
        StoredProblem(
            int(item.get("row") or 0),
            str(item.get("column") or ""),
            stored_words(item.get("message")),
            stored_words(item.get("allowed")),
        )
        for item in stored
    ]


@dataclass(frozen=True)
class Column:
    index: int
    header: str
    question: Question
    # For Kobo's one-column-per-choice export of a select-multiple question: the choice.
    choice: str = ""


@dataclass
class Columns:
    joined: dict[str, Column] = field(default_factory=dict)
    split: dict[str, list[Column]] = field(default_factory=dict)
    problems: list[tuple[int, str, Words, Words]] = field(default_factory=list)  # (index, header, message, allowed)

    def header_of(self, question: str) -> str:
        if question in self.joined:
            return self.joined[question].header
        if question in self.split:
            return self.split[question][0].header
        return question

    def index_of(self, question: str) -> int:
        if question in self.joined:
            return self.joined[question].index
        if question in self.split:
            return self.split[question][0].index
        return -1

    def present(self, question: str) -> bool:
        return question in self.joined or question in self.split


def map_columns(definition: Definition, headers: Sequence[str], dynamic: ChoiceSets) -> Columns:
    questions = {question.name: question for question in definition.questions}
    columns = Columns()
    for index, header in enumerate(headers):
        if not header:
            continue
        prefix, slash, choice = header.rpartition("/")
        owner = field_for(prefix, questions) if slash and prefix and header not in questions else None
        if owner is not None and owner.type == "select_multiple":
            if choice not in allowed_names(definition, owner, dynamic):
                columns.problems.append(
                    (
                        index,
                        header,
                        Message(NOT_A_CHOICE_OF, {"choice": choice, "question": owner.name}),
                        choices_text(allowed_names(definition, owner, dynamic)),
                    )
                )
                continue
            columns.split.setdefault(owner.name, []).append(Column(index, header, owner, choice))
            continue
        question = field_for(header, questions)
        if question is not None:
            if question.name in columns.joined:
                columns.problems.append(
                    (
                        index,
                        header,
                        Message(
                            QUESTION_TWICE, {"question": question.name, "column": columns.joined[question.name].header}
                        ),
                        "",
                    )
                )
                continue
            columns.joined[question.name] = Column(index, header, question)
            continue
        if is_meta_column(header):
            continue
        columns.problems.append(
            (
                index,
                header,
                Message(NOT_A_QUESTION),
                Message(QUESTION_NAMES),
            )
        )
    # Kobo exports a select-multiple question both ways; the joined column is the one read.
    for name in list(columns.split):
        if name in columns.joined:
            del columns.split[name]
    for question in definition.questions:
        if question.required and not columns.present(question.name):
            columns.problems.append(
                (
                    len(headers),
                    question.name,
                    Message(NO_COLUMN, {"question": question.name}),
                    Message(COLUMN_NAMED, {"question": question.name, "section": question.section}),
                )
            )
    return columns


def choices_text(names: Sequence[str]) -> Message:
    shown = ", ".join(names[:12]) + (" …" if len(names) > 12 else "")
    return Message(ONE_OF, {"choices": shown})


@dataclass(frozen=True)
class Entry:
    """A row without problems: the answer it gives for one programme."""

    row: int
    programme_id: int
    code: str
    values: dict[str, Any]


@dataclass
class Checked:
    entries: list[Entry]
    problems: FirstProblems
    rows: int
    programme_column: tuple[int, str]


def _flag(raw: Raw) -> bool | str | None:
    """A cell of a one-column-per-choice export: True, False, None (blank) or the bad text."""
    if blank_cell(raw):
        return None
    if isinstance(raw, int | float):
        if raw in (0, 1):
            return raw == 1
        return str(raw)
    text = str(raw).strip()
    if text.lower() in TRUE_FLAGS:
        return True
    if text.lower() in FALSE_FLAGS:
        return False
    if text.lower() in MISSING_TOKENS:
        return None
    return text


@dataclass(frozen=True)
class RoundFacts:
    """What a file is checked against: the round's questionnaire, its choice sets, and the
    programmes of its countries (read once, not per row: ``queries.imports.round_facts``)."""

    definition: Definition
    dynamic: ChoiceSets
    country_codes: tuple[str, ...]
    programmes: Mapping[str, int]  # reference -> programme id
    # A programme serves regions of its own country only.
    country_of: Mapping[str, str]  # reference -> country code
    regions_of: Mapping[str, frozenset[str]]  # country code -> its coverage units

    def programmes_allowed(self) -> Message:
        codes = ", ".join(self.country_codes)
        example = min(self.programmes, default="")
        if example:
            return Message(PROGRAMME_EXAMPLE, {"countries": codes, "example": example})
        return Message(PROGRAMME_ALLOWED, {"countries": codes})

    def unknown_programme(self, code: str, elsewhere: Mapping[str, tuple[str, str]]) -> Message:
        """Why a reference is refused: a programme of another country (``elsewhere`` gives its
        country's code and English name), or none at all."""
        country = elsewhere.get(code)
        if country is not None:
            return Message(PROGRAMME_ELSEWHERE, {"code": code, "country": country[0], "country_name": country[1]})
        return Message(UNKNOWN_PROGRAMME, {"code": code})


class _RowChecker:
    """Turns one row into values and finds everything wrong with it."""

    def __init__(self, facts: RoundFacts, table: Table, elsewhere: Mapping[str, tuple[str, str]]) -> None:
        self.facts = facts
        self.definition = facts.definition
        self.columns = map_columns(self.definition, table.headers, facts.dynamic)
        self.width = len(table.headers)
        self.programme_column = (self.columns.index_of(PROGRAMME), self.columns.header_of(PROGRAMME))
        self.programme_list = self.definition.question(PROGRAMME).choices
        self.elsewhere = elsewhere
        self.seen: dict[str, int] = {}
        # Choices and small numbers repeat down a column: each distinct cell is read once.
        self.parsed: dict[tuple[int, Raw], tuple[Any, Problem | None]] = {}

    def _parse(self, column: Column, raw: Raw) -> tuple[Any, Problem | None]:
        if column.question.type == "text":
            return parse_value(self.definition, column.question, raw, self.facts.dynamic)
        key = (column.index, raw)
        parsed = self.parsed.get(key)
        if parsed is None:
            parsed = self.parsed[key] = parse_value(self.definition, column.question, raw, self.facts.dynamic)
        value, problem = parsed
        return (list(value) if isinstance(value, list) else value), problem

    def check(self, row: int, cells: Sequence[Raw]) -> tuple[Found, Entry | None]:
        found: Found = []
        failed: set[str] = set()
        values = self._values(row, cells, found, failed)
        code = values.get(PROGRAMME)
        self._check_programme(row, code, found)
        # Handing validate the round's whole list of programmes for every row would make the
        # check of a large file grow with the square of its rows; the programme is checked above.
        known = code if isinstance(code, str) and code in self.facts.programmes else ""
        row_dynamic: dict[str, Iterable[str]] = {**self.facts.dynamic, self.programme_list: [known] if known else []}
        if known in self.facts.country_of:
            row_dynamic["regions"] = self.facts.regions_of[self.facts.country_of[known]]
        columns = self.columns
        for position, problem in enumerate(validate(self.definition, values, row_dynamic)):
            # A value that could not be read is reported once; a required question without any
            # column is reported once, for the whole file.
            if problem.question in failed or problem.question == PROGRAMME or not columns.present(problem.question):
                continue
            index, header = columns.index_of(problem.question), columns.header_of(problem.question)
            found.append((row, index, header, *self._validated_again(values, row_dynamic, position, problem)))
        if found or not known:
            return found, None
        return found, Entry(row, self.facts.programmes[known], known, values)

    def _validated_again(
        self, values: Mapping[str, Any], dynamic: ChoiceSets, position: int, problem: Problem
    ) -> tuple[Words, Words]:
        """A problem ``validate`` found, with the way to find it again in another language."""
        definition = self.definition

        def again() -> Problem | None:
            problems = validate(definition, values, dynamic)
            return problems[position] if position < len(problems) else None

        return written(again, problem)

    def _parsed_again(self, column: Column, raw: Raw, problem: Problem) -> tuple[Words, Words]:
        """A problem ``parse_value`` found, with the way to find it again in another language."""
        definition, dynamic = self.definition, self.facts.dynamic
        return written(lambda: parse_value(definition, column.question, raw, dynamic)[1], problem)

    def _values(self, row: int, cells: Sequence[Raw], found: Found, failed: set[str]) -> dict[str, Any]:
        values: dict[str, Any] = {}
        if len(cells) > self.width and not all(blank_cell(cell) for cell in cells[self.width :]):
            found.append((row, self.width, "", Message(MORE_CELLS), ""))
        for column in self.columns.joined.values():
            raw = cells[column.index] if column.index < len(cells) else None
            value, problem = self._parse(column, raw)
            if problem is not None:
                found.append((row, column.index, column.header, *self._parsed_again(column, raw, problem)))
                failed.add(column.question.name)
            elif value is not None and value != []:
                values[column.question.name] = value
        for name, split_columns in self.columns.split.items():
            chosen: list[str] = []
            for column in split_columns:
                flag = _flag(cells[column.index] if column.index < len(cells) else None)
                if isinstance(flag, str):
                    message = Message(NOT_A_FLAG, {"value": flag})
                    found.append((row, column.index, column.header, message, Message(FLAG)))
                    failed.add(name)
                elif flag:
                    chosen.append(column.choice)
            if chosen:
                values[name] = chosen
        return values

    def _check_programme(self, row: int, code: Any, found: Found) -> None:
        if not self.columns.present(PROGRAMME):
            return
        message: Message | None = None
        if code is None:
            message = Message(NO_PROGRAMME)
        elif code not in self.facts.programmes:
            message = self.facts.unknown_programme(code, self.elsewhere)
        elif code in self.seen:
            message = Message(PROGRAMME_TWICE, {"code": code, "row": self.seen[code]})
        else:
            self.seen[code] = row
        if message is not None:
            found.append((row, *self.programme_column, message, self.facts.programmes_allowed()))


def check_rows(
    facts: RoundFacts, table: Table, *, elsewhere: Mapping[str, tuple[str, str]], progress: Progress | None = None
) -> Checked:
    """Every row turned into values and checked, the first problems kept and the rest counted;
    nothing written. ``elsewhere`` gives the country (code, English name) of each programme the
    file refers to that is in the registry but outside the round (see ``unknown_codes``)."""
    checker = _RowChecker(facts, table, elsewhere)
    problems = FirstProblems()
    problems.add((1, index, header, message, allowed) for index, header, message, allowed in checker.columns.problems)
    entries: list[Entry] = []
    total, data_rows = len(table.rows), 0
    if progress is not None:
        progress(0, total)
    for offset, cells in enumerate(table.rows):
        if progress is not None and offset and offset % PROGRESS_EVERY == 0:
            progress(offset, total)
        if blank_row(cells):
            continue
        data_rows += 1
        found, entry = checker.check(offset + 2, cells)
        problems.add(found)
        if entry is not None:
            entries.append(entry)
    if progress is not None:
        progress(total, total)
    if not data_rows:
        problems.add([(1, -1, "", Message(NO_ROWS), "")])
    return Checked(entries, problems, data_rows, checker.programme_column)


def unknown_codes(facts: RoundFacts, table: Table) -> set[str]:
    """The programme references in a file that are not programmes of the round's countries."""
    column = map_columns(facts.definition, table.headers, facts.dynamic).joined.get(PROGRAMME)
    if column is None:
        return set()
    codes = set()
    for cells in table.rows:
        raw = cells[column.index] if column.index < len(cells) else None
        code, _problem = parse_value(facts.definition, column.question, raw, facts.dynamic)
        if isinstance(code, str):
            codes.add(code)
    return codes - set(facts.programmes)


def comparable(values: Mapping[str, Any]) -> dict[str, Any]:
    # The order in which choices were ticked carries no meaning.
    return {name: sorted(value) if isinstance(value, list) else value for name, value in values.items()}


@dataclass(frozen=True)
class Stored:
    pk: int
    status: str
    values: dict[str, Any]


@dataclass
class Plan:
    create: list[Entry] = field(default_factory=list)
    update: list[tuple[int, Entry]] = field(default_factory=list)  # (answer id, entry)
    unchanged: int = 0
    problems: Found = field(default_factory=list)


def plan_import(entries: list[Entry], existing: Mapping[int, Stored], programme_column: tuple[int, str]) -> Plan:
    plan = Plan()
    for entry in entries:
        answer = existing.get(entry.programme_id)
        if answer is None:
            plan.create.append(entry)
            continue
        same = comparable(answer.values) == comparable(entry.values)
        if answer.status in (AnswerStatus.ACCEPTED, AnswerStatus.PUBLISHED):
            if same:
                plan.unchanged += 1
                continue
            kept = ACCEPTED_OTHERWISE if answer.status == AnswerStatus.ACCEPTED else PUBLISHED_OTHERWISE
            plan.problems.append((entry.row, *programme_column, Message(kept, {"code": entry.code}), ""))
        elif same and answer.status == AnswerStatus.SUBMITTED:
            plan.unchanged += 1
        else:
            plan.update.append((answer.pk, entry))
    return plan


# --- Wordings -----------------------------------------------------------------------------------

INTERRUPTED = "import.interrupted"
STOPPED_BY_ERROR = "import.stopped_by_error"
NOT_A_CHOICE_OF = "import.not_a_choice_of"
ONE_OF = "import.one_of"
QUESTION_TWICE = "import.question_twice"
NOT_A_QUESTION = "import.not_a_question"
QUESTION_NAMES = "import.question_names"
NO_COLUMN = "import.no_column"
COLUMN_NAMED = "import.column_named"
PROGRAMME_EXAMPLE = "import.programme_example"
PROGRAMME_ALLOWED = "import.programme_allowed"
PROGRAMME_ELSEWHERE = "import.programme_elsewhere"
UNKNOWN_PROGRAMME = "import.unknown_programme"
NO_PROGRAMME = "import.no_programme"
PROGRAMME_TWICE = "import.programme_twice"
MORE_CELLS = "import.more_cells"
NOT_A_FLAG = "import.not_a_flag"
FLAG = "import.flag"
NO_ROWS = "import.no_rows"
ACCEPTED_OTHERWISE = "import.accepted_otherwise"
PUBLISHED_OTHERWISE = "import.published_otherwise"


@wording(INTERRUPTED)
def _interrupted(count: int) -> str:
    return ngettext(
        "The import was interrupted %(count)d time and was given up. Nothing was imported.",
        "The import was interrupted %(count)d times and was given up. Nothing was imported.",
        count,
    ) % {"count": count}


@wording(STOPPED_BY_ERROR)
def _stopped_by_error() -> str:
    return _("The import stopped because of an error in Tandem. Nothing was imported.")


@wording(NOT_A_CHOICE_OF)
def _not_a_choice_of(choice: str, question: str) -> str:
    return _("“%(choice)s” is not one of the choices of %(question)s.") % {"choice": choice, "question": question}


@wording(ONE_OF)
def _one_of(choices: str) -> str:
    return _("one of: %(choices)s") % {"choices": choices}


@wording(QUESTION_TWICE)
def _question_twice(question: str, column: str) -> str:
    return _("The question %(question)s already has a column: %(column)s.") % {"question": question, "column": column}


@wording(NOT_A_QUESTION)
def _not_a_question() -> str:
    return _("This column is not a question of the questionnaire.")


@wording(QUESTION_NAMES)
def _question_names() -> str:
    return _(
        "the question names of the questionnaire, with or without group prefixes "
        "(export from KoboToolbox with XML values and headers)"
    )


@wording(NO_COLUMN)
def _no_column(question: str) -> str:
    return _("The file has no column for the required question %(question)s.") % {"question": question}


@wording(COLUMN_NAMED)
def _column_named(question: str, section: str) -> str:
    return _("a column named %(question)s or %(section)s/%(question)s") % {"question": question, "section": section}


@wording(PROGRAMME_EXAMPLE)
def _programme_example(countries: str, example: str) -> str:
    return _("the reference of a programme in the registry in %(countries)s, e.g. %(example)s") % {
        "countries": countries,
        "example": example,
    }


@wording(PROGRAMME_ALLOWED)
def _programme_allowed(countries: str) -> str:
    return _("the reference of a programme in the registry in %(countries)s") % {"countries": countries}


@wording(PROGRAMME_ELSEWHERE)
def _programme_elsewhere(code: str, country: str, country_name: str) -> str:
    # The country is named in the reader's language, as everywhere else.
    name = Country(code=country, name_en=country_name).display_name
    return _("%(code)s is a programme in %(country)s, which is not part of this round.") % {
        "code": code,
        "country": name,
    }


@wording(UNKNOWN_PROGRAMME)
def _unknown_programme(code: str) -> str:
    return _("“%(code)s” is not the reference of a programme in the registry.") % {"code": code}


@wording(NO_PROGRAMME)
def _no_programme() -> str:
    return _("Every row needs the reference of its programme.")


@wording(PROGRAMME_TWICE)
def _programme_twice(code: str, row: int) -> str:
    return _("The programme %(code)s is also in row %(row)d; a file holds one answer per programme.") % {
        "code": code,
        "row": row,
    }


@wording(MORE_CELLS)
def _more_cells() -> str:
    return _("This row has more cells than the first row has column names.")


@wording(NOT_A_FLAG)
def _not_a_flag(value: str) -> str:
    return _("“%(value)s” is neither 1 nor 0.") % {"value": value}


@wording(FLAG)
def _flag_allowed() -> str:
    return _("1 (chosen) or 0 (not chosen)")


@wording(NO_ROWS)
def _no_rows() -> str:
    return _("The file has no rows of answers under its column names.")


@wording(ACCEPTED_OTHERWISE)
def _accepted_otherwise(code: str) -> str:
    return _(
        "The answer for %(code)s has already been accepted with other values. Return it first to import new ones."
    ) % {"code": code}


@wording(PUBLISHED_OTHERWISE)
def _published_otherwise(code: str) -> str:
    return _(
        "The answer for %(code)s has already been published with other values. "
        "Withdraw and return it first to import new ones."
    ) % {"code": code}
