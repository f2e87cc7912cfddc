from __future__ import annotations

from typing import Any

import factory
from django_otp.plugins.otp_totp.models import TOTPDevice

from tandem.core.models import Membership, Organisation, User
from tandem.core.roles import OrganisationKind, Role

PASSWORD = "correct horse battery staple"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = OrganisationKind.PROGRAMME_PROVIDER


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"Person {n}")

    @factory.post_generation
    def password(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        self.set_password(extracted or PASSWORD)
        if create:
            self.save(update_fields=["password"])


def totp_device(user: User) -> TOTPDevice:
    device: TOTPDevice = TOTPDevice.objects.create(user=user, name="Phone", confirmed=True)
    return device


def member(organisation: Organisation, role: Role, username: str | None = None, *, with_device: bool = True) -> User:
    """A user with one role in one organisation (and an authenticator app, by default)."""
    user = UserFactory(username=username) if username else UserFactory()
    Membership.objects.create(user=user, organisation=organisation, role=role)
    if with_device:
        totp_device(user)
    return user
