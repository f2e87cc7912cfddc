"""Importing a table of rows, all or nothing: the pieces every import shares.

* Which column is which field. Column names are field names, optionally behind a group path as
  KoboToolbox and ODK write them (``availability/places_per_year``, ODK Central's
  ``availability-places_per_year``); the metadata columns those tools add to every export
  (``_id``, ``_uuid``, ``start``, ``meta/instanceID`` …) are no fields (``field_for``,
  ``is_meta_column``).
* Blank cells and rows, which a spreadsheet leaves behind and which are no answers.
* Problems that name their row (as a spreadsheet counts them: the column names are row 1), their
  column (as named in the file), what is wrong and what is allowed; the first ``MAX_PROBLEMS``
  are kept and the rest counted, and a file with any problem is refused whole (``ImportRefused``).

Problems are kept language-neutral, to be shown in the language of whoever reads them: their
words are a ``tables.Message``, plain text, or words that know how to write themselves again in
another language (``Rewritten``, such as a questionnaire's own checks).
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar, runtime_checkable

from django.utils.translation import gettext as _, ngettext

from tandem.core.tables import Message, Raw, grouped, wording

T = TypeVar("T")

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


@runtime_checkable
class Rewritten(Protocol):
    """Words written in the active language that can be written again in others; stored in
    every one of ``languages``."""

    def as_data(self, languages: Iterable[str]) -> dict[str, Any]: ...


# The words of a problem: a message of Tandem's catalogues, words that rewrite themselves, or a
# plain text (empty where nothing more is said).
Words = Message | Rewritten | str


def words_data(words: Words, languages: Iterable[str]) -> Any:
    """Words as stored with an import job: language-neutral, rewritten words in every one of
    ``languages``."""
    if isinstance(words, Message):
        return words.as_data()
    if isinstance(words, Rewritten):
        return words.as_data(languages)
    return str(words)


def is_meta_column(header: str) -> bool:
    return header in META_COLUMNS or header.startswith(META_PREFIXES)


def field_for(header: str, fields: Mapping[str, T]) -> T | None:
    """The field a column stands for: its name, or its name behind a group path
    (``group/name`` from Kobo and ODK, ``group-name`` from ODK Central)."""
    if header in fields:
        return fields[header]
    matches = [name for name in fields if header.endswith(("/" + name, "-" + name))]
    return fields[max(matches, key=len)] if matches else None


def blank_cell(raw: Raw) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def blank_row(cells: Sequence[Raw]) -> bool:
    # Nearly every row has a value in its first cells: look no further than that one.
    if any(cells):
        return all(blank_cell(cell) for cell in cells if cell)
    return all(cell is None or cell == "" for cell in cells)


FoundProblem = tuple[int, int, str, Words, Words]  # (row, column index, column, message, allowed)


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


@dataclass(frozen=True)
class ImportProblem:
    """One thing wrong in a file: where (file, row, column) and what (``words``, with what is
    allowed), written in the active language as ``message`` and ``allowed``."""

    file: str
    row: int
    column: str
    words: Words
    allowed_words: Words = ""

    @property
    def message(self) -> str:
        return str(self.words)

    @property
    def allowed(self) -> str:
        return str(self.allowed_words)

    def __str__(self) -> str:
        where = f"{self.file}:{self.row}: {self.column}" if self.column else f"{self.file}:{self.row}"
        if self.allowed:
            return _("%(where)s: %(message)s (allowed: %(allowed)s)") % {
                "where": where,
                "message": self.message,
                "allowed": self.allowed,
            }
        return f"{where}: {self.message}"

    def as_dict(self, languages: Iterable[str] = ()) -> dict[str, Any]:
        """The problem as an import job keeps it; the questionnaire's words in each of ``languages``."""
        return {
            "row": self.row,
            "column": self.column,
            "message": words_data(self.words, languages),
            "allowed": words_data(self.allowed_words, languages),
        }


class ImportRefused(Exception):
    """The file has problems; nothing was imported. ``problems`` lists the first
    ``MAX_PROBLEMS`` of them (given in row order) and ``more`` counts the rest; ``words`` says
    so, and ``message`` is its text in the active language."""

    def __init__(self, filename: str, problems: Sequence[ImportProblem], *, more: int = 0) -> None:
        self.filename = filename
        self.problems = list(problems[:MAX_PROBLEMS])
        self.more = more + len(problems) - len(self.problems)
        self.count = len(self.problems) + self.more
        self.words = Message(REFUSED, {"file": filename, "count": self.count, "shown": len(self.problems)})
        super().__init__(self.words)

    @property
    def message(self) -> str:
        return str(self.words)

    def __str__(self) -> str:
        return self.message


def problems_of(filename: str, found: Found) -> list[ImportProblem]:
    ordered = sorted(found, key=lambda item: (item[0], item[1]))
    return [ImportProblem(filename, row, column, message, allowed) for row, _index, column, message, allowed in ordered]


# --- Wordings -----------------------------------------------------------------------------------

REFUSED = "import.refused"


@wording(REFUSED)
def _refused(file: str, count: int, shown: int) -> str:
    values = {"file": file, "count": grouped(count), "shown": grouped(shown)}
    if shown >= count:
        return (
            ngettext(
                "%(file)s has %(count)s problem; nothing was imported.",
                "%(file)s has %(count)s problems; nothing was imported.",
                count,
            )
            % values
        )
    return (
        ngettext(
            "%(file)s has %(count)s problem; nothing was imported. The first %(shown)s are listed.",
            "%(file)s has %(count)s problems; nothing was imported. The first %(shown)s are listed.",
            count,
        )
        % values
    )
