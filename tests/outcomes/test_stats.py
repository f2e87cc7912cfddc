"""The statistics of the outcome report, against values worked out by hand and by textbook."""

from __future__ import annotations

import pytest
from scipy import stats as scipy_stats

from tandem.outcomes.rules.stats import paired_change, transitions, wilson


def test_a_paired_change_is_the_mean_of_the_differences_with_a_t_interval() -> None:
    # Differences 1, 0, 2, 0, 2: mean 1, standard deviation 1, t(0.975, 4) = 2.776445.
    result = paired_change([1, 2, 3, 4, 5], [2, 2, 5, 4, 7])
    assert result.n == 5
    assert (result.mean_before, result.mean_after, result.mean_change) == (3.0, 4.0, 1.0)
    assert result.ci_low == pytest.approx(1 - 2.776445 / 5**0.5, abs=1e-6)
    assert result.ci_high == pytest.approx(1 + 2.776445 / 5**0.5, abs=1e-6)


def test_a_paired_change_falls_when_scores_go_down() -> None:
    result = paired_change([3.0, 3.0, 2.0, 3.0, 2.0], [1.0, 2.0, 1.0, 1.0, 1.0])
    assert result.mean_change == pytest.approx(-1.4)
    assert result.ci_high is not None and result.ci_high < 0


def test_the_paired_interval_is_the_one_of_a_paired_t_test() -> None:
    before, after = [2.5, 3.0, 1.0, 2.0, 2.25, 3.5], [1.0, 2.75, 1.5, 0.5, 2.0, 1.0]
    expected = scipy_stats.ttest_rel(after, before).confidence_interval()
    result = paired_change(before, after)
    assert result.ci_low == pytest.approx(expected.low)
    assert result.ci_high == pytest.approx(expected.high)


def test_the_same_change_for_everyone_has_an_interval_of_no_width() -> None:
    result = paired_change([1.0, 2.0, 3.0], [2.0, 3.0, 4.0])
    assert (result.ci_low, result.ci_high) == (1.0, 1.0)


def test_one_pair_has_a_change_but_no_interval() -> None:
    result = paired_change([2.0], [1.0])
    assert (result.n, result.mean_change, result.ci_low, result.ci_high) == (1, -1.0, None, None)


def test_no_pairs_have_nothing_to_show() -> None:
    assert paired_change([], []).mean_change is None


def test_before_and_after_must_hold_the_same_people() -> None:
    with pytest.raises(ValueError):
        paired_change([1.0, 2.0], [1.0])


def test_the_wilson_interval_of_eight_in_ten() -> None:
    result = wilson(8, 10)
    assert result.share == 0.8
    assert result.ci_low == pytest.approx(0.4902, abs=1e-4)
    assert result.ci_high == pytest.approx(0.9433, abs=1e-4)


def test_the_wilson_interval_of_none_in_ten_stays_above_zero_width() -> None:
    result = wilson(0, 10)
    assert result.ci_low == 0.0
    assert result.ci_high == pytest.approx(0.2775, abs=1e-4)


def test_the_wilson_interval_of_all_stays_inside_one() -> None:
    result = wilson(10, 10)
    assert result.ci_high == 1.0
    assert result.ci_low == pytest.approx(0.7225, abs=1e-4)


def test_a_share_of_nobody_is_not_a_number() -> None:
    assert wilson(0, 0).share is None


def test_a_count_above_its_total_is_refused() -> None:
    with pytest.raises(ValueError):
        wilson(3, 2)


def test_transitions_count_who_stopped_and_who_started() -> None:
    moved = transitions([True, True, False, False, True], [True, False, True, False, False])
    assert (moved.both, moved.stopped, moved.started, moved.neither) == (1, 2, 1, 1)
    assert (moved.n, moved.yes_before, moved.yes_after) == (5, 3, 2)
