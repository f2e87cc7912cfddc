"""The checks of a file of answers, pure: which column stands for which question (with or
without Kobo/ODK group prefixes, split select-multiple columns), each row turned into values
and checked against the questionnaire and the round, and the plan of what an import would
create, change or leave alone. Problems name their row (as a spreadsheet counts them: the
column names are row 1), their column (as named in the file), what is wrong and what is
allowed; the first ``MAX_PROBLEMS`` are kept and the rest counted.

Column names are question names, optionally behind a group path as Kobo and ODK write them
(``availability/places_per_year``, ODK Central's ``availability-places_per_year``). The
metadata columns those tools add (``_id``, ``_uuid``, ``start``, ``meta/instanceID`` …) are
ignored. A select-multiple question may come as one column of space-separated choices or, as
Kobo also exports it, as one column per choice (``availability/regions_served/AL-11``) holding
1 or 0."""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _, ngettext

from tandem.core.tables import Raw, Table
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


# A refused import lists this many problems, in row order, and counts the rest.
MAX_PROBLEMS = 200


# Columns that KoboToolbox, ODK Collect and ODK Central add to every export.
META_COLUMNS = frozenset(
    {
        "start",
        "end",
        "today",
        "deviceid",
        "subscriberid",
        "simserial",
        "phonenumber",
        "username",
        "email",
        "audit",
        "instanceID",
        "instanceName",
        "uuid",
        "SubmissionDate",
        "KEY",
        "SubmitterID",
        "SubmitterName",
        "AttachmentsPresent",
        "AttachmentsExpected",
        "Status",
        "ReviewState",
        "DeviceID",
        "Edits",
        "FormVersion",
    }
)


META_PREFIXES = ("_", "meta/", "meta-", "formhub/", "formhub-")


TRUE_FLAGS = frozenset({"1", "true", "yes"})


FALSE_FLAGS = frozenset({"0", "false", "no"})


@dataclass(frozen=True)
class ImportProblem:
    """One thing wrong in a file: where (file, row, column) and what."""

    file: str
    row: int
    column: str
    message: str
    allowed: str = ""

    def __str__(self) -> str:
        where = f"{self.file}:{self.row}: {self.column}" if self.column else f"{self.file}:{self.row}"
        if self.allowed:
            return _("%(where)s: %(message)s (allowed: %(allowed)s)") % {
                "where": where,
                "message": self.message,
                "allowed": self.allowed,
            }
        return f"{where}: {self.message}"

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message, "allowed": self.allowed}


class ImportRefused(Exception):
    """The file has problems; nothing was imported. ``problems`` lists the first
    ``MAX_PROBLEMS`` of them (given in row order) and ``more`` counts the rest."""

    def __init__(self, filename: str, problems: Sequence[ImportProblem], *, more: int = 0) -> None:
        self.filename = filename
        self.problems = list(problems[:MAX_PROBLEMS])
        self.more = more + len(problems) - len(self.problems)
        self.count = len(self.problems) + self.more
        self.message = _refused_message(filename, self.count, self.more)
        super().__init__(self.message)


def _refused_message(filename: str, count: int, more: int) -> str:
    message = ngettext(
        "%(file)s has %(count)s problem; nothing was imported.",
        "%(file)s has %(count)s problems; nothing was imported.",
        count,
    ) % {"file": filename, "count": _grouped(count)}
    if not more:
        return message
    listed = ngettext(
        "The first %(shown)s are listed … and %(more)s more problem.",
        "The first %(shown)s are listed … and %(more)s more problems.",
        more,
    ) % {"shown": _grouped(count - more), "more": _grouped(more)}
    return f"{message} {listed}"


def _grouped(number: int) -> str:
    return number_format(number, decimal_pos=0, force_grouping=True)


def blank_cell(raw: Raw) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def blank_row(cells: Sequence[Raw]) -> bool:
    # Nearly every row has a value in its first cells: look no further than that one.
    if any(cells):
        return all(blank_cell(cell) for cell in cells if cell)
    return all(cell is None or cell == "" for cell in cells)


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
    problems: list[tuple[int, str, str, str]] = field(default_factory=list)  # (index, header, message, allowed)

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


