"""Straight-line distances for coverage."""

from __future__ import annotations

import pytest

from tandem.geo.distance import haversine_km, nearest_km
from tandem.geo.reference import read_csv


def region_point(code: str) -> tuple[float, float]:
    """The representative point shipped in the reference geography."""
    row = next(row for row in read_csv("regions.csv") if row["code"] == code)
    return float(row["lat"]), float(row["lon"])


def test_a_point_is_no_distance_from_itself() -> None:
    assert haversine_km(41.3274, 19.8187, 41.3274, 19.8187) == 0


def test_one_degree_of_latitude_is_about_111_km() -> None:
    assert haversine_km(41.0, 20.0, 42.0, 20.0) == pytest.approx(111.2, abs=0.1)


def test_tirana_to_shkoder_is_between_75_and_90_km_in_a_straight_line() -> None:
    distance = haversine_km(*region_point("AL-11"), *region_point("AL-10"))
    assert 75 < distance < 90


def test_the_distance_is_the_same_both_ways() -> None:
    tirana, skopje = region_point("AL-11"), region_point("MK-R8")
    assert haversine_km(*tirana, *skopje) == pytest.approx(haversine_km(*skopje, *tirana))


def test_nearest_picks_the_closest_point() -> None:
    tirana, durres, shkoder = region_point("AL-11"), region_point("AL-02"), region_point("AL-10")
    assert nearest_km(tirana, [shkoder, durres]) == pytest.approx(haversine_km(*tirana, *durres))


def test_nearest_of_no_points_is_none() -> None:
    assert nearest_km((41.0, 20.0), []) is None
