"""An offline map of the countries, as inline SVG: outlines, programme locations and regions.

The outlines are ``tandem/geo/data/outlines.json`` (Natural Earth through the npm package
world-atlas, simplified by ``scripts/build_outlines.py``); nothing is fetched, no tiles. The
projection is equirectangular with longitudes scaled by the cosine of the map's mean latitude,
which is accurate enough for a region the size of the Western Balkans.

Typical use::

    from tandem.reports.maps import MapPoint, MapRegion, country_map

    from tandem.reports.svg import as_image

    picture = as_image(country_map(
        {"AL": "Albania", "XK": "Kosovo*"},
        points=[MapPoint(41.33, 19.82, "AL-001 Tirana")],
        regions=[MapRegion(42.07, 19.51, "Shkodër", served=False, population=187_000)],
        title=_("Programmes in Albania and Kosovo*"),
        description=_("Map of programme locations and of regions without a functioning programme."),
    ))

Every map ends with a source line naming Natural Earth and the data package.
"""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

from django.utils.html import escape
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _, gettext_lazy, ngettext

from tandem.geo.models import COUNTRY_NAMES, FOOTNOTED
from tandem.reports import svg

OUTLINES_FILE = Path(__file__).resolve().parent.parent / "geo" / "data" / "outlines.json"
PAD = 10
# Labels listed in one marker's tooltip before "and N more".
MAX_LABELS_PER_MARKER = 5
# Points closer than this (in map units, about pixels) share one marker.
MARKER_CELL = 8
MAX_MARKERS = 400
# Points and regions closer than this to the edge of the map are left out rather than cut in half.
EDGE = 5
REQUESTED_FILL = "#f3efe6"
CONTEXT_FILL = "#fbfbfb"
BORDER = "#595959"
CONTEXT_BORDER = "#a0a0a0"
SERVED_COLOUR = "#595959"
SERVED_STYLE = f' fill="{svg.WHITE}" stroke="{SERVED_COLOUR}" stroke-width="1"'
# Regions without a functioning programme: a dashed red ring on a pale red disc, so that they
# differ from served regions by line as well as colour. (A hatch pattern would be redrawn for
# every circle by WeasyPrint, which is slow with many regions.)
UNSERVED_STYLE = (
    f' fill="#fbe3e1" fill-opacity="0.8" stroke="{svg.UNSERVED_COLOUR}" stroke-width="1.5" stroke-dasharray="3 2"'
)


class MapPoint(NamedTuple):
    """A programme location; ``kind`` picks the marker colour and the legend entry."""

    latitude: float
    longitude: float
    label: str
    kind: str = "programme"


class MapRegion(NamedTuple):
    """A region's representative point; unserved regions are drawn in red, sized by population if given."""

    latitude: float
    longitude: float
    label: str
    served: bool
    population: int | None = None


Ring = list[list[float]]


@cache
def outlines() -> dict[str, Any]:
    """The committed outlines document: ``{"source": {...}, "countries": {code: {"coordinates": ...}}}``."""
    data: dict[str, Any] = json.loads(OUTLINES_FILE.read_text(encoding="utf-8"))
    return data


# Licences the outlines may carry, named in the reader's language.
LICENCES = {"public domain": gettext_lazy("public domain")}


def source_line() -> str:
    """The attribution printed under every map, for example "Outlines: Natural Earth 4.1.0 via world-atlas 2.0.2"."""
    source = outlines()["source"]
    return _("Outlines: Natural Earth %(data_version)s (%(data_licence)s) via %(package)s %(version)s") % {
        "data_version": source["data_version"],
        "data_licence": LICENCES.get(source["data_licence"], source["data_licence"]),
        "package": source["name"],
        "version": source["version"],
    }


