"""Reading outcomes: a case's scores over time (her view beside his), and the statistics of the
outcome report. Pure: the page, the command line and the pooled dataset compute alike."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from tandem.outcomes.rules.instruments import ANY, HIGHER, Instrument

POINT_ORDER = ("start", "midway", "end", "follow_up_6", "follow_up_12")


class ScoreRow(Protocol):
    subscale: str
    value: float


@dataclass(frozen=True)
class NamedScore:
    key: str
    title: str
    value: float
    occurrence: bool  # an "any" sub-scale: it happened (1) or not (0)


def named_scores(instrument: Instrument, scores: Iterable[ScoreRow]) -> list[NamedScore]:
    """The sub-scale scores of one set of answers, in the questionnaire's order."""
    found = {score.subscale: score.value for score in scores}
    return [
        NamedScore(subscale.key, subscale.text(), found[subscale.key], subscale.score == ANY)
        for subscale in instrument.subscales
        if subscale.key in found
    ]


class PointLike(Protocol):
    point: str

    @property
    def state(self) -> str: ...


@dataclass(frozen=True)
class Cell:
    hers: float | None
    his: float | None


@dataclass(frozen=True)
class Row:
    key: str
    title: str
    occurrence: bool
    better: str
    cells: tuple[Cell, ...]
    change: float | None  # her latest minus her first score, where both are known
    improved: bool | None  # whether that change goes the way that is better


@dataclass(frozen=True)
class Comparison:
    points: tuple[str, ...]
    rows: tuple[Row, ...]


def side_by_side(
    hers: Instrument,
    his: Instrument,
    her_points: Sequence[Any],
    his_scores: Mapping[str, Mapping[str, float]],
) -> Comparison:
    """Her sub-scales at each of her time points, with his score on the same sub-scale at the same
    point where he has one. His view is never the outcome alone: it stands beside hers."""
    ordered = sorted(her_points, key=lambda point: POINT_ORDER.index(point.point) if point.point in POINT_ORDER else 99)
    her_scores: dict[str, dict[str, float]] = {}
    for point in ordered:
        response = getattr(point, "response", None) if point.state == "answered" else None
        if response is not None:
            her_scores[point.point] = {score.subscale: score.value for score in response.scores.all()}
    names = tuple(point.point for point in ordered)
    his_keys = {subscale.key for subscale in his.subscales}
    rows = []
    for subscale in hers.subscales:
        cells = tuple(
            Cell(
                her_scores.get(name, {}).get(subscale.key),
                his_scores.get(name, {}).get(subscale.key) if subscale.key in his_keys else None,
            )
            for name in names
        )
        known = [cell.hers for cell in cells if cell.hers is not None]
        change = known[-1] - known[0] if len(known) >= 2 else None
        improved = None if not change else (change > 0) == (subscale.better == HIGHER)
        rows.append(Row(subscale.key, subscale.text(), subscale.score == ANY, subscale.better, cells, change, improved))
    return Comparison(names, tuple(rows))
