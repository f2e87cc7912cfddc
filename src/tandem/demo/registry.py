"""Synthetic programmes for the demo, as the region's mapping found them: a few that function,
many that exist only on paper, some suspended or closed when donor funding ended. The
programme and provider names are invented; towns and regions are real, so that the map and
the coverage figures read like a real study.

The registry is built through Tandem's actions, by the demo's platform administrator; each
further provider gets a coordinator who answers the survey for its programmes. Running
``build`` again changes nothing: providers are found by name and country, programmes by
provider and name, and a programme a visitor edited keeps the visitor's changes.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction

from tandem.core.models import Organisation
from tandem.core.roles import OrganisationKind, Role
from tandem.demo import queries as demo_queries
from tandem.demo.world import COUNTRIES, DEMO, NAMES, account, organisation, place, platform_admin
from tandem.geo.models import Region
from tandem.mapping.actions.registry import Location, register_programme
from tandem.mapping.models import Cost, Format, Status

# More invented providers beside the one of each country in the world. Each has a coordinator
# (al.coordinator2, al.coordinator3 …) who answers the survey for its programmes.
PROVIDERS: dict[str, list[str]] = {
    "AL": ["Shoqata Ura e Re", "Fondacioni Jeta pa Dhunë"],
    "BA": ["Centar za mentalno zdravlje Lipa", "Fondacija Korak Naprijed"],
    "XK": ["Organizata Hapi Tjetër", "Shoqata Paqja në Shtëpi"],
    "ME": ["NVO Novi Početak", "Savjetovalište Iskra"],
    "MK": ["Здружение Мост", "Фондација Рамнотежа"],
    "RS": ["Udruženje Iskorak", "Savetovalište Sidro"],
}


@dataclass(frozen=True)
class DemoProgramme:
    code: str
    name: str
    status: Status
    town: str
    regions: tuple[str, ...]
    legal_bases: tuple[str, ...]
    funding: tuple[str, ...]
    languages: tuple[str, ...]
    # Blank: the provider of the country in the world (whose team can sign in).
    provider: str = ""
    publish: bool = True
    private_location: bool = False

    @property
    def country(self) -> str:
        return self.code[:2]


F, P, S, C = Status.FUNCTIONING, Status.ON_PAPER, Status.SUSPENDED, Status.CLOSED
WORLD_PROVIDERS = {code: provider for code, provider, *_rest in COUNTRIES}

# The first ten are the demo's original programmes (the browser tests name some of them);
# the others continue the numbering.
# fmt: off
PROGRAMMES: list[DemoProgramme] = [
    DemoProgramme("AL-001", "Programi Ndryshimi Tiranë", F, "Tiranë", ("AL-11", "AL-02"),
                  ("court_mandated", "voluntary"), ("international",), ("sq",)),
    DemoProgramme("AL-002", "Programi Shkodër", P, "Shkodër", ("AL-10",), ("court_mandated",), ("none",), ("sq",)),
    # The Banja Luka and Sarajevo groups meet at addresses given only on request.
    DemoProgramme("BA-003", "Program psihosocijalnog tretmana Banja Luka", F, "Banja Luka", ("BA-SRP",),
                  ("court_mandated",), ("state",), ("sr-latn", "sr"), private_location=True),
    DemoProgramme("BA-004", "Program Sarajevo", S, "Sarajevo", ("BA-C09",), ("voluntary",), ("international",),
                  ("bs",), private_location=True),
    DemoProgramme("XK-005", "Programi Prishtinë", F, "Prishtinë", ("XK-D01",), ("probation", "voluntary"),
                  ("international",), ("sq",)),
    DemoProgramme("ME-006", "Program Podgorica", F, "Podgorica", ("ME-16",), ("court_mandated",),
                  ("state", "international"), ("cnr", "sr-latn")),
    DemoProgramme("ME-007", "Program Nikšić", P, "Nikšić", ("ME-12",), ("court_mandated",), ("none",), ("cnr",)),
    DemoProgramme("MK-008", "Програма Скопје", F, "Скопје", ("MK-R8",), ("social_services", "voluntary"),
                  ("local",), ("mk", "sq")),
    DemoProgramme("RS-009", "Program Novi Sad", F, "Novi Sad", ("RS-06",), ("social_services",), ("local",),
                  ("sr", "sr-latn")),
    # Functioning, but its provider asked not to be listed in public.
    DemoProgramme("RS-010", "Program Beograd", F, "Beograd", ("RS-00",), ("social_services", "voluntary"),
                  ("state",), ("sr",), publish=False),
    # Albania
    DemoProgramme("AL-011", "Programi Ndryshimi Elbasan", F, "Elbasan", ("AL-03",), ("court_mandated", "probation"),
                  ("international",), ("sq",)),
    DemoProgramme("AL-012", "Programi Burra për Barazi Korçë", F, "Korçë", ("AL-06",),
                  ("voluntary", "social_services"), ("international", "local"), ("sq",),
                  provider="Shoqata Ura e Re", private_location=True),
    DemoProgramme("AL-013", "Programi Vlorë", S, "Vlorë", ("AL-12",), ("court_mandated",), ("international",),
                  ("sq",), provider="Shoqata Ura e Re"),
    DemoProgramme("AL-014", "Programi Fier", P, "Fier", ("AL-04",), ("court_mandated",), ("none",), ("sq",),
                  provider="Fondacioni Jeta pa Dhunë"),
    DemoProgramme("AL-015", "Programi Kukës", C, "Kukës", ("AL-07",), ("voluntary",), ("international",), ("sq",),
                  provider="Fondacioni Jeta pa Dhunë"),
    DemoProgramme("AL-016", "Programi Lezhë", P, "Lezhë", ("AL-08",), ("court_mandated",), ("local",), ("sq",),
                  provider="Fondacioni Jeta pa Dhunë"),
    # Bosnia and Herzegovina
    DemoProgramme("BA-017", "Program psihosocijalnog tretmana Doboj", F, "Doboj", ("BA-SRP",), ("court_mandated",),
                  ("state",), ("sr-latn",), provider="Centar za mentalno zdravlje Lipa"),
    DemoProgramme("BA-018", "Program psihosocijalnog tretmana Bijeljina", P, "Bijeljina", ("BA-SRP",),
                  ("court_mandated",), ("state",), ("sr",), provider="Centar za mentalno zdravlje Lipa"),
    DemoProgramme("BA-019", "Program Korak Tuzla", F, "Tuzla", ("BA-C03", "BA-BRC"),
                  ("voluntary", "social_services"), ("international",), ("bs", "hr"),
                  provider="Fondacija Korak Naprijed"),
    DemoProgramme("BA-020", "Program Zenica", P, "Zenica", ("BA-C04",), ("court_mandated",), ("none",), ("bs",),
                  provider="Fondacija Korak Naprijed"),
    DemoProgramme("BA-021", "Program Mostar", C, "Mostar", ("BA-C07",), ("voluntary",), ("international",),
                  ("bs", "hr")),
    DemoProgramme("BA-022", "Program Bihać", P, "Bihać", ("BA-C01",), ("court_mandated",), ("local",), ("bs",),
                  provider="Fondacija Korak Naprijed"),
    # Kosovo*
    DemoProgramme("XK-023", "Programi Prizren", F, "Prizren", ("XK-D04",), ("probation",), ("international",),
                  ("sq", "tr")),
    DemoProgramme("XK-024", "Programi Pejë", P, "Pejë", ("XK-D03",), ("court_mandated",), ("none",), ("sq",),
                  provider="Organizata Hapi Tjetër"),
    # Suspended, and not listed in public at its provider's request.
    DemoProgramme("XK-025", "Programi Mitrovicë", S, "Mitrovicë", ("XK-D02",), ("voluntary",), ("international",),
                  ("sq", "sr-latn"), provider="Organizata Hapi Tjetër", publish=False),
    DemoProgramme("XK-026", "Programi Gjilan", P, "Gjilan", ("XK-D06",), ("court_mandated",), ("state",), ("sq",),
                  provider="Shoqata Paqja në Shtëpi"),
    DemoProgramme("XK-027", "Programi Ferizaj", C, "Ferizaj", ("XK-D05",), ("voluntary",), ("international",),
                  ("sq",), provider="Shoqata Paqja në Shtëpi"),
    # Montenegro
    DemoProgramme("ME-028", "Program Bar", F, "Bar", ("ME-02", "ME-20"), ("court_mandated", "voluntary"),
                  ("international",), ("cnr", "sq"), provider="NVO Novi Početak"),
    DemoProgramme("ME-029", "Program Bijelo Polje", P, "Bijelo Polje", ("ME-04",), ("court_mandated",), ("state",),
                  ("cnr",), provider="Savjetovalište Iskra"),
    DemoProgramme("ME-030", "Program Herceg Novi", S, "Herceg Novi", ("ME-08", "ME-10"), ("voluntary",), ("local",),
                  ("cnr",), provider="NVO Novi Početak"),
    DemoProgramme("ME-031", "Program Berane", C, "Berane", ("ME-03",), ("court_mandated",), ("international",),
                  ("cnr",), provider="Savjetovalište Iskra"),
    # North Macedonia
    DemoProgramme("MK-032", "Програма Битола", F, "Битола", ("MK-R5",), ("social_services",), ("international",),
                  ("mk",), provider="Здружение Мост"),
    DemoProgramme("MK-033", "Програма Тетово", P, "Тетово", ("MK-R6",), ("court_mandated",), ("none",), ("mk", "sq"),
                  provider="Фондација Рамнотежа"),
    DemoProgramme("MK-034", "Програма Штип", P, "Штип", ("MK-R2",), ("social_services",), ("state",), ("mk",),
                  provider="Здружение Мост"),
    DemoProgramme("MK-035", "Програма Струмица", S, "Струмица", ("MK-R4",), ("voluntary",), ("international",),
                  ("mk",), provider="Фондација Рамнотежа"),
    DemoProgramme("MK-036", "Програма Куманово", C, "Куманово", ("MK-R7",), ("voluntary",), ("international",),
                  ("mk", "sq")),
    # Serbia
    DemoProgramme("RS-037", "Program Niš", F, "Niš", ("RS-20", "RS-21"), ("social_services", "court_mandated"),
                  ("international",), ("sr-latn",), provider="Udruženje Iskorak"),
    DemoProgramme("RS-038", "Program Kragujevac", P, "Kragujevac", ("RS-12",), ("social_services",), ("local",),
                  ("sr",), provider="Udruženje Iskorak"),
    DemoProgramme("RS-039", "Program Subotica", F, "Subotica", ("RS-01",), ("voluntary", "social_services"),
                  ("international", "local"), ("sr-latn", "hr"), provider="Savetovalište Sidro"),
    DemoProgramme("RS-040", "Program Čačak", P, "Čačak", ("RS-17",), ("social_services",), ("none",), ("sr",),
                  provider="Savetovalište Sidro"),
    DemoProgramme("RS-041", "Program Novi Pazar", S, "Novi Pazar", ("RS-18",), ("voluntary",), ("international",),
                  ("sr-latn", "bs"), provider="Udruženje Iskorak"),
    DemoProgramme("RS-042", "Program Zrenjanin", C, "Zrenjanin", ("RS-02",), ("social_services",),
                  ("international",), ("sr-latn",)),
]
# fmt: on

ROUTES = {
    "court_mandated": ["court", "prosecutor"],
    "probation": ["probation"],
    "social_services": ["social_work_centre"],
    "voluntary": ["self"],
}


def _seeded(seed: str) -> random.Random:
    """A generator for invented data: the same seed, the same data on every run."""
    return random.Random(seed)  # noqa: S311 - deterministic demo data, not security


def _details(demo: DemoProgramme) -> dict[str, object]:
    """The programme's other facts, drawn from a generator seeded by its reference."""
    rng = _seeded(f"tandem-demo-registry:{demo.code}")
    routes = [route for basis in demo.legal_bases for route in ROUTES[basis]]
    if rng.random() < 0.4:
        routes.append(rng.choice(["police", "health", "social_work_centre"]))
    targets = ["men_partner_violence"]
    if rng.random() < 0.25:
        targets.append(rng.choice(["fathers", "young_men"]))
    weeks = rng.choice([16, 20, 24, 24, 26, 30])
    functioning = demo.status == Status.FUNCTIONING
    return {
        "legal_bases": list(demo.legal_bases),
        "referral_routes": list(dict.fromkeys(routes)),
        "target_groups": targets,
        "languages": list(demo.languages),
        "funding_sources": list(demo.funding),
        "format": rng.choice([Format.GROUP, Format.GROUP, Format.BOTH]) if functioning else Format.BOTH,
        "cost": Cost.SLIDING if rng.random() < 0.12 else Cost.FREE,
        "disability_access": rng.random() < 0.4,
        "remote_delivery": rng.random() < 0.2,
        "typical_weeks": weeks,
        "typical_sessions": weeks + rng.choice([0, 2, 4]),
        "waiting_weeks": rng.randint(2, 12) if functioning else None,
        "status": demo.status,
        "status_confirmed_on": date(2026, 10, 1) - timedelta(days=rng.randint(0, 200)),
        "publish": demo.publish,
    }


