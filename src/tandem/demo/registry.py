"""Synthetic programmes for the demo: some functioning, some that exist only on paper, as the
region's mapping found. All invented."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from tandem.core.models import Organisation
from tandem.core.roles import OrganisationKind
from tandem.geo.models import Region
from tandem.mapping.models import Cost, DeliveryLocation, Format, Programme, Status

# (country, programme, status, town, region codes served, legal bases, funding, languages, publish)
PROGRAMMES: list[tuple[str, str, Status, str, list[str], list[str], list[str], list[str], bool]] = [
    (
        "AL",
        "Programi Ndryshimi Tiranë",
        Status.FUNCTIONING,
        "Tiranë",
        ["AL-11", "AL-02"],
        ["court_mandated", "voluntary"],
        ["international"],
        ["sq"],
        True,
    ),
    ("AL", "Programi Shkodër", Status.ON_PAPER, "Shkodër", ["AL-10"], ["court_mandated"], ["none"], ["sq"], True),
    (
        "BA",
        "Program psihosocijalnog tretmana Banja Luka",
        Status.FUNCTIONING,
        "Banja Luka",
        ["BA-SRP"],
        ["court_mandated"],
        ["state"],
        ["sr-latn", "sr"],
        True,
    ),
    (
        "BA",
        "Program Sarajevo",
        Status.SUSPENDED,
        "Sarajevo",
        ["BA-C09"],
        ["voluntary"],
        ["international"],
        ["bs"],
        True,
    ),
    (
        "XK",
        "Programi Prishtinë",
        Status.FUNCTIONING,
        "Prishtinë",
        ["XK-D01"],
        ["probation", "voluntary"],
        ["international"],
        ["sq"],
        True,
    ),
    (
        "ME",
        "Program Podgorica",
        Status.FUNCTIONING,
        "Podgorica",
        ["ME-16"],
        ["court_mandated"],
        ["state", "international"],
        ["cnr", "sr-latn"],
        True,
    ),
    ("ME", "Program Nikšić", Status.ON_PAPER, "Nikšić", ["ME-12"], ["court_mandated"], ["none"], ["cnr"], True),
    (
        "MK",
        "Програма Скопје",
        Status.FUNCTIONING,
        "Скопје",
        ["MK-R8"],
        ["social_services", "voluntary"],
        ["local"],
        ["mk", "sq"],
        True,
    ),
    (
        "RS",
        "Program Novi Sad",
        Status.FUNCTIONING,
        "Novi Sad",
        ["RS-06"],
        ["social_services"],
        ["local"],
        ["sr", "sr-latn"],
        True,
    ),
    # Functioning, but its provider asked not to be listed in public.
    (
        "RS",
        "Program Beograd",
        Status.FUNCTIONING,
        "Beograd",
        ["RS-00"],
        ["social_services", "voluntary"],
        ["state"],
        ["sr"],
        False,
    ),
]


@transaction.atomic
def build() -> int:
    providers = {
        o.country.code: o
        for o in Organisation.objects.filter(kind=OrganisationKind.PROGRAMME_PROVIDER).select_related("country")
        if o.country is not None
    }
    regions = {r.code: r for r in Region.objects.all()}
    for number, (code, name, status, town, served, bases, funding, languages, publish) in enumerate(PROGRAMMES, 1):
        programme, created = Programme.objects.get_or_create(
            provider=providers[code],
            name=name,
            defaults={
                "code": f"{code}-{number:03d}",
                "country": providers[code].country,
                "legal_bases": bases,
                "referral_routes": ["court", "social_work_centre"] if "court_mandated" in bases else ["self"],
                "target_groups": ["men_partner_violence"],
                "languages": languages,
                "funding_sources": funding,
                "format": Format.GROUP if status == Status.FUNCTIONING else Format.BOTH,
                "cost": Cost.FREE,
                "disability_access": code in {"RS", "MK"},
                "remote_delivery": code == "XK",
                "typical_weeks": 24,
                "typical_sessions": 24,
                "waiting_weeks": 6,
                "status": status,
                "status_confirmed_on": date(2026, 10, 1),
                "publish": publish,
            },
        )
        if created:
            programme.regions_served.set([regions[c] for c in served])
            seat = regions[served[0]]
            DeliveryLocation.objects.create(
                programme=programme,
                town=town,
                region=seat,
                latitude=seat.latitude,
                longitude=seat.longitude,
                # The Banja Luka group meets at an address that is given only on request.
                publish=code != "BA",
            )
    return len(PROGRAMMES)
