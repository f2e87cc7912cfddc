"""The open-data files of the public directory, for anyone and any program, without sign-in.

These downloads are not written to the audit log: they hold only what the public directory
already shows to everyone, and every anonymous request (crawlers, map apps polling for
updates) would fill the log with entries that name nobody and prove nothing. Exports by
command line, which run with access to the whole database, are audited."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from tandem.mapping.render import opendata


def _download(build: Callable[[], dict[str, Any]], content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(opendata.render(build()), content_type=f"{content_type}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # Public data without credentials: map apps on other sites may read it.
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_safe
def hsds_view(request: HttpRequest) -> HttpResponse:
    """The directory as Open Referral HSDS 3.0 JSON."""
    return _download(opendata.hsds_dataset, "application/json", "tandem-programmes-hsds.json")


@require_safe
def geojson_view(request: HttpRequest) -> HttpResponse:
    """The public delivery locations as a GeoJSON FeatureCollection."""
    return _download(opendata.geojson_collection, "application/geo+json", "tandem-programmes.geojson")
