"""The audit log: append-only, hash-chained, verifiable, and safe under concurrency."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import pytest
from django.db import DatabaseError, connection, connections, transaction

from tandem.core import audit
from tandem.core.models import AuditEntry
from tandem.core.roles import Role
from tests import factories

ONLY_ON_POSTGRESQL = "database-level protection and advisory locks exist on PostgreSQL only"
on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason=ONLY_ON_POSTGRESQL)


def append(count: int) -> list[AuditEntry]:
    return [audit.record("test.event", actor=None, actor_label=f"tester {i}", detail={"i": i}) for i in range(count)]


@contextmanager
def tampering() -> Iterator[None]:
    """Raw SQL with the append-only trigger switched off, as an intruder with database rights could."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE core_auditentry DISABLE TRIGGER USER")
        yield
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE core_auditentry ENABLE TRIGGER USER")


@pytest.mark.django_db
def test_an_empty_log_verifies() -> None:
    result = audit.verify()
    assert (result.ok, result.entries, result.head_hash) == (True, 0, audit.GENESIS_HASH)


@pytest.mark.django_db
def test_appended_entries_form_a_chain_that_verifies() -> None:
    entries = append(5)
    assert [e.seq for e in entries] == [1, 2, 3, 4, 5]
    assert all(later.prev_hash == earlier.hash for earlier, later in itertools.pairwise(entries))
    result = audit.verify()
    assert (result.ok, result.entries, result.head_hash) == (True, 5, entries[-1].hash)


