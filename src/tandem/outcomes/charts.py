"""A chart the shared ones do not draw: mean change with its confidence interval, as a dot on a
horizontal line (the whiskers) around a line at zero, one row per sub-scale.

Built with the helpers of ``tandem.reports.svg`` like the bar charts of ``tandem.reports.charts``:
escaped text, presentation attributes only, a title and a description, and a hatched stub with
the caller's text for a row that is not shown (too few people), never a dot.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from tandem.reports import svg
from tandem.reports.charts import format_value

WIDTH = 640
PAD = 8
ROW = 26
LINE = 14
STUB = 28
DOT = 4.5


class Interval(NamedTuple):
    """One row: ``change`` with its interval from ``low`` to ``high``, or all None (not shown,
    with ``note``)."""

    label: str
    change: float | None
    low: float | None
    high: float | None
    note: str = ""


def _limit(rows: Sequence[Interval]) -> float:
    """Half the width of the scale: the widest bound, rounded up to a half, at least one."""
    bounds = [abs(v) for row in rows for v in (row.change, row.low, row.high) if v is not None]
    widest = max(bounds, default=0.0)
    return max(1.0, float(int(widest * 2 + 0.999999)) / 2)


def interval_chart(
    rows: Sequence[Interval],
    *,
    title: str,
    description: str,
    small_label: str | None = None,
    width: int = WIDTH,
) -> SafeString:
    """Mean change per row around zero, with the 95 % interval as whiskers. The scale is
    symmetric, so that a change up and a change down look alike in size."""
    prefix = svg.id_prefix("interval", rows, title, description, small_label, width)
    limit = _limit(rows)
    labels = [row.label for row in rows]
    label_width = min(max((svg.text_width(label) for label in labels), default=0.0), width * 0.34)
    ends = [format_value(round(row.change, 2), "") if row.change is not None else row.note for row in rows]
    end_width = min(max((svg.text_width(end) for end in ends), default=0.0) + 6, width * 0.25)
    x0 = PAD + label_width + 8
    x1 = width - PAD - end_width - 6
    span = max(x1 - x0, 60.0)

    def x_of(value: float) -> float:
        return x0 + span * (max(-limit, min(limit, value)) + limit) / (2 * limit)

    top = float(PAD)
    y = top
    body: list[str] = []
    marks: list[str] = []
    small = False
    for row, end in zip(rows, ends, strict=True):
        lines = svg.wrap(row.label, label_width, max_lines=2)
        height = max(float(ROW), len(lines) * LINE + 8.0)
        centre = y + height / 2
        first = centre - (len(lines) - 1) * LINE / 2 + 4
        marks.extend(svg.text(x0 - 8, first + i * LINE, line, anchor="end") for i, line in enumerate(lines))
        if row.change is None:
            small = True
            marks.append(
                f"<rect{svg.attributes(x=x0, y=centre - 7, width=float(STUB), height=14.0)}"
                f' fill="url(#{prefix}-small)" stroke="{svg.SMALL_NUMBER_COLOUR}" stroke-width="1"/>'
            )
            marks.append(svg.text(x0 + STUB + 6, centre + 4, row.note))
        else:
            if row.low is not None and row.high is not None:
                low, high = x_of(row.low), x_of(row.high)
                whisker = svg.attributes(x1=low, y1=centre, x2=high, y2=centre, stroke=svg.series_colour(0))
                marks.append(f'<line{whisker} stroke-width="2"/>')
                for x in (low, high):
                    end_mark = svg.attributes(x1=x, y1=centre - 5, x2=x, y2=centre + 5, stroke=svg.series_colour(0))
                    marks.append(f'<line{end_mark} stroke-width="2"/>')
            dot = svg.attributes(cx=x_of(row.change), cy=centre, r=DOT, fill=svg.series_colour(0))
            marks.append(f'<circle{dot} stroke="{svg.WHITE}" stroke-width="1"/>')
            marks.append(svg.text(x1 + 8, centre + 4, end, weight="bold"))
        y += height
    for tick in (-limit, -limit / 2, 0.0, limit / 2, limit):
        x = x_of(tick)
        colour = svg.INK if tick == 0 else svg.GRID
        body.append(f'<line{svg.attributes(x1=x, y1=top, x2=x, y2=y, stroke=colour)} stroke-width="1"/>')
        body.append(svg.text(x, y + 14, format_value(tick, ""), size=svg.SMALL_FONT_SIZE, anchor="middle"))
    body.extend(marks)
    y += 22
    defs = ""
    if small:
        defs = svg.hatch_pattern(f"{prefix}-small", svg.SMALL_NUMBER_COLOUR)
        swatch = svg.attributes(x=float(PAD), y=y + 1, width="14", height="10", stroke=svg.SMALL_NUMBER_COLOUR)
        body.append(f'<rect{swatch} fill="url(#{prefix}-small)" stroke-width="1"/>')
        body.append(svg.text(PAD + 20, y + 10, small_label or _("Too few people to show"), size=svg.SMALL_FONT_SIZE))
        y += LINE + 6
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
