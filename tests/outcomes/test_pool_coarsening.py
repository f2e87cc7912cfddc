"""How coarse the pooled dataset is exported (``tandem.outcomes.rules.pooling.anonymised``): the
finest periods and ages under which no respondent stands out from fewer than the threshold of
others, endings left empty when even no period and no age would not hide them, and the few who
still stand out left out."""

from __future__ import annotations

from typing import Any

from tandem.outcomes.rules import pooling

K = 3
KEY = b"an export's key"


def _row(case: int, month: str = "2025-03", *, kind: str = pooling.MAN, **given: Any) -> pooling.Record:
    values: dict[str, Any] = {
        "respondent": kind,
        "case_key": f"case-{case}",
        "respondent_key": f"{kind}-{case}",
        "programme": "P-1",
        "country": "AL",
        "region": None,
        "age_band": "35-44",
        "exit": "completed",
        "time_point": "start",
        "response": pooling.ANSWERED,
        "period": month,
        "instrument": "tandem-man",
        "instrument_version": 1,
        "language": "sq",
        "translation_version": 1,
        "mode": "session",
        "subscale": "fear",
        "value": 1.0,
    }
    values.update(given)
    return tuple(values[name] for name in pooling.COLUMN_NAMES)


def _exported(rows: list[pooling.Record]) -> tuple[list[dict[str, Any]], pooling.Coarsening]:
    written, coarse = pooling.anonymised(rows, threshold=K, key=KEY)
    return [dict(zip(pooling.COLUMN_NAMES, row, strict=True)) for row in written], coarse


def test_men_alike_in_every_month_keep_their_months_and_age_bands() -> None:
    rows = [_row(n, "2025-01" if n % 2 else "2025-02") for n in range(6)]  # three in each month
    written, coarse = _exported(rows)
    assert (coarse.period, coarse.age) == ("month", "band")
    assert not coarse.hidden_endings and not coarse.left_out
    assert {r["period"] for r in written} == {"2025-01", "2025-02"}


def test_months_each_too_few_are_written_as_their_quarter() -> None:
    rows = [_row(n, f"2025-0{1 + n % 3}") for n in range(3)] + [_row(n, f"2025-0{4 + n % 3}") for n in range(3, 6)]
    written, coarse = _exported(rows)
    assert coarse.period == "quarter"
    assert {r["period"] for r in written} == {"2025-Q1", "2025-Q2"}


def test_ages_are_widened_before_periods_are_coarsened_further() -> None:
    bands = ("18-24", "25-34", "25-34", "35-44", "35-44", "45-54")
    written, coarse = _exported([_row(n, age_band=band) for n, band in enumerate(bands)])
    assert (coarse.period, coarse.age) == ("month", "wide")
    assert sorted({r["age_band"] for r in written}) == [pooling.FROM_35, pooling.UNDER_35]


def test_a_lone_dropout_has_his_ending_left_empty_with_the_rarest_other_ending() -> None:
    endings = ["completed"] * 5 + ["ongoing"] * 4 + ["dropped_out"]
    rows = [_row(n, f"2025-{1 + n:02d}", exit=ending) for n, ending in enumerate(endings)]
    written, coarse = _exported(rows)
    assert (coarse.period, coarse.age) == ("none", "none")
    # Left empty alone he would be the one without an ending: the four ongoing cases go with him.
    assert coarse.hidden_endings == {f"case-{n}" for n in range(5, 10)}
    assert sorted(r["exit"] or "" for r in written) == [""] * 5 + ["completed"] * 5


def test_a_case_with_a_partner_among_cases_without_stands_out_and_is_left_out() -> None:
    rows = [_row(n) for n in range(4)] + [_row(0, "2025-09", kind=pooling.PARTNER)]
    written, coarse = _exported(rows)
    # Whatever is coarsened, the one case with a partner is alone: it is left out, man and partner.
    assert coarse.left_out == {"case-0"}
    assert len(written) == 3 and {r["respondent"] for r in written} == {pooling.MAN}


def test_the_man_and_his_partner_are_alike_with_others_together_not_each_alone() -> None:
    # Men in January (cases 0 to 2) or February (3 to 5); partners interviewed (0, 3, 4) or by link
    # (1, 2, 5). Each man has two others alike, and each partner, but "January and interviewed" is
    # one case only.
    rows = [_row(n, "2025-01" if n < 3 else "2025-02") for n in range(6)]
    rows += [_row(n, "2025-03", kind=pooling.PARTNER, mode="interview" if n in (0, 3, 4) else "link") for n in range(6)]
    written, coarse = _exported(rows)
    cases: dict[str, set[tuple[Any, ...]]] = {}
    for r in written:
        cases.setdefault(r["case_key"], set()).add((r["respondent"], r["period"], r["mode"]))
    combinations = [tuple(sorted(told, key=str)) for told in cases.values()]
    assert all(combinations.count(told) >= K for told in combinations)
    assert coarse.period == "quarter" and not coarse.left_out  # January and February are one quarter


def test_a_partner_who_skipped_the_childrens_questions_is_told_apart_by_it() -> None:
    rows = [_row(n, kind=pooling.PARTNER, subscale=subscale) for n in range(6) for subscale in ("fear", "children")]
    rows = [row for row in rows if not (row[1] == "case-5" and row[16] == "children")]
    _written, coarse = _exported(rows)
    assert coarse.left_out == {"case-5"}


def test_one_man_who_stands_out_at_every_level_is_left_out_rather_than_coarsening_everyone() -> None:
    # Twenty answered in Albanian in March; one in Turkish, which no coarsening of dates hides.
    rows = [_row(n) for n in range(20)] + [_row(20, language="tr")]
    written, coarse = _exported(rows)
    assert (coarse.period, coarse.age) == ("month", "band")
    assert coarse.left_out == {"case-20"}
    assert len(written) == 20


def test_a_man_left_out_takes_his_partner_with_him() -> None:
    rows = [_row(n) for n in range(20)] + [_row(20, language="tr")]
    rows += [_row(n, kind=pooling.PARTNER) for n in range(21)]
    written, coarse = _exported(rows)
    assert coarse.left_out == {"case-20"}
    assert len(written) == 40 and len({r["case_key"] for r in written}) == 20


def test_the_peoples_pseudonyms_are_drawn_anew_under_the_exports_key() -> None:
    rows = [_row(n) for n in range(3)]
    first, _coarse = _exported(rows)
    second, _coarse = pooling.anonymised(rows, threshold=K, key=b"another export's key")
    keys = {r["case_key"] for r in first}
    assert len(keys) == 3 and not keys & {f"case-{n}" for n in range(3)}
    assert keys.isdisjoint({row[pooling.COLUMN_NAMES.index("case_key")] for row in second})


def test_a_coarse_period_names_its_year_and_none_names_nothing() -> None:
    assert pooling.Coarsening(period="half_year").period_of("2025-07") == "2025-H2"
    assert pooling.Coarsening(period="year").period_of("2025-07") == "2025"
    assert pooling.Coarsening(period="none").period_of("2025-07") is None
