"""Numbers as people read them, in the active language: whole numbers grouped by thousands and
percentages rounded half up, with the language's own separators."""

from __future__ import annotations

from functools import lru_cache

from django.utils.formats import number_format
from django.utils.translation import get_language, gettext as _


def count_text(number: int) -> str:
    """A whole number with its thousands grouped the active language's way (12 345, 12.345)."""
    return number_format(number, 0, force_grouping=True)


def percent_text(percent: float) -> str:
    """A percentage rounded half up to a whole number, in the active language's format."""
    return _percent_text(int(percent + 0.5), get_language())


@lru_cache(maxsize=1024)
def _percent_text(whole: int, language: str | None) -> str:
    # Cached per language: a report or an export formats thousands of scores.
    return _("%(percent)s %%") % {"percent": number_format(whole, 0)}  # a no-break space before the sign
