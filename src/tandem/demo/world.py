"""A deterministic synthetic world for the demo, the browser tests and the benchmarks.

Every name here is invented. The world is built through Tandem's own actions, by the demo's
platform administrator, so that it obeys the same rules and leaves the same record as the real
thing. Running ``build`` again changes nothing: rows are found by their natural keys, so the
demo keeps whatever a visitor added.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass

from django.db import transaction
from django_otp.oath import totp

from tandem.core import actions
from tandem.core.audit import AuditContext
from tandem.core.models import Organisation, User
from tandem.core.roles import OrganisationKind, Role
from tandem.demo import queries as demo_queries
from tandem.geo.models import Country

DEMO_PASSWORD = "tandem-demo-2026"  # noqa: S105 - synthetic demo accounts only
PLATFORM_ADMIN = "platform.admin"
NETWORK = "Western Balkans Network for Safe Perpetrator Work (demo)"
# What the audit log says of changes made while the demo is built.
DEMO = AuditContext(channel="demo")

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
    role: Role | None  # None: the platform administrator
    organisation: str


def totp_key(username: str) -> str:
    """A stable TOTP secret per demo user, so the printed secret stays valid across runs."""
    return hashlib.sha256(f"tandem-demo-totp:{username}".encode()).hexdigest()[:40]


def totp_secret_base32(username: str) -> str:
    return base64.b32encode(bytes.fromhex(totp_key(username))).decode().rstrip("=")


def platform_admin() -> User:
    """The demo's platform administrator, who sets up the demo's organisations."""
    found = demo_queries.get_user(PLATFORM_ADMIN)
    if found is not None:
        return found
    admin = actions.create_platform_admin(username=PLATFORM_ADMIN, password=DEMO_PASSWORD, context=DEMO)
    _authenticator(admin)
    return admin


def _authenticator(user: User) -> None:
    """The demo account's authenticator, set up as a person does on her account page. It is
    confirmed with the code of the earliest time step still accepted: each step's code is taken
    only once, and whoever signs in with the app right after the demo is built needs the
    current one."""
    if demo_queries.has_authenticator(user):
        return
    device = actions.start_totp_enrolment(acting_user=user, key=totp_key(user.get_username()))
    code = f"{totp(device.bin_key, step=device.step, digits=device.digits, drift=-device.tolerance):06d}"
    actions.confirm_totp_device(device=device, token=code, acting_user=user, context=DEMO)


def account(username: str, name: tuple[str, str], admin: User) -> User:
    found = demo_queries.get_user(username)
    if found is None:
        first, last = name
        found = actions.create_account(
            username=username,
            password=DEMO_PASSWORD,
            first_name=first,
            last_name=last,
            language="",
            acting_user=admin,
            context=DEMO,
        )
    _authenticator(found)
    return found


def organisation(name: str, kind: OrganisationKind, country: Country | None, admin: User) -> Organisation:
    found = demo_queries.get_organisation(name, country)
    return found or actions.create_organisation(name=name, kind=kind, country=country, acting_user=admin, context=DEMO)


def place(user: User, organisation: Organisation, role: Role, admin: User) -> None:
    if not demo_queries.is_member(user, organisation):
        actions.add_member(organisation=organisation, user=user, role=role, acting_user=admin, context=DEMO)


@transaction.atomic
def build() -> list[DemoSignIn]:
    admin = platform_admin()
    sign_ins: list[DemoSignIn] = [DemoSignIn(PLATFORM_ADMIN, None, "")]
    countries = {c.code: c for c in Country.objects.all()}
    network = organisation(NETWORK, OrganisationKind.NETWORK, None, admin)
    for code, provider_name, survivor_name, agencies, ministry_name in COUNTRIES:
        country = countries[code]
        prefix = code.lower()
        people = _People(code)
        provider = organisation(provider_name, OrganisationKind.PROGRAMME_PROVIDER, country, admin)
        for suffix, role in TEAM:
            username = f"{prefix}.{suffix}"
            person = account(username, people.next("m" if suffix.endswith(".m") else "w"), admin)
            place(person, provider, role, admin)
            sign_ins.append(DemoSignIn(username, role, provider.name))
        survivor_service = organisation(survivor_name, OrganisationKind.SURVIVOR_SERVICE, country, admin)
        username = f"{prefix}.survivor"
        place(account(username, people.next(), admin), survivor_service, Role.SURVIVOR_WORKER, admin)
        sign_ins.append(DemoSignIn(username, Role.SURVIVOR_WORKER, survivor_service.name))
        # The provider's own survivor-support worker, in the protected compartment.
        username = f"{prefix}.partner-support"
        place(account(username, people.next(), admin), provider, Role.SURVIVOR_WORKER, admin)
        sign_ins.append(DemoSignIn(username, Role.SURVIVOR_WORKER, provider.name))
        for index, (kind, name) in enumerate(agencies, start=1):
            agency = organisation(name, kind, country, admin)
            username = f"{prefix}.referrer{index}"
            place(account(username, people.next("m"), admin), agency, Role.REFERRER, admin)
            sign_ins.append(DemoSignIn(username, Role.REFERRER, agency.name))
        ministry = organisation(ministry_name, OrganisationKind.GOVERNMENT, country, admin)
        username = f"{prefix}.government"
        place(account(username, people.next(), admin), ministry, Role.GOV_VIEWER, admin)
        sign_ins.append(DemoSignIn(username, Role.GOV_VIEWER, ministry.name))
    network_people = _People("MK")
    for username, role in [
        ("network.analyst", Role.ANALYST),
        ("network.auditor", Role.AUDITOR),
        ("network.admin", Role.ORG_ADMIN),
    ]:
        place(account(username, network_people.next(), admin), network, role, admin)
        sign_ins.append(DemoSignIn(username, role, network.name))
    return sign_ins
