"""Options shared by the commands that write a file: the output path, checked before any work is
done, the writing itself, and the language of what is written. Each mistake is one line on
standard error and exit status 2."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError
from django.utils.translation import gettext as _


def resolve_language(code: str | None) -> str:
    """One of ``settings.LANGUAGES`` (``sr_Latn`` and ``SR-LATN`` are taken for ``sr-latn``)."""
    codes = [language for language, _name in settings.LANGUAGES]
    wanted = (code or "en").strip().lower().replace("_", "-")
    if wanted not in codes:
        raise CommandError(
            _("--language %(code)s: not one of Tandem's languages (choose from: %(codes)s).")
            % {"code": code, "codes": ", ".join(codes)},
            returncode=2,
        )
    return wanted


def output_path(path: str) -> Path:
    """The file a command is to write, checked before any work is done."""
    output = Path(path)
    if output.is_dir():
        raise CommandError(_("%(path)s is a folder; give a file name.") % {"path": output}, returncode=2)
    if not output.parent.is_dir():
        raise CommandError(
            _("%(path)s: the folder %(folder)s does not exist.") % {"path": output, "folder": output.parent},
            returncode=2,
        )
    return output


def write_output(output: Path, content: bytes) -> None:
    try:
        output.write_bytes(content)
    except OSError as error:
        raise CommandError(
            _("%(path)s could not be written: %(reason)s.") % {"path": output, "reason": error.strerror},
            returncode=2,
        ) from None
