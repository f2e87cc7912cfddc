"""The platform administration keeps the same rules and the same record as Tandem's pages."""

from __future__ import annotations

from django.contrib import admin
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from tandem.core.models import AuditEntry, AuthenticatorDevice, Membership, User
from tandem.core.roles import Role
from tests import factories
from tests.conftest import World, sign_in


def platform_admin() -> User:
    person = factories.platform_admin()
    factories.totp_device(person)
    return person


def inline_data(world: World, membership: Membership, role: str) -> dict[str, str]:
    return {
        "name": world.org.name,
        "kind": world.org.kind,
        "country": "",
        "suppression_threshold": "5",
        "memberships-TOTAL_FORMS": "1",
        "memberships-INITIAL_FORMS": "1",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
        "memberships-0-id": str(membership.pk),
        "memberships-0-organisation": str(world.org.pk),
        "memberships-0-user": str(membership.user_id),
        "memberships-0-role": role,
    }


def test_authenticator_secrets_are_not_in_the_platform_admin() -> None:
    assert AuthenticatorDevice not in admin.site._registry
    assert TOTPDevice not in admin.site._registry


def test_a_role_changed_in_the_platform_admin_is_audited(client: Client, world: World) -> None:
    sign_in(client, platform_admin())
    Membership.objects.filter(organisation=world.org).exclude(user=world.facilitator).delete()
    membership = Membership.objects.get(user=world.facilitator)
    response = client.post(
        f"/platform-admin/core/organisation/{world.org.pk}/change/", inline_data(world, membership, Role.COORDINATOR)
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    membership.refresh_from_db()
    assert membership.role == Role.COORDINATOR
    entry = AuditEntry.objects.get(action="membership.role_changed")
    assert entry.detail == '{"from":"facilitator","to":"coordinator","user":"facilitator"}'


def test_the_platform_admin_cannot_put_someone_on_both_sides(client: Client, world: World) -> None:
    sign_in(client, platform_admin())
    Membership.objects.filter(organisation=world.org).exclude(user=world.facilitator).delete()
    survivor_service = factories.organisation(kind="survivor_service")
    Membership.objects.create(user=world.facilitator, organisation=survivor_service, role=Role.ORG_ADMIN)
    membership = Membership.objects.get(user=world.facilitator, organisation=world.org)
    other = factories.member(survivor_service, Role.SURVIVOR_WORKER, "her_worker")
    Membership.objects.filter(pk=membership.pk).update(user=other)
    membership.refresh_from_db()
    response = client.post(
        f"/platform-admin/core/organisation/{world.org.pk}/change/", inline_data(world, membership, Role.FACILITATOR)
    )
    assert response.status_code == 200
    assert "nobody may hold both kinds of role" in response.content.decode()


def test_the_platform_administrator_lands_in_the_platform_admin_after_signing_in(client: Client, world: World) -> None:
    person = platform_admin()
    first = client.get("/platform-admin/")
    first = client.get(first["Location"])
    assert first["Location"] == "/signin/?next=/platform-admin/"
    sign_in_to = client.post("/signin/?next=/platform-admin/", {"username": "platform", "password": factories.PASSWORD})
    from tests.conftest import current_code

    done = client.post(sign_in_to["Location"], {"code": current_code(person)})
    assert done["Location"] == "/platform-admin/"
    assert client.get("/platform-admin/").status_code == 200


def add_organisation_data(user_id: int, role: str, kind: str = "court") -> dict[str, str]:
    return {
        "name": "New organisation",
        "kind": kind,
        "country": "",
        "suppression_threshold": "5",
        "memberships-TOTAL_FORMS": "1",
        "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
        "memberships-0-user": str(user_id),
        "memberships-0-role": role,
    }


def test_a_new_organisation_gets_only_members_that_fit_its_kind(client: Client, world: World) -> None:
    sign_in(client, platform_admin())
    response = client.post(
        "/platform-admin/core/organisation/add/", add_organisation_data(world.survivor_worker.pk, Role.FACILITATOR)
    )
    assert response.status_code == 200
    assert not Membership.objects.filter(organisation__name="New organisation").exists()


def test_a_new_organisation_cannot_put_someone_on_both_sides(client: Client, world: World) -> None:
    sign_in(client, platform_admin())
    data = add_organisation_data(world.survivor_worker.pk, Role.FACILITATOR, kind="programme_provider")
    response = client.post("/platform-admin/core/organisation/add/", data)
    assert "nobody may hold both kinds of role" in response.content.decode()


def test_changing_the_kind_of_an_organisation_checks_its_members(client: Client, world: World) -> None:
    sign_in(client, platform_admin())
    Membership.objects.filter(organisation=world.org).exclude(user=world.facilitator).delete()
    membership = Membership.objects.get(user=world.facilitator)
    data = inline_data(world, membership, Role.FACILITATOR) | {"kind": "court"}
    response = client.post(f"/platform-admin/core/organisation/{world.org.pk}/change/", data)
    assert response.status_code == 200
    world.org.refresh_from_db()
    assert world.org.kind == "programme_provider"


def test_a_membership_cannot_be_handed_to_someone_else(client: Client, world: World) -> None:
    sign_in(client, platform_admin())
    Membership.objects.filter(organisation=world.org).exclude(user=world.facilitator).delete()
    membership = Membership.objects.get(user=world.facilitator)
    data = inline_data(world, membership, Role.FACILITATOR) | {"memberships-0-user": str(world.analyst.pk)}
    response = client.post(f"/platform-admin/core/organisation/{world.org.pk}/change/", data)
    assert response.status_code == 200
    membership.refresh_from_db()
    assert membership.user == world.facilitator


def test_a_password_set_by_the_platform_administrator_is_audited(client: Client, world: World) -> None:
    sign_in(client, platform_admin())
    new = "another long passphrase 2026"
    response = client.post(
        f"/platform-admin/core/user/{world.facilitator.pk}/password/",
        {"password1": new, "password2": new, "usable_password": "true"},
    )
    assert response.status_code == 302
    assert AuditEntry.objects.filter(action="account.password_set", object_id=str(world.facilitator.pk)).exists()


def test_signing_out_of_the_platform_admin_is_audited(client: Client, world: World) -> None:
    person = platform_admin()
    sign_in(client, person)
    client.post("/platform-admin/logout/")
    assert AuditEntry.objects.filter(action="signout", actor=person).exists()


def test_someone_signed_in_without_platform_rights_finds_no_platform_admin(client: Client, world: World) -> None:
    sign_in(client, world.coordinator)
    response = client.get("/platform-admin/", follow=True)
    assert response.status_code == 404
    assert len(response.redirect_chain) == 1
