"""Importing survey answers from a file: a CSV or XLSX table with one programme per row, typed
by hand or exported from KoboToolbox or ODK with the form that ``xlsform`` writes.

An import is all or nothing. The whole file is read (within ``LIMITS``) and checked first,
and its problems are listed, the first ``MAX_PROBLEMS`` in row order and a count of the rest,
each with its row (as a spreadsheet counts them: the column names are row 1), its column (as
named in the file), what is wrong and what is allowed. A file with any problem changes
nothing. A good file is written in one transaction: new answers are created, changed ones are
replaced and get a new version, the rest are left alone, and the file is recorded as one
``ImportBatch`` with one audit entry. The same file imported into the same round again
changes nothing.

Column names are question names, optionally behind a group path as Kobo and ODK write them
(``availability/places_per_year``, ODK Central's ``availability-places_per_year``). The
metadata columns those tools add (``_id``, ``_uuid``, ``start``, ``meta/instanceID`` …) are
ignored. A select-multiple question may come as one column of space-separated choices or, as
Kobo also exports it, as one column per choice (``availability/regions_served/AL-11``) holding
1 or 0.
"""

from __future__ import annotations

import hashlib
import heapq
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import PurePath
from typing import Any

from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _, ngettext

from tandem.core import audit, events, tables
from tandem.core.audit import AuditContext
from tandem.core.models import User
from tandem.core.tables import Raw, Table, UnreadableFile
from tandem.geo.models import Country
from tandem.mapping.models import (
    AnswerSource,
    AnswerStatus,
    ImportBatch,
    ImportJob,
    Programme,
    SurveyAnswer,
    SurveyRound,
)
from tandem.mapping.queries.answers import get_answers_of_round
from tandem.mapping.queries.imports import get_import_batch_exists, get_import_job
from tandem.mapping.queries.registry import round_choice_sets
from tandem.mapping.rules.questionnaire import (
    MISSING_TOKENS,
    ChoiceSets,
    Definition,
    Problem,
    Question,
    allowed_names,
    definition_of,
    parse_value,
    validate,
)
from tandem.mapping.work_rules import ANSWERS_IMPORTED

Progress = Callable[[int, int], None]

# The question every row must answer: which programme the row is about.
PROGRAMME = "programme"
# How often (in rows) the progress callback hears how far the check has come.
PROGRESS_EVERY = 250
# A round's answers fit these with room to spare: the benchmark imports 10,000 rows of ~40 columns.
LIMITS = tables.Limits()
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


@dataclass(frozen=True)
class ImportResult:
    filename: str
    sha256: str
    rows: int
    created: int
    updated: int
    unchanged: int
    already_imported: bool = False
    dry_run: bool = False

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def message(self) -> str:
        return result_message(self.as_dict())


def result_message(summary: Mapping[str, Any]) -> str:
    """One sentence about an import, from its summary (also as stored on an import job)."""
    if summary.get("already_imported"):
        return _("%(file)s was imported into this round before: nothing was changed.") % {"file": summary["filename"]}
    counts = {
        "file": summary["filename"],
        "created": summary["created"],
        "updated": summary["updated"],
        "unchanged": summary["unchanged"],
    }
    if summary.get("dry_run"):
        return (
            _(
                "%(file)s can be imported: new answers %(created)d, changed %(updated)d, unchanged %(unchanged)d. "
                "Nothing was changed (dry run)."
            )
            % counts
        )
    return _("%(file)s imported: new answers %(created)d, changed %(updated)d, unchanged %(unchanged)d.") % counts


# --- Reading ----------------------------------------------------------------------------------


def read_table(filename: str, content: bytes) -> Table:
    """The table in a file of answers, read within the limits of an upload."""
    return tables.read_table(filename, content, LIMITS)


def _blank(raw: Raw) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def _blank_row(cells: Sequence[Raw]) -> bool:
    # Nearly every row has a value in its first cells: look no further than that one.
    if any(cells):
        return all(_blank(cell) for cell in cells if cell)
    return all(cell is None or cell == "" for cell in cells)


