"""The committed country outlines and the script that builds them from the pinned data package."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

from scripts.build_outlines import decode_arcs, ring_from_arcs, simplify
from tandem.geo.models import Region
from tandem.reports.maps import OUTLINES_FILE, outlines

ROOT = Path(__file__).resolve().parents[2]
SIX = {"AL", "BA", "XK", "ME", "MK", "RS"}


def inside(point: tuple[float, float], coordinates: list) -> bool:
    """Even-odd rule over every ring of a MultiPolygon."""
    x, y = point
    crossings = 0
    for polygon in coordinates:
        for ring in polygon:
            for (x1, y1), (x2, y2) in itertools.pairwise(ring):
                if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
                    crossings += 1
    return crossings % 2 == 1


def country_at(latitude: float, longitude: float) -> set[str]:
    return {code for code, c in outlines()["countries"].items() if inside((longitude, latitude), c["coordinates"])}


def test_the_outlines_file_has_the_six_countries() -> None:
    assert set(outlines()["countries"]) == SIX


def test_the_outlines_file_names_its_source_package_version_and_licence() -> None:
    source = outlines()["source"]
    assert source["name"] == "world-atlas"
    assert source["licence"] == "ISC"
    assert source["url"].startswith("https://")
    assert source["data"].startswith("Natural Earth")
    assert source["data_licence"] == "public domain"


def test_the_outlines_come_from_the_version_pinned_in_the_lock_file() -> None:
    lock = json.loads((ROOT / "package-lock.json").read_text(encoding="utf-8"))
    assert outlines()["source"]["version"] == lock["packages"]["node_modules/world-atlas"]["version"]


def test_every_ring_is_closed_and_rounded_to_three_decimals() -> None:
    for country in outlines()["countries"].values():
        assert country["type"] == "MultiPolygon"
        for polygon in country["coordinates"]:
            for ring in polygon:
                assert len(ring) >= 4
                assert ring[0] == ring[-1]
                assert all(round(v, 3) == v for point in ring for v in point)


def test_prishtina_lies_in_kosovo_and_not_in_serbia() -> None:
    assert country_at(42.6727, 21.1669) == {"XK"}


def test_each_capital_lies_in_its_own_country() -> None:
    capitals = {"AL": (41.3275, 19.8187), "BA": (43.8486, 18.3564), "ME": (42.4412, 19.2631)}
    capitals |= {"MK": (41.9965, 21.4314), "RS": (44.8125, 20.4612)}
    for code, (latitude, longitude) in capitals.items():
        assert country_at(latitude, longitude) == {code}


def test_the_file_is_small() -> None:
    assert OUTLINES_FILE.stat().st_size < 100_000


def distance_to_outline(point: tuple[float, float], coordinates: list) -> float:
    """Distance in degrees (longitude scaled by cos 42°) from a point to the nearest edge."""
    k = 0.743
    px, py = point[0] * k, point[1]
    best = float("inf")
    for polygon in coordinates:
        for ring in polygon:
            for (x1, y1), (x2, y2) in itertools.pairwise(ring):
                ax, bx = x1 * k, x2 * k
                dx, dy = bx - ax, y2 - y1
                t = max(0.0, min(1.0, ((px - ax) * dx + (py - y1) * dy) / (dx * dx + dy * dy or 1.0)))
                best = min(best, ((ax + t * dx - px) ** 2 + (y1 + t * dy - py) ** 2) ** 0.5)
    return best


@pytest.mark.django_db
def test_every_region_point_lies_in_its_own_country_or_on_its_coast() -> None:
    """Seats on the coast (Tivat, on the Bay of Kotor) may fall just outside a simplified coastline."""
    countries = outlines()["countries"]
    misplaced = []
    for region in Region.objects.select_related("country"):
        found = country_at(region.latitude, region.longitude)
        own = countries[region.country.code]["coordinates"]
        on_coast = not found and distance_to_outline((region.longitude, region.latitude), own) < 0.01
        if found != {region.country.code} and not on_coast:
            misplaced.append(region.code)
    assert misplaced == []


def test_quantized_arcs_are_delta_decoded_and_transformed() -> None:
    topology = {"transform": {"scale": [0.5, 2.0], "translate": [10.0, 20.0]}, "arcs": [[[2, 1], [2, 0], [0, 3]]]}
    assert decode_arcs(topology) == [[(11.0, 22.0), (12.0, 22.0), (12.0, 28.0)]]


def test_a_ring_joins_its_arcs_and_reverses_those_with_a_negative_index() -> None:
    arcs = [[(0.0, 0.0), (1.0, 0.0), (1.0, 1.0)], [(0.0, 0.0), (0.0, 1.0), (1.0, 1.0)]]
    assert ring_from_arcs([0, ~1], arcs) == [(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0), (0.0, 0.0)]


def test_simplification_keeps_the_end_points_and_drops_points_within_the_tolerance() -> None:
    line = [(0.0, 0.0), (1.0, 0.001), (2.0, 0.0), (3.0, 1.0)]
    assert simplify(line, 0.01) == [(0.0, 0.0), (2.0, 0.0), (3.0, 1.0)]


@pytest.mark.skipif(not (ROOT / "node_modules" / "world-atlas").is_dir(), reason="needs 'npm ci'")
def test_the_committed_file_is_what_the_script_builds_from_the_pinned_package() -> None:
    from scripts.build_outlines import main

    assert main(["--check"]) == 0
