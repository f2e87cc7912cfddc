"""Server-side SVG charts: well-formed, escaped, accessible, and honest about small numbers."""

from __future__ import annotations

import re

import pytest
from django.utils import translation

from tandem.reports import svg
from tandem.reports.charts import Bar, Group, Stack, bar_chart, format_value, grouped_bar_chart, stacked_bar
from tests.reports.helpers import SVG, child, child_text, parse, texts, view_box

STATUSES = ["functioning", "on paper", "suspended", "closed"]


def simple_chart(rows: list[Bar]) -> str:
    return bar_chart(rows, title="Safety procedure", description="Share of programmes per country.")


def test_a_bar_chart_is_well_formed_svg_announced_as_one_image() -> None:
    root = parse(simple_chart([Bar("Albania", 40.0), Bar("Kosovo*", 75.0)]))
    assert root.tag == f"{SVG}svg"
    assert root.attrib["role"] == "img"
    assert child_text(root, "title") == "Safety procedure"
    assert child_text(root, "desc") == "Share of programmes per country."
    title_id, desc_id = root.attrib["aria-labelledby"].split()
    assert child(root, "title").attrib["id"] == title_id
    assert child(root, "desc").attrib["id"] == desc_id


def test_a_chart_scales_through_its_view_box_alone() -> None:
    root = parse(simple_chart([Bar("Albania", 40.0)]))
    assert "width" not in root.attrib
    assert "height" not in root.attrib
    assert view_box(root)[2] == 640


def test_labels_are_escaped_and_stay_text() -> None:
    label = "<script>alert(1)</script> & co"
    markup = simple_chart([Bar(label, 40.0, note='"quoted" <b>')])
    root = parse(markup)
    assert "<script>" not in markup
    assert not list(root.iter(f"{SVG}script"))
    assert not list(root.iter("script"))
    assert label in texts(root)
    assert any('"quoted" <b>' in t for t in texts(root))


def test_a_title_with_markup_is_escaped() -> None:
    root = parse(bar_chart([Bar("A", 1.0)], title="</title><script>x</script>", description="<desc>"))
    assert child_text(root, "title") == "</title><script>x</script>"
    assert child_text(root, "desc") == "<desc>"


def test_a_small_number_is_drawn_as_its_text_and_never_as_a_percentage() -> None:
    root = parse(simple_chart([Bar("Montenegro", None, note="3 of 4")]))
    label = next(e for e in root.iter(f"{SVG}text") if "".join(e.itertext()) == "Montenegro")
    row = ["".join(e.itertext()) for e in root.iter(f"{SVG}text") if e.attrib["y"] == label.attrib["y"]]
    assert row == ["Montenegro", "3 of 4"]
    stubs = [r for r in root.iter(f"{SVG}rect") if r.attrib.get("fill", "").endswith("-small)")]
    assert len(stubs) == 2  # the stub in the row and its swatch in the legend
    assert "Too few answers to show a share" in texts(root)


def test_a_small_number_stub_has_the_same_size_whatever_the_total() -> None:
    def stub_width(note: str) -> str:
        root = parse(simple_chart([Bar("Montenegro", None, note=note), Bar("Serbia", 100.0)]))
        return next(r for r in root.iter(f"{SVG}rect") if r.attrib.get("fill", "").endswith("-small)")).attrib["width"]

    assert stub_width("1 of 2") == stub_width("4 of 4")


def test_bar_lengths_are_proportional_to_the_values() -> None:
    root = parse(simple_chart([Bar("A", 25.0), Bar("B", 50.0), Bar("C", 100.0)]))
    widths = [float(r.attrib["width"]) for r in root.iter(f"{SVG}rect")]
    assert widths[1] == pytest.approx(2 * widths[0], abs=0.2)
    assert widths[2] == pytest.approx(4 * widths[0], abs=0.2)


def test_values_are_formatted_for_the_active_language() -> None:
    with translation.override("sq"):
        root = parse(simple_chart([Bar("Shqipëria", 45.5)]))
    assert "45,5%" in texts(root)


def test_the_caller_may_format_the_value_and_add_a_note() -> None:
    root = parse(simple_chart([Bar("Albania", 45.0, note="n = 40", value_text="45 per cent")]))
    assert "45 per cent n = 40" in texts(root)


def test_format_value_keeps_whole_numbers_whole_and_puts_a_space_before_other_units() -> None:
    assert format_value(40.0) == "40%"
    assert format_value(3.5, "weeks") == "3.5\u00a0weeks"


def test_a_value_above_the_scale_is_drawn_at_full_length() -> None:
    root = parse(simple_chart([Bar("A", 100.0), Bar("B", 130.0)]))
    first, second = (float(r.attrib["width"]) for r in root.iter(f"{SVG}rect"))
    assert first == second


def test_long_labels_wrap_instead_of_leaving_the_chart() -> None:
    label = "Centre for social work of the city of Novi Sad and the surrounding municipalities"
    root = parse(simple_chart([Bar(label, 50.0)]))
    _, _, width, _ = view_box(root)
    for element in root.iter(f"{SVG}text"):
        x = float(element.attrib["x"])
        estimate = svg.text_width("".join(element.itertext()))
        left = x - estimate if element.attrib.get("text-anchor") == "end" else x
        assert left >= 0
        assert x <= width


