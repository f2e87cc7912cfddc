"""Encryption of personal fields at rest, and key rotation."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test import override_settings

from tandem.core import crypto
from tandem.core.models import Organisation
from tests import factories
from tests.testapp.models import SurvivorRecord

NEW, OLD = Fernet.generate_key().decode(), Fernet.generate_key().decode()


@pytest.fixture
def organisation(db: None) -> Organisation:
    """An organisation without members. The test world's people have authenticators, whose
    secrets are encrypted under the test keys: the rotations below, which swap the keys,
    would count them and could not read them."""
    return factories.organisation()


def stored(record: SurvivorRecord, column: str = "name") -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM testapp_survivorrecord WHERE id = %s", [record.pk])  # noqa: S608
        value: str = cursor.fetchone()[0]
    return value


def test_an_encrypted_value_is_not_stored_in_clear(organisation: Organisation) -> None:
    record = SurvivorRecord.objects.create(organisation=organisation, name="Arta Krasniqi", address="Rruga 5")
    assert "Arta" not in stored(record)
    assert "Rruga" not in stored(record, "address")


def test_an_encrypted_value_reads_back_as_written(organisation: Organisation) -> None:
    record = SurvivorRecord.objects.create(organisation=organisation, name="Jelena Ђорђевић")
    assert SurvivorRecord.objects.get(pk=record.pk).name == "Jelena Ђорђевић"


def test_an_empty_value_stays_empty(organisation: Organisation) -> None:
    record = SurvivorRecord.objects.create(organisation=organisation, name="x", address="")
    assert stored(record, "address") == ""


def test_values_under_an_older_key_still_read(organisation: Organisation) -> None:
    with override_settings(TANDEM_FIELD_KEYS=[OLD]):
        record = SurvivorRecord.objects.create(organisation=organisation, name="Older")
    with override_settings(TANDEM_FIELD_KEYS=[NEW, OLD]):
        assert SurvivorRecord.objects.get(pk=record.pk).name == "Older"


def test_rotation_re_encrypts_old_values_with_the_newest_key(organisation: Organisation) -> None:
    with override_settings(TANDEM_FIELD_KEYS=[OLD]):
        record = SurvivorRecord.objects.create(organisation=organisation, name="Rotate me", address="Street")
    with override_settings(TANDEM_FIELD_KEYS=[NEW, OLD]):
        report = crypto.rotate_all()
    assert (report.examined, report.rotated) == (2, 2)
    assert Fernet(NEW.encode()).decrypt(stored(record).encode()) == b"Rotate me"
    with override_settings(TANDEM_FIELD_KEYS=[NEW]):
        assert SurvivorRecord.objects.get(pk=record.pk).address == "Street"


def test_rotation_skips_values_already_under_the_newest_key(organisation: Organisation) -> None:
    with override_settings(TANDEM_FIELD_KEYS=[NEW, OLD]):
        record = SurvivorRecord.objects.create(organisation=organisation, name="Current")
        before = stored(record)
        report = crypto.rotate_all()
    assert (report.examined, report.rotated) == (1, 0)
    assert stored(record) == before


def test_an_interrupted_rotation_finishes_when_run_again(
    organisation: Organisation, monkeypatch: pytest.MonkeyPatch
) -> None:
    with override_settings(TANDEM_FIELD_KEYS=[OLD]):
        records = [SurvivorRecord.objects.create(organisation=organisation, name=f"N{i}") for i in range(5)]
    calls = {"n": 0}
    real_update = crypto._Raw.__init__

    def failing_after_two_batches(self: crypto._Raw, token: str) -> None:
        calls["n"] += 1
        if calls["n"] > 2:
            raise KeyboardInterrupt
        real_update(self, token)

    with override_settings(TANDEM_FIELD_KEYS=[NEW, OLD]):
        monkeypatch.setattr(crypto._Raw, "__init__", failing_after_two_batches)
        with pytest.raises(KeyboardInterrupt):
            crypto.rotate_all(batch_size=2)
        monkeypatch.undo()
        report = crypto.rotate_all(batch_size=2)
    assert report.rotated == 3
    with override_settings(TANDEM_FIELD_KEYS=[NEW]):
        assert [SurvivorRecord.objects.get(pk=r.pk).name for r in records] == [f"N{i}" for i in range(5)]


def test_a_dry_run_changes_nothing(organisation: Organisation) -> None:
    with override_settings(TANDEM_FIELD_KEYS=[OLD]):
        record = SurvivorRecord.objects.create(organisation=organisation, name="Stay")
    before = stored(record)
    with override_settings(TANDEM_FIELD_KEYS=[NEW, OLD]):
        report = crypto.rotate_all(dry_run=True)
    assert report.rotated == 1
    assert stored(record) == before


def test_a_value_no_key_can_read_is_a_configuration_error(organisation: Organisation) -> None:
    with override_settings(TANDEM_FIELD_KEYS=[OLD]):
        record = SurvivorRecord.objects.create(organisation=organisation, name="Lost")
    with override_settings(TANDEM_FIELD_KEYS=[NEW]), pytest.raises(ImproperlyConfigured, match="removed too early"):
        SurvivorRecord.objects.get(pk=record.pk)


def test_a_malformed_key_is_a_configuration_error() -> None:
    with override_settings(TANDEM_FIELD_KEYS=["not-a-key"]), pytest.raises(ImproperlyConfigured, match="Fernet"):
        crypto.encrypt("x")
