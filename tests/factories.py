"""Builders for test data. Each keeps its records inside one organisation unless told otherwise."""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

from django_otp.plugins.otp_totp.models import TOTPDevice

from tandem.core.models import Membership, Organisation, User
from tandem.core.roles import OrganisationKind, Role
from tandem.geo.models import Country, Region
from tandem.mapping.models import Cost, Format, Programme, Status

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


def programme(name: str | None = None, *, country: str = "AL", region: str = "AL-11", **fields: Any) -> Programme:
    """A functioning programme in the registry, serving one region."""
    number = next(_numbers)
    provider = fields.pop("provider", None) or organisation(name=f"Provider {number}")
    regions = fields.pop("regions", None) or [region]
    defaults: dict[str, Any] = {
        "code": f"{country}-T{number:04d}",
        "format": Format.GROUP,
        "cost": Cost.FREE,
        "status": Status.FUNCTIONING,
        "status_confirmed_on": date(2026, 10, 1),
        "legal_bases": ["court_mandated"],
    }
    defaults.update(fields)
    made = Programme.objects.create(
        provider=provider, name=name or f"Programme {number}", country=Country.objects.get(code=country), **defaults
    )
    made.regions_served.set(Region.objects.filter(code__in=regions))
    return made
