"""How coarse a contribution is written (``tandem.outcomes.rules.pooling.coarsening``): the finest
periods and ages under which no respondent stands out, and endings left out when even no period
and no age would not hide them."""

from __future__ import annotations

from datetime import date

from tandem.outcomes.rules import pooling

TODAY = date(2026, 12, 1)
K = 3


def _case(case_id: int, *, ending: str = "completed", born: date | None = date(1985, 6, 1)) -> pooling.CaseFacts:
    return pooling.CaseFacts(case_id, ending, born, date(2025, 1, 10))


def _start(case_id: int, answered_on: date, partner_id: int | None = None) -> pooling.PointFacts:
    return pooling.PointFacts(
        point_id=case_id * 10 + (1 if partner_id else 0),
        case_id=case_id,
        partner_id=partner_id,
        time_point="start",
        state=pooling.ANSWERED,
        closes_on=answered_on,
        answered_on=answered_on,
        instrument="tandem-man",
        instrument_version=1,
    )


def _coarsening(cases: list[pooling.CaseFacts], points: list[pooling.PointFacts]) -> pooling.Coarsening:
    return pooling.coarsening(cases={c.case_id: c for c in cases}, points=points, today=TODAY, threshold=K)


def test_men_alike_in_every_month_keep_their_months_and_age_bands() -> None:
    cases = [_case(n) for n in range(6)]
    points = [_start(n, date(2025, 1 + n % 2, 15)) for n in range(6)]  # three in January, three in February
    found = _coarsening(cases, points)
    assert (found.period, found.age, found.hidden_endings) == ("month", "band", frozenset())
    assert found.months == ("2025-01", "2025-02")


def test_months_each_too_few_are_written_as_their_quarter() -> None:
    cases = [_case(n) for n in range(6)]
    points = [_start(n, date(2025, 1 + n % 3, 15)) for n in range(3)]
    points += [_start(n, date(2025, 4 + n % 3, 15)) for n in range(3, 6)]
    found = _coarsening(cases, points)
    assert found.period == "quarter"
    assert {found.period_of("2025-02"), found.period_of("2025-05")} == {"2025-Q1", "2025-Q2"}


def test_ages_are_widened_before_periods_are_coarsened_further() -> None:
    # Aged 22, 29 and 30, and 39, 40 and 50 when their cases opened: three under 35 and three over,
    # but one or two in each band.
    births = (2002, 1995, 1994, 1985, 1984, 1974)
    cases = [_case(n, born=date(year, 6, 1)) for n, year in enumerate(births)]
    points = [_start(n, date(2025, 3, 15)) for n in range(6)]
    found = _coarsening(cases, points)
    assert (found.period, found.age) == ("month", "wide")
    assert [found.age_of(band) for band in ("25-34", "45-54")] == [pooling.UNDER_35, pooling.FROM_35]


def test_a_lone_dropout_has_his_ending_left_out_with_the_rarest_other_ending() -> None:
    cases = [_case(n) for n in range(5)] + [_case(n, ending="ongoing") for n in range(5, 9)]
    cases.append(_case(9, ending="dropped_out"))
    points = [_start(n, date(2025, 3, 15)) for n in range(10)]
    found = _coarsening(cases, points)
    assert (found.period, found.age) == ("none", "none")
    # Left out alone he would be the one without an ending: the four ongoing cases go with him.
    assert found.hidden_endings == frozenset({5, 6, 7, 8, 9})
    assert found.ending_of(9, "dropped_out") is None and found.ending_of(0, "completed") == "completed"


def test_her_points_are_counted_among_partners_not_among_men() -> None:
    cases = [_case(n) for n in range(4)]
    points = [_start(n, date(2025, 3, 15)) for n in range(4)]
    points.append(_start(0, date(2025, 9, 15), partner_id=100))  # one partner: she alone stands out
    assert _coarsening(cases, points).period == "none"


def test_a_coarse_period_names_its_year_and_none_names_nothing() -> None:
    assert pooling.Coarsening(period="half_year").period_of("2025-07") == "2025-H2"
    assert pooling.Coarsening(period="year").period_of("2025-07") == "2025"
    assert pooling.Coarsening(period="none").period_of("2025-07") is None
