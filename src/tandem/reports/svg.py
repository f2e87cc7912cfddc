"""Small helpers shared by the charts and the maps: escaped SVG markup, the palette and its patterns.

Everything is written with presentation attributes (``fill="…"``), never ``style="…"`` or CSS
inside the SVG: the content security policy blocks style attributes in the browser, and
WeasyPrint honours presentation attributes reliably. Every text and attribute value goes
through :func:`django.utils.html.escape`; :func:`document` marks the result safe only once it
has been built from escaped parts.
"""

from __future__ import annotations

import base64
import hashlib
import xml.etree.ElementTree as ET
from collections.abc import Iterable

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

FONT_FAMILY = "'DejaVu Sans', Verdana, sans-serif"
FONT_SIZE = 12
SMALL_FONT_SIZE = 11
INK = "#1a1a1a"
MUTED = "#595959"
GRID = "#d0d0d0"
WHITE = "#ffffff"
# Colour-blind-friendly hues (Okabe and Ito), darkened so that each has a contrast of at least
# 4.5:1 against white. Series are told apart by a pattern as well as by colour.
PALETTE = ("#0072b2", "#b34700", "#00796b", "#7b1fa2", "#8a6100", "#595959")
PATTERNS = ("solid", "diagonal", "dots", "cross", "horizontal", "vertical")
SMALL_NUMBER_COLOUR = "#595959"
UNSERVED_COLOUR = "#c62828"
# Diagonal lines across a 6 x 6 tile, continued into the neighbouring tiles so that they join.
_DIAGONAL = "M-1 1L1 -1M0 6L6 0M5 7L7 5"


