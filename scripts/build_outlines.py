"""Build ``src/tandem/geo/data/outlines.json``, the country outlines the report maps draw.

The outlines come from Natural Earth's Admin 0 countries (public domain) as packaged in the npm
package ``world-atlas`` (TopoJSON, pinned in package.json and package-lock.json). Tandem does not
need node at run time: this script reads the package once and writes a small, simplified file
that is committed. Run it after ``npm ci`` from the repository root::

    uv run python scripts/build_outlines.py          # rewrite the file
    uv run python scripts/build_outlines.py --check  # exit 1 if the file is out of date

TopoJSON stores each shared border once, as an *arc*; countries are rings of arc indexes (a
negative index ``~i`` means arc ``i`` reversed). The script simplifies every arc once
(Douglas-Peucker) before it builds the rings, so neighbours keep exactly the same border.
Kosovo is a feature of its own in Natural Earth (it has no ISO numeric code there, so it is
found by name) and Serbia's outline does not include it.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PACKAGE_DIR = ROOT / "node_modules" / "world-atlas"
TOPOLOGY_FILE = "countries-10m.json"
NATURAL_EARTH_VERSION = "4.1.0"
OUTPUT = ROOT / "src" / "tandem" / "geo" / "data" / "outlines.json"

# Tandem's country code -> how world-atlas names the feature (its ISO numeric id where it has one).
COUNTRIES: dict[str, tuple[str | None, str]] = {
    "AL": ("008", "Albania"),
    "BA": ("070", "Bosnia and Herz."),
    "XK": (None, "Kosovo"),
    "ME": ("499", "Montenegro"),
    "MK": ("807", "Macedonia"),
    "RS": ("688", "Serbia"),
}
# About 300 m: plenty for a map a page wide, and it keeps the file small.
TOLERANCE_DEGREES = 0.003
DECIMALS = 3

Point = tuple[float, float]
Ring = list[Point]


def decode_arcs(topology: dict[str, Any]) -> list[list[Point]]:
    """Return every arc of a TopoJSON topology as absolute (longitude, latitude) points.

    Quantized topologies store the first point of an arc as integers and each further point as
    the difference from the one before; ``transform`` scales and translates them to degrees.
    """
    transform = topology.get("transform")
    arcs: list[list[Point]] = []
    for raw in topology["arcs"]:
        if transform is None:
            arcs.append([(float(x), float(y)) for x, y, *_ in raw])
            continue
        (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
        x = y = 0
        points: list[Point] = []
        for dx, dy, *_ in raw:
            x += dx
            y += dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def ring_from_arcs(indexes: Sequence[int], arcs: Sequence[Sequence[Point]]) -> Ring:
    """Join the arcs of one ring; ``~i`` (that is ``-i - 1``) stands for arc ``i`` reversed.

    Consecutive arcs share their end and start point, which is kept once.
    """
    ring: Ring = []
    for index in indexes:
        arc = list(arcs[~index])[::-1] if index < 0 else list(arcs[index])
        ring.extend(arc[1:] if ring else arc)
    return ring


def simplify(points: Sequence[Point], tolerance: float) -> list[Point]:
    """Douglas-Peucker simplification that keeps both end points (so shared borders still meet)."""
    if len(points) <= 2:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (ax, ay), (bx, by) = points[first], points[last]
        length = math.hypot(bx - ax, by - ay)
        farthest, distance = first, -1.0
        for i in range(first + 1, last):
            px, py = points[i]
            if length == 0:
                d = math.hypot(px - ax, py - ay)
            else:
                d = abs((bx - ax) * (ay - py) - (ax - px) * (by - ay)) / length
            if d > distance:
                farthest, distance = i, d
        if distance > tolerance:
            keep[farthest] = True
            stack.extend([(first, farthest), (farthest, last)])
    return [p for p, kept in zip(points, keep, strict=True) if kept]


def _rounded(ring: Ring, decimals: int) -> Ring:
    out: Ring = []
    for lon, lat in ring:
        point = (round(lon, decimals), round(lat, decimals))
        if not out or out[-1] != point:
            out.append(point)
    return out


def _area(ring: Ring) -> float:
    return 0.5 * sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True))


def find_geometry(geometries: Sequence[dict[str, Any]], numeric_id: str | None, name: str) -> dict[str, Any]:
    """The country's geometry, by ISO numeric id where it has one and always checked by name."""
    for geometry in geometries:
        if geometry.get("properties", {}).get("name") == name and geometry.get("id") == numeric_id:
            return geometry
    raise SystemExit(f"{TOPOLOGY_FILE}: no country named {name!r} with id {numeric_id!r}.")


