"""The migration that moves authenticators out of django-otp's table, where their secrets
were stored in clear, into Tandem's, where they are encrypted (core 0010). Its functions are
called directly on the models as the migration sees them.

Apart from the world of the other test modules: the migration fills a table that it has just
created, and keeps each device's id."""

from __future__ import annotations

from datetime import timedelta
from importlib import import_module
from typing import Any

import pytest
from django.apps.registry import Apps
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone
from django_otp import match_token

from tandem.core.models import AuthenticatorDevice, User
from tests import factories

pytestmark = pytest.mark.django_db

# The secret of RFC 4226's examples, as django-otp's table holds it: hex, in clear.
PLAIN_KEY = b"12345678901234567890".hex()
MOVE = import_module("tandem.core.migrations.0010_encrypt_authenticator_secrets")


@pytest.fixture
def person(db: None) -> User:
    return factories.user()


def stored_secret(device: AuthenticatorDevice) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT key FROM core_authenticatordevice WHERE id = %s", [device.pk])
        value: str = cursor.fetchone()[0]
    return value


def migration_state() -> Apps:
    """The models as the migration sees them."""
    return MigrationLoader(connection).project_state(("core", "0010_encrypt_authenticator_secrets")).apps


def plain_device(apps: Apps, person: User, **fields: Any) -> Any:
    """A device as the previous release wrote it into django-otp's table."""
    return apps.get_model("otp_totp", "TOTPDevice").objects.create(
        user_id=person.pk, name="Authenticator app", key=PLAIN_KEY, confirmed=True, **fields
    )


def plain_rows() -> list[tuple[int, str]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT user_id, key FROM otp_totp_totpdevice")
        return list(cursor.fetchall())


def test_the_move_encrypts_a_plain_secret_and_deletes_the_plain_row(person: User) -> None:
    apps = migration_state()
    old = plain_device(apps, person)
    MOVE.encrypt_secrets(apps, connection.schema_editor())
    assert plain_rows() == []
    moved = AuthenticatorDevice.objects.get(user=person)
    assert moved.key == PLAIN_KEY
    assert PLAIN_KEY not in stored_secret(moved)
    assert moved.pk == old.pk


def test_a_moved_device_keeps_its_state_and_signs_its_owner_in(person: User) -> None:
    apps = migration_state()
    set_up = timezone.now() - timedelta(days=400)
    used = timezone.now() - timedelta(days=1)
    old = plain_device(apps, person, last_t=1000, drift=-1, throttling_failure_count=2, last_used_at=used)
    type(old).objects.filter(pk=old.pk).update(created_at=set_up)
    MOVE.encrypt_secrets(apps, connection.schema_editor())
    moved = AuthenticatorDevice.objects.get(user=person)
    assert (moved.last_t, moved.drift, moved.throttling_failure_count) == (1000, -1, 2)
    assert (moved.created_at, moved.last_used_at) == (set_up, used)
    assert match_token(person, factories.current_code(moved)) == moved


def test_a_device_set_up_after_the_move_gets_an_id_of_its_own(person: User) -> None:
    apps = migration_state()
    plain_device(apps, person)
    MOVE.encrypt_secrets(apps, connection.schema_editor())
    moved = AuthenticatorDevice.objects.get(user=person)
    added = factories.totp_device(person)
    assert added.pk != moved.pk


def test_going_back_restores_the_plain_rows_the_previous_release_reads(person: User) -> None:
    apps = migration_state()
    plain_device(apps, person)
    MOVE.encrypt_secrets(apps, connection.schema_editor())
    MOVE.decrypt_secrets(apps, connection.schema_editor())
    assert plain_rows() == [(person.pk, PLAIN_KEY)]
    assert not AuthenticatorDevice.objects.filter(user=person).exists()
