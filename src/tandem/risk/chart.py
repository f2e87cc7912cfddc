"""The trend of a case's risk as a step chart, drawn on the server as SVG.

One column per assessment, oldest on the left; the level is held from one assessment to the
next, so the line steps. Each level has its own row, colour and marker shape (circle, square,
triangle), so the chart still reads in black and white. It carries a title and a description
for screen readers, and the page gives the same figures as a table beside it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import NamedTuple

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import SafeString

from tandem.reports import svg
from tandem.risk.models import LEVEL_ORDER, Level

WIDTH = 640
PAD = 8
ROW = 36
COLUMN_MIN = 44
LEVEL_COLOUR = {Level.STANDARD: "#00796b", Level.MEDIUM: "#8a6100", Level.HIGH: "#b34700"}
MARKER = 6.0


class Point(NamedTuple):
    at: datetime
    level: str


def _marker(x: float, y: float, level: str) -> str:
    colour = LEVEL_COLOUR.get(Level(level), svg.INK)
    paint = svg.attributes(fill=colour, stroke=svg.WHITE, stroke_width="1.5")
    if level == Level.HIGH:
        d = f"M{svg.num(x)} {svg.num(y - MARKER - 1)}L{svg.num(x + MARKER + 1)} {svg.num(y + MARKER)}"
        d += f"L{svg.num(x - MARKER - 1)} {svg.num(y + MARKER)}Z"
        return f"<path{svg.attributes(d=d)}{paint}/>"
    if level == Level.MEDIUM:
        box = svg.attributes(x=x - MARKER, y=y - MARKER, width=2 * MARKER, height=2 * MARKER)
        return f"<rect{box}{paint}/>"
    return f"<circle{svg.attributes(cx=x, cy=y, r=MARKER)}{paint}/>"


def trend_chart(points: Sequence[Point], *, title: str, description: str, width: int = WIDTH) -> SafeString:
    """The levels of ``points`` (oldest first) as one step line across the three levels."""
    levels = sorted(LEVEL_ORDER, key=lambda level: -LEVEL_ORDER[level])  # high at the top
    labels = [str(level.label) for level in levels]
    label_width = max(svg.text_width(label) for label in labels) + 2 * PAD
    x0, x1 = PAD + label_width, width - PAD - MARKER - 4
    top = PAD + MARKER + 2
    row_of = {level.value: top + index * ROW for index, level in enumerate(levels)}
    bottom = top + (len(levels) - 1) * ROW
    count = max(len(points), 1)
    step = (x1 - x0) / count
    xs = [x0 + step * (index + 0.5) for index in range(len(points))]
    dates = [date_format(timezone.localtime(point.at), "SHORT_DATE_FORMAT") for point in points]
    # Dates are written under every column that has room for them, the last always.
    widest = max((svg.text_width(text, svg.SMALL_FONT_SIZE) for text in dates), default=0.0) + 6
    every = max(1, int(widest // max(step, 1.0)) + 1)

    body: list[str] = []
    for level, label in zip(levels, labels, strict=True):
        y = row_of[level.value]
        grid = svg.attributes(x1=x0, y1=y, x2=x1, y2=y, stroke=svg.GRID, stroke_width="1")
        body.append(f"<line{grid}/>")
        body.append(svg.text(x0 - PAD, y + 4, label, anchor="end", fill=LEVEL_COLOUR[level]))
    if points:
        path = [f"M{svg.num(xs[0])} {svg.num(row_of[points[0].level])}"]
        for index in range(1, len(points)):
            path.append(f"H{svg.num(xs[index])}V{svg.num(row_of[points[index].level])}")
        line = svg.attributes(d="".join(path), fill="none", stroke=svg.INK, stroke_width="2")
        body.append(f"<path{line}/>")
    for index, (x, point) in enumerate(zip(xs, points, strict=True)):
        body.append(_marker(x, row_of[point.level], point.level))
        last = index == len(points) - 1
        if last or (index % every == 0 and len(points) - 1 - index >= every):
            body.append(svg.text(x, bottom + MARKER + 18, dates[index], size=svg.SMALL_FONT_SIZE, anchor="middle"))
    height = bottom + MARKER + 18 + PAD
    prefix = svg.id_prefix("risk-trend", tuple(points), title, description, width)
    return svg.document(
        prefix=prefix,
        width=width,
        height=height,
        title=title,
        description=description,
        defs="",
        body=body,
        css_class="tandem-chart risk-trend",
    )
