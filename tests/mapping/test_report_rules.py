"""The rules of the mapping report that decide, before a word is written, which figures can be
compared with their targets: a figure over too few programmes, or over none, is never counted
as "not below its target"."""

from __future__ import annotations

from tandem.mapping.rules.figures import COUNTRY, ROUND, ComplianceFigure, Figure, IndicatorRow, Where, make_figure
from tandem.mapping.rules.indicators import INDICATORS, Indicator
from tandem.mapping.rules.report import (
    NO_ANSWERS,
    TOO_FEW,
    IndicatorFinding,
    finding_of,
    target_count,
    why_no_mean_score,
    why_not_judged,
)

THRESHOLD = 5
ALBANIA = Where(COUNTRY, "AL", "Albania", "AL")


def figure(item: Indicator, numerator: int, denominator: int) -> Figure:
    return make_figure(item.key, ALBANIA, numerator, denominator, threshold=THRESHOLD)


def finding(item: Indicator, numerator: int, denominator: int) -> IndicatorFinding:
    overall = figure(item, numerator, denominator)
    return finding_of(IndicatorRow(item, overall, (overall,), ()))


def meeting(item: Indicator) -> IndicatorFinding:
    return finding(item, 10, 10) if item.higher_is_better else finding(item, 0, 10)


def missing(item: Indicator) -> IndicatorFinding:
    return finding(item, 0, 10) if item.higher_is_better else finding(item, 10, 10)


def compliance(programmes: int, mean_score: float | None) -> ComplianceFigure:
    all_met = make_figure("article-16:all", Where(ROUND, "1", "Mapping"), 0, programmes, threshold=THRESHOLD)
    return ComplianceFigure(ROUND, "1", "Mapping", programmes, mean_score, all_met, mean_score is None)


def test_a_figure_over_too_few_programmes_cannot_be_judged_for_too_few_answers() -> None:
    assert why_not_judged(figure(INDICATORS[0], 1, THRESHOLD - 1)) == TOO_FEW


def test_a_figure_without_answers_cannot_be_judged_for_no_answers() -> None:
    assert why_not_judged(figure(INDICATORS[0], 0, 0)) == NO_ANSWERS


def test_a_figure_over_enough_programmes_can_be_judged() -> None:
    assert why_not_judged(figure(INDICATORS[0], 0, THRESHOLD)) is None


def test_indicators_with_too_few_answers_are_not_counted_as_within_their_target() -> None:
    count = target_count([finding(item, 1, 2) for item in INDICATORS])
    assert (count.below, count.judged, count.too_few, count.no_answers) == (0, 0, len(INDICATORS), 0)
    assert count.not_judged == count.total == len(INDICATORS)


def test_indicators_below_their_target_are_counted_among_those_that_could_be_judged() -> None:
    first, second, third, fourth = INDICATORS[:4]
    count = target_count([missing(first), meeting(second), finding(third, 1, 3), finding(fourth, 0, 0)])
    assert (count.total, count.below, count.judged, count.too_few, count.no_answers) == (4, 1, 2, 1, 1)


def test_a_suppressed_mean_score_is_not_shown_for_too_few_programmes() -> None:
    assert why_no_mean_score(compliance(THRESHOLD - 1, None)) == TOO_FEW


def test_a_mean_score_without_programmes_is_not_shown_for_no_answers() -> None:
    assert why_no_mean_score(compliance(0, None)) == NO_ANSWERS


def test_a_mean_score_over_enough_programmes_is_shown() -> None:
    assert why_no_mean_score(compliance(THRESHOLD, 75.0)) is None
