from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from tandem.core.models import SiteSettings


def tandem(request: HttpRequest) -> dict[str, Any]:
    return {
        "tandem_languages": settings.LANGUAGES,
        "tandem_kosovo_footnote": lambda: SiteSettings.current().kosovo_footnote_display(),
        "tandem_demo": settings.TANDEM_ENV == "demo",
    }
