"""A member who lost her phone asks her organisation's administrator to reset her second factor;
a platform administrator who lost hers is reset on the server's command line."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client

from tandem.core import actions
from tandem.core.models import AuditEntry, AuthenticatorDevice, Membership
from tandem.core.roles import Role
from tests import factories
from tests.conftest import World, sign_in

pytestmark = pytest.mark.django_db


def reset_url(world: World, membership: Membership) -> str:
    return f"/organisations/{world.org.pk}/members/{membership.pk}/second-factor/reset/"


def test_the_administrator_resets_a_members_second_factor_and_it_is_on_the_record(client: Client, world: World) -> None:
    membership = Membership.objects.get(user=world.facilitator)
    sign_in(client, world.org_admin)
    response = client.post(reset_url(world, membership), follow=True)
    assert "a new one is set up at the next sign-in" in response.content.decode()
    assert not AuthenticatorDevice.objects.filter(user=world.facilitator).exists()
    entry = AuditEntry.objects.get(action="second_factor.reset")
    assert entry.actor_id == world.org_admin.pk
    assert entry.organisation_id == world.org.pk


def test_after_a_reset_the_member_sets_up_a_new_authenticator_at_sign_in(client: Client, world: World) -> None:
    actions.reset_second_factor(membership=Membership.objects.get(user=world.facilitator), acting_user=world.org_admin)
    response = client.post("/signin/", {"username": world.facilitator.username, "password": factories.PASSWORD})
    assert response["Location"].endswith("/signin/enrol/")


def test_nobody_resets_her_own_second_factor_on_the_members_page(world: World) -> None:
    with pytest.raises(ValidationError, match="account page"):
        actions.reset_second_factor(
            membership=Membership.objects.get(user=world.org_admin), acting_user=world.org_admin
        )
    assert AuthenticatorDevice.objects.filter(user=world.org_admin).exists()


def test_a_member_who_also_belongs_elsewhere_is_reset_only_by_the_platform(world: World) -> None:
    elsewhere = factories.organisation(name="Elsewhere")
    actions.add_member(organisation=elsewhere, user=world.facilitator, role=Role.FACILITATOR, acting_user=None)
    with pytest.raises(ValidationError, match="you do not administer"):
        actions.reset_second_factor(
            membership=Membership.objects.get(user=world.facilitator, organisation=world.org),
            acting_user=world.org_admin,
        )
    assert AuthenticatorDevice.objects.filter(user=world.facilitator).exists()
    assert not AuditEntry.objects.filter(action="second_factor.reset").exists()


def test_the_members_page_says_who_has_set_up_a_second_factor(client: Client, world: World) -> None:
    AuthenticatorDevice.objects.filter(user=world.coordinator).delete()
    sign_in(client, world.org_admin)
    page = client.get(f"/organisations/{world.org.pk}/").content.decode()
    assert "Not set up yet" in page
    assert f"Reset the second factor of {world.facilitator.username}" in page
    assert f"Reset the second factor of {world.coordinator.username}" not in page
    assert f"Reset the second factor of {world.org_admin.username}" not in page


def test_the_server_command_resets_a_platform_administrators_second_factor() -> None:
    admin = factories.platform_admin()
    factories.totp_device(admin)
    out = io.StringIO()
    call_command("reset_second_factor", username=admin.username, stdout=out)
    assert "1 authenticator(s)" in out.getvalue()
    assert not AuthenticatorDevice.objects.filter(user=admin).exists()
    entry = AuditEntry.objects.get(action="second_factor.reset")
    assert entry.actor_id is None
    assert entry.actor_label == "tandem reset-second-factor"
