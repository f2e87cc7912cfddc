"""When the questionnaires are asked: the time points of a case, as data.

Each point opens a number of days after its anchor, the day the man started the programme or
the day he left it (completed, dropped out or excluded alike), and stays open for its window.
The default follows the IMPACT approach's report template (intake, half-way, when he stops
attending, and after) with the two follow-ups the brief asks for; an installation may set its
own in ``TANDEM_OUTCOME_SCHEDULE`` (the same shape), checked by ``schedule_of``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

START, EXIT = "start", "exit"

DEFAULT_SCHEDULE: tuple[dict[str, Any], ...] = (
    {"point": "start", "anchor": START, "after_days": 0, "window_days": 21},
    {"point": "midway", "anchor": START, "after_days": 91, "window_days": 21},
    {"point": "end", "anchor": EXIT, "after_days": 0, "window_days": 28},
    {"point": "follow_up_6", "anchor": EXIT, "after_days": 182, "window_days": 42},
    {"point": "follow_up_12", "anchor": EXIT, "after_days": 365, "window_days": 42},
)


class ScheduleError(ValueError):
    """A schedule setting that does not have the shape; the message names the entry."""


@dataclass(frozen=True)
class PointRule:
    point: str
    anchor: str
    after_days: int
    window_days: int


@dataclass(frozen=True)
class Window:
    point: str
    opens_on: date
    closes_on: date


def schedule_of(data: Iterable[Mapping[str, Any]], known_points: Iterable[str]) -> tuple[PointRule, ...]:
    """Check a schedule: each point once, an anchor of start or exit, whole days from 0 and a
    window of at least a day."""
    known = set(known_points)
    rules: list[PointRule] = []
    for position, entry in enumerate(data, start=1):
        point = entry.get("point")
        if point not in known or any(rule.point == point for rule in rules):
            raise ScheduleError(f"entry {position}: 'point' must be one of {', '.join(sorted(known))}, each once")
        if entry.get("anchor") not in (START, EXIT):
            raise ScheduleError(f"entry {position}: 'anchor' must be 'start' or 'exit'")
        after: Any = entry.get("after_days")
        window: Any = entry.get("window_days")
        if not _whole(after, 0) or not _whole(window, 1):
            raise ScheduleError(f"entry {position}: 'after_days' is a whole number from 0, 'window_days' from 1")
        rules.append(PointRule(str(point), entry["anchor"], after, window))
    return tuple(rules)


def _whole(value: Any, least: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= least


def windows(rules: Iterable[PointRule], anchor: str, on: date) -> list[Window]:
    """The windows of the points that hang on ``anchor``, which happened ``on`` that day."""
    return [
        Window(
            rule.point, on + timedelta(days=rule.after_days), on + timedelta(days=rule.after_days + rule.window_days)
        )
        for rule in rules
        if rule.anchor == anchor
    ]


def not_yet_open(opens_on: date, exit_on: date) -> bool:
    """A point of the programme's own time (half-way) that had not opened when he left is not
    asked: there was no half-way."""
    return opens_on > exit_on
