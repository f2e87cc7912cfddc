"""The reference geography loaded by the migrations."""

from __future__ import annotations

import pytest
from django.db.models import Sum
from django.utils import translation

from tandem.core.models import SiteSettings
from tandem.geo import reference
from tandem.geo.models import Country, Region

pytestmark = pytest.mark.django_db

UNITS = {"AL": 12, "BA": 12, "XK": 7, "MK": 8, "RS": 25}


def test_the_six_countries_are_loaded() -> None:
    assert sorted(Country.objects.values_list("code", flat=True)) == ["AL", "BA", "ME", "MK", "RS", "XK"]


@pytest.mark.parametrize(("code", "units"), UNITS.items())
def test_each_country_has_its_first_level_units(code: str, units: int) -> None:
    assert Region.objects.filter(country__code=code, coverage_unit=True).count() == units


def test_montenegro_has_its_municipalities() -> None:
    assert Region.objects.filter(country__code="ME", kind=Region.Kind.MUNICIPALITY).count() >= 24


def test_kosovo_is_not_counted_among_serbias_regions() -> None:
    serbian = Region.objects.filter(country__code="RS")
    assert not serbian.filter(name_en__icontains="Kosovo").exists()
    assert not serbian.filter(code__in=[f"RS-{n}" for n in range(25, 30)]).exists()


def test_kosovo_has_no_iso_code_and_is_shown_with_its_footnote_mark() -> None:
    kosovo = Country.objects.get(code="XK")
    assert kosovo.iso_alpha2 == ""
    assert kosovo.display_name == "Kosovo*"


def test_country_names_follow_the_language() -> None:
    with translation.override("mk"):
        assert Country.objects.get(code="AL").display_name != "Albania"


@pytest.mark.parametrize("code", ["AL", "BA", "XK", "MK", "RS"])
def test_units_add_up_to_the_country_population(code: str) -> None:
    country = Country.objects.get(code=code)
    total = Region.objects.filter(country=country, coverage_unit=True).aggregate(s=Sum("population"))["s"]
    assert total == country.population


def test_montenegro_units_add_up_within_the_preliminary_figures_margin() -> None:
    country = Country.objects.get(code="ME")
    total = Region.objects.filter(country=country, coverage_unit=True).aggregate(s=Sum("population"))["s"]
    assert abs(total - country.population) / country.population < 0.02


def test_every_figure_names_its_source_and_year() -> None:
    for region in Region.objects.all():
        assert region.population_source.strip(), region.code
        assert region.point_source.strip(), region.code
        assert 2011 <= region.population_year <= 2025, region.code


def test_every_point_lies_in_the_western_balkans() -> None:
    for region in Region.objects.all():
        assert 39.5 < region.latitude < 46.5 and 15.5 < region.longitude < 23.5, region.code


def test_grouping_rows_hold_their_children() -> None:
    federation = Region.objects.get(code="BA-BIH")
    assert not federation.coverage_unit
    assert federation.children.count() == 10
    assert federation.children.aggregate(s=Sum("population"))["s"] == federation.population


def test_loading_again_changes_nothing() -> None:
    before = Region.objects.count()
    assert reference.load(Country, Region) == (6, before)
    assert Region.objects.count() == before


def test_the_standard_kosovo_footnote_is_shown_in_the_users_language() -> None:
    settings = SiteSettings.current()
    with translation.override("sq"):
        assert settings.kosovo_footnote_display() != settings.KOSOVO_FOOTNOTE_EU


def test_a_deployments_own_footnote_is_shown_as_written() -> None:
    settings = SiteSettings.current()
    settings.kosovo_footnote = "Wording required by our funder."
    with translation.override("sq"):
        assert settings.kosovo_footnote_display() == "Wording required by our funder."