def _country_labels(countries: Sequence[str] | Mapping[str, str]) -> dict[str, str]:
    if isinstance(countries, Mapping):
        return dict(countries)
    labels = {}
    for code in countries:
        name = str(COUNTRY_NAMES.get(code, code))
        labels[code] = f"{name}*" if code in FOOTNOTED else name
    return labels


class _Projection:
    """Equirectangular, longitudes scaled by cos(mean latitude), fitted into a box."""

    def __init__(self, bbox: tuple[float, float, float, float], width: float, max_height: float) -> None:
        west, south, east, north = bbox
        self.west, self.north = west, north
        self.k = math.cos(math.radians((south + north) / 2))
        span_x = max((east - west) * self.k, 1e-6)
        span_y = max(north - south, 1e-6)
        self.scale = min((width - 2 * PAD) / span_x, (max_height - 2 * PAD) / span_y)
        self.offset_x = (width - span_x * self.scale) / 2
        self.height = span_y * self.scale + 2 * PAD

    def __call__(self, longitude: float, latitude: float) -> tuple[float, float]:
        return (
            self.offset_x + (longitude - self.west) * self.k * self.scale,
            PAD + (self.north - latitude) * self.scale,
        )


def _bbox(coordinates: Sequence[Sequence[Ring]]) -> tuple[float, float, float, float]:
    lons = [p[0] for polygon in coordinates for ring in polygon for p in ring]
    lats = [p[1] for polygon in coordinates for ring in polygon for p in ring]
    return min(lons), min(lats), max(lons), max(lats)


def _path(coordinates: Sequence[Sequence[Ring]], project: _Projection) -> str:
    parts = []
    for polygon in coordinates:
        for ring in polygon:
            points = [project(lon, lat) for lon, lat in ring[:-1]]
            head, *rest = points
            parts.append(
                f"M{svg.num(head[0])} {svg.num(head[1])}L" + " ".join(f"{svg.num(x)} {svg.num(y)}" for x, y in rest)
            )
    return "Z".join(parts) + "Z"


def _label_point(coordinates: Sequence[Sequence[Ring]], project: _Projection) -> tuple[float, float]:
    """The area centroid of the largest polygon's outer ring, in map units."""
    best: tuple[float, float, float] = (0.0, 0.0, 0.0)
    for polygon in coordinates:
        ring = [project(lon, lat) for lon, lat in polygon[0]]
        area = cx = cy = 0.0
        for (x1, y1), (x2, y2) in itertools.pairwise(ring):
            cross = x1 * y2 - x2 * y1
            area += cross
            cx += (x1 + x2) * cross
            cy += (y1 + y2) * cross
        if area and abs(area) > abs(best[0]):
            best = (area, cx / (3 * area), cy / (3 * area))
    return best[1], best[2]


def _tooltip(labels: Sequence[str]) -> str:
    shown = list(labels[:MAX_LABELS_PER_MARKER])
    hidden = len(labels) - len(shown)
    if hidden:
        shown.append(ngettext("and %(count)d more", "and %(count)d more", hidden) % {"count": hidden})
    return "; ".join(shown)


