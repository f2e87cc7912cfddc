"""Which files a case may hold, decided by what the file is, never by its name.

A document is accepted only when its first bytes are those of a PDF, a PNG or a JPEG image, a
word-processing document (DOCX or ODT, both zip files) or plain UTF-8 text. A zip is judged by
its directory alone, nothing in it unpacked: too many members, or members declaring more than a
bounded size in all, and it is refused as a zip bomb would be. The name a person gave the file
is kept only as a name: stripped of folders and control characters, and ending with the
extension of what the file really is, so that nobody's computer opens it as something else.
"""

from __future__ import annotations

import io
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath

# A DOCX or ODT that would unpack to more than this, or has more members, is not a letter.
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_ZIP_MEMBERS = 1_000
MAX_FILENAME = 200

_ZIP_FILE = b"PK\x03\x04"
# Every entry of a zip's central directory starts with this signature.
_ZIP_ENTRY = b"PK\x01\x02"
_ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
# The characters plain text may hold below the space: tab, line feed, form feed, carriage return.
_TEXT_CONTROLS = frozenset(b"\t\n\x0c\r")


@dataclass(frozen=True)
class Kind:
    key: str
    content_type: str
    extensions: tuple[str, ...]  # the first is added to a name that has none of them


PDF = Kind("pdf", "application/pdf", (".pdf",))
PNG = Kind("png", "image/png", (".png",))
JPEG = Kind("jpeg", "image/jpeg", (".jpg", ".jpeg"))
TEXT = Kind("text", "text/plain; charset=utf-8", (".txt", ".text"))
DOCX = Kind("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", (".docx",))
ODT = Kind("odt", "application/vnd.oasis.opendocument.text", (".odt",))
KINDS = (PDF, PNG, JPEG, TEXT, DOCX, ODT)


class Refused(Exception):
    """The file is not one a case may hold; ``reason`` says why, as a key the actions word."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


EMPTY = "empty"
UNKNOWN_TYPE = "unknown_type"
ZIP_TOO_LARGE = "zip_too_large"


def kind_of(content: bytes) -> Kind:
    """What the file is, from its content; ``Refused`` for anything not allowed."""
    if not content:
        raise Refused(EMPTY)
    if content.startswith(b"%PDF-"):
        return PDF
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if content.startswith(b"\xff\xd8\xff"):
        return JPEG
    if content.startswith(_ZIP_FILE):
        return _word_processing(content)
    if _is_plain_text(content):
        return TEXT
    raise Refused(UNKNOWN_TYPE)


def _is_plain_text(content: bytes) -> bool:
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        return False
    # Executables and other binary formats hold NUL and other control bytes; text does not.
    return not any((byte < 0x20 and byte not in _TEXT_CONTROLS) or byte == 0x7F for byte in content)


def _word_processing(content: bytes) -> Kind:
    # zipfile reads the whole central directory, whatever its end record says: count it first.
    if content.count(_ZIP_ENTRY) > MAX_ZIP_MEMBERS:
        raise Refused(ZIP_TOO_LARGE)
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, ValueError, OSError):
        raise Refused(UNKNOWN_TYPE) from None
    with archive:
        members = archive.infolist()
    if len(members) > MAX_ZIP_MEMBERS or sum(member.file_size for member in members) > MAX_UNPACKED_BYTES:
        raise Refused(ZIP_TOO_LARGE)
    names = [member.filename for member in members]
    # Two members of one name, or encrypted ones, are not what a word processor writes.
    if len(set(names)) < len(names) or any(member.flag_bits & 0x1 for member in members):
        raise Refused(UNKNOWN_TYPE)
    if _is_odt(content, members):
        return ODT
    if "[Content_Types].xml" in names and "word/document.xml" in names:
        return DOCX
    raise Refused(UNKNOWN_TYPE)


def _is_odt(content: bytes, members: list[zipfile.ZipInfo]) -> bool:
    """An OpenDocument text: its first member is ``mimetype``, stored as it is and with no
    extra field (as the standard requires), so its value is read from the raw bytes."""
    first = members[0] if members else None
    if first is None or first.filename != "mimetype" or first.compress_type != zipfile.ZIP_STORED:
        return False
    name_length = int.from_bytes(content[26:28], "little")
    extra_length = int.from_bytes(content[28:30], "little")
    if name_length != len(b"mimetype") or extra_length != 0 or content[30:38] != b"mimetype":
        return False
    return content[38 : 38 + len(_ODT_MIMETYPE)] == _ODT_MIMETYPE and first.file_size == len(_ODT_MIMETYPE)


def clean_filename(name: str, kind: Kind) -> str:
    """The name to keep and to offer on download: the last part of what the browser sent
    (folders of either kind dropped), without control or formatting characters (a right-to-left
    override can make "gpj.exe" read as "exe.jpg"), at most ``MAX_FILENAME`` characters, and
    ending with an extension of the file's real kind."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = unicodedata.normalize("NFC", base)
    base = "".join(ch for ch in base if unicodedata.category(ch) not in {"Cc", "Cf", "Cs", "Co", "Cn"})
    base = " ".join(base.split()).strip(" .")
    if not base:
        base = "document"
    if PurePosixPath(base).suffix.lower() not in kind.extensions:
        base = f"{base}{kind.extensions[0]}"
    if len(base) > MAX_FILENAME:
        suffix = PurePosixPath(base).suffix
        base = base[: MAX_FILENAME - len(suffix)].rstrip(" .") + suffix
    return base


def ascii_filename(name: str) -> str:
    """The name for browsers that read only an ASCII file name: letters without their accents,
    anything else (and the quote and backslash a header would have to escape) as an underscore."""
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return "".join(ch if 0x20 <= ord(ch) < 0x7F and ch not in '"\\' else "_" for ch in plain)
