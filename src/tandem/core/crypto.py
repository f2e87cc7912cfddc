"""Encryption of personal fields at rest.

Values are Fernet tokens made with the newest key in ``TANDEM_FIELD_KEYS``; every listed
key can still read. ``rotate_all`` re-encrypts old tokens with the newest key, a batch per
transaction, skipping tokens that are already current, so an interrupted run can simply
be started again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, models, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.expressions import Expression


@lru_cache(maxsize=4)
def _fernets(keys: tuple[str, ...]) -> tuple[MultiFernet, Fernet]:
    try:
        fernets = [Fernet(k.encode()) for k in keys]
    except ValueError:
        raise ImproperlyConfigured(
            "TANDEM_FIELD_KEYS holds a value that is not a Fernet key (32 url-safe base64-encoded bytes)."
        ) from None
    return MultiFernet(fernets), fernets[0]


def keyring() -> MultiFernet:
    return _fernets(tuple(settings.TANDEM_FIELD_KEYS))[0]


def newest_key() -> Fernet:
    return _fernets(tuple(settings.TANDEM_FIELD_KEYS))[1]


def generate_key() -> str:
    return Fernet.generate_key().decode()


def encrypt(plaintext: str) -> str:
    return keyring().encrypt(plaintext.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return keyring().decrypt(token.encode()).decode()
    except InvalidToken:
        raise ImproperlyConfigured(
            "An encrypted value cannot be read with any key in TANDEM_FIELD_KEYS: a key was removed too early."
        ) from None


class EncryptedTextField(models.TextField):  # type: ignore[type-arg]
    """Text stored as a Fernet token. It cannot be searched or ordered in SQL, by design."""

    description = "Text encrypted at rest"

    def from_db_value(self, value: Any, expression: Expression, connection: BaseDatabaseWrapper) -> str | None:
        if value is None or value == "":
            return value  # type: ignore[no-any-return]
        return decrypt(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(str(value))


def encrypted_fields() -> Iterator[tuple[type[models.Model], list[str]]]:
    for model in apps.get_models():
        names = [f.attname for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
        if names:
            yield model, names


@dataclass
class RotationReport:
    examined: int = 0
    rotated: int = 0


def rotate_all(
    *, batch_size: int = 500, dry_run: bool = False, progress: Callable[[str], None] | None = None
) -> RotationReport:
    """Re-encrypt every encrypted value that is not already under the newest key."""
    ring, newest = keyring(), newest_key()
    report = RotationReport()
    for model, names in encrypted_fields():
        last_pk: Any = None
        while True:
            batch = _raw_tokens(model, names, after=last_pk, limit=batch_size)
            if not batch:
                break
            with transaction.atomic():
                for pk, tokens in batch:
                    changes: dict[str, str] = {}
                    for name, token in zip(names, tokens, strict=True):
                        if not token:
                            continue
                        report.examined += 1
                        try:
                            newest.decrypt(token.encode())
                        except InvalidToken:
                            changes[name] = ring.rotate(token.encode()).decode()
                    if changes and not dry_run:
                        model._base_manager.filter(pk=pk).update(**{n: _Raw(v) for n, v in changes.items()})
                    report.rotated += len(changes)
            last_pk = batch[-1][0]
            if progress:
                progress(f"{model._meta.label}: {report.examined} values examined, {report.rotated} re-encrypted")
    return report


def _raw_tokens(model: type[models.Model], names: list[str], *, after: Any, limit: int) -> list[tuple[Any, list[str]]]:
    """The stored tokens themselves, read past the field's decryption."""
    quote = connection.ops.quote_name
    pk = model._meta.pk
    assert pk is not None  # noqa: S101 - every concrete model has a primary key
    pk_column = quote(pk.column)
    columns = ", ".join(quote(_column(model, n)) for n in names)
    where, params = ("", []) if after is None else (f"WHERE {pk_column} > %s", [after])
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {pk_column}, {columns} FROM {quote(model._meta.db_table)} "  # noqa: S608 - quoted identifiers
            f"{where} ORDER BY {pk_column} LIMIT %s",
            [*params, limit],
        )
        return [(row[0], list(row[1:])) for row in cursor.fetchall()]


def _column(model: type[models.Model], name: str) -> str:
    field = model._meta.get_field(name)
    column = getattr(field, "column", None)
    if not isinstance(column, str):
        raise TypeError(f"{model._meta.label}.{name} has no column")
    return column


class _Raw(models.Value):
    """A stored token written as it is, without being encrypted a second time."""

    def __init__(self, token: str) -> None:
        super().__init__(token, output_field=models.TextField())
