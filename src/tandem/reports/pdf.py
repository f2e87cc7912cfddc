"""HTML to PDF with WeasyPrint, without a single request to the network.

A report is rendered from the same template as its HTML page, which links
``{% static 'reports/report.css' %}``. WeasyPrint would normally fetch every URL it meets
(stylesheets, images, fonts, SVG references) over HTTP, FTP or from any file. Tandem's fetcher
serves only

- ``data:`` URLs, decoded in memory, and
- Tandem's own static files: ``/static/...`` on the report's own address (found with the
  staticfiles finders, or in ``STATIC_ROOT`` when collected), and ``file:`` URLs inside those
  static folders,

and refuses everything else with :class:`RefusedURL`. WeasyPrint then leaves the resource out
and logs a warning; the report is still produced, and nothing has left the machine.
"""

from __future__ import annotations

import logging
import mimetypes
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit
from urllib.request import DataHandler, Request, url2pathname

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

logger = logging.getLogger(__name__)

# The address a report has when the caller gives none; ".invalid" can never be resolved, and
# it is only used to recognise "/static/..." links, never fetched.
DEFAULT_BASE_URL = "https://tandem.invalid/"


class RefusedURL(ValueError):
    """The report referred to something that is neither a ``data:`` URL nor one of Tandem's static files."""


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme.lower(), parts.netloc.lower()


def static_roots() -> list[Path]:
    """The folders Tandem serves static files from: the apps' and STATICFILES_DIRS, and STATIC_ROOT."""
    roots: list[Path] = []
    for finder in finders.get_finders():
        for storage in getattr(finder, "storages", {}).values():
            location = getattr(storage, "location", None)
            if location:
                roots.append(Path(location).resolve())
    if settings.STATIC_ROOT:
        roots.append(Path(settings.STATIC_ROOT).resolve())
    return roots


def _inside_static(path: Path) -> Path | None:
    resolved = path.resolve()
    if resolved.is_file() and any(resolved.is_relative_to(root) for root in static_roots()):
        return resolved
    return None


def find_static_file(name: str) -> Path | None:
    """The file behind a static name such as ``reports/report.css`` (also a collected, hashed name)."""
    if not name or "\\" in name or any(part in {"", ".", ".."} for part in name.split("/")):
        return None
    try:
        found = finders.find(name)
    except SuspiciousFileOperation:
        return None
    if isinstance(found, str):
        return _inside_static(Path(found))
    if settings.STATIC_ROOT:
        return _inside_static(Path(settings.STATIC_ROOT) / name)
    return None


class StaticOnlyFetcher(URLFetcher):  # type: ignore[misc]  # WeasyPrint ships no type hints
    """WeasyPrint's URL fetcher, narrowed to ``data:`` URLs and Tandem's static files."""

    def __init__(self, base_url: str) -> None:
        super().__init__(allowed_protocols=("data", "file", "http", "https"), allow_redirects=False)
        self.origin = _origin(base_url)

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        scheme = urlsplit(url).scheme.lower()
        if scheme == "data":
            with DataHandler().data_open(Request(url)) as response:  # noqa: S310 - data: only, decoded in memory
                body = response.read()
                content_type = response.headers.get("Content-Type", "application/octet-stream")
            return URLFetcherResponse(url, body, {"Content-Type": content_type})
        path = self._static_path(url, scheme)
        if path is None:
            logger.warning("A report referred to %s, which is not one of Tandem's static files: refused.", url)
            raise RefusedURL(f"Refused to fetch {url}: a report may only use data: URLs and Tandem's static files.")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": content_type})

    def _static_path(self, url: str, scheme: str) -> Path | None:
        parts = urlsplit(url)
        if scheme == "file":
            if parts.netloc not in ("", "localhost"):
                return None
            return _inside_static(Path(url2pathname(unquote(parts.path))))
        if (scheme, parts.netloc.lower()) != self.origin:
            return None
        path = unquote(parts.path)
        static_url = urlsplit(settings.STATIC_URL).path
        if not static_url.endswith("/") or not path.startswith(static_url):
            return None
        return find_static_file(path[len(static_url) :])


def html_to_pdf(html: str, *, base_url: str | None = None) -> bytes:
    """Render ``html`` to PDF bytes; see the module docstring for what it may load.

    ``base_url`` is the page's own address (``request.build_absolute_uri()``) so that links like
    ``/static/reports/report.css`` resolve to Tandem's files; without one a placeholder address
    is used, which works the same way.
    """
    base = base_url or DEFAULT_BASE_URL
    document = HTML(string=html, base_url=base, url_fetcher=StaticOnlyFetcher(base))
    pdf: bytes = document.write_pdf()
    return pdf
