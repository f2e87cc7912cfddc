"""Catalogues: Tandem's reference content kept as versioned JSON data (questionnaires, standards,
indicators, risk instruments), with its wording in every language of the region. These are the
checks every catalogue reader shares; each domain adds the rules of its own format."""

from __future__ import annotations

import json
import numbers
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.utils.translation import get_language


class CatalogueError(ValueError):
    """A catalogue that does not have its format; the message names the file and the field."""


def read_catalogue(path: Path, error: type[CatalogueError] = CatalogueError) -> Any:
    """The JSON of a catalogue file; a file that cannot be read raises ``error`` naming it."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as problem:
        raise error(f"{path.name}: cannot be read as JSON ({problem})") from None


def is_number(value: Any) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def texts(data: Any, where: str) -> dict[str, str]:
    """Wording by language code, with at least English."""
    if (
        not isinstance(data, dict)
        or not data
        or not all(isinstance(lang, str) and isinstance(text, str) and text.strip() for lang, text in data.items())
    ):
        raise CatalogueError(f"{where}: expected texts by language, e.g. {{'en': '...'}}")
    if "en" not in data:
        raise CatalogueError(f"{where}: an English text ('en') is required")
    return dict(data)


def required(data: Any, names: tuple[str, ...], where: str) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise CatalogueError(f"{where}: expected an object")
    for name in names:
        if name not in data:
            raise CatalogueError(f"{where}: '{name}' is missing")
    return data


def key_of(data: Mapping[str, Any], where: str) -> str:
    key = data["key"]
    if not isinstance(key, str) or not key:
        raise CatalogueError(f"{where}: 'key' must be a non-empty text")
    return key


def text_in(labels: Mapping[str, str] | str, language: str | None = None) -> str:
    """The label in the active (or given) language, falling back to its base language
    (``sr_Latn`` → ``sr`` is not done: Latin and Cyrillic differ) and then to English."""
    if isinstance(labels, str):
        return labels
    language = (language or get_language() or "en").replace("-", "_")
    for candidate in (language, _case_variant(language), "en"):
        if labels.get(candidate):
            return labels[candidate]
    return next(iter(labels.values()), "")


def _case_variant(language: str) -> str:
    # Django names the Latin-script Serbian locale "sr-latn" in requests and "sr_Latn" in files.
    if "_" in language:
        base, _sep, variant = language.partition("_")
        return f"{base}_{variant.capitalize()}" if len(variant) == 4 else f"{base}_{variant.upper()}"
    return language
