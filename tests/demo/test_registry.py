"""The demo registry: enough programmes in every country for the report to read like a study."""

from __future__ import annotations

from collections import Counter

import pytest

from tandem.core.roles import OrganisationKind
from tandem.demo import registry
from tandem.mapping.models import DeliveryLocation, Programme, Status

pytestmark = pytest.mark.django_db

SIX = {"AL", "BA", "XK", "ME", "MK", "RS"}


@pytest.fixture
def built(demo: object) -> None:
    """The demo, built once for the module (see conftest)."""


def test_every_country_has_five_to_eight_programmes(built: None) -> None:
    per_country = Counter(Programme.objects.values_list("country__code", flat=True))
    assert set(per_country) == SIX
    assert all(5 <= count <= 8 for count in per_country.values()), per_country


def test_every_country_has_programmes_that_function_and_others_on_paper_suspended_or_closed(built: None) -> None:
    for code in SIX:
        statuses = Counter(Programme.objects.filter(country__code=code).values_list("status", flat=True))
        assert statuses[Status.FUNCTIONING] >= 1, code
        assert statuses[Status.ON_PAPER] >= 2, code
        assert statuses[Status.SUSPENDED] >= 1, code
        assert 1 <= statuses[Status.CLOSED] <= 2, code


def test_the_original_programmes_keep_their_references(built: None) -> None:
    assert Programme.objects.get(name="Programi Ndryshimi Tiranë").code == "AL-001"
    assert Programme.objects.get(name="Program Beograd").code == "RS-010"
    assert not Programme.objects.get(name="Program Beograd").publish


def test_references_start_with_the_country_and_are_numbered_in_order() -> None:
    numbers = [int(demo.code[3:]) for demo in registry.PROGRAMMES]
    assert numbers == list(range(1, len(numbers) + 1))
    assert all(demo.code[:2] in SIX for demo in registry.PROGRAMMES)


def test_programmes_serve_coverage_units_of_their_own_country(built: None) -> None:
    for programme in Programme.objects.prefetch_related("regions_served"):
        for region in programme.regions_served.all():
            assert region.coverage_unit and region.country_id == programme.country_id, programme.code


def test_each_programme_has_one_location_near_its_region(built: None) -> None:
    for programme in Programme.objects.all():
        location = DeliveryLocation.objects.select_related("region").get(programme=programme)
        assert abs(location.latitude - location.region.latitude) <= 0.05
        assert abs(location.longitude - location.region.longitude) <= 0.05


def test_some_programmes_or_their_locations_are_kept_out_of_public_view(built: None) -> None:
    assert Programme.objects.filter(publish=False).count() >= 2
    assert DeliveryLocation.objects.filter(publish=False).count() >= 2


def test_programmes_have_several_providers_in_each_country(built: None) -> None:
    for code in SIX:
        providers = {p.provider for p in Programme.objects.filter(country__code=code).select_related("provider")}
        assert len(providers) >= 2, code
        assert {p.kind for p in providers} == {OrganisationKind.PROGRAMME_PROVIDER}


def test_building_again_changes_nothing(built: None) -> None:
    before = (list(Programme.objects.values().order_by("code")), list(DeliveryLocation.objects.values().order_by("pk")))
    registry.build()
    after = (list(Programme.objects.values().order_by("code")), list(DeliveryLocation.objects.values().order_by("pk")))
    assert after == before


def test_most_programmes_depend_on_international_donors(built: None) -> None:
    funded = [p.funding_sources for p in Programme.objects.exclude(funding_sources=["none"])]
    international = sum("international" in sources for sources in funded)
    assert international > len(funded) / 2


def test_building_again_after_a_programme_was_renamed_keeps_it_and_adds_no_other(built: None) -> None:
    Programme.objects.filter(code="AL-016").update(name="Renamed by a visitor")
    count = Programme.objects.count()
    registry.build()
    assert Programme.objects.count() == count
    assert Programme.objects.get(code="AL-016").name == "Renamed by a visitor"