def polygons_of(geometry: dict[str, Any]) -> list[list[list[int]]]:
    """The arc indexes of a Polygon or MultiPolygon geometry, as polygons of rings."""
    if geometry["type"] == "Polygon":
        return [geometry["arcs"]]
    if geometry["type"] == "MultiPolygon":
        return list(geometry["arcs"])
    raise SystemExit(f"{TOPOLOGY_FILE}: unexpected geometry type {geometry['type']!r}.")


def country_outline(geometry: dict[str, Any], arcs: Sequence[Sequence[Point]], *, decimals: int) -> list[list[Ring]]:
    """MultiPolygon coordinates (polygons of rings, outer ring first) of one TopoJSON geometry.

    ``arcs`` are the topology's arcs, already simplified. Rings that shrink to less than a
    triangle once rounded (tiny islets) are dropped; a polygon whose outer ring is dropped goes
    with it.
    """
    result: list[list[Ring]] = []
    for polygon in polygons_of(geometry):
        rings: list[Ring] = []
        for position, indexes in enumerate(polygon):
            ring = _rounded(ring_from_arcs(indexes, arcs), decimals)
            if ring[0] != ring[-1]:
                ring.append(ring[0])
            if len(ring) < 4 or _area(ring) == 0:
                if position == 0:
                    break
                continue
            rings.append(ring)
        if rings:
            result.append(rings)
    return result


def build(package_dir: Path) -> dict[str, Any]:
    """The outlines document for the six countries, with the data package named as its source."""
    package = json.loads((package_dir / "package.json").read_text(encoding="utf-8"))
    topology = json.loads((package_dir / TOPOLOGY_FILE).read_text(encoding="utf-8"))
    arcs = decode_arcs(topology)
    geometries = topology["objects"]["countries"]["geometries"]
    chosen = {code: find_geometry(geometries, numeric_id, name) for code, (numeric_id, name) in COUNTRIES.items()}
    used = {~i if i < 0 else i for g in chosen.values() for polygon in polygons_of(g) for ring in polygon for i in ring}
    simple_arcs = [simplify(arc, TOLERANCE_DEGREES) if i in used else arc for i, arc in enumerate(arcs)]
    countries = {
        code: {
            "name": COUNTRIES[code][1],
            "type": "MultiPolygon",
            "coordinates": country_outline(geometry, simple_arcs, decimals=DECIMALS),
        }
        for code, geometry in chosen.items()
    }
    readme = (package_dir / "README.md").read_text(encoding="utf-8")
    if f"version {NATURAL_EARTH_VERSION}" not in readme:
        raise SystemExit(
            f"{package_dir}/README.md does not name Natural Earth {NATURAL_EARTH_VERSION}: check the source."
        )
    return {
        "source": {
            "name": package["name"],
            "version": package["version"],
            "licence": package["license"],
            "url": f"https://www.npmjs.com/package/{package['name']}/v/{package['version']}",
            "file": TOPOLOGY_FILE,
            "data": "Natural Earth, Admin 0 - Countries, 1:10m",
            "data_version": NATURAL_EARTH_VERSION,
            "data_licence": "public domain",
            "data_url": "https://www.naturalearthdata.com/downloads/10m-cultural-vectors/",
            "note": "Natural Earth draws de facto boundaries: Kosovo is a feature of its own and Serbia's excludes it.",
        },
        "simplification": {"method": "Douglas-Peucker per shared arc", "tolerance_degrees": TOLERANCE_DEGREES},
        "decimals": DECIMALS,
        "countries": countries,
    }


def dumps(document: dict[str, Any]) -> str:
    """Stable text: the header indented, each country's coordinates on one line."""
    head = {key: value for key, value in document.items() if key != "countries"}
    lines = json.dumps(head, indent=2, ensure_ascii=False)[:-2].splitlines()
    lines[-1] += ","
    lines.append('  "countries": {')
    items = list(document["countries"].items())
    for position, (code, country) in enumerate(items):
        comma = "," if position < len(items) - 1 else ""
        lines.append(f"    {json.dumps(code)}: {json.dumps(country, ensure_ascii=False, separators=(',', ':'))}{comma}")
    lines.extend(["  }", "}", ""])
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--package", type=Path, default=PACKAGE_DIR, help="folder of the world-atlas package")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument("--check", action="store_true", help="only check that the output file is up to date")
    args = parser.parse_args(argv)
    if not (args.package / TOPOLOGY_FILE).is_file():
        print(f"{args.package / TOPOLOGY_FILE} is missing: run 'npm ci' first.", file=sys.stderr)
        return 2
    text = dumps(build(args.package))
    if args.check:
        current = args.output.read_text(encoding="utf-8") if args.output.is_file() else ""
        if current != text:
            print(f"{args.output} is out of date: run scripts/build_outlines.py.", file=sys.stderr)
            return 1
        print(f"{args.output} is up to date.")
        return 0
    args.output.write_text(text, encoding="utf-8")
    print(f"Wrote {args.output} ({len(text.encode()):,} bytes).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
