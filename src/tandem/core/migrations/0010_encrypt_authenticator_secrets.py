"""Authenticator apps move from django-otp's TOTP device, whose secret is stored in clear, to
Tandem's own, whose secret is encrypted with the field keys; the plain rows are deleted, so no
secret is left in clear.

Each device keeps its id, its state (drift, last code accepted, throttling) and the time it
was set up, so nobody has to set up her app again; only a session signed in before the
migration is asked for a code once more, since it names the old device.

Reversible: going back moves the devices into django-otp's table again, secrets in clear, as
the previous release reads them. Without them, everyone whose role requires a second factor
would be offered a new authenticator after her password alone."""

from django.apps.registry import Apps
from django.core.management.color import no_style
from django.db import migrations
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.models import Model

# Every field the two models share, but the id (kept) and ``created_at`` (written after).
COPIED = (
    "user_id",
    "name",
    "confirmed",
    "key",
    "step",
    "t0",
    "digits",
    "tolerance",
    "drift",
    "last_t",
    "throttling_failure_timestamp",
    "throttling_failure_count",
    "last_used_at",
)
BATCH = 500


def _move(source: type[Model], target: type[Model], connection: BaseDatabaseWrapper) -> None:
    while rows := list(source._base_manager.order_by("pk")[:BATCH]):
        copies = [target(pk=row.pk, **{name: getattr(row, name) for name in COPIED}) for row in rows]
        target._base_manager.bulk_create(copies)
        # ``auto_now_add`` stamped each copy with the time of the migration: keep the time the
        # app was set up.
        for copy, row in zip(copies, rows, strict=True):
            copy.created_at = row.created_at
        target._base_manager.bulk_update(copies, ["created_at"])
        source._base_manager.filter(pk__in=[row.pk for row in rows]).delete()
    # Rows written with their ids leave PostgreSQL's id sequence behind them.
    statements = connection.ops.sequence_reset_sql(no_style(), [target])
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def encrypt_secrets(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    """The encrypted field encrypts each secret as the copy is written."""
    _move(
        apps.get_model("otp_totp", "TOTPDevice"),
        apps.get_model("core", "AuthenticatorDevice"),
        schema_editor.connection,
    )


def decrypt_secrets(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _move(
        apps.get_model("core", "AuthenticatorDevice"),
        apps.get_model("otp_totp", "TOTPDevice"),
        schema_editor.connection,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0009_authenticatordevice"),
        # The migration that gave django-otp's table its last columns (created_at, last_used_at).
        ("otp_totp", "0003_add_timestamps"),
    ]
    operations = [migrations.RunPython(encrypt_secrets, decrypt_secrets)]
