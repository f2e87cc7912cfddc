"""The ledger of the figures outcome reports have shown (``report_models.ShownFigure``): read
before a report is settled, so that its figures are checked against every figure shown before, and
written with the figures it shows. ``build_report`` holds the programme's row locked from the read
to the write, so that two reports built at once cannot each show a figure the other gives away.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from tandem.core import clock
from tandem.core.models import Organisation
from tandem.outcomes.report_models import ShownFigure

# A person of the report as one number: the partner's (or, for him, the case's) number in the high
# 32 bits and the case number in the low ones, so that a partner of two men counts once per case.
PersonKey = int


def person_key(person: int, case: int) -> PersonKey:
    return person << 32 | case


# A quantity: (sub-scale, time point).
Quantity = tuple[str, str]


@dataclass(frozen=True)
class Entry:
    kind: str  # ShownFigure.SUM or ShownFigure.DIFFERENCE
    first: Quantity
    second: Quantity | None
    people: frozenset[PersonKey]


def lock(organisation: Organisation) -> None:
    """Hold the programme's row until the transaction ends (on SQLite the write lock does it)."""
    # No key: rows that refer to the programme (cases, work, the audit) are still written meanwhile.
    list(Organisation.objects.select_for_update(no_key=True).filter(pk=organisation.pk).values_list("pk", flat=True))


def _quantity(text: str) -> Quantity:
    subscale, _at, point = text.rpartition("@")
    return subscale, point


def _text(quantity: Quantity) -> str:
    return f"{quantity[0]}@{quantity[1]}"


def _people(text: str) -> frozenset[PersonKey]:
    return frozenset(map(int, text.split(","))) if text else frozenset()


def shown(organisation: Organisation, respondent: str) -> list[Entry]:
    """Every figure the programme's reports have shown of one respondent's scores."""
    rows = ShownFigure.objects.filter(organisation=organisation, respondent=respondent).values_list(
        "kind", "first", "second", "people"
    )
    return [
        Entry(kind, _quantity(first), _quantity(second) if second else None, _people(people))
        for kind, first, second, people in rows.order_by("pk")
    ]


def record(organisation: Organisation, respondent: str, entries: Iterable[Entry]) -> None:
    """Add the figures just shown (each once: one already recorded is left as it is)."""
    now = clock.now()
    made = []
    for entry in entries:
        people = ",".join(map(str, sorted(entry.people)))
        first, second = _text(entry.first), _text(entry.second) if entry.second else ""
        digest = hashlib.sha256("\x1f".join((respondent, entry.kind, first, second, people)).encode()).hexdigest()
        made.append(
            ShownFigure(
                organisation=organisation,
                respondent=respondent,
                kind=entry.kind,
                first=first,
                second=second,
                people=people,
                digest=digest,
                shown_at=now,
            )
        )
    if made:
        ShownFigure.objects.bulk_create(made, ignore_conflicts=True)


def keys_of(entries: Sequence[Entry]) -> set[PersonKey]:
    return {key for entry in entries for key in entry.people}
