"""Horizontal bar charts as SVG, drawn on the server, for the HTML and the PDF report alike.

Each function returns one ``<svg role="img">`` with a ``<title>`` and a ``<desc>``, sized by its
viewBox only, so it scales to the page. Reports embed it with
:func:`tandem.reports.svg.as_image` (an ``<img>`` with a ``data:`` URL and the title and
description as its alt text; ``report.css`` makes it as wide as the page). All text is escaped;
numbers are formatted for the active language (callers may pass their own text). Series differ
by pattern as well as colour, so a chart still reads in black and white.

A value of ``None`` means "too few answers to show a share" (below the suppression threshold,
or no data): it is drawn as a short hatched, outlined stub followed by the caller's text
(for example "3 of 4"), never as a bar or a percentage.

Charts carry no visible title: put them in a ``<figure>`` with a ``<figcaption>``, and give the
figures as a table too (``<details>`` or an annex) so that nobody depends on the picture.

Typical use in a view or a report builder::

    from tandem.reports.charts import Bar, bar_chart
    from tandem.reports.svg import as_image

    chart = as_image(bar_chart(
        [Bar(country.display_name, share, note=f"n = {n}") for country, share, n in rows],
        title=_("Programmes with a survivor safety procedure"),
        description=_("Share of functioning programmes per country, in percent."),
    ))
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from tandem.reports import svg

WIDTH = 640
PAD = 8
LINE = 14
BAR = 18
GROUPED_BAR = 14
STUB = 28


class Bar(NamedTuple):
    """One row of :func:`bar_chart`.

    ``value`` is on the chart's scale (0 to ``max_value``) or ``None`` for "too few to show".
    ``value_text`` replaces the formatted value; ``note`` follows it (for a ``None`` row it is
    the only text, such as "3 of 4").
    """

    label: str
    value: float | None
    note: str = ""
    value_text: str = ""


class Group(NamedTuple):
    """One group of :func:`grouped_bar_chart`: a label and one value per series (``None``: too few)."""

    label: str
    values: Sequence[float | None]
    notes: Sequence[str] = ()
    value_texts: Sequence[str] = ()


class Stack(NamedTuple):
    """One row of :func:`stacked_bar`: counts per category, in the order of the categories.

    ``counts`` of ``None`` (or all zero) draws the "too few to show" stub with ``note``.
    ``note`` follows the bar (for example "n = 12"); without one, the total is shown.
    """

    label: str
    counts: Sequence[float] | None
    note: str = ""


def format_value(value: float, unit: str = "%") -> str:
    """A number for the active language with its unit ("45%", "3,5 weeks"); whole numbers without decimals."""
    decimals = 0 if float(value).is_integer() else 1
    formatted = number_format(value, decimal_pos=decimals)
    if not unit:
        return formatted
    return f"{formatted}{unit}" if unit == "%" else f"{formatted}\u00a0{unit}"


def _ticks(max_value: float) -> list[float]:
    return [max_value * i / 4 for i in range(5)]


class _Layout:
    """Columns shared by the three charts: labels on the left, bars, then the value text."""

    def __init__(self, width: int, labels: Sequence[str], end_texts: Sequence[str]) -> None:
        self.width = width
        widest_label = max((svg.text_width(label) for label in labels), default=0.0)
        self.label_width = min(widest_label, width * 0.34)
        widest_end = max((svg.text_width(t) for t in end_texts), default=0.0)
        self.end_width = min(widest_end + 4, width * 0.3)
        self.bar_x0 = PAD + self.label_width + 8
        self.bar_x1 = width - PAD - self.end_width - 6
        self.bar_span = max(self.bar_x1 - self.bar_x0, 40.0)

    def label_lines(self, label: str, max_lines: int = 2) -> list[str]:
        return svg.wrap(label, self.label_width, max_lines=max_lines)

    def label(self, lines: Sequence[str], centre: float) -> str:
        first = centre - (len(lines) - 1) * LINE / 2 + 4
        return "".join(svg.text(self.bar_x0 - 8, first + i * LINE, line, anchor="end") for i, line in enumerate(lines))

    def end_text(self, x: float, centre: float, value_text: str, note: str) -> str:
        """The value (bold) and its note after a bar, cut to the space left."""
        room = self.width - PAD - x
        parts: list[tuple[str, str | None, str]] = []
        if value_text:
            parts.append((svg.wrap(value_text, room, max_lines=1)[0], "bold", svg.INK))
            room -= svg.text_width(value_text) + svg.text_width(" ")
        if note:
            parts.append((svg.wrap(note, max(room, 12.0), max_lines=1)[0], None, svg.INK))
        spans = "".join(
            f"<tspan{svg.attributes(font_weight=weight, fill=fill)}>{escape(part)}</tspan>"
            + (" " if i < len(parts) - 1 else "")
            for i, (part, weight, fill) in enumerate(parts)
        )
        return f"<text{svg.attributes(x=float(x), y=float(centre + 4))}>{spans}</text>"

    def grid(self, top: float, bottom: float, max_value: float, unit: str) -> list[str]:
        out = []
        for tick in _ticks(max_value):
            x = self.bar_x0 + self.bar_span * tick / max_value
            out.append(f"<line{svg.attributes(x1=x, y1=top, x2=x, y2=bottom, stroke=svg.GRID, stroke_width='1')}/>")
            out.append(svg.text(x, bottom + 14, format_value(tick, unit), size=svg.SMALL_FONT_SIZE, anchor="middle"))
        return out

    def bar_length(self, value: float, max_value: float) -> float:
        return self.bar_span * min(max(value, 0.0), max_value) / max_value


def _small_stub(x: float, centre: float, height: float, pattern_id: str) -> str:
    return (
        f"<rect{svg.attributes(x=x, y=centre - height / 2, width=float(STUB), height=float(height))}"
        f' fill="url(#{pattern_id})" stroke="{svg.SMALL_NUMBER_COLOUR}" stroke-width="1"/>'
    )


def _legend(items: Sequence[tuple[str, str, str]], width: int, top: float) -> tuple[list[str], float]:
    """Swatches with their names, wrapped over as many lines as needed; returns the markup and its height."""
    out: list[str] = []
    x, y = float(PAD), top
    for fill, stroke, name in items:
        item_width = 14 + 6 + svg.text_width(name, svg.SMALL_FONT_SIZE) + 16
        if x > PAD and x + item_width > width - PAD:
            x, y = float(PAD), y + LINE + 4
        swatch = svg.attributes(x=x, y=y + 1, width="14", height="10", fill=fill, stroke=stroke, stroke_width="1")
        out.append(f"<rect{swatch}/>")
        out.append(svg.text(x + 20, y + 10, name, size=svg.SMALL_FONT_SIZE))
        x += item_width
    return out, (y - top) + LINE + 6


def _small_legend(prefix: str, small_label: str | None, width: int, top: float) -> tuple[list[str], float]:
    label = small_label if small_label is not None else _("Too few answers to show a share")
    return _legend([(f"url(#{prefix}-small)", svg.SMALL_NUMBER_COLOUR, label)], width, top)


def _finish(
    prefix: str,
    body: list[str],
    y: float,
    *,
    width: int,
    title: str,
    description: str,
    defs: str,
    small: bool,
    small_label: str | None,
) -> SafeString:
    """Close a bar chart below its last row: the small-number legend when a bar needs it, then
    the document with its title and description."""
    y += 22
    if small:
        defs += svg.hatch_pattern(f"{prefix}-small", svg.SMALL_NUMBER_COLOUR)
        legend, legend_height = _small_legend(prefix, small_label, width, y)
        body.extend(legend)
        y += legend_height
    return svg.document(
        prefix=prefix,
        width=width,
        height=y + PAD,
        title=title,
        description=description,
        defs=defs,
        body=body,
        css_class="tandem-chart",
    )


def bar_chart(
    rows: Sequence[Bar],
    *,
    title: str,
    description: str,
    max_value: float = 100,
    unit: str = "%",
    small_label: str | None = None,
    width: int = WIDTH,
) -> SafeString:
    """One horizontal bar per row, on a scale from 0 to ``max_value`` with four grid steps.

    ``rows`` are :class:`Bar` tuples (label, value or ``None``, note, value_text). A row with a
    value of ``None`` is drawn as a hatched stub with its note, and a legend line explains the
    stub (``small_label``, by default "Too few answers to show a share").
    """
    prefix = svg.id_prefix("bar", rows, title, description, max_value, unit, small_label, width)
    value_texts = [(row.value_text or format_value(row.value, unit)) if row.value is not None else "" for row in rows]
    end_texts = [f"{v} {row.note}".strip() for v, row in zip(value_texts, rows, strict=True)]
    layout = _Layout(width, [row.label for row in rows], end_texts)
    body: list[str] = []
    top = float(PAD)
    y = top
    rows_markup: list[str] = []
    for row, value_text in zip(rows, value_texts, strict=True):
        lines = layout.label_lines(row.label)
        height = max(BAR + 10, len(lines) * LINE + 8)
        centre = y + height / 2
        rows_markup.append(layout.label(lines, centre))
        if row.value is None:
            rows_markup.append(_small_stub(layout.bar_x0, centre, BAR, f"{prefix}-small"))
            rows_markup.append(layout.end_text(layout.bar_x0 + STUB + 6, centre, "", row.note))
        else:
            length = layout.bar_length(row.value, max_value)
            rows_markup.append(
                f"<rect{svg.attributes(x=layout.bar_x0, y=centre - BAR / 2, width=length, height=float(BAR))}"
                f' fill="{svg.series_colour(0)}"/>'
            )
            rows_markup.append(layout.end_text(layout.bar_x0 + length + 6, centre, value_text, row.note))
        y += height
    body.extend(layout.grid(top, y, max_value, unit))
    body.extend(rows_markup)
    small = any(row.value is None for row in rows)
    return _finish(
        prefix,
        body,
        y,
        width=width,
        title=title,
        description=description,
        defs="",
        small=small,
        small_label=small_label,
    )


def grouped_bar_chart(
    groups: Sequence[Group],
    *,
    series: Sequence[str],
    title: str,
    description: str,
    max_value: float = 100,
    unit: str = "%",
    small_label: str | None = None,
    width: int = WIDTH,
) -> SafeString:
    """One bar per series inside each group (for example two survey rounds per country), with a legend.

    ``series`` names the series in order; each :class:`Group` has one value per series (``None``:
    too few to show, drawn as a hatched stub with its note). Series differ by colour and pattern.
    """
    prefix = svg.id_prefix("grouped", groups, series, title, description, max_value, unit, small_label, width)
    texts: list[list[tuple[str, str]]] = []
    for group in groups:
        row = []
        for i, value in enumerate(group.values):
            note = group.notes[i] if i < len(group.notes) else ""
            given = group.value_texts[i] if i < len(group.value_texts) else ""
            shown = "" if value is None else (given or format_value(value, unit))
            row.append((shown, note))
        texts.append(row)
    layout = _Layout(width, [g.label for g in groups], [f"{v} {n}".strip() for row in texts for v, n in row])
    legend_items = [(svg.series_fill(prefix, i), svg.series_colour(i), name) for i, name in enumerate(series)]
    body, legend_height = _legend(legend_items, width, float(PAD))
    top = PAD + legend_height
    y = top
    rows_markup: list[str] = []
    for group, row in zip(groups, texts, strict=True):
        count = max(len(group.values), 1)
        block = count * GROUPED_BAR + (count - 1) * 3
        lines = layout.label_lines(group.label, max_lines=3)
        height = max(block + 12, len(lines) * LINE + 8)
        centre = y + height / 2
        rows_markup.append(layout.label(lines, centre))
        bar_y = centre - block / 2
        for i, (value, (shown, note)) in enumerate(zip(group.values, row, strict=True)):
            bar_centre = bar_y + GROUPED_BAR / 2
            if value is None:
                rows_markup.append(_small_stub(layout.bar_x0, bar_centre, GROUPED_BAR, f"{prefix}-small"))
                rows_markup.append(layout.end_text(layout.bar_x0 + STUB + 6, bar_centre, "", note))
            else:
                length = layout.bar_length(value, max_value)
                rows_markup.append(
                    f"<rect{svg.attributes(x=layout.bar_x0, y=bar_y, width=length, height=float(GROUPED_BAR))}"
                    f"{svg.attributes(fill=svg.series_fill(prefix, i), stroke=svg.series_colour(i))}"
                    ' stroke-width="1"/>'
                )
                rows_markup.append(layout.end_text(layout.bar_x0 + length + 6, bar_centre, shown, note))
            bar_y += GROUPED_BAR + 3
        y += height
    body.extend(layout.grid(top, y, max_value, unit))
    body.extend(rows_markup)
    small = any(value is None for group in groups for value in group.values)
    defs = svg.series_patterns(prefix, len(series))
    return _finish(
        prefix,
        body,
        y,
        width=width,
        title=title,
        description=description,
        defs=defs,
        small=small,
        small_label=small_label,
    )


def stacked_bar(
    rows: Sequence[Stack],
    *,
    categories: Sequence[str],
    title: str,
    description: str,
    small_label: str | None = None,
    width: int = WIDTH,
) -> SafeString:
    """Shares of categories per row (for example functioning / on paper / suspended / closed per country).

    Each :class:`Stack` row is one bar of full length split in the order of ``categories``;
    a legend names them. The bar is followed by the row's note, or its total. The picture shows
    shares only: give the counts in a table next to it.
    """
    prefix = svg.id_prefix("stacked", rows, categories, title, description, small_label, width)
    totals = [sum(row.counts) if row.counts is not None else 0.0 for row in rows]
    end_texts = [
        row.note or (format_value(total, "") if row.counts is not None and total > 0 else "")
        for row, total in zip(rows, totals, strict=True)
    ]
    layout = _Layout(width, [row.label for row in rows], end_texts)
    legend_items = [(svg.series_fill(prefix, i), svg.series_colour(i), name) for i, name in enumerate(categories)]
    body, legend_height = _legend(legend_items, width, float(PAD))
    y = PAD + legend_height
    has_small = False
    for row, total, end in zip(rows, totals, end_texts, strict=True):
        lines = layout.label_lines(row.label)
        height = max(BAR + 10, len(lines) * LINE + 8)
        centre = y + height / 2
        body.append(layout.label(lines, centre))
        if row.counts is None or total <= 0:
            has_small = True
            body.append(_small_stub(layout.bar_x0, centre, BAR, f"{prefix}-small"))
            body.append(layout.end_text(layout.bar_x0 + STUB + 6, centre, "", row.note))
        else:
            x = layout.bar_x0
            for i, count in enumerate(row.counts):
                length = layout.bar_span * max(count, 0) / total
                if length > 0:
                    body.append(
                        f"<rect{svg.attributes(x=x, y=centre - BAR / 2, width=length, height=float(BAR))}"
                        f"{svg.attributes(fill=svg.series_fill(prefix, i), stroke=svg.WHITE)}"
                        ' stroke-width="1"/>'
                    )
                x += length
            body.append(layout.end_text(layout.bar_x0 + layout.bar_span + 6, centre, "", end))
        y += height
    y += 6
    defs = svg.series_patterns(prefix, len(categories))
    if has_small:
        defs += svg.hatch_pattern(f"{prefix}-small", svg.SMALL_NUMBER_COLOUR)
        legend, small_height = _small_legend(prefix, small_label, width, y)
        body.extend(legend)
        y += small_height
    return svg.document(
        prefix=prefix,
        width=width,
        height=y + PAD,
        title=title,
        description=description,
        defs=defs,
        body=body,
        css_class="tandem-chart",
    )
