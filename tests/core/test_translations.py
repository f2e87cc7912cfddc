"""Every user-facing string is translated into the region's five main languages."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.utils import translation

from tandem.core.i18n import LOCALE_DIR

REQUIRED = ["sq", "sr_Latn", "sr", "bs", "mk", "hr", "tr", "cnr"]
ROOT = Path(__file__).resolve().parents[2]


def catalogue(language: str) -> polib.POFile:
    return polib.pofile(str(LOCALE_DIR / language / "LC_MESSAGES" / "django.po"))


@pytest.mark.parametrize("language", REQUIRED)
def test_no_entry_is_untranslated(language: str) -> None:
    assert [e.msgid for e in catalogue(language).untranslated_entries()] == []


@pytest.mark.parametrize("language", REQUIRED)
def test_no_entry_is_fuzzy(language: str) -> None:
    assert [e.msgid for e in catalogue(language).fuzzy_entries() if e.msgid] == []


@pytest.mark.parametrize("language", REQUIRED)
def test_placeholders_survive_translation(language: str) -> None:
    import re

    pattern = re.compile(r"%\(\w+\)[sd]|\{\{[^}]+\}\}")
    for entry in catalogue(language).translated_entries():
        singular = set(pattern.findall(entry.msgid))
        if not entry.msgid_plural:
            assert sorted(pattern.findall(entry.msgstr)) == sorted(pattern.findall(entry.msgid)), entry.msgid
            continue
        # A form of a plural entry may also stand for numbers other than one (21, 31… in the
        # Slavic languages), so it may name the count that the English singular leaves out.
        either = singular | set(pattern.findall(entry.msgid_plural))
        for text in entry.msgstr_plural.values():
            found = set(pattern.findall(text))
            assert singular <= found <= either, entry.msgid


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="extracting strings needs GNU gettext's xgettext")
def test_every_string_in_the_source_is_in_the_catalogues(tmp_path: Path) -> None:
    """Extract the strings afresh from a copy of the source and compare with the catalogue."""
    copy = tmp_path / "tandem"
    shutil.copytree(ROOT / "src" / "tandem", copy, ignore=shutil.ignore_patterns("*.mo", "__pycache__"))
    (tmp_path / "extract_settings.py").write_text(
        "from pathlib import Path\nfrom tests.settings import *  # noqa\n"
        f"LOCALE_PATHS = [Path({str(copy / 'locale')!r})]\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "extract_settings", "PYTHONPATH": f"{tmp_path}:{ROOT}"}
    subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "-l", "sq", "--no-location", "--no-obsolete"],
        cwd=copy,
        env=env,
        check=True,
        capture_output=True,
    )
    fresh = {e.msgid for e in polib.pofile(str(copy / "locale" / "sq" / "LC_MESSAGES" / "django.po"))}
    committed = {e.msgid for e in catalogue("sq")}
    assert sorted(fresh - committed) == [], "run makemessages and translate the new strings"
    assert sorted(committed - fresh) == [], "run makemessages --no-obsolete to drop strings no longer used"


@pytest.mark.parametrize("language", ["sq", "sr-latn", "sr", "bs", "mk", "hr", "tr", "cnr"])
def test_each_language_can_be_switched_on(language: str) -> None:
    with translation.override(language):
        assert translation.get_language() == language
        assert translation.gettext("Sign in") != "Sign in"


def test_serbian_cyrillic_is_cyrillic_and_latin_is_latin() -> None:
    with translation.override("sr"):
        cyrillic = translation.gettext("Sign in")
    with translation.override("sr-latn"):
        latin = translation.gettext("Sign in")
    assert any("\u0400" <= ch <= "\u04ff" for ch in cyrillic)
    assert not any("\u0400" <= ch <= "\u04ff" for ch in latin)


def test_montenegrin_pages_show_djangos_own_texts_in_the_closest_language() -> None:
    """Django ships no Montenegrin catalogue: its form errors come from its Serbian (Latin) one,
    while Tandem's own Montenegrin words come first."""
    from django import forms

    class Form(forms.Form):
        name = forms.CharField()

    with translation.override("cnr"):
        assert Form({}).errors["name"] == ["Ovo polje se mora popuniti."]
        assert translation.gettext("Your work") == "Vaši zadaci"