def num(value: float) -> str:
    """A coordinate for an attribute: at most one decimal, never localised."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def attributes(**values: str | float | None) -> str:
    """``name="value"`` pairs, escaped; ``font_size`` becomes ``font-size``; ``None`` is left out."""
    parts = []
    for name, value in values.items():
        if value is None:
            continue
        text = num(value) if isinstance(value, float) else str(value)
        parts.append(f' {name.rstrip("_").replace("_", "-")}="{escape(text)}"')
    return "".join(parts)


def text(
    x: float,
    y: float,
    content: str,
    *,
    size: int = FONT_SIZE,
    anchor: str = "start",
    weight: str | None = None,
    fill: str = INK,
    halo: bool = False,
) -> str:
    """A ``<text>`` element; ``y`` is the baseline (dominant-baseline is not used: WeasyPrint ignores it).

    ``halo`` draws a thick white outline instead (put the plain text over it): paint-order is not
    supported everywhere, two texts are.
    """
    outline = attributes(stroke=WHITE, stroke_width="3", stroke_linejoin="round") if halo else ""
    return (
        f"<text{attributes(x=float(x), y=float(y), font_size=size, text_anchor=anchor, font_weight=weight, fill=fill)}"
        f"{outline}>{escape(content)}</text>"
    )


def text_width(content: str, size: int = FONT_SIZE) -> float:
    """A generous estimate of the width of a text in DejaVu Sans, for layout without font metrics."""
    wide = sum(1 for c in content if c.isupper() or c in "mwMWшщжюфыШЩЖЮФ")
    spaces = content.count(" ")
    return size * (0.6 * (len(content) - wide - spaces) + 0.8 * wide + 0.32 * spaces)


def wrap(content: str, width: float, size: int = FONT_SIZE, max_lines: int = 2) -> list[str]:
    """Break a label into at most ``max_lines`` lines that fit ``width``; the last line ends in "…" if cut."""
    words = content.split()
    lines: list[str] = []
    current = ""
    for word in words:
        candidate = f"{current} {word}" if current else word
        if current and text_width(candidate, size) > width:
            lines.append(current)
            current = word
        else:
            current = candidate
    if current:
        lines.append(current)
    if len(lines) > max_lines:
        lines = [*lines[: max_lines - 1], " ".join(lines[max_lines - 1 :])]
    last = lines[-1] if lines else ""
    if text_width(last, size) > width:
        while last and text_width(last + "…", size) > width:
            last = last[:-1]
        lines[-1] = last.rstrip() + "…"
    return lines or [""]


def id_prefix(*parts: object) -> str:
    """A prefix for the ids inside one SVG, derived from its content.

    Several inline SVGs share one HTML document, so their pattern ids must differ; deriving
    them from the content keeps the output deterministic.
    """
    digest = hashlib.sha1(repr(parts).encode(), usedforsecurity=False).hexdigest()[:8]
    return f"t{digest}"


def series_colour(index: int) -> str:
    return PALETTE[index % len(PALETTE)]


def series_fill(prefix: str, index: int) -> str:
    """The fill of series ``index``: a plain colour for the first, a pattern over the colour after it."""
    if PATTERNS[index % len(PATTERNS)] == "solid":
        return series_colour(index)
    return f"url(#{prefix}-s{index})"


def _hatch(colour: str, background: str, width: float) -> str:
    return (
        f'<rect width="6" height="6" fill="{background}"/>'
        f'<path d="{_DIAGONAL}" stroke="{colour}" stroke-width="{num(width)}"/>'
    )


def series_patterns(prefix: str, count: int) -> str:
    """``<pattern>`` definitions for the first ``count`` series (the solid ones need none)."""
    out = []
    for index in range(count):
        kind = PATTERNS[index % len(PATTERNS)]
        colour = series_colour(index)
        if kind == "solid":
            continue
        base = f'<rect width="6" height="6" fill="{colour}"/>'
        marks = {
            "diagonal": f'<path d="{_DIAGONAL}" stroke="{WHITE}" stroke-width="1.2"/>',
            "dots": f'<circle cx="3" cy="3" r="1.3" fill="{WHITE}"/>',
            "cross": f'<path d="{_DIAGONAL}M-1 5L1 7M0 0L6 6M5 -1L7 1" stroke="{WHITE}" stroke-width="1"/>',
            "horizontal": f'<path d="M0 3H6" stroke="{WHITE}" stroke-width="1.4"/>',
            "vertical": f'<path d="M3 0V6" stroke="{WHITE}" stroke-width="1.4"/>',
        }[kind]
        tile = f'id="{prefix}-s{index}" patternUnits="userSpaceOnUse" width="6" height="6"'
        out.append(f"<pattern {tile}>{base}{marks}</pattern>")
    return "".join(out)


def hatch_pattern(pattern_id: str, colour: str, width: float = 1.0) -> str:
    """A diagonal hatch on white, used for small numbers and for regions without a programme."""
    return (
        f'<pattern id="{pattern_id}" patternUnits="userSpaceOnUse" width="6" height="6">'
        f"{_hatch(colour, WHITE, width)}</pattern>"
    )


def document(
    *,
    prefix: str,
    width: float,
    height: float,
    title: str,
    description: str,
    defs: str,
    body: Iterable[str],
    css_class: str,
) -> SafeString:
    """The ``<svg>`` element: scales through its viewBox, announced as one image with its title and description.

    ``defs`` and ``body`` must already be escaped markup built with the helpers of this module.
    """
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg"{attributes(viewBox=f"0 0 {num(width)} {num(height)}")}'
        f' role="img"{attributes(aria_labelledby=f"{prefix}-title {prefix}-desc", class_=css_class)}'
        f"{attributes(font_family=FONT_FAMILY, font_size=FONT_SIZE, fill=INK)}>"
        f'<title id="{prefix}-title">{escape(title)}</title><desc id="{prefix}-desc">{escape(description)}</desc>'
    )
    defs_markup = f"<defs>{defs}</defs>" if defs else ""
    return mark_safe(head + defs_markup + "".join(body) + "</svg>")  # noqa: S308 - built from escaped parts only


def as_image(markup: str, *, alt: str | None = None) -> SafeString:
    """Embed a chart or map as ``<img src="data:image/svg+xml;base64,...">``: the way reports use them.

    WeasyPrint parses an SVG image with an XML parser and draws it without running the page's
    CSS over every shape, which makes it several times faster than inline SVG for a map with
    many markers; the picture is also shielded from the page's styles and ids. Browsers show it
    the same way (the content security policy allows ``data:`` images). ``alt`` defaults to the
    SVG's title and description.
    """
    root = ET.fromstring(str(markup))  # noqa: S314 - our own markup, built by this package
    if alt is None:
        namespace = "{http://www.w3.org/2000/svg}"
        parts = [root.findtext(f"{namespace}title") or "", root.findtext(f"{namespace}desc") or ""]
        alt = " ".join(part.strip() for part in parts if part.strip())
    encoded = base64.b64encode(str(markup).encode()).decode("ascii")
    src = f"data:image/svg+xml;base64,{encoded}"
    # The natural size gives browsers the aspect ratio before they decode the image; the
    # stylesheet then scales it to the width of the page.
    _, _, width, height = (round(float(v)) for v in root.get("viewBox", "0 0 0 0").split())
    markup_attributes = attributes(
        src=src, alt=alt, width=width or None, height=height or None, class_=root.get("class")
    )
    return mark_safe(f"<img{markup_attributes}>")  # noqa: S308 - every part is escaped
