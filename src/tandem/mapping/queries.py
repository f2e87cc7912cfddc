"""Reads of the registry for the public directory. No personal data: the programme registry
holds organisational facts only, and what a provider asked not to publish never leaves here."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from tandem.geo.models import Country, Region
from tandem.mapping.models import DeliveryLocation, Programme, Status


def public_programmes(*, country: Country | None = None, region: Region | None = None) -> QuerySet[Programme]:
    """Functioning programmes that may be published, with only their public locations."""
    programmes = Programme.objects.filter(publish=True, status=Status.FUNCTIONING)
    if country is not None:
        programmes = programmes.filter(country=country)
    if region is not None:
        programmes = programmes.filter(regions_served=region)
    return (
        programmes.select_related("provider", "country")
        .prefetch_related(
            "regions_served",
            Prefetch("locations", queryset=DeliveryLocation.objects.filter(publish=True), to_attr="public_locations"),
        )
        .distinct()
        .order_by("country__code", "name")
    )


def access_public_programme(programme_id: int) -> Programme:
    """One programme of the public directory; 404 for one that is not public, as for one that
    does not exist."""
    try:
        return public_programmes().get(pk=programme_id)
    except Programme.DoesNotExist:
        raise Http404 from None
