"""Authenticator apps on a person's account page: added with a code, removed only while another
one remains for everyone who must sign in with a second factor."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from tandem.core import actions
from tandem.core.models import AuditEntry
from tandem.core.queries import own_devices
from tests import factories
from tests.conftest import World

pytestmark = pytest.mark.django_db


def test_a_role_that_needs_a_second_factor_keeps_its_last_authenticator(world: World) -> None:
    with pytest.raises(ValidationError):
        actions.remove_totp_device(device=own_devices(world.facilitator).get(), acting_user=world.facilitator)
    assert own_devices(world.facilitator).count() == 1


def test_a_platform_administrator_keeps_her_last_authenticator() -> None:
    admin = factories.platform_admin()
    device = factories.totp_device(admin)
    with pytest.raises(ValidationError):
        actions.remove_totp_device(device=device, acting_user=admin)


def test_with_a_second_authenticator_the_first_can_be_removed_and_it_is_recorded(world: World) -> None:
    first = own_devices(world.facilitator).get()
    factories.totp_device(world.facilitator)
    actions.remove_totp_device(device=first, acting_user=world.facilitator)
    assert own_devices(world.facilitator).count() == 1
    assert AuditEntry.objects.filter(action="second_factor.removed", actor=world.facilitator).exists()