# --- Columns ----------------------------------------------------------------------------------


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


# --- Checking ---------------------------------------------------------------------------------


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
    if _blank(raw):
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


class _RoundFacts:
    """What a file is checked against: the round's questionnaire, its choice sets, and the
    programmes of its countries (read once, not per row)."""

    def __init__(self, survey_round: SurveyRound) -> None:
        self.definition = definition_of(survey_round.questionnaire.definition)
        self.dynamic = round_choice_sets(survey_round)
        self.countries = list(survey_round.countries.order_by("code"))
        self.programmes: dict[str, int] = dict(
            Programme.objects.filter(country__in=self.countries).values_list("code", "pk")
        )
        # A programme serves regions of its own country only.
        self.country_of: dict[str, str] = dict(
            Programme.objects.filter(country__in=self.countries).values_list("code", "country__code")
        )
        self.regions_of: dict[str, frozenset[str]] = {
            country.code: frozenset(round_choice_sets(survey_round, country=country)["regions"])
            for country in self.countries
        }

    def programmes_allowed(self) -> str:
        codes = ", ".join(country.code for country in self.countries)
        example = min(self.programmes, default="")
        if example:
            return _("the reference of a programme in the registry in %(countries)s, e.g. %(example)s") % {
                "countries": codes,
                "example": example,
            }
        return _("the reference of a programme in the registry in %(countries)s") % {"countries": codes}

    def unknown_programme(self, code: str, elsewhere: Mapping[str, Country]) -> str:
        """Why a reference is refused: a programme of another country, or none at all."""
        country = elsewhere.get(code)
        if country is not None:
            return _("%(code)s is a programme in %(country)s, which is not part of this round.") % {
                "code": code,
                "country": country.display_name,
            }
        return _("“%(code)s” is not the reference of a programme in the registry.") % {"code": code}


def _programmes_elsewhere(codes: set[str]) -> dict[str, Country]:
    """Programmes of the registry with these references (those outside the round's countries)."""
    if not codes:
        return {}
    found = Programme.objects.filter(code__in=sorted(codes)).select_related("country")
    return {programme.code: programme.country for programme in found}


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

    def __init__(self, facts: _RoundFacts, table: Table) -> None:
        self.facts = facts
        self.definition = facts.definition
        self.columns = map_columns(self.definition, table.headers, facts.dynamic)
        self.width = len(table.headers)
        self.programme_column = (self.columns.index_of(PROGRAMME), self.columns.header_of(PROGRAMME))
        self.programme_list = self.definition.question(PROGRAMME).choices
        self.elsewhere = _programmes_elsewhere(_codes_in(table, self.columns, facts) - set(facts.programmes))
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
        row_dynamic: dict[str, Iterable[str]] = {
            **self.facts.dynamic,
            self.programme_list: [code] if code in self.facts.programmes else [],
        }
        if code in self.facts.country_of:
            row_dynamic["regions"] = self.facts.regions_of[self.facts.country_of[code]]
        columns = self.columns
        for problem in validate(self.definition, values, row_dynamic):
            # A value that could not be read is reported once; a required question without any
            # column is reported once, for the whole file.
            if problem.question in failed or problem.question == PROGRAMME or not columns.present(problem.question):
                continue
            index, header = columns.index_of(problem.question), columns.header_of(problem.question)
            found.append((row, index, header, problem.message, problem.allowed))
        if found or code not in self.facts.programmes:
            return found, None
        return found, Entry(row, self.facts.programmes[code], code, values)

    def _values(self, row: int, cells: Sequence[Raw], found: Found, failed: set[str]) -> dict[str, Any]:
        values: dict[str, Any] = {}
        if len(cells) > self.width and not all(_blank(cell) for cell in cells[self.width :]):
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