def question_for(header: str, questions: Mapping[str, Question]) -> Question | None:
    """The question a column stands for: its name, or its name behind a group path
    (``group/name`` from Kobo and ODK, ``group-name`` from ODK Central)."""
    if header in questions:
        return questions[header]
    matches = [name for name in questions if header.endswith(("/" + name, "-" + name))]
    return questions[max(matches, key=len)] if matches else None


def is_meta_column(header: str) -> bool:
    return header in META_COLUMNS or header.startswith(META_PREFIXES)


def map_columns(definition: Definition, headers: Sequence[str], dynamic: ChoiceSets) -> Columns:
    questions = {question.name: question for question in definition.questions}
    columns = Columns()
    for index, header in enumerate(headers):
        if not header:
            continue
        prefix, slash, choice = header.rpartition("/")
        owner = question_for(prefix, questions) if slash and prefix and header not in questions else None
        if owner is not None and owner.type == "select_multiple":
            if choice not in allowed_names(definition, owner, dynamic):
                columns.problems.append(
                    (
                        index,
                        header,
                        _("“%(choice)s” is not one of the choices of %(question)s.")
                        % {"choice": choice, "question": owner.name},
                        choices_text(allowed_names(definition, owner, dynamic)),
                    )
                )
                continue
            columns.split.setdefault(owner.name, []).append(Column(index, header, owner, choice))
            continue
        question = question_for(header, questions)
        if question is not None:
            if question.name in columns.joined:
                columns.problems.append(
                    (
                        index,
                        header,
                        _("The question %(question)s already has a column: %(column)s.")
                        % {"question": question.name, "column": columns.joined[question.name].header},
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
                _("This column is not a question of the questionnaire."),
                _(
                    "the question names of the questionnaire, with or without group prefixes "
                    "(export from KoboToolbox with XML values and headers)"
                ),
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
                    _("The file has no column for the required question %(question)s.") % {"question": question.name},
                    _("a column named %(question)s or %(section)s/%(question)s")
                    % {"question": question.name, "section": question.section},
                )
            )
    return columns


def choices_text(names: Sequence[str]) -> str:
    shown = ", ".join(names[:12]) + (" …" if len(names) > 12 else "")
    return _("one of: %(choices)s") % {"choices": shown}


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

    def programmes_allowed(self) -> str:
        codes = ", ".join(self.country_codes)
        example = min(self.programmes, default="")
        if example:
            return _("the reference of a programme in the registry in %(countries)s, e.g. %(example)s") % {
                "countries": codes,
                "example": example,
            }
        return _("the reference of a programme in the registry in %(countries)s") % {"countries": codes}

    def unknown_programme(self, code: str, elsewhere: Mapping[str, str]) -> str:
        """Why a reference is refused: a programme of another country (``elsewhere`` gives its
        country's name), or none at all."""
        country = elsewhere.get(code)
        if country is not None:
            return _("%(code)s is a programme in %(country)s, which is not part of this round.") % {
                "code": code,
                "country": country,
            }
        return _("“%(code)s” is not the reference of a programme in the registry.") % {"code": code}


FoundProblem = tuple[int, int, str, str, str]  # (row, column index, column, message, allowed)


Found = list[FoundProblem]


class FirstProblems:
    """The first ``MAX_PROBLEMS`` problems in (row, column) order, and how many more there are.
    A file with a wrong column has a problem in every row: keeping them all would cost more
    memory than the file."""

    def __init__(self) -> None:
        # Keys are negated so that the top of the heap is the last problem kept, the one to drop.
        self._heap: list[tuple[int, int, int, FoundProblem]] = []
        self._added = 0
        self.more = 0

    def add(self, found: Iterable[FoundProblem]) -> None:
        for problem in found:
            self._added += 1
            key = (-problem[0], -problem[1], -self._added, problem)
            if len(self._heap) < MAX_PROBLEMS:
                heapq.heappush(self._heap, key)
                continue
            self.more += 1
            if key > self._heap[0]:
                heapq.heapreplace(self._heap, key)

    def __len__(self) -> int:
        return len(self._heap) + self.more

    def in_order(self) -> Found:
        return [key[3] for key in sorted(self._heap, reverse=True)]


