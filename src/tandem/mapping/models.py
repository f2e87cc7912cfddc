"""The registry of perpetrator programmes: what exists, where, on what basis, and whether it
actually functions. Organisational facts only: no row here is about a person."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from tandem.core.models import Organisation
from tandem.geo.models import Country, Region


class LegalBasis(models.TextChoices):
    COURT_MANDATED = "court_mandated", _("Court-mandated")
    PROBATION = "probation", _("Probation")
    SOCIAL_SERVICES = "social_services", _("Social services")
    VOLUNTARY = "voluntary", _("Voluntary")


class ReferralRoute(models.TextChoices):
    COURT = "court", _("Court")
    PROSECUTOR = "prosecutor", _("Prosecutor")
    PROBATION = "probation", _("Probation service")
    SOCIAL_WORK_CENTRE = "social_work_centre", _("Centre for social work")
    POLICE = "police", _("Police")
    HEALTH = "health", _("Health service")
    SELF = "self", _("Self-referral")


class TargetGroup(models.TextChoices):
    MEN_PARTNER_VIOLENCE = "men_partner_violence", _("Men who use violence against a partner")
    YOUNG_MEN = "young_men", _("Young men")
    FATHERS = "fathers", _("Fathers")
    SEXUAL_OFFENDERS = "sexual_offenders", _("Sex offenders")


class Format(models.TextChoices):
    GROUP = "group", _("Group")
    INDIVIDUAL = "individual", _("Individual")
    BOTH = "both", _("Group and individual")


class Cost(models.TextChoices):
    FREE = "free", _("Free of charge")
    FEE = "fee", _("Fee")
    SLIDING = "sliding", _("Fee depending on income")


class Funding(models.TextChoices):
    STATE = "state", _("State")
    LOCAL = "local", _("Local government")
    INTERNATIONAL = "international", _("International donors")
    NONE = "none", _("None")


class Status(models.TextChoices):
    FUNCTIONING = "functioning", _("Functioning")
    ON_PAPER = "on_paper", _("On paper only")
    SUSPENDED = "suspended", _("Suspended")
    CLOSED = "closed", _("Closed")


class Programme(models.Model):
    provider = models.ForeignKey(
        Organisation, verbose_name=_("provider"), on_delete=models.PROTECT, related_name="programmes"
    )
    name = models.CharField(_("name"), max_length=200)
    country = models.ForeignKey(Country, verbose_name=_("country"), on_delete=models.PROTECT)
    regions_served = models.ManyToManyField(Region, verbose_name=_("regions served"), related_name="programmes")
    # Multiple choices are kept as lists of the choice values above (validated in ``rules``):
    # the same shape on SQLite and PostgreSQL, and the shape survey answers arrive in.
    legal_bases = models.JSONField(_("legal basis"), default=list, blank=True)
    referral_routes = models.JSONField(_("referral routes"), default=list, blank=True)
    target_groups = models.JSONField(_("target groups"), default=list, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    funding_sources = models.JSONField(_("funding sources"), default=list, blank=True)
    format = models.CharField(_("format"), max_length=16, choices=Format.choices)
    cost = models.CharField(_("cost to the participant"), max_length=16, choices=Cost.choices)
    disability_access = models.BooleanField(_("accessible to people with disabilities"), default=False)
    remote_delivery = models.BooleanField(_("remote delivery offered"), default=False)
    typical_weeks = models.PositiveSmallIntegerField(_("typical length in weeks"), null=True, blank=True)
    typical_sessions = models.PositiveSmallIntegerField(_("typical number of sessions"), null=True, blank=True)
    waiting_weeks = models.PositiveSmallIntegerField(_("typical waiting time in weeks"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices)
    status_confirmed_on = models.DateField(_("status last confirmed on"))
    # Some programmes must not appear in public at all (for example where the location alone
    # would put people at risk); the rest choose per location.
    publish = models.BooleanField(_("show in the public directory"), default=True)

    class Meta:
        ordering = ["country__code", "name"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        constraints = [models.UniqueConstraint(fields=["provider", "name"], name="programme_unique_name")]

    def __str__(self) -> str:
        return self.name

    def legal_basis_labels(self) -> list[str]:
        return _labels(self.legal_bases, LegalBasis)

    def referral_route_labels(self) -> list[str]:
        return _labels(self.referral_routes, ReferralRoute)

    def target_group_labels(self) -> list[str]:
        return _labels(self.target_groups, TargetGroup)

    def funding_labels(self) -> list[str]:
        return _labels(self.funding_sources, Funding)

    def language_names(self) -> list[str]:
        from django.utils.translation import get_language_info

        names = []
        for code in self.languages:
            try:
                names.append(str(get_language_info(code)["name_translated"]))
            except KeyError:
                names.append(code)
        return names


def _labels(values: list[str], choices: type[models.TextChoices]) -> list[str]:
    known = dict(choices.choices)
    return [str(known.get(value, value)) for value in values]


class DeliveryLocation(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="locations")
    town = models.CharField(_("town"), max_length=120)
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT)
    latitude = models.FloatField(_("latitude"))
    longitude = models.FloatField(_("longitude"))
    publish = models.BooleanField(_("show this location in public"), default=True)

    class Meta:
        ordering = ["town"]
        verbose_name = _("delivery location")
        verbose_name_plural = _("delivery locations")

    def __str__(self) -> str:
        return self.town