def check_rows(facts: _RoundFacts, table: Table, progress: Progress | None = None) -> Checked:
    """Every row turned into values and checked, the first problems kept and the rest counted;
    nothing written."""
    checker = _RowChecker(facts, table)
    problems = FirstProblems()
    problems.add((1, index, header, message, allowed) for index, header, message, allowed in checker.columns.problems)
    entries: list[Entry] = []
    total, data_rows = len(table.rows), 0
    if progress is not None:
        progress(0, total)
    for offset, cells in enumerate(table.rows):
        if progress is not None and offset and offset % PROGRESS_EVERY == 0:
            progress(offset, total)
        if _blank_row(cells):
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


def _codes_in(table: Table, columns: Columns, facts: _RoundFacts) -> set[str]:
    column = columns.joined.get(PROGRAMME)
    if column is None:
        return set()
    codes = set()
    for cells in table.rows:
        raw = cells[column.index] if column.index < len(cells) else None
        code, _problem = parse_value(facts.definition, column.question, raw, facts.dynamic)
        if isinstance(code, str):
            codes.add(code)
    return codes


# --- Writing ----------------------------------------------------------------------------------


def _comparable(values: Mapping[str, Any]) -> dict[str, Any]:
    # The order in which choices were ticked carries no meaning.
    return {name: sorted(value) if isinstance(value, list) else value for name, value in values.items()}


@dataclass(frozen=True)
class _Stored:
    pk: int
    status: str
    values: dict[str, Any]


@dataclass
class _Plan:
    create: list[Entry] = field(default_factory=list)
    update: list[tuple[int, Entry]] = field(default_factory=list)  # (answer id, entry)
    unchanged: int = 0
    problems: list[tuple[int, int, str, str, str]] = field(default_factory=list)


def _plan(entries: list[Entry], existing: Mapping[int, _Stored], programme_column: tuple[int, str]) -> _Plan:
    plan = _Plan()
    for entry in entries:
        answer = existing.get(entry.programme_id)
        if answer is None:
            plan.create.append(entry)
            continue
        same = _comparable(answer.values) == _comparable(entry.values)
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


def _existing_answers(survey_round: SurveyRound, *, lock: bool) -> dict[int, _Stored]:
    """The round's answers by programme; locked until the import commits when ``lock``."""
    rows = get_answers_of_round(survey_round, lock=lock).values_list("programme_id", "pk", "status", "values")
    return {programme_id: _Stored(pk, status, values) for programme_id, pk, status, values in rows}


def _problems(filename: str, found: list[tuple[int, int, str, str, str]]) -> list[ImportProblem]:
    ordered = sorted(found, key=lambda item: (item[0], item[1]))
    return [ImportProblem(filename, row, column, message, allowed) for row, _index, column, message, allowed in ordered]


def import_answers(
    *,
    survey_round: SurveyRound,
    filename: str,
    content: bytes,
    acting_user: User | None,
    context: AuditContext | None = None,
    progress: Progress | None = None,
    dry_run: bool = False,
) -> ImportResult:
    """Import the answers in a file into a round, all or nothing.

    Raises ``UnreadableFile`` for a file that cannot be read as a table and ``ImportRefused``,
    listing every problem, for one that can but has problems; either way nothing changes.
    Imported answers are submitted (ready for review). An answer already accepted or published
    is left alone when the file gives the same values and refused when it gives others.
    From the command line nobody is signed in: ``acting_user`` is None and the context says
    where the import came from."""
    sha256 = hashlib.sha256(content).hexdigest()
    name = PurePath(filename).name
    table = read_table(name, content)
    if get_import_batch_exists(survey_round, sha256):
        rows = sum(1 for cells in table.rows if not _blank_row(cells))
        return ImportResult(name, sha256, rows, 0, 0, rows, already_imported=True, dry_run=dry_run)
    facts = _RoundFacts(survey_round)
    checked = check_rows(facts, table, progress)
    programme_column = checked.programme_column
    if checked.problems or dry_run:
        plan = _plan(checked.entries, _existing_answers(survey_round, lock=False), programme_column)
        if checked.problems or plan.problems:
            checked.problems.add(plan.problems)
            raise ImportRefused(name, _problems(name, checked.problems.in_order()), more=checked.problems.more)
        return ImportResult(
            name, sha256, checked.rows, len(plan.create), len(plan.update), plan.unchanged, dry_run=True
        )
    try:
        with transaction.atomic():
            plan = _plan(checked.entries, _existing_answers(survey_round, lock=True), programme_column)
            if plan.problems:
                raise ImportRefused(name, _problems(name, plan.problems))
            result = ImportResult(name, sha256, checked.rows, len(plan.create), len(plan.update), plan.unchanged)
            _write(survey_round, plan, result, acting_user=acting_user, context=context)
    except IntegrityError:
        # The same file, imported at the same moment by someone else, got there first.
        if get_import_batch_exists(survey_round, sha256):
            return ImportResult(name, sha256, checked.rows, 0, 0, checked.rows, already_imported=True)
        raise
    return result