class _RowChecker:
    """Turns one row into values and finds everything wrong with it."""

    def __init__(self, facts: RoundFacts, table: Table, elsewhere: Mapping[str, str]) -> None:
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
        for problem in validate(self.definition, values, row_dynamic):
            # A value that could not be read is reported once; a required question without any
            # column is reported once, for the whole file.
            if problem.question in failed or problem.question == PROGRAMME or not columns.present(problem.question):
                continue
            index, header = columns.index_of(problem.question), columns.header_of(problem.question)
            found.append((row, index, header, problem.message, problem.allowed))
        if found or not known:
            return found, None
        return found, Entry(row, self.facts.programmes[known], known, values)

    def _values(self, row: int, cells: Sequence[Raw], found: Found, failed: set[str]) -> dict[str, Any]:
        values: dict[str, Any] = {}
        if len(cells) > self.width and not all(blank_cell(cell) for cell in cells[self.width :]):
            found.append((row, self.width, "", _("This row has more cells than the first row has column names."), ""))
        for column in self.columns.joined.values():
            raw = cells[column.index] if column.index < len(cells) else None
            value, problem = self._parse(column, raw)
            if problem is not None:
                found.append((row, column.index, column.header, problem.message, problem.allowed))
                failed.add(column.question.name)
            elif value is not None and value != []:
                values[column.question.name] = value
        for name, split_columns in self.columns.split.items():
            chosen: list[str] = []
            for column in split_columns:
                flag = _flag(cells[column.index] if column.index < len(cells) else None)
                if isinstance(flag, str):
                    message = _("“%(value)s” is neither 1 nor 0.") % {"value": flag}
                    found.append((row, column.index, column.header, message, _("1 (chosen) or 0 (not chosen)")))
                    failed.add(name)
                elif flag:
                    chosen.append(column.choice)
            if chosen:
                values[name] = chosen
        return values

    def _check_programme(self, row: int, code: Any, found: Found) -> None:
        if not self.columns.present(PROGRAMME):
            return
        message = ""
        if code is None:
            message = _("Every row needs the reference of its programme.")
        elif code not in self.facts.programmes:
            message = self.facts.unknown_programme(code, self.elsewhere)
        elif code in self.seen:
            message = _("The programme %(code)s is also in row %(row)d; a file holds one answer per programme.") % {
                "code": code,
                "row": self.seen[code],
            }
        else:
            self.seen[code] = row
        if message:
            found.append((row, *self.programme_column, message, self.facts.programmes_allowed()))


def check_rows(
    facts: RoundFacts, table: Table, *, elsewhere: Mapping[str, str], progress: Progress | None = None
) -> Checked:
    """Every row turned into values and checked, the first problems kept and the rest counted;
    nothing written. ``elsewhere`` names the country of each programme the file refers to that
    is in the registry but outside the round (see ``unknown_codes``)."""
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
        problems.add([(1, -1, "", _("The file has no rows of answers under its column names."), "")])
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
    problems: list[tuple[int, int, str, str, str]] = field(default_factory=list)


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
            if answer.status == AnswerStatus.ACCEPTED:
                message = _(
                    "The answer for %(code)s has already been accepted with other values. "
                    "Return it first to import new ones."
                ) % {"code": entry.code}
            else:
                message = _(
                    "The answer for %(code)s has already been published with other values. "
                    "Withdraw and return it first to import new ones."
                ) % {"code": entry.code}
            plan.problems.append((entry.row, *programme_column, message, ""))
        elif same and answer.status == AnswerStatus.SUBMITTED:
            plan.unchanged += 1
        else:
            plan.update.append((answer.pk, entry))
    return plan


def problems_of(filename: str, found: list[tuple[int, int, str, str, str]]) -> list[ImportProblem]:
    ordered = sorted(found, key=lambda item: (item[0], item[1]))
    return [ImportProblem(filename, row, column, message, allowed) for row, _index, column, message, allowed in ordered]
