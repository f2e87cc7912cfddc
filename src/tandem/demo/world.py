"""A deterministic synthetic world for the demo, the browser tests and the benchmarks.

Every name here is invented. Running ``build`` again changes nothing: rows are found by
their natural keys, so the demo keeps whatever a visitor added.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from tandem.core.models import Membership, Organisation, User
from tandem.core.roles import OrganisationKind, Role
from tandem.geo.models import Country

DEMO_PASSWORD = "tandem-demo-2026"  # noqa: S105 - synthetic demo accounts only

# (country, provider, survivor service, referring agencies, ministry), all fictional.
COUNTRIES: list[tuple[str, str, str, list[tuple[OrganisationKind, str]], str]] = [
    (
        "AL",
        "Qendra Hapa të Rinj",
        "Shoqata Zëri i Gruas",
        [
            (OrganisationKind.COURT, "Gjykata e Rrethit Gjyqësor Lindje"),
            (OrganisationKind.PROBATION, "Shërbimi i Provës, Zyra Veri"),
            (OrganisationKind.POLICE, "Drejtoria e Policisë Lumi"),
        ],
        "Ministria e Mirëqenies (demo)",
    ),
    (
        "BA",
        "Centar Novi Put",
        "Udruženje Sigurna Kuća",
        [
            (OrganisationKind.SOCIAL_WORK_CENTRE, "Centar za socijalni rad Dolina"),
            (OrganisationKind.COURT, "Općinski sud Brdo"),
        ],
        "Ministarstvo porodice (demo)",
    ),
    (
        "XK",
        "Qendra Ndryshimi",
        "Rrjeti Mbrojtja",
        [
            (OrganisationKind.PROBATION, "Shërbimi Sprovues Fusha"),
            (OrganisationKind.POLICE, "Stacioni Policor Kodra"),
        ],
        "Ministria e Drejtësisë (demo)",
    ),
    (
        "ME",
        "Centar Promjena",
        "Ženska kuća More",
        [
            (OrganisationKind.SOCIAL_WORK_CENTRE, "Centar za socijalni rad Primorje"),
            (OrganisationKind.COURT, "Osnovni sud Planina"),
        ],
        "Ministarstvo socijalnog staranja (demo)",
    ),
    (
        "MK",
        "Центар Нов Чекор",
        "Женска мрежа Зора",
        [
            (OrganisationKind.SOCIAL_WORK_CENTRE, "Центар за социјална работа Езеро"),
            (OrganisationKind.POLICE, "Полициска станица Рид"),
        ],
        "Министерство за социјална политика (демо)",
    ),
    (
        "RS",
        "Centar Drugačije",
        "Ženski savet Ravnica",
        [
            (OrganisationKind.SOCIAL_WORK_CENTRE, "Centar za socijalni rad Reka"),
            (OrganisationKind.PROBATION, "Poverenička služba Breg"),
            (OrganisationKind.COURT, "Osnovni sud Dunav"),
        ],
        "Ministarstvo za brigu o porodici (demo)",
    ),
]

# The programme team of each provider: (user-name suffix, role).
TEAM: list[tuple[str, Role]] = [
    ("coordinator", Role.COORDINATOR),
    ("facilitator.w", Role.FACILITATOR),
    ("facilitator.m", Role.FACILITATOR),
    ("admin", Role.ORG_ADMIN),
]

# Invented people, in the order the accounts of a country are created: women, then men.
NAMES: dict[str, tuple[list[str], list[str], list[str]]] = {
    "AL": (
        ["Elira", "Mirela", "Arta", "Besa", "Dorina", "Alketa"],
        ["Gent", "Ilir", "Arben"],
        ["Hoxha", "Shehu", "Leka", "Dervishi", "Kola", "Marku", "Gjoka", "Basha", "Rama"],
    ),
    "BA": (
        ["Amra", "Lejla", "Jasmina", "Selma", "Dijana", "Maja"],
        ["Emir", "Damir", "Goran"],
        ["Hodžić", "Kovačević", "Begić", "Marić", "Delić", "Jurić", "Softić", "Babić", "Mujić"],
    ),
    "XK": (
        ["Vjosa", "Drita", "Teuta", "Fatjona", "Blerta", "Liridona"],
        ["Arber", "Driton", "Valon"],
        ["Berisha", "Krasniqi", "Gashi", "Morina", "Hyseni", "Bytyqi", "Kelmendi", "Shala", "Rexhepi"],
    ),
    "ME": (
        ["Jelena", "Milica", "Ivana", "Sanja", "Tijana", "Marija"],
        ["Marko", "Nikola", "Vuk"],
        ["Vujović", "Radović", "Popović", "Đukanović", "Šćekić", "Lakić", "Bulatović", "Kaluđerović", "Perović"],
    ),
    "MK": (
        ["Ana", "Elena", "Biljana", "Marija", "Katerina", "Sonja"],
        ["Aleksandar", "Dejan", "Bojan"],
        [
            "Petrovska",
            "Stojanovska",
            "Trajkovska",
            "Nikolovska",
            "Ristovska",
            "Dimitrova",
            "Petrovski",
            "Stojanovski",
            "Trajkovski",
        ],
    ),
    "RS": (
        ["Jovana", "Milena", "Snežana", "Dragana", "Ivana", "Tamara"],
        ["Miloš", "Stefan", "Nemanja"],
        ["Jovanović", "Petrović", "Nikolić", "Marković", "Đorđević", "Stojanović", "Ilić", "Pavlović", "Popović"],
    ),
}


class _People:
    """Hands out a country's invented names in a fixed order: same run, same people."""

    def __init__(self, code: str) -> None:
        self.women, self.men, self.surnames = NAMES[code]
        self.count = {"w": 0, "m": 0}

    def next(self, gender: str = "w") -> tuple[str, str]:
        pool = self.women if gender == "w" else self.men
        index = self.count[gender]
        self.count[gender] += 1
        surname_index = (index if gender == "w" else len(self.women) + index) % len(self.surnames)
        return pool[index % len(pool)], self.surnames[surname_index]