def _markers(points: Sequence[MapPoint], project: _Projection) -> list[tuple[float, float, list[str]]]:
    """One marker per cell of a grid as fine as a marker: points that would overlap share it.

    Overlapping circles tell the reader nothing more and each costs about a millisecond in the
    PDF, so the grid is coarsened until there are at most ``MAX_MARKERS``. A shared marker sits
    at its points' mean and grows with their number.
    """
    projected = [(*project(p.longitude, p.latitude), p.label) for p in points]
    cell = float(MARKER_CELL)
    while True:
        cells: dict[tuple[int, int], list[tuple[float, float, str]]] = {}
        for x, y, label in projected:
            cells.setdefault((int(x // cell), int(y // cell)), []).append((x, y, label))
        if len(cells) <= MAX_MARKERS:
            break
        cell *= 1.5
    markers = []
    for members in cells.values():
        count = len(members)
        x = sum(m[0] for m in members) / count
        y = sum(m[1] for m in members) / count
        markers.append((x, y, [m[2] for m in members]))
    return markers


def _outlines(
    data: Mapping[str, Any],
    labels: Mapping[str, str],
    bbox: tuple[float, float, float, float],
    project: _Projection,
    clip_id: str,
) -> list[str]:
    """The requested countries over their pale neighbours (clipped to the map)."""
    out = [f'<g clip-path="url(#{clip_id})">']
    for code, country in data.items():
        west, south, east, north = _bbox(country["coordinates"])
        if code in labels or east < bbox[0] or west > bbox[2] or north < bbox[1] or south > bbox[3]:
            continue
        out.append(
            f"<path{svg.attributes(d=_path(country['coordinates'], project))}"
            f' fill="{CONTEXT_FILL}" stroke="{CONTEXT_BORDER}" stroke-width="0.6"/>'
        )
    out.append("</g>")
    for code in labels:
        out.append(
            f"<path{svg.attributes(d=_path(data[code]['coordinates'], project), data_country=code)}"
            f' fill="{REQUESTED_FILL}" stroke="{BORDER}" stroke-width="0.9" stroke-linejoin="round"/>'
        )
    return out


def _regions(regions: Sequence[MapRegion], project: _Projection) -> list[str]:
    """Unserved regions first, the most populous at the bottom; served regions as small rings over them."""
    out = []
    largest = max((r.population or 0 for r in regions), default=0)
    for region in sorted(regions, key=lambda r: (r.served, -(r.population or 0))):
        x, y = project(region.longitude, region.latitude)
        tooltip = f"<title>{escape(region.label)}</title>"
        if region.served:
            out.append(f'<circle{svg.attributes(cx=x, cy=y)} r="3"{SERVED_STYLE}>{tooltip}</circle>')
        else:
            radius = 5.0 + 9.0 * math.sqrt(region.population / largest) if region.population and largest else 6.0
            out.append(f"<circle{svg.attributes(cx=x, cy=y, r=radius)}{UNSERVED_STYLE}>{tooltip}</circle>")
    return out


def _points(points: Sequence[MapPoint], kinds: Sequence[str], project: _Projection) -> list[str]:
    out = []
    for index, kind in enumerate(kinds):
        out.append(f'<g fill="{svg.series_colour(index)}" stroke="{svg.WHITE}" stroke-width="1">')
        for x, y, labels in _markers([p for p in points if p.kind == kind], project):
            radius = 4.0 + min(4.0, 1.5 * math.log2(len(labels)))
            tooltip = f"<title>{escape(_tooltip(labels))}</title>"
            out.append(f"<circle{svg.attributes(cx=x, cy=y, r=radius)}>{tooltip}</circle>")
        out.append("</g>")
    return out


def _legend(entries: Sequence[tuple[str, str]], width: float, top: float) -> tuple[list[str], float]:
    """Sample circles with their names, wrapped over lines, then the source line; returns the bottom."""
    out = []
    x, y = float(PAD), top + 12
    for circle, name in entries:
        item_width = 18 + svg.text_width(name, svg.SMALL_FONT_SIZE) + 18
        if x > PAD and x + item_width > width - PAD:
            x, y = float(PAD), y + 20
        out.append(f"<circle{svg.attributes(cx=x + 6, cy=y)}{circle}/>")
        out.append(svg.text(x + 18, y + 4, name, size=svg.SMALL_FONT_SIZE))
        x += item_width
    if entries:
        y += 20
    out.append(svg.text(PAD, y + 4, source_line(), size=svg.SMALL_FONT_SIZE, fill=svg.MUTED))
    return out, y + 12


def country_map(
    countries: Sequence[str] | Mapping[str, str],
    points: Sequence[MapPoint | tuple[float, float, str, str]] = (),
    regions: Sequence[MapRegion | tuple[float, float, str, bool] | tuple[float, float, str, bool, int | None]] = (),
    *,
    title: str,
    description: str,
    width: int = 640,
    max_height: int = 640,
    legend: Mapping[str, str] | None = None,
) -> SafeString:
    """A map of ``countries`` with programme locations and regions, fitted to those countries.

    ``countries`` are Tandem's codes (AL, BA, XK, ME, MK, RS), or a mapping from code to the
    label to print at the country's centre (pass "Kosovo*" and put the footnote under the map;
    with bare codes, the translated name is used, with the asterisk for Kosovo). The other
    countries of the region are drawn pale behind them, for orientation.

    ``points`` are :class:`MapPoint` (latitude, longitude, label, kind): filled markers. Points of
    one kind that would overlap (closer than about 8 units) share a marker, which grows with
    their number and whose tooltip lists their labels.

    ``regions`` are :class:`MapRegion` (latitude, longitude, label, served, population): a region
    without a functioning programme is a pale red disc with a dashed red ring, larger for more
    people; a served region a small grey ring.

    ``legend`` names the kinds of point and may rename "unserved" and "served"; the defaults
    are translated.

    The map is fitted to the outlines of ``countries``; points and regions outside it are left
    out. It is ``width`` wide and at most ``max_height`` high, plus its legend and source line.
    Embed it with :func:`tandem.reports.svg.as_image`.
    """
    data = outlines()["countries"]
    labels = _country_labels(countries)
    unknown = [code for code in labels if code not in data]
    if unknown:
        raise ValueError(f"No outline for {', '.join(unknown)}.")
    boxes = [_bbox(data[code]["coordinates"]) for code in labels]
    bbox = (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))
    project = _Projection(bbox, width, max_height)

    def on_map(latitude: float, longitude: float) -> bool:
        x, y = project(longitude, latitude)
        return EDGE <= x <= width - EDGE and EDGE <= y <= project.height - EDGE

    map_points = [p for p in (MapPoint(*p) for p in points) if on_map(p.latitude, p.longitude)]
    map_regions = [r for r in (MapRegion(*r) for r in regions) if on_map(r.latitude, r.longitude)]
    kinds = sorted(dict.fromkeys(p.kind for p in map_points), key=lambda kind: kind != "programme")
    prefix = svg.id_prefix("map", sorted(labels.items()), map_points, map_regions, title, description, width)

    body = _outlines(data, labels, bbox, project, f"{prefix}-clip")
    body += _regions(map_regions, project)
    body += _points(map_points, kinds, project)
    for code, label in labels.items():
        x, y = _label_point(data[code]["coordinates"], project)
        # A white outline drawn first keeps the name readable over borders and markers.
        body.append(svg.text(x, y, label, anchor="middle", weight="bold", fill=svg.WHITE, halo=True))
        body.append(svg.text(x, y, label, anchor="middle", weight="bold"))

    names = {
        "programme": _("Programme location"),
        "unserved": _("Region without a functioning programme"),
        "served": _("Region with a functioning programme"),
        **(legend or {}),
    }
    entries = [
        (f' r="5" fill="{svg.series_colour(i)}" stroke="{svg.WHITE}" stroke-width="1"', names.get(kind, kind))
        for i, kind in enumerate(kinds)
    ]
    if any(not r.served for r in map_regions):
        entries.append((f' r="6"{UNSERVED_STYLE}', names["unserved"]))
    if any(r.served for r in map_regions):
        entries.append((f' r="3"{SERVED_STYLE}', names["served"]))
    legend_markup, height = _legend(entries, width, project.height)
    body += legend_markup

    clip = f'<clipPath id="{prefix}-clip"><rect{svg.attributes(width=float(width), height=project.height)}/></clipPath>'
    return svg.document(
        prefix=prefix,
        width=width,
        height=height,
        title=title,
        description=description,
        defs=clip,
        body=body,
        css_class="tandem-map",
    )
