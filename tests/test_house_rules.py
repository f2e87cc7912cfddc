"""House rules that no linter knows: personal data is read only through the scoping doors."""

from __future__ import annotations

import ast
from pathlib import Path

from django.apps import apps

from tandem.core.scoping import ScopedModel

SRC = Path(__file__).resolve().parents[1] / "src" / "tandem"
# The modules allowed to query personal models directly.
DOORS = {"queries.py", "scoping.py", "crypto.py"}
QUERY_METHODS = {"get", "filter", "exclude", "all", "first", "last", "values", "values_list", "iterator", "raw"}


def scoped_model_names() -> set[str]:
    return {m.__name__ for m in apps.get_models() if issubclass(m, ScopedModel)}


def direct_queries(tree: ast.AST, names: set[str]) -> list[int]:
    """Lines that call ``Model.objects.<query>`` or ``Model._base_manager.<query>`` on a personal model."""
    lines = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        manager = node.func.value
        if (
            node.func.attr in QUERY_METHODS
            and isinstance(manager, ast.Attribute)
            and manager.attr in {"objects", "_base_manager", "_default_manager"}
            and isinstance(manager.value, ast.Name)
            and manager.value.id in names
        ):
            lines.append(node.lineno)
    return lines


def test_personal_models_are_queried_only_through_queries_modules() -> None:
    names = scoped_model_names()
    assert "SurvivorRecord" in names
    offenders = []
    for path in SRC.rglob("*.py"):
        if path.name in DOORS or "migrations" in path.parts:
            continue
        for line in direct_queries(ast.parse(path.read_text()), names):
            offenders.append(f"{path.relative_to(SRC)}:{line}")
    assert offenders == []


def test_the_rule_catches_a_direct_query() -> None:
    tree = ast.parse("SurvivorRecord.objects.filter(pk=1)")
    assert direct_queries(tree, {"SurvivorRecord"}) == [1]
