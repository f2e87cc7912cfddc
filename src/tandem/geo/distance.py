"""Distances on the Earth's surface, for coverage ("how far is the nearest programme?").

Pure functions, no database. A straight line (great circle) over a sphere: travel distances
by road are longer, often much longer in the mountains, and are described as such wherever
these figures are shown.

    haversine_km(lat1, lon1, lat2, lon2) -> float
    nearest_km((lat, lon), points) -> float | None   # None when there is no point
"""

from __future__ import annotations

import math
from collections.abc import Iterable

# The mean radius of the Earth (IUGG), in kilometres.
EARTH_RADIUS_KM = 6371.0088

Point = tuple[float, float]


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """The great-circle distance in kilometres between two points given in decimal degrees."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi = phi2 - phi1
    d_lambda = math.radians(lon2 - lon1)
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    # min() guards against a rounding error just above 1 for antipodal points.
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def nearest_km(origin: Point, points: Iterable[Point]) -> float | None:
    """The distance from ``origin`` to the nearest of ``points``; None when there are none."""
    lat, lon = origin
    best: float | None = None
    for other_lat, other_lon in points:
        distance = haversine_km(lat, lon, other_lat, other_lon)
        if best is None or distance < best:
            best = distance
    return best
