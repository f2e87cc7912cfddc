"""The statistics of the outcome report, pure: a mean change over matched pairs with its t-based
confidence interval, a proportion with its Wilson interval, and the four counts of a yes/no
question asked twice of the same people.

Why these: programmes have tens of men and fewer partners, so the report needs intervals that
behave with small numbers. The t interval of a paired mean is exact for normal differences and
robust enough for sub-scale means; the Wilson interval of a proportion stays inside 0 to 1 and
keeps its coverage near 0 % and 100 %, where the plain (Wald) interval collapses to a point.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from scipy import stats as scipy_stats

CONFIDENCE = 0.95


@dataclass(frozen=True)
class PairedChange:
    """Matched before and after scores of the same people: ``n`` pairs, the mean before and after,
    the mean change (after minus before) and its confidence interval (None with a single pair,
    where the spread of the changes is not known)."""

    n: int
    mean_before: float | None
    mean_after: float | None
    mean_change: float | None
    ci_low: float | None
    ci_high: float | None


def paired_change(before: Sequence[float], after: Sequence[float], *, confidence: float = CONFIDENCE) -> PairedChange:
    """The mean of ``after[i] - before[i]`` with a two-sided t interval on ``n - 1`` degrees of
    freedom. The two sequences hold the same people in the same order."""
    if len(before) != len(after):
        raise ValueError("before and after must hold the same people")
    n = len(before)
    if n == 0:
        return PairedChange(0, None, None, None, None, None)
    changes = [b - a for a, b in zip(before, after, strict=True)]
    mean_change = math.fsum(changes) / n
    mean_before = math.fsum(before) / n
    mean_after = math.fsum(after) / n
    if n < 2:
        return PairedChange(n, mean_before, mean_after, mean_change, None, None)
    variance = math.fsum((change - mean_change) ** 2 for change in changes) / (n - 1)
    margin = float(scipy_stats.t.ppf(0.5 + confidence / 2, n - 1)) * math.sqrt(variance / n)
    return PairedChange(n, mean_before, mean_after, mean_change, mean_change - margin, mean_change + margin)


@dataclass(frozen=True)
class Proportion:
    """``count`` of ``n`` with its share and Wilson interval (all None when ``n`` is 0)."""

    count: int
    n: int
    share: float | None
    ci_low: float | None
    ci_high: float | None


def wilson(count: int, n: int, *, confidence: float = CONFIDENCE) -> Proportion:
    """The Wilson score interval of ``count`` successes in ``n`` trials."""
    if not 0 <= count <= n:
        raise ValueError("the count must lie between 0 and n")
    if n == 0:
        return Proportion(0, 0, None, None, None)
    z = float(scipy_stats.norm.ppf(0.5 + confidence / 2))
    share = count / n
    denominator = 1 + z * z / n
    centre = (share + z * z / (2 * n)) / denominator
    half = z * math.sqrt(share * (1 - share) / n + z * z / (4 * n * n)) / denominator
    # At 0 % and 100 % the interval ends exactly at 0 or 1; rounding would leave it a hair off.
    low = 0.0 if count == 0 else max(0.0, centre - half)
    high = 1.0 if count == n else min(1.0, centre + half)
    return Proportion(count, n, share, low, high)


@dataclass(frozen=True)
class Transitions:
    """A yes/no question asked twice of the same people: who said yes both times, who stopped
    (yes, then no), who started (no, then yes) and who said no both times."""

    both: int
    stopped: int
    started: int
    neither: int

    @property
    def n(self) -> int:
        return self.both + self.stopped + self.started + self.neither

    @property
    def yes_before(self) -> int:
        return self.both + self.stopped

    @property
    def yes_after(self) -> int:
        return self.both + self.started


def transitions(before: Sequence[bool], after: Sequence[bool]) -> Transitions:
    """The four counts of matched yes/no answers (the same people in the same order)."""
    if len(before) != len(after):
        raise ValueError("before and after must hold the same people")
    pairs = list(zip(before, after, strict=True))
    return Transitions(
        both=sum(1 for b, a in pairs if b and a),
        stopped=sum(1 for b, a in pairs if b and not a),
        started=sum(1 for b, a in pairs if not b and a),
        neither=sum(1 for b, a in pairs if not b and not a),
    )
