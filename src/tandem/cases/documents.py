"""Where the content of a case's documents is kept: encrypted with the newest field key, one
file per document under ``TANDEM_DOCUMENT_DIR`` (outside anything a web server serves), named
by a random storage name that says nothing of the case or the man.

A file is written whole or not at all (a temporary file in the same directory, then renamed),
and is readable only by the account Tandem runs as. Reading checks the content against the
hash recorded when it was stored, so that a file swapped on disk is not served as the record's.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from cryptography.fernet import InvalidToken
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from tandem.core.crypto import keyring, newest_key

CHUNK = 64 * 1024


class TooLarge(Exception):
    """More bytes came than the limit allows; reading stopped there."""


class Unreadable(Exception):
    """A stored document is missing, cannot be decrypted, or is not what was stored."""


@dataclass(frozen=True)
class Stored:
    storage_name: str
    size: int
    sha256: str


def document_dir() -> Path:
    return Path(settings.TANDEM_DOCUMENT_DIR)


def max_bytes() -> int:
    return int(settings.TANDEM_DOCUMENT_MAX_BYTES)


def read_capped(chunks: Iterable[bytes], limit: int) -> bytes:
    """The bytes of an upload, read a chunk at a time and given up as soon as there are more
    than ``limit``: a file announced as small but longer is never held whole."""
    parts: list[bytes] = []
    total = 0
    for chunk in chunks:
        total += len(chunk)
        if total > limit:
            raise TooLarge
        parts.append(chunk)
    return b"".join(parts)


def _path(storage_name: str) -> Path:
    # A storage name is made here, of hexadecimal digits only; anything else is not ours.
    if len(storage_name) != 32 or any(ch not in "0123456789abcdef" for ch in storage_name):
        raise Unreadable(storage_name)
    return document_dir() / storage_name[:2] / storage_name


def store(content: bytes) -> Stored:
    """Encrypt and write ``content`` under a new random name."""
    storage_name = secrets.token_hex(16)
    target = _path(storage_name)
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    token = newest_key().encrypt(content)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".partial-")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(token)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, 0o600)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return Stored(storage_name=storage_name, size=len(content), sha256=hashlib.sha256(content).hexdigest())


def read(storage_name: str, sha256: str) -> bytes:
    """The decrypted content of a stored document, checked against its recorded hash."""
    try:
        token = _path(storage_name).read_bytes()
    except OSError:
        raise Unreadable(storage_name) from None
    try:
        content = keyring().decrypt(token)
    except InvalidToken:
        raise ImproperlyConfigured(
            "A stored document cannot be read with any key in TANDEM_FIELD_KEYS: a key was removed too early."
        ) from None
    if not secrets.compare_digest(hashlib.sha256(content).hexdigest(), sha256):
        raise Unreadable(storage_name)
    return content


def remove(storage_name: str) -> None:
    """Remove a stored document (one whose record was never committed)."""
    try:
        _path(storage_name).unlink(missing_ok=True)
    except Unreadable:
        return
