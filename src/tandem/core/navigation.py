"""The pages a person can use, as the header and her home page show them.

Each app registers its own pages with the test of who has something to do there, so that
nobody is shown a link to an empty list and no page is announced before it exists; the
header and the home page grow as each domain arrives.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.functional import Promise


@dataclass(frozen=True)
class Page:
    key: str
    label: Promise
    url_name: str
    # One sentence for the home page: what the person does there.
    description: Promise
    shown_to: Callable[[Any], bool]
    order: int = 100


@dataclass(frozen=True)
class Link:
    key: str
    label: str
    url: str
    description: str


_PAGES: dict[str, Page] = {}


def register(page: Page) -> Page:
    _PAGES[page.key] = page
    return page


def pages_for(user: Any) -> list[Link]:
    """The registered pages the user has something to do on, in their order."""
    links = []
    for page in sorted(_PAGES.values(), key=lambda p: (p.order, p.key)):
        if page.shown_to(user):
            links.append(Link(page.key, str(page.label), reverse(page.url_name), str(page.description)))
    return links
