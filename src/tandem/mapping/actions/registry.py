"""Programmes of the registry and their delivery locations, as the platform administrator (or
the demo) enters them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tandem.core import audit
from tandem.core.audit import AuditContext
from tandem.core.models import Organisation, User
from tandem.geo.models import Country, Region
from tandem.mapping.models import (
    DeliveryLocation,
    Programme,
)


@dataclass(frozen=True)
class Location:
    """A place where a programme meets its participants."""

    town: str
    region: Region
    latitude: float
    longitude: float
    publish: bool = True


@transaction.atomic
def register_programme(
    *,
    provider: Organisation,
    code: str,
    name: str,
    country: Country,
    regions: Iterable[Region],
    details: Mapping[str, Any],
    locations: Iterable[Location] = (),
    acting_user: User | None,
    context: AuditContext | None = None,
) -> Programme:
    """Add a programme to the registry, with the regions it serves (of its own country) and
    its delivery locations, as the platform administrator does."""
    served = list(regions)
    foreign = [region.code for region in served if region.country_id != country.pk]
    if foreign:
        raise ValidationError(
            _("A programme serves regions of its own country only: %(regions)s.") % {"regions": ", ".join(foreign)}
        )
    programme = Programme(provider=provider, code=code, name=name, country=country, **details)
    programme.full_clean()
    programme.save()
    programme.regions_served.set(served)
    for location in locations:
        _add_location(programme, location)
    audit.record(
        "programme.created",
        actor=acting_user,
        obj=programme,
        organisation=provider,
        context=context,
        detail={"code": code, "fields": sorted(["code", "name", "country", "regions_served", *details])},
    )
    return programme


def _add_location(programme: Programme, location: Location) -> DeliveryLocation:
    place = DeliveryLocation(programme=programme, **asdict(location))
    place.full_clean()
    place.save()
    return place


@transaction.atomic
def add_delivery_location(
    *, programme: Programme, location: Location, acting_user: User | None, context: AuditContext | None = None
) -> DeliveryLocation:
    """A new place where a programme meets its participants; ``publish`` says whether the
    public may see it."""
    place = _add_location(programme, location)
    audit.record(
        "programme.changed",
        actor=acting_user,
        obj=programme,
        organisation=programme.provider_id,
        context=context,
        detail={"fields": ["locations"], "location": place.pk, "public": location.publish},
    )
    return place
