"""The rules that make reports to the referrer due are data, checked when they are read; and the
perpetrator-facing view that reports are built from has no way to the survivor side."""

from __future__ import annotations

import ast
import copy
import json
from pathlib import Path
from typing import Any

import pytest

from tandem.cases.models import ReferralRoute, ReportKind
from tandem.cases.reporting.rules import (
    EVENTS,
    RULES_FILE,
    UNACCEPTABLE_ABSENCE,
    RuleDataError,
    case_of_event,
    load_rules,
    parse_rules,
    rules_for,
    shipped_rules,
)

SRC = Path(__file__).resolve().parents[2] / "src"


def shipped_data() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(RULES_FILE.read_text(encoding="utf-8"))
    return data


def test_the_shipped_rules_are_valid() -> None:
    rules = load_rules()
    assert rules == shipped_rules()
    assert {rule.key for rule in rules} == {
        "court_probation.dropped_out",
        "court_probation.excluded",
        "court_probation.absences",
        "court_probation.completed",
    }
    for rule in rules:
        assert rule.routes <= set(ReferralRoute.values)
        assert rule.kind in ReportKind.values
        assert rule.event in EVENTS


def test_a_dropout_of_a_court_referral_makes_a_non_compliance_report_due_in_three_working_days() -> None:
    (rule,) = rules_for(shipped_rules(), route=ReferralRoute.COURT, event="case.dropped_out")
    assert (rule.kind, rule.due_working_days, rule.count) == (ReportKind.NON_COMPLIANCE, 3, 1)


def test_the_second_unacceptable_absence_of_a_probation_referral_makes_a_report_due() -> None:
    (rule,) = rules_for(shipped_rules(), route=ReferralRoute.PROBATION, event=UNACCEPTABLE_ABSENCE)
    assert (rule.kind, rule.due_working_days, rule.count) == (ReportKind.NON_COMPLIANCE, 3, 2)


def test_a_completion_makes_a_completion_report_due_in_five_working_days() -> None:
    (rule,) = rules_for(shipped_rules(), route=ReferralRoute.COURT, event="case.completed")
    assert (rule.kind, rule.due_working_days) == (ReportKind.COMPLETION, 5)


def test_no_rule_applies_to_a_self_referral() -> None:
    assert not [rule for rule in shipped_rules() if ReferralRoute.SELF in rule.routes]


def _broken(change: Any) -> dict[str, Any]:
    data = copy.deepcopy(shipped_data())
    change(data)
    return data


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (lambda d: d["rules"][0].update(routes=["court", "parliament"]), "unknown referral route 'parliament'"),
        (lambda d: d["rules"][0].update(routes=[]), "'routes' must be a non-empty list"),
        (lambda d: d["rules"][0].update(routes=["court", "court"]), "named twice"),
        (lambda d: d["rules"][0].update(on="case.vanished"), "'on' must be one of"),
        (lambda d: d["rules"][0].update(kind="praise"), "'kind' must be one of"),
        (lambda d: d["rules"][0].update(due_working_days=0), "'due_working_days' must be a whole number"),
        (lambda d: d["rules"][0].update(due_working_days="3"), "'due_working_days' must be a whole number"),
        (lambda d: d["rules"][0].update(due_working_days=True), "'due_working_days' must be a whole number"),
        (lambda d: d["rules"][0].update(count=0), "'count' must be a whole number"),
        (lambda d: d["rules"][0].update(key="Court Dropout"), "'key' must be lower-case words"),
        (lambda d: d["rules"][0].update(colour="red"), "unknown field 'colour'"),
        (lambda d: d["rules"][0].pop("kind"), "the field 'kind' is missing"),
        (lambda d: d["rules"][1].update(key=d["rules"][0]["key"]), "the key is used twice"),
        (lambda d: d["rules"][1].update(on=d["rules"][0]["on"]), "another rule already makes a report"),
        (lambda d: d["rules"].append("dropout"), "a rule is an object"),
        (lambda d: d.update(rules={}), "a list 'rules'"),
        (lambda d: d.update(extra=1), "unknown field 'extra' at the top"),
    ],
)
def test_rules_data_with_a_mistake_is_refused_naming_it(change: Any, named: str) -> None:
    with pytest.raises(RuleDataError, match=named.replace("(", r"\(")):
        parse_rules(_broken(change))


def test_a_rules_file_that_is_not_json_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "rules.json"
    bad.write_text("{rules: [}", encoding="utf-8")
    with pytest.raises(RuleDataError, match=r"rules\.json"):
        load_rules(bad)


def test_a_rule_names_the_rule_in_its_error() -> None:
    with pytest.raises(RuleDataError, match=r"rule 2 \(court_probation\.excluded\)"):
        parse_rules(_broken(lambda d: d["rules"][1].update(kind="praise")))


def test_the_case_of_an_event_is_its_subject_or_the_payload() -> None:
    assert case_of_event("cases.case", "12", {}) == 12
    assert case_of_event("groups.attendance", "5", {"case": 12}) == 12
    assert case_of_event("", "", {"case": "12"}) == 12
    assert case_of_event("groups.attendance", "5", {}) is None
    assert case_of_event("", "", {"case": True}) is None


# --- No path to the survivor side ------------------------------------------------------------

VIEW_MODULES = (
    "tandem.cases.reporting.view",
    "tandem.cases.reporting.queries",
    "tandem.cases.reporting.document",
    "tandem.cases.reporting.rules",
)


def _module_file(name: str) -> Path | None:
    path = SRC.joinpath(*name.split("."))
    if (path / "__init__.py").exists():
        return path / "__init__.py"
    if path.with_suffix(".py").exists():
        return path.with_suffix(".py")
    return None


def _imports_of(name: str) -> set[str]:
    """The Tandem modules that ``name`` imports anywhere in its text (inside functions too),
    with every package on the way, whose ``__init__`` runs first."""
    file = _module_file(name)
    if file is None:
        return set()
    package = name.split(".") if file.name == "__init__.py" else name.split(".")[:-1]
    named: set[str] = set()
    for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            named.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, node.module] if node.module else base)
            named.add(module)
            named.update(f"{module}.{alias.name}" for alias in node.names)
    found = set()
    for module in named:
        parts = module.split(".")
        if parts[0] != "tandem":
            continue
        for end in range(1, len(parts) + 1):
            if _module_file(".".join(parts[:end])) is not None:
                found.add(".".join(parts[:end]))
    return found


def import_paths_to(start: tuple[str, ...], forbidden: str) -> list[list[str]]:
    """Every chain of imports from ``start`` that reaches a module under ``forbidden``."""
    came_from: dict[str, str | None] = dict.fromkeys(start)
    pending = list(start)
    while pending:
        module = pending.pop()
        for imported in _imports_of(module):
            if imported not in came_from:
                came_from[imported] = module
                pending.append(imported)
    chains = []
    for module in came_from:
        if module == forbidden or module.startswith(forbidden + "."):
            chain = [module]
            while (parent := came_from[chain[-1]]) is not None:
                chain.append(parent)
            chains.append(chain[::-1])
    return chains


def test_the_perpetrator_facing_view_has_no_import_path_to_the_survivor_side() -> None:
    assert import_paths_to(VIEW_MODULES, "tandem.survivors") == []


def test_the_import_walk_finds_a_path_where_there_is_one() -> None:
    # The case work queries read the survivor side's yes/no answers for the gates.
    chains = import_paths_to(("tandem.cases.queries.reports",), "tandem.survivors")
    assert chains
    assert chains[0][0] == "tandem.cases.queries.reports"