def _write(
    survey_round: SurveyRound,
    plan: _Plan,
    result: ImportResult,
    *,
    acting_user: User | None,
    context: AuditContext | None,
) -> None:
    # The batch first: a second import of the same file waits here on the unique index.
    batch = ImportBatch.objects.create(
        round=survey_round,
        sha256=result.sha256,
        filename=result.filename[:255],
        rows=result.rows,
        imported_by=acting_user,
    )
    _insert_answers(survey_round, plan.create)
    _update_answers(plan.update)
    audit.record(
        "mapping.import",
        actor=acting_user,
        obj=batch,
        organisation=survey_round.owner_id,
        context=context,
        detail={
            "round": survey_round.pk,
            "file": result.filename,
            "sha256": result.sha256,
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
        },
    )
    if plan.create or plan.update:
        # The imported answers are submitted: they wait for review like those sent on the web.
        events.emit(
            ANSWERS_IMPORTED,
            subject=batch,
            organisation=survey_round.owner_id,
            acting_user=acting_user,
            payload={"round": survey_round.pk, "created": result.created, "updated": result.updated},
        )


# Answers are written with one prepared statement run over all rows (executemany): for ten
# thousand rows Django's bulk_create spends seconds preparing values and bulk_update builds a
# CASE expression per field and row, while the statement alone takes a fraction of a second on
# SQLite and PostgreSQL. Column names come from the model; values go through the fields'
# own conversion for the database, as the ORM would do.


def _answer_field(name: str) -> models.Field[Any, Any]:
    found = SurveyAnswer._meta.get_field(name)
    if not isinstance(found, models.Field):
        raise TypeError(name)
    return found


def _answer_sql_parts(names: Sequence[str]) -> tuple[str, list[str]]:
    quote = connection.ops.quote_name
    return quote(SurveyAnswer._meta.db_table), [quote(_answer_field(name).column) for name in names]


def _db_value(name: str, value: Any) -> Any:
    return _answer_field(name).get_db_prep_save(value, connection)


