"""Reference geography: countries and their administrative regions (not personal data)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext, gettext_lazy as _

# Country names are translated through the catalogues rather than stored per language.
COUNTRY_NAMES = {
    "AL": _("Albania"),
    "BA": _("Bosnia and Herzegovina"),
    "XK": _("Kosovo"),
    "ME": _("Montenegro"),
    "MK": _("North Macedonia"),
    "RS": _("Serbia"),
}
# Countries whose name is shown with an asterisk and the deployment's footnote.
FOOTNOTED = frozenset({"XK"})


class Country(models.Model):
    code = models.CharField(_("code"), max_length=2, unique=True)
    iso_alpha2 = models.CharField(_("ISO 3166-1 code"), max_length=2, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=100)
    population = models.PositiveIntegerField(_("population"))
    population_year = models.PositiveSmallIntegerField(_("year of the population figure"))
    population_source = models.TextField(_("source of the population figure"))
    latitude = models.FloatField(_("latitude"))
    longitude = models.FloatField(_("longitude"))
    point_source = models.TextField(_("source of the representative point"))

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        label = COUNTRY_NAMES.get(self.code)
        name = str(label) if label is not None else gettext(self.name_en)
        return f"{name}*" if self.code in FOOTNOTED else name


class Region(models.Model):
    class Kind(models.TextChoices):
        COUNTY = "county", _("county")
        ENTITY = "entity", _("entity")
        CANTON = "canton", _("canton")
        DISTRICT = "district", _("district")
        MUNICIPALITY = "municipality", _("municipality")
        STATISTICAL_REGION = "statistical_region", _("statistical region")
        CITY = "city", _("city")
        PROVINCE = "province", _("province")

    country = models.ForeignKey(Country, on_delete=models.CASCADE, related_name="regions")
    code = models.CharField(_("code"), max_length=12, unique=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)
    # Coverage is computed over the units that tile a country without overlap;
    # grouping rows (an entity over its cantons, a province over its districts) are not.
    coverage_unit = models.BooleanField(_("unit for coverage"), default=True)
    population = models.PositiveIntegerField(_("population"))
    population_year = models.PositiveSmallIntegerField(_("year of the population figure"))
    population_source = models.TextField(_("source of the population figure"))
    latitude = models.FloatField(_("latitude"))
    longitude = models.FloatField(_("longitude"))
    point_source = models.TextField(_("source of the representative point"))

    class Meta:
        ordering = ["country__code", "code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return self.name