def test_every_text_is_at_least_eleven_pixels() -> None:
    markup = grouped_bar_chart(
        [Group("Albania", [40.0, None], notes=["", "2 of 3"])],
        series=["2025", "2026"],
        title="t",
        description="d",
    )
    sizes = [int(s) for s in re.findall(r'font-size="(\d+)"', markup)]
    assert sizes
    assert min(sizes) >= 11


@pytest.mark.parametrize("colour", svg.PALETTE)
def test_every_series_colour_has_enough_contrast_against_white(colour: str) -> None:
    def luminance(hex_colour: str) -> float:
        channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    assert (1.05) / (luminance(colour) + 0.05) >= 4.5


def test_charts_use_no_style_attributes_or_css() -> None:
    markups = [
        simple_chart([Bar("A", 1.0), Bar("B", None, note="1 of 2")]),
        grouped_bar_chart([Group("A", [1.0, 2.0])], series=["x", "y"], title="t", description="d"),
        stacked_bar([Stack("A", [1, 2, 3, 4])], categories=STATUSES, title="t", description="d"),
    ]
    for markup in markups:
        assert "style=" not in markup
        assert "<style" not in markup


def test_a_grouped_chart_names_each_series_in_a_legend_and_tells_them_apart_by_pattern() -> None:
    root = parse(
        grouped_bar_chart(
            [Group("Albania", [40.0, 55.0]), Group("Kosovo*", [20.0, 35.0])],
            series=["Round 2025", "Round 2026"],
            title="t",
            description="d",
        )
    )
    assert {"Round 2025", "Round 2026"} <= set(texts(root))
    fills = [r.attrib["fill"] for r in root.iter(f"{SVG}rect") if r.attrib.get("stroke") in svg.PALETTE]
    assert len(set(fills)) == 2
    assert any(f.startswith("url(#") for f in fills)
    pattern_ids = {p.attrib["id"] for p in root.iter(f"{SVG}pattern")}
    assert {f[5:-1] for f in fills if f.startswith("url(#")} <= pattern_ids


def test_a_grouped_chart_draws_one_bar_per_series_in_each_group() -> None:
    root = parse(
        grouped_bar_chart(
            [Group("Albania", [40.0, 55.0, 60.0]), Group("Kosovo*", [20.0, 35.0, 10.0])],
            series=["a", "b", "c"],
            title="t",
            description="d",
        )
    )
    bars = [r for r in root.iter(f"{SVG}rect") if float(r.attrib["height"]) == 14]
    assert len(bars) == 6


def test_a_grouped_chart_shows_a_small_number_in_one_series_as_its_text() -> None:
    root = parse(
        grouped_bar_chart(
            [Group("Montenegro", [None, 50.0], notes=["2 of 3", ""])],
            series=["2025", "2026"],
            title="t",
            description="d",
        )
    )
    assert "2 of 3" in texts(root)
    assert "50%" in texts(root)


def test_a_stacked_bar_splits_each_row_in_proportion_to_its_counts() -> None:
    root = parse(stacked_bar([Stack("Serbia", [6, 2, 0, 2])], categories=STATUSES, title="t", description="d"))
    segments = [r for r in root.iter(f"{SVG}rect") if r.attrib.get("stroke") == svg.WHITE]
    widths = [float(r.attrib["width"]) for r in segments]
    assert len(widths) == 3  # the empty category draws nothing
    assert widths[0] == pytest.approx(3 * widths[1], abs=0.2)
    assert widths[1] == pytest.approx(widths[2], abs=0.1)
    assert set(STATUSES) <= set(texts(root))
    assert "10" in texts(root)  # the total, as no note was given


def test_a_stacked_bar_without_counts_is_drawn_as_too_few() -> None:
    root = parse(
        stacked_bar(
            [Stack("Montenegro", None, note="2 programmes"), Stack("Serbia", [1, 1, 1, 1])],
            categories=STATUSES,
            title="t",
            description="d",
        )
    )
    assert "2 programmes" in texts(root)
    assert "Too few answers to show a share" in texts(root)


def test_two_charts_on_one_page_do_not_share_ids() -> None:
    first = parse(grouped_bar_chart([Group("A", [1.0, 2.0])], series=["x", "y"], title="one", description="d"))
    second = parse(grouped_bar_chart([Group("A", [1.0, 2.0])], series=["x", "y"], title="two", description="d"))
    ids = {e.attrib["id"] for e in first.iter() if "id" in e.attrib}
    assert ids.isdisjoint({e.attrib["id"] for e in second.iter() if "id" in e.attrib})


def test_the_same_chart_is_drawn_the_same_way_twice() -> None:
    rows = [Bar("Albania", 40.0), Bar("Montenegro", None, note="3 of 4")]
    assert str(simple_chart(rows)) == str(simple_chart(rows))
