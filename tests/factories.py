"""Builders for test data. Each keeps its records inside one organisation unless told otherwise."""

from __future__ import annotations

import itertools
from typing import Any

from django_otp.plugins.otp_totp.models import TOTPDevice

from tandem.core.models import Membership, Organisation, User
from tandem.core.roles import OrganisationKind, Role

PASSWORD = "correct horse battery staple"
_numbers = itertools.count(1)


def organisation(**fields: Any) -> Organisation:
    fields.setdefault("name", f"Organisation {next(_numbers)}")
    fields.setdefault("kind", OrganisationKind.PROGRAMME_PROVIDER)
    return Organisation.objects.create(**fields)


def user(*, password: str = PASSWORD, **fields: Any) -> User:
    number = next(_numbers)
    fields.setdefault("username", f"user{number}")
    fields.setdefault("first_name", "Test")
    fields.setdefault("last_name", f"Person {number}")
    person = User(**fields)
    person.set_password(password)
    person.save()
    return person


def totp_device(person: User) -> TOTPDevice:
    device: TOTPDevice = TOTPDevice.objects.create(user=person, name="Phone", confirmed=True)
    return device


def member(organisation: Organisation, role: Role, username: str | None = None, *, with_device: bool = True) -> User:
    """A user with one role in one organisation (and an authenticator app, by default)."""
    person = user(username=username) if username else user()
    Membership.objects.create(user=person, organisation=organisation, role=role)
    if with_device:
        totp_device(person)
    return person
