"""The scoping policy: who reaches which personal rows, and what happens when they may not."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from tandem.core import scoping
from tandem.core.models import AuditEntry, Membership
from tandem.core.roles import ROLE_ACCESS, Action, Role
from tests.conftest import World
from tests.testapp.models import ProgrammeRecord, SurvivorRecord, UndeclaredRecord


@pytest.fixture
def records(world: World) -> dict[str, object]:
    return {
        "programme": ProgrammeRecord.objects.create(organisation=world.org, label="his case"),
        "survivor": SurvivorRecord.objects.create(organisation=world.org, name="Her Name", address="Her street 1"),
        "other_programme": ProgrammeRecord.objects.create(organisation=world.other_org, label="other case"),
        "other_survivor": SurvivorRecord.objects.create(organisation=world.other_org, name="Other Name"),
    }


def test_facilitator_sees_programme_records_of_own_organisation_only(world: World, records: dict) -> None:
    visible = ProgrammeRecord.objects.visible_to(world.facilitator)
    assert list(visible) == [records["programme"]]


def test_facilitator_sees_no_survivor_record(world: World, records: dict) -> None:
    assert not SurvivorRecord.objects.visible_to(world.facilitator).exists()


def test_survivor_worker_sees_survivor_records_but_not_programme_records(world: World, records: dict) -> None:
    assert list(SurvivorRecord.objects.visible_to(world.survivor_worker)) == [records["survivor"]]
    assert not ProgrammeRecord.objects.visible_to(world.survivor_worker).exists()


def test_coordinator_sees_both_compartments_of_own_organisation(world: World, records: dict) -> None:
    assert list(ProgrammeRecord.objects.visible_to(world.coordinator)) == [records["programme"]]
    assert list(SurvivorRecord.objects.visible_to(world.coordinator)) == [records["survivor"]]


def test_coordinator_of_another_organisation_sees_nothing_of_this_one(world: World, records: dict) -> None:
    assert list(SurvivorRecord.objects.visible_to(world.outsider)) == [records["other_survivor"]]
    assert list(ProgrammeRecord.objects.visible_to(world.outsider)) == [records["other_programme"]]


@pytest.mark.parametrize("persona", ["org_admin", "referrer", "analyst", "gov_viewer", "auditor"])
def test_roles_without_case_access_see_no_personal_row(world: World, records: dict, persona: str) -> None:
    user = world.persona(persona)
    assert not ProgrammeRecord.objects.visible_to(user).exists()
    assert not SurvivorRecord.objects.visible_to(user).exists()


def test_every_role_is_declared_in_the_policy() -> None:
    assert set(ROLE_ACCESS) == set(Role)


def test_model_without_a_compartment_is_visible_to_no_one(world: World) -> None:
    UndeclaredRecord.objects.create(organisation=world.org)
    assert not UndeclaredRecord.objects.visible_to(world.coordinator).exists()


def test_anonymous_user_sees_nothing(records: dict) -> None:
    assert not SurvivorRecord.objects.visible_to(AnonymousUser()).exists()


def test_deactivated_user_sees_nothing(world: World, records: dict) -> None:
    world.coordinator.is_active = False
    world.coordinator.save()
    assert not SurvivorRecord.objects.visible_to(world.coordinator).exists()


def test_removed_member_loses_access(world: World, records: dict) -> None:
    Membership.objects.filter(user=world.facilitator).delete()
    scoping.forget_memberships(world.facilitator)
    assert not ProgrammeRecord.objects.visible_to(world.facilitator).exists()


def test_facilitator_may_not_export_programme_records(world: World, records: dict) -> None:
    assert not ProgrammeRecord.objects.visible_to(world.facilitator, Action.EXPORT).exists()
    assert ProgrammeRecord.objects.visible_to(world.coordinator, Action.EXPORT).exists()


def test_access_answers_404_alike_for_a_missing_and_a_forbidden_record(world: World, records: dict) -> None:
    with pytest.raises(Http404):
        scoping.access(SurvivorRecord, world.facilitator, records["survivor"].pk)
    with pytest.raises(Http404):
        scoping.access(SurvivorRecord, world.facilitator, 999_999)


def test_denied_access_to_an_existing_record_is_audited(world: World, records: dict) -> None:
    with pytest.raises(Http404):
        scoping.access(SurvivorRecord, world.facilitator, records["survivor"].pk)
    entry = AuditEntry.objects.get(action="access.denied")
    assert entry.actor == world.facilitator
    assert entry.compartment == "survivor"


def test_access_to_a_missing_record_is_not_logged_as_denied(world: World) -> None:
    with pytest.raises(Http404):
        scoping.access(SurvivorRecord, world.facilitator, 999_999)
    assert not AuditEntry.objects.filter(action="access.denied").exists()


def test_every_read_of_a_survivor_record_is_audited(world: World, records: dict) -> None:
    record = scoping.access(SurvivorRecord, world.survivor_worker, records["survivor"].pk)
    entry = AuditEntry.objects.get(action="survivor.view")
    assert (entry.actor, entry.object_id, entry.organisation_id) == (
        world.survivor_worker,
        str(record.pk),
        world.org.pk,
    )


def test_read_of_a_programme_record_is_not_a_survivor_read(world: World, records: dict) -> None:
    scoping.access(ProgrammeRecord, world.facilitator, records["programme"].pk)
    assert not AuditEntry.objects.filter(action__startswith="survivor.").exists()


def test_assert_can_raises_404_and_audits_for_an_out_of_scope_change(world: World, records: dict) -> None:
    with pytest.raises(Http404):
        scoping.assert_can(world.outsider, Action.CHANGE, records["programme"])
    assert AuditEntry.objects.filter(action="access.denied", actor=world.outsider).exists()


def test_assert_can_passes_silently_within_scope(world: World, records: dict) -> None:
    scoping.assert_can(world.facilitator, Action.CHANGE, records["programme"])
    assert not AuditEntry.objects.filter(action="access.denied").exists()


def test_visible_to_costs_one_query_for_memberships_then_caches(
    world: World, records: dict, django_assert_num_queries
) -> None:
    user = world.coordinator
    scoping.forget_memberships(user)
    with django_assert_num_queries(2):
        list(SurvivorRecord.objects.visible_to(user))
    with django_assert_num_queries(1):
        list(ProgrammeRecord.objects.visible_to(user))
