from __future__ import annotations

from functools import cache
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.text import capfirst
from django.utils.translation import get_language_info

from tandem.core.models import SiteSettings
from tandem.core.navigation import pages_for
from tandem.core.queries import open_work_count


@cache
def language_options() -> tuple[tuple[str, str], ...]:
    """Each language by its own name, for the switcher on every page: the same for every page
    and every reader, so worked out once rather than per page."""
    return tuple((code, capfirst(get_language_info(code)["name_local"])) for code, _name in settings.LANGUAGES)


def tandem(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {
        # Counted only when the page header asks for it.
        "tandem_open_work": lambda: open_work_count(user) if user is not None and user.is_authenticated else 0,
        "tandem_pages": lambda: pages_for(user) if user is not None and user.is_authenticated else [],
        "tandem_languages": settings.LANGUAGES,
        "tandem_language_options": language_options,
        "tandem_kosovo_footnote": lambda: SiteSettings.current().kosovo_footnote_display(),
        "tandem_demo": settings.TANDEM_ENV == "demo",
    }