@pytest.mark.django_db
def test_an_altered_entry_is_named() -> None:
    append(5)
    with tampering(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditentry SET actor_label = 'someone else' WHERE seq = 3")
    result = audit.verify()
    assert (result.ok, result.first_bad_seq, result.entries) == (False, 3, 2)
    assert "altered" in result.problem


@pytest.mark.django_db
def test_an_altered_detail_is_named() -> None:
    append(4)
    with tampering(), connection.cursor() as cursor:
        cursor.execute("""UPDATE core_auditentry SET detail = '{"i":99}' WHERE seq = 2""")
    assert audit.verify().first_bad_seq == 2


@pytest.mark.django_db
def test_a_deleted_entry_is_named() -> None:
    append(5)
    with tampering(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditentry WHERE seq = 2")
    result = audit.verify()
    assert (result.ok, result.first_bad_seq) == (False, 3)
    assert "missing" in result.problem


@pytest.mark.django_db
def test_a_renumbered_deletion_is_named() -> None:
    """Closing the gap after a deletion breaks the link instead."""
    append(4)
    with tampering(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditentry WHERE seq = 2")
        cursor.execute("UPDATE core_auditentry SET seq = seq - 1 WHERE seq > 2")
    result = audit.verify()
    assert (result.ok, result.first_bad_seq) == (False, 2)


@pytest.mark.django_db
def test_an_inserted_entry_is_named() -> None:
    entries = append(3)
    with tampering(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditentry SET seq = seq + 1 WHERE seq = 3")
        cursor.execute(
            "INSERT INTO core_auditentry (seq, at, actor_label, action, object_type, object_id, compartment, ip, "
            "detail, prev_hash, hash) VALUES (3, %s, 'intruder', 'signin', '', '', '', '', '', %s, %s)",
            [datetime.now(UTC), entries[1].hash, "f" * 64],
        )
    result = audit.verify()
    assert (result.ok, result.first_bad_seq) == (False, 3)


@pytest.mark.django_db
def test_a_forged_entry_appended_at_the_end_is_named() -> None:
    append(2)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO core_auditentry (seq, at, actor_label, action, object_type, object_id, compartment, ip, "
            "detail, prev_hash, hash) VALUES (3, %s, 'intruder', 'signin', '', '', '', '', '', %s, %s)",
            [datetime.now(UTC), "0" * 64, "f" * 64],
        )
    assert audit.verify().first_bad_seq == 3


@pytest.mark.django_db
def test_an_entry_recorded_inside_a_rolled_back_change_disappears_with_it() -> None:
    append(1)
    with pytest.raises(RuntimeError), transaction.atomic():
        audit.record("test.event", actor=None)
        raise RuntimeError
    assert audit.verify().entries == 1


def test_sqlite_text_and_a_datetime_hash_the_same() -> None:
    moment = datetime(2026, 11, 25, 12, 0, 0, tzinfo=UTC)
    assert audit.canonical_time(moment) == audit.canonical_time("2026-11-25 12:00:00")
    with_micro = datetime(2026, 11, 25, 12, 0, 0, 5, tzinfo=UTC)
    assert audit.canonical_time(with_micro) == audit.canonical_time("2026-11-25 12:00:00.000005")


@pytest.mark.django_db
def test_the_entry_names_actor_organisation_and_object() -> None:
    organisation = factories.organisation()
    admin = factories.member(organisation, Role.ORG_ADMIN, "org_admin", with_device=False)
    entry = audit.record("membership.role_changed", actor=admin, obj=organisation, detail={"to": "x"})
    entry.refresh_from_db()
    assert entry.actor_label == "org_admin"
    assert entry.object_type == "core.organisation"
    assert entry.object_id == str(organisation.pk)
    assert entry.detail == '{"to":"x"}'


@on_postgresql
@pytest.mark.django_db
def test_postgresql_refuses_to_update_an_entry() -> None:
    append(1)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditentry SET action = 'x'")


@on_postgresql
@pytest.mark.django_db
def test_postgresql_refuses_to_delete_an_entry() -> None:
    append(1)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.all().delete()


@on_postgresql
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_connections_appending_at_once_do_not_fork_the_chain() -> None:
    per_thread = 150
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def writer(name: str) -> None:
        try:
            barrier.wait()
            for i in range(per_thread):
                audit.record("test.concurrent", actor=None, actor_label=name, detail={"i": i})
        except BaseException as error:  # reported to the main thread below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(f"writer {n}",)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    result = audit.verify()
    assert (result.ok, result.entries) == (True, 2 * per_thread)
    labels = set(AuditEntry.objects.values_list("actor_label", flat=True))
    assert labels == {"writer 0", "writer 1"}


@pytest.fixture
def four_ranges(monkeypatch: pytest.MonkeyPatch) -> None:
    """Verify even a short chain in four ranges, as a long one is on a machine with four cores."""
    monkeypatch.setattr(audit, "_PARALLEL_FROM", 1)
    monkeypatch.setattr("os.cpu_count", lambda: 4)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_chain_checked_in_ranges_verifies(four_ranges: None) -> None:
    entries = append(21)
    result = audit.verify()
    assert (result.ok, result.entries, result.head_hash) == (True, 21, entries[-1].hash)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("seq", [1, 6, 7, 12, 21])
def test_an_altered_entry_is_named_whichever_range_holds_it(four_ranges: None, seq: int) -> None:
    append(21)
    with tampering(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditentry SET action = 'changed' WHERE seq = %s", [seq])
    result = audit.verify()
    assert (result.ok, result.first_bad_seq, result.entries) == (False, seq, seq - 1)
    assert "altered" in result.problem


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("seq", [6, 7, 8])
def test_a_deleted_entry_at_the_edge_of_a_range_is_named(four_ranges: None, seq: int) -> None:
    append(21)
    with tampering(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditentry WHERE seq = %s", [seq])
    result = audit.verify()
    assert (result.ok, result.first_bad_seq) == (False, seq + 1)
    assert "missing" in result.problem


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_whole_range_deleted_is_named(four_ranges: None) -> None:
    append(21)
    with tampering(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditentry WHERE seq BETWEEN 7 AND 12")
    result = audit.verify()
    assert (result.ok, result.first_bad_seq, result.entries) == (False, 13, 6)