def _insert_answers(survey_round: SurveyRound, entries: list[Entry]) -> None:
    if not entries:
        return
    names = (
        "round",
        "programme",
        "status",
        "values",
        "review_comment",
        "source",
        "version",
        "updated_at",
        "submitted_at",
    )
    table, columns = _answer_sql_parts(names)
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})"  # noqa: S608
    now = _db_value("updated_at", timezone.now())
    rows = [
        (
            survey_round.pk,
            entry.programme_id,
            AnswerStatus.SUBMITTED.value,
            _db_value("values", entry.values),
            "",
            AnswerSource.IMPORT.value,
            1,
            now,
            now,
        )
        for entry in entries
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _update_answers(changes: list[tuple[int, Entry]]) -> None:
    """Replace the values of existing answers (locked by the caller); each gets a new version."""
    if not changes:
        return
    table, (values, status, source, version, updated_at, submitted_at, pk) = _answer_sql_parts(
        ("values", "status", "source", "version", "updated_at", "submitted_at", "id")
    )
    sql = (
        f"UPDATE {table} SET {values} = %s, {status} = %s, {source} = %s, {version} = {version} + 1, "  # noqa: S608
        f"{updated_at} = %s, {submitted_at} = %s WHERE {pk} = %s"
    )
    now = _db_value("updated_at", timezone.now())
    rows = [
        (
            _db_value("values", entry.values),
            AnswerStatus.SUBMITTED.value,
            AnswerSource.IMPORT.value,
            now,
            now,
            answer_id,
        )
        for answer_id, entry in changes
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


# --- Import jobs on the web -------------------------------------------------------------------


def queue_import(
    *, survey_round: SurveyRound, filename: str, content: bytes, acting_user: User, context: AuditContext | None = None
) -> ImportJob:
    """Keep an uploaded file as an import job and hand it to the background worker, which
    checks and imports it in the language of the person who uploaded it. The job and its
    task are written together: there is never a job that no worker will take."""
    from tandem.mapping.tasks import run_import_job

    with transaction.atomic():
        job = ImportJob.objects.create(
            round=survey_round, uploaded_by=acting_user, filename=PurePath(filename).name[:255], content=content
        )
        audit.record(
            "mapping.import_queued",
            actor=acting_user,
            obj=job,
            organisation=survey_round.owner_id,
            context=context,
            detail={"round": survey_round.pk, "file": job.filename, "bytes": len(content)},
        )
        run_import_job.enqueue(job.pk, translation.get_language() or "en")
    return job


# A job whose worker was stopped this many times is given up: the file itself must stop them.
MAX_IMPORT_ATTEMPTS = 3


def run_import(job_id: int) -> ImportJob | None:
    """Work through one import job: check the file with progress written to the job as it goes
    (each update its own short write, outside the import's transaction), then import it or keep
    its problems. The file itself is dropped when the job ends.

    A job found "running" was interrupted: the worker that ran it stopped, and the task was
    handed out again (``tandem.core.worker``). Nothing of it was written (the import is one
    transaction), so it starts again from the beginning, up to ``MAX_IMPORT_ATTEMPTS`` times."""
    job = get_import_job(job_id)
    if job is None or job.state not in (ImportJob.State.QUEUED, ImportJob.State.RUNNING):
        return None
    claimed = ImportJob.objects.filter(pk=job_id, state=job.state, attempts=job.attempts).update(
        state=ImportJob.State.RUNNING, attempts=job.attempts + 1, rows_done=0
    )
    if not claimed:
        return None
    if job.attempts + 1 > MAX_IMPORT_ATTEMPTS:
        ImportJob.objects.filter(pk=job_id).update(
            state=ImportJob.State.FAILED,
            content=b"",
            finished_at=timezone.now(),
            summary={
                "message": _("The import was interrupted %(count)d times and was given up. Nothing was imported.")
                % {"count": job.attempts}
            },
        )
        job.refresh_from_db()
        return job

    def progress(done: int, total: int) -> None:
        ImportJob.objects.filter(pk=job_id).update(rows_done=done, rows_total=total)

    finished: dict[str, Any] = {"content": b"", "finished_at": timezone.now()}
    try:
        result = import_answers(
            survey_round=job.round,
            filename=job.filename,
            content=bytes(job.content),
            acting_user=job.uploaded_by,
            context=audit.WORKER,
            progress=progress,
        )
    except ImportRefused as refused:
        finished.update(
            state=ImportJob.State.FAILED,
            problems=[problem.as_dict() for problem in refused.problems],
            summary={"message": refused.message, "problems": refused.count, "more_problems": refused.more},
        )
    except UnreadableFile as unreadable:
        finished.update(state=ImportJob.State.FAILED, summary={"message": unreadable.message})
    except Exception:
        ImportJob.objects.filter(pk=job_id).update(
            state=ImportJob.State.FAILED,
            summary={"message": _("The import stopped because of an error in Tandem. Nothing was imported.")},
            **finished,
        )
        raise
    else:
        finished.update(
            state=ImportJob.State.DONE,
            summary={**result.as_dict(), "message": result.message},
            rows_done=result.rows,
            rows_total=result.rows,
        )
    finished["finished_at"] = timezone.now()
    ImportJob.objects.filter(pk=job_id).update(**finished)
    job.refresh_from_db()
    return job
