"""The offline country map: outlines from the committed file, markers for programmes and regions."""

from __future__ import annotations

import random
import xml.etree.ElementTree as ET

import pytest
from django.utils import translation

from tandem.geo.models import COUNTRY_NAMES, Region
from tandem.reports.maps import MAX_MARKERS, MapPoint, MapRegion, country_map, outlines
from tests.reports.helpers import SVG, child, child_text, parse, path_points, texts, view_box

SIX = ["AL", "BA", "XK", "ME", "MK", "RS"]
TIRANA = MapPoint(41.3275, 19.8187, "AL-001 Tirana")
PRISHTINA = MapPoint(42.6727, 21.1669, "XK-001 Prishtinë")
SHKODER = MapRegion(42.0683, 19.5126, "Shkodër", served=False, population=187_000)
VLORE = MapRegion(40.4667, 19.4897, "Vlorë", served=True, population=176_000)


def albania_and_kosovo(**kwargs: object) -> str:
    arguments: dict[str, object] = {
        "points": [TIRANA, PRISHTINA],
        "regions": [SHKODER, VLORE],
        "title": "Programmes",
        "description": "Programme locations and regions without a programme.",
        **kwargs,
    }
    return country_map({"AL": "Albania", "XK": "Kosovo*"}, **arguments)  # type: ignore[arg-type]


def country_paths(root: ET.Element) -> dict[str, ET.Element]:
    return {p.attrib["data-country"]: p for p in root.iter(f"{SVG}path") if "data-country" in p.attrib}


def map_height(root: ET.Element) -> float:
    """The height of the map itself, above its legend (the clip rectangle of the neighbours)."""
    return float(child(next(root.iter(f"{SVG}clipPath")), "rect").attrib["height"])


def circles(root: ET.Element) -> list[ET.Element]:
    """Markers on the map (the legend's sample circles sit below the map)."""
    return [c for c in root.iter(f"{SVG}circle") if float(c.attrib["cy"]) <= map_height(root)]


def test_a_map_is_well_formed_svg_announced_as_one_image() -> None:
    root = parse(albania_and_kosovo())
    assert root.attrib["role"] == "img"
    assert child_text(root, "title") == "Programmes"
    assert child_text(root, "desc") == "Programme locations and regions without a programme."


def test_each_requested_country_has_its_own_outline() -> None:
    root = parse(country_map(SIX, title="t", description="d"))
    assert set(country_paths(root)) == set(SIX)


def test_kosovo_is_labelled_as_the_caller_asks() -> None:
    root = parse(albania_and_kosovo())
    assert {"Albania", "Kosovo*"} <= set(texts(root))


def test_bare_codes_are_labelled_with_the_translated_name_and_kosovo_with_its_asterisk() -> None:
    with translation.override("sq"):
        root = parse(country_map(["AL", "XK"], title="t", description="d"))
        expected = {str(COUNTRY_NAMES["AL"]), f"{COUNTRY_NAMES['XK']}*"}
    assert "Kosova*" in expected
    assert expected <= set(texts(root))


def test_every_point_and_region_is_a_circle_on_the_map() -> None:
    root = parse(albania_and_kosovo())
    titles = sorted(child_text(c, "title") for c in circles(root))
    assert titles == sorted(["AL-001 Tirana", "XK-001 Prishtinë", "Shkodër", "Vlorë"])


def test_regions_without_a_programme_look_different_from_served_ones() -> None:
    root = parse(albania_and_kosovo())
    by_title = {child_text(c, "title"): c for c in circles(root)}
    unserved, served = by_title["Shkodër"], by_title["Vlorë"]
    assert unserved.attrib["stroke"] != served.attrib["stroke"]
    assert "stroke-dasharray" in unserved.attrib
    assert "stroke-dasharray" not in served.attrib


def test_an_unserved_region_with_more_people_is_drawn_larger() -> None:
    small = MapRegion(40.7, 19.9, "Berat", served=False, population=40_000)
    root = parse(albania_and_kosovo(regions=[SHKODER, small]))
    radius = {child_text(c, "title"): float(c.attrib["r"]) for c in circles(root)}
    assert radius["Shkodër"] > radius["Berat"]


