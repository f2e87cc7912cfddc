"""The synthetic demo world."""

from __future__ import annotations

import pytest

from tandem.core.models import Membership, Organisation, User
from tandem.core.roles import OrganisationKind, Role
from tandem.demo import world

pytestmark = pytest.mark.django_db


def test_the_world_has_an_organisation_of_every_kind() -> None:
    world.build()
    assert set(Organisation.objects.values_list("kind", flat=True)) == set(OrganisationKind)


def test_the_world_has_a_user_of_every_role() -> None:
    world.build()
    assert set(Membership.objects.values_list("role", flat=True)) == set(Role)


def test_the_world_spans_the_six_countries() -> None:
    world.build()
    codes = set(Organisation.objects.exclude(country=None).values_list("country__code", flat=True))
    assert codes == {"AL", "BA", "XK", "ME", "MK", "RS"}


def test_building_again_changes_nothing() -> None:
    first = world.build()
    counts = (User.objects.count(), Organisation.objects.count(), Membership.objects.count())
    assert world.build() == first
    assert (User.objects.count(), Organisation.objects.count(), Membership.objects.count()) == counts


def test_every_demo_account_signs_in_with_the_printed_password() -> None:
    world.build()
    for user in User.objects.all():
        assert user.check_password(world.DEMO_PASSWORD), user.username


def test_the_demo_registry_has_programmes_that_function_and_programmes_on_paper() -> None:
    from tandem.demo import registry
    from tandem.mapping.models import Programme, Status

    world.build()
    registry.build()
    statuses = set(Programme.objects.values_list("status", flat=True))
    assert {Status.FUNCTIONING, Status.ON_PAPER} <= statuses
    assert Programme.objects.filter(publish=False).exists()
    assert set(Programme.objects.values_list("country__code", flat=True)) == {"AL", "BA", "XK", "ME", "MK", "RS"}
    count = Programme.objects.count()
    registry.build()
    assert Programme.objects.count() == count
