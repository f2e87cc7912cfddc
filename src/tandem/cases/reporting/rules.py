"""When a report to the referrer falls due: the rules per referral route, as data.

``report_rules.json`` (beside the case work app) lists the rules; each is checked when the file
is read, so a mistake in it stops Tandem from starting instead of silently making no report:

* ``key``: the rule's name, recorded on the reports and the work it makes;
* ``routes``: the referral routes it applies to (``cases.models.ReferralRoute``);
* ``on``: the event that makes the report due: a case's move (``case.dropped_out`` …) or an
  unacceptable absence (``attendance.unacceptable_absence``, emitted by group work);
* ``count``: the how-many-th event of that kind on the case makes the report due (1 unless
  given: two unacceptable absences make a non-compliance report, the first does not);
* ``kind``: the kind of report (``cases.models.ReportKind``);
* ``due_working_days``: within how many working days of the provider's country it is due.

A rule makes at most one report per case.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from tandem.cases.models import ReferralRoute, ReportKind
from tandem.cases.rules.lifecycle import TRANSITIONS

RULES_FILE = Path(__file__).resolve().parent.parent / "report_rules.json"

# Group work emits this for each absence it judges unacceptable, with the case as the event's
# subject or as ``payload["case"]``.
UNACCEPTABLE_ABSENCE = "attendance.unacceptable_absence"
# ... and this when such an absence is corrected to another code: it counts no more.
ABSENCE_WITHDRAWN = "attendance.absence_withdrawn"
CASE_EVENTS = frozenset(t.emits for t in TRANSITIONS.values() if t.emits)
EVENTS = CASE_EVENTS | {UNACCEPTABLE_ABSENCE}

KEY = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_]+)*$")
MAX_KEY = 48  # the work item's rule name adds a prefix to it, within 80 characters
MAX_DAYS = 60
MAX_COUNT = 100
FIELDS = {"key", "routes", "on", "count", "kind", "due_working_days"}
REQUIRED = FIELDS - {"count"}


class RuleDataError(ValueError):
    """The rules data is not what Tandem can apply; the message names the rule and the field."""


@dataclass(frozen=True)
class ReportRule:
    key: str
    routes: frozenset[str]
    event: str
    kind: str
    due_working_days: int
    count: int = 1


def _whole_number(value: Any, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def _rule(index: int, entry: Any) -> ReportRule:
    where = f"rule {index + 1}"
    if not isinstance(entry, Mapping):
        raise RuleDataError(f"{where}: a rule is an object with the fields {sorted(FIELDS)}")
    if isinstance(entry.get("key"), str):
        where = f"rule {index + 1} ({entry['key']})"
    unknown = sorted(set(entry) - FIELDS)
    if unknown:
        raise RuleDataError(f"{where}: unknown field {unknown[0]!r}")
    missing = sorted(REQUIRED - set(entry))
    if missing:
        raise RuleDataError(f"{where}: the field {missing[0]!r} is missing")
    key = entry["key"]
    if not isinstance(key, str) or not KEY.match(key) or len(key) > MAX_KEY:
        raise RuleDataError(f"{where}: 'key' must be lower-case words joined by dots, at most {MAX_KEY} characters")
    routes = entry["routes"]
    if not isinstance(routes, list) or not routes or not all(isinstance(r, str) for r in routes):
        raise RuleDataError(f"{where}: 'routes' must be a non-empty list of referral routes")
    for route in routes:
        if route not in ReferralRoute.values:
            raise RuleDataError(f"{where}: unknown referral route {route!r} in 'routes'")
    if len(set(routes)) != len(routes):
        raise RuleDataError(f"{where}: a referral route is named twice in 'routes'")
    if entry["on"] not in EVENTS:
        raise RuleDataError(f"{where}: 'on' must be one of {sorted(EVENTS)}")
    if entry["kind"] not in ReportKind.values:
        raise RuleDataError(f"{where}: 'kind' must be one of {sorted(ReportKind.values)}")
    days = entry["due_working_days"]
    if not _whole_number(days, 1, MAX_DAYS):
        raise RuleDataError(f"{where}: 'due_working_days' must be a whole number from 1 to {MAX_DAYS}")
    count = entry.get("count", 1)
    if not _whole_number(count, 1, MAX_COUNT):
        raise RuleDataError(f"{where}: 'count' must be a whole number from 1 to {MAX_COUNT}")
    return ReportRule(
        key=key,
        routes=frozenset(routes),
        event=entry["on"],
        kind=entry["kind"],
        due_working_days=days,
        count=count,
    )


def parse_rules(data: Any) -> tuple[ReportRule, ...]:
    """The rules of ``data`` (the file's content, read as JSON), or RuleDataError."""
    if not isinstance(data, Mapping) or not isinstance(data.get("rules"), list):
        raise RuleDataError("the rules data is an object with a list 'rules'")
    if set(data) - {"about", "rules"}:
        raise RuleDataError(f"unknown field {sorted(set(data) - {'about', 'rules'})[0]!r} at the top")
    rules = tuple(_rule(index, entry) for index, entry in enumerate(data["rules"]))
    seen: set[str] = set()
    for rule in rules:
        if rule.key in seen:
            raise RuleDataError(f"rule {rule.key}: the key is used twice")
        seen.add(rule.key)
    # Two rules that fire on the same event of the same route would make two reports of one fact.
    fired: set[tuple[str, str, int]] = set()
    for rule in rules:
        for route in rule.routes:
            if (route, rule.event, rule.count) in fired:
                raise RuleDataError(f"rule {rule.key}: another rule already makes a report on this event for {route}")
            fired.add((route, rule.event, rule.count))
    return rules


def load_rules(path: Path = RULES_FILE) -> tuple[ReportRule, ...]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise RuleDataError(f"{path.name}: {error}") from error
    return parse_rules(data)


@lru_cache(maxsize=1)
def shipped_rules() -> tuple[ReportRule, ...]:
    return load_rules()


def rules_for(rules: Iterable[ReportRule], *, route: str, event: str) -> list[ReportRule]:
    """The rules that may make a report when ``event`` happens on a case referred by ``route``."""
    return [rule for rule in rules if route in rule.routes and rule.event == event]


def case_of_event(subject_type: str, subject_id: str, payload: Any) -> int | None:
    """The case an event is about: its subject when that is a case, else ``payload["case"]``."""
    if subject_type == "cases.case" and subject_id.isdigit():
        return int(subject_id)
    value = payload.get("case") if isinstance(payload, Mapping) else None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None