def test_the_map_fits_its_view_box() -> None:
    root = parse(albania_and_kosovo())
    _, _, width, height = view_box(root)
    for circle in root.iter(f"{SVG}circle"):
        if "cx" not in circle.attrib:
            continue
        x, y, r = (float(circle.attrib[k]) for k in ("cx", "cy", "r"))
        assert r <= x <= width - r
        assert r <= y <= height - r
    for path in country_paths(root).values():
        for x, y in path_points(path.attrib["d"]):
            assert 0 <= x <= width
            assert 0 <= y <= height


def test_the_map_is_fitted_to_the_requested_countries() -> None:
    root = parse(country_map(["AL"], title="t", description="d"))
    _, _, width, _ = view_box(root)
    xs = [x for x, _ in path_points(country_paths(root)["AL"].attrib["d"])]
    ys = [y for _, y in path_points(country_paths(root)["AL"].attrib["d"])]
    assert max(ys) - min(ys) == pytest.approx(map_height(root) - 20, abs=1)
    assert max(xs) - min(xs) < width


def test_points_outside_the_requested_countries_are_left_out() -> None:
    belgrade = MapPoint(44.8125, 20.4612, "RS-001 Beograd")
    root = parse(albania_and_kosovo(points=[TIRANA, belgrade], regions=[]))
    assert [child_text(c, "title") for c in circles(root)] == ["AL-001 Tirana"]


def test_the_neighbours_are_drawn_pale_for_orientation_without_a_label() -> None:
    root = parse(country_map(["XK"], title="t", description="d"))
    context = [p for p in root.iter(f"{SVG}path") if "data-country" not in p.attrib]
    assert context
    assert "Serbia" not in texts(root)


def test_points_at_the_same_spot_share_one_marker_that_names_them_all() -> None:
    twin = MapPoint(TIRANA.latitude, TIRANA.longitude, "AL-002 Tirana")
    root = parse(albania_and_kosovo(points=[TIRANA, twin], regions=[]))
    (marker,) = circles(root)
    assert child_text(marker, "title") == "AL-001 Tirana; AL-002 Tirana"


def test_each_kind_of_point_has_its_own_colour_and_legend_entry() -> None:
    remote = MapPoint(41.0, 20.0, "AL-003 online", kind="remote")
    root = parse(albania_and_kosovo(points=[TIRANA, remote], regions=[], legend={"remote": "Remote only"}))
    assert {"Programme location", "Remote only"} <= set(texts(root))
    groups = [g for g in root.iter(f"{SVG}g") if g.find(f"{SVG}circle") is not None]
    assert len({g.attrib["fill"] for g in groups}) == 2


def test_the_legend_names_regions_with_and_without_a_programme() -> None:
    root = parse(albania_and_kosovo())
    assert {"Region without a functioning programme", "Region with a functioning programme"} <= set(texts(root))


def test_the_map_names_the_source_of_its_outlines() -> None:
    root = parse(albania_and_kosovo())
    source = outlines()["source"]
    line = next(t for t in texts(root) if t.startswith("Outlines:"))
    assert "Natural Earth" in line
    assert f"{source['name']} {source['version']}" in line


def test_labels_in_tooltips_are_escaped() -> None:
    markup = albania_and_kosovo(points=[MapPoint(41.3, 19.8, "<script>alert(1)</script>")], regions=[])
    assert "<script>" not in markup
    assert "<script>alert(1)</script>" in [child_text(c, "title") for c in circles(parse(markup))]


def test_an_unknown_country_is_refused() -> None:
    with pytest.raises(ValueError, match="HR"):
        country_map(["HR"], title="t", description="d")


def test_a_map_of_three_thousand_programmes_stays_small() -> None:
    rng = random.Random(7)
    points = [MapPoint(rng.uniform(40.0, 46.0), rng.uniform(16.0, 23.0), f"P-{i:04d} programme") for i in range(3000)]
    markup = country_map(SIX, points, title="t", description="d")
    assert len(markup.encode()) < 200_000
    assert len(circles(parse(markup))) <= MAX_MARKERS


@pytest.mark.django_db
def test_every_region_of_the_reference_geography_can_be_drawn_on_its_country() -> None:
    regions = [
        MapRegion(r.latitude, r.longitude, r.name, served=False, population=r.population)
        for r in Region.objects.filter(coverage_unit=True)
    ]
    root = parse(country_map(SIX, regions=regions, title="t", description="d"))
    assert len(circles(root)) == len(regions)