def _offset(rng: random.Random) -> float:
    return round(rng.uniform(-0.04, 0.04), 4)


def further_coordinator(code: str, number: int) -> str:
    """The user name of the coordinator of a country's further provider (2, 3 …)."""
    return f"{code.lower()}.coordinator{number}"


def _coordinator_name(code: str, number: int) -> tuple[str, str]:
    women, _men, surnames = NAMES[code]
    return women[(number + 2) % len(women)], surnames[(number + 4) % len(surnames)]


@transaction.atomic
def build() -> int:
    admin = platform_admin()
    world_providers = _world_providers()
    countries = {provider.country.code: provider.country for provider in world_providers if provider.country}
    providers = {(code, ""): provider for code, provider in zip(WORLD_PROVIDERS, world_providers, strict=True)}
    for code, names in PROVIDERS.items():
        for number, name in enumerate(names, start=2):
            provider = organisation(name, OrganisationKind.PROGRAMME_PROVIDER, countries[code], admin)
            providers[(code, name)] = provider
            coordinator = account(further_coordinator(code, number), _coordinator_name(code, number), admin)
            place(coordinator, provider, Role.COORDINATOR, admin)
    regions = {r.code: r for r in Region.objects.filter(code__in={c for p in PROGRAMMES for c in p.regions})}
    for demo in PROGRAMMES:
        provider = providers[(demo.country, demo.provider)]
        if demo_queries.programme_exists(demo.code):
            continue
        seat = regions[demo.regions[0]]
        rng = _seeded(f"tandem-demo-location:{demo.code}")
        register_programme(
            provider=provider,
            code=demo.code,
            name=demo.name,
            country=countries[demo.country],
            regions=[regions[c] for c in demo.regions],
            details=_details(demo),
            locations=[
                Location(
                    town=demo.town,
                    region=seat,
                    latitude=round(seat.latitude + _offset(rng), 4),
                    longitude=round(seat.longitude + _offset(rng), 4),
                    publish=not demo.private_location,
                )
            ],
            acting_user=admin,
            context=DEMO,
        )
    return len(PROGRAMMES)


def _world_providers() -> list[Organisation]:
    """The provider of each country in the world, whose team has demo accounts."""
    return [
        Organisation.objects.select_related("country").get(
            name=name, country__code=code, kind=OrganisationKind.PROGRAMME_PROVIDER
        )
        for code, name in WORLD_PROVIDERS.items()
    ]
