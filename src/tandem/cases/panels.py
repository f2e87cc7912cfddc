"""What the case page shows, as each domain contributes it.

The case page is the place where the work on a man's case meets: its steps, its intake, its
risk assessments, its notes and documents, its reports, and later its group and the survivor
side's yes/no answers. Each domain registers

* a ``Panel``: a template and a function that builds its context for one reader, or returns
  None when the reader's role may not see it (the panel is then not shown at all);
* a timeline source: a function giving the reader's ``Entry`` rows of the case's chronology,
  again only what her role may see.

So the case page knows no domain but its own, and a domain that arrives later adds itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar, cast

from tandem.cases.models import Case
from tandem.core.models import User


@dataclass(frozen=True)
class Panel:
    key: str
    template: str
    build: Callable[[User, Case], dict[str, Any] | None]
    order: int = 100


@dataclass(frozen=True)
class Entry:
    """One row of the case's timeline."""

    at: datetime
    kind: str  # a short key for styling and filtering: step, note, risk, work, report, document
    kind_label: str  # the kind in words
    title: str
    text: str = ""
    by: str = ""
    link: str = ""


TimelineSource = Callable[[User, Case], Iterable[Entry]]

_PANELS: dict[str, Panel] = {}
_SOURCES: dict[str, TimelineSource] = {}


def register_panel(panel: Panel) -> Panel:
    _PANELS[panel.key] = panel
    return panel


def register_timeline(key: str) -> Callable[[TimelineSource], TimelineSource]:
    def register(source: TimelineSource) -> TimelineSource:
        _SOURCES[key] = source
        return source

    return register


@dataclass(frozen=True)
class ShownPanel:
    key: str
    template: str
    context: dict[str, Any]


def panels_for(user: User, case: Case) -> list[ShownPanel]:
    shown = []
    for panel in sorted(_PANELS.values(), key=lambda p: (p.order, p.key)):
        context = panel.build(user, case)
        if context is not None:
            shown.append(ShownPanel(panel.key, panel.template, context))
    return shown


def timeline_for(user: User, case: Case) -> list[Entry]:
    """The case's chronology for this reader, newest first."""
    entries = [entry for source in _SOURCES.values() for entry in source(user, case)]
    return sorted(entries, key=lambda entry: entry.at, reverse=True)


T = TypeVar("T")


def shared_read(reader: User, case: Case, key: str, load: Callable[[], T]) -> T:
    """A read that a panel and a timeline source of one page both need, made once: kept on
    the case object of the request, per reader."""
    memo: dict[tuple[int, str], Any] = case.__dict__.setdefault("_tandem_page_reads", {})
    slot = (reader.pk, key)
    if slot not in memo:
        memo[slot] = load()
    return cast(T, memo[slot])