@dataclass(frozen=True)
class DemoSignIn:
    username: str
    role: Role
    organisation: str


def totp_key(username: str) -> str:
    """A stable TOTP secret per demo user, so the printed secret stays valid across runs."""
    return hashlib.sha256(f"tandem-demo-totp:{username}".encode()).hexdigest()[:40]


def totp_secret_base32(username: str) -> str:
    return base64.b32encode(bytes.fromhex(totp_key(username))).decode().rstrip("=")


def _user(username: str, name: tuple[str, str]) -> User:
    first, last = name
    user, created = User.objects.get_or_create(username=username, defaults={"first_name": first, "last_name": last})
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    TOTPDevice.objects.get_or_create(
        user=user, name="Demo authenticator", defaults={"key": totp_key(username), "confirmed": True}
    )
    return user


def _member(user: User, organisation: Organisation, role: Role) -> None:
    Membership.objects.get_or_create(user=user, organisation=organisation, defaults={"role": role})


@transaction.atomic
def build() -> list[DemoSignIn]:
    sign_ins: list[DemoSignIn] = []
    countries = {c.code: c for c in Country.objects.all()}
    network = Organisation.objects.get_or_create(
        name="Western Balkans Network for Safe Perpetrator Work (demo)",
        country=None,
        defaults={"kind": OrganisationKind.NETWORK},
    )[0]
    for code, provider_name, survivor_name, agencies, ministry_name in COUNTRIES:
        country = countries[code]
        prefix = code.lower()

        def org(name: str, kind: OrganisationKind, country: Country = country) -> Organisation:
            return Organisation.objects.get_or_create(name=name, country=country, defaults={"kind": kind})[0]

        people = _People(code)
        provider = org(provider_name, OrganisationKind.PROGRAMME_PROVIDER)
        for suffix, role in TEAM:
            username = f"{prefix}.{suffix}"
            _member(_user(username, people.next("m" if suffix.endswith(".m") else "w")), provider, role)
            sign_ins.append(DemoSignIn(username, role, provider.name))
        survivor_service = org(survivor_name, OrganisationKind.SURVIVOR_SERVICE)
        username = f"{prefix}.survivor"
        _member(_user(username, people.next()), survivor_service, Role.SURVIVOR_WORKER)
        sign_ins.append(DemoSignIn(username, Role.SURVIVOR_WORKER, survivor_service.name))
        # The provider's own survivor-support worker, in the protected compartment.
        username = f"{prefix}.partner-support"
        _member(_user(username, people.next()), provider, Role.SURVIVOR_WORKER)
        sign_ins.append(DemoSignIn(username, Role.SURVIVOR_WORKER, provider.name))
        for index, (kind, name) in enumerate(agencies, start=1):
            agency = org(name, kind)
            username = f"{prefix}.referrer{index}"
            _member(_user(username, people.next("m")), agency, Role.REFERRER)
            sign_ins.append(DemoSignIn(username, Role.REFERRER, agency.name))
        ministry = org(ministry_name, OrganisationKind.GOVERNMENT)
        username = f"{prefix}.government"
        _member(_user(username, people.next()), ministry, Role.GOV_VIEWER)
        sign_ins.append(DemoSignIn(username, Role.GOV_VIEWER, ministry.name))
    network_people = _People("MK")
    for username, role in [
        ("network.analyst", Role.ANALYST),
        ("network.auditor", Role.AUDITOR),
        ("network.admin", Role.ORG_ADMIN),
    ]:
        _member(_user(username, network_people.next()), network, role)
        sign_ins.append(DemoSignIn(username, role, network.name))
    return sign_ins
