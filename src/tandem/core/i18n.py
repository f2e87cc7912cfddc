"""Compiling the gettext catalogues with Babel, so that no system gettext is needed."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import django
from babel.messages.catalog import Catalog
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
# Django's own texts (form errors, password rules, the administration) for a language Django
# does not ship, taken at build time from the installed Django's catalogues of the closest
# language. Tandem's own catalogue of the language comes first (LOCALE_PATHS order).
BORROWED_DIR = Path(__file__).resolve().parent.parent / "locale_borrowed"
BORROWED = {"cnr": "sr_Latn"}


def compile_catalogues(locale_dir: Path = LOCALE_DIR, *, force: bool = False) -> int:
    """Write each ``.mo`` next to its ``.po`` when missing or older; return how many were written."""
    written = 0
    for po_path in sorted(locale_dir.glob("*/LC_MESSAGES/*.po")):
        mo_path = po_path.with_suffix(".mo")
        if not force and mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as handle:
            catalogue = read_po(handle, locale=po_path.parent.parent.name)
        tmp = mo_path.with_suffix(f".{os.getpid()}.mo.tmp")  # processes may compile at once
        with tmp.open("wb") as handle:
            write_mo(handle, catalogue, use_fuzzy=False)
        tmp.replace(mo_path)
        written += 1
    return written + borrow_catalogues(force=force)


def _django_catalogues(language: str) -> list[Path]:
    root = Path(django.__file__).resolve().parent
    return sorted(
        [
            *root.glob(f"conf/locale/{language}/LC_MESSAGES/django.mo"),
            *root.glob(f"contrib/*/locale/{language}/LC_MESSAGES/django.mo"),
        ]
    )


def borrow_catalogues(target: Path = BORROWED_DIR, *, force: bool = False) -> int:
    """Write, for each language of ``BORROWED``, one catalogue of Django's texts in its closest
    language; return how many were written."""
    written = 0
    for language, closest in BORROWED.items():
        mo_path = target / language / "LC_MESSAGES" / "django.mo"
        sources = _django_catalogues(closest)
        if not sources or (
            not force
            and mo_path.exists()
            and mo_path.stat().st_mtime >= max(source.stat().st_mtime for source in sources)
        ):
            continue
        merged = Catalog(locale=closest)
        for source in sources:
            with source.open("rb") as handle:
                for message in read_mo(handle):
                    context: Any = message.context
                    if isinstance(context, bytes):  # Babel reads a message's context as bytes
                        context = context.decode("utf-8")
                    if message.id and merged.get(message.id, context=context) is None:
                        merged.add(message.id, message.string, context=context)
        mo_path.parent.mkdir(parents=True, exist_ok=True)
        tmp = mo_path.with_suffix(f".{os.getpid()}.mo.tmp")  # processes may compile at once
        with tmp.open("wb") as handle:
            write_mo(handle, merged)
        tmp.replace(mo_path)
        written += 1
    return written
