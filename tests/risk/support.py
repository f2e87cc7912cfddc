"""Answers to the shipped instrument that give each level, and a way to read the risk work of
a case, for the tests of risk assessment."""

from __future__ import annotations

from tandem.cases.models import Case
from tandem.core.models import WorkItem
from tandem.risk.rules import shipped_instrument

INSTRUMENT = shipped_instrument("tandem-risk")


def answers(**chosen: str) -> dict[str, str]:
    """Every item "no" unless named."""
    return {**{item.key: "no" for item in INSTRUMENT.items}, **chosen}


STANDARD = answers()
# 2 + 2 + 1 points: from the medium threshold (5).
MEDIUM = answers(weapon="yes", escalation="yes", physical_injury="yes")
# 10 points, the high threshold, and nothing that forces it.
HIGH_BY_SCORE = answers(
    weapon="yes", escalation="yes", sexual_violence="yes", stalking_control="yes", breached_orders="yes"
)
# Strangulation alone makes the level high (3 points).
STRANGULATION = answers(strangulation="yes")


def work_on(case: Case, rule: str, *, state: str | None = None) -> list[WorkItem]:
    items = WorkItem.objects.filter(rule=rule, subject_type="cases.case", subject_id=str(case.pk))
    if state is not None:
        items = items.filter(state=state)
    return list(items.order_by("pk"))


def form_data(chosen: dict[str, str], **fields: str) -> dict[str, str]:
    """The assessment form's payload: every answer, and when it is made (at intake by default)."""
    return {"occasion": "intake", "trigger": "", "note": "", **fields, **{f"answer_{k}": v for k, v in chosen.items()}}
