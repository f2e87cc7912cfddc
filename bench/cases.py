"""Benchmark of case work's pages: the filtered, paginated case list and the case page.

    uv run python bench/cases.py [--participants 100000] [--organisations 50]
                                 [--requests 200] [--warm-up 20] [--databases sqlite,postgresql]

Per database, in a subprocess of its own with a fresh ``migrate``, the script builds
ORGANISATIONS programme providers sharing PARTICIPANTS men (each with his referral and his case,
about 2,000 a provider at the default sizes), then requests four pages through the whole Django
request pipeline (``django.test.Client``: every middleware, the session saved on each request,
the templates with their context processors), signed in as a coordinator of the first provider
whose second factor is verified:

* case_list: ``/cases/?state=waiting&order=longest&page=2``, the second page of the men waiting
  longest for a group;
* case_page: ``/cases/<id>/`` of a case with a long history (referral from a court, steps up to
  the programme, risk assessments, the partner's side recorded, safety signals, intake, notes,
  children, documents and reports to the court);
* floor: ``/bench/bare/``, a bare view that renders a small template extending nothing, served
  through the same client and middleware (the script's own URLconf, ``urlpatterns`` below, is
  Tandem's with the benchmark's two pages added);
* layout (a reference, with no target): ``/bench/layout/``, a page extending Tandem's
  ``base.html`` with no content of its own, so that the layout's share of a page's time shows.

After a warm-up, the pages are requested in turn, REQUESTS times each, so that whatever else
runs on the machine slows them alike. For each page: the median and the 95th percentile (nearest
rank) of the times, the ratio of its median to the floor's, and for the two case pages whether
they meet the targets of the issue (ratio at most 3, 95th percentile under 150 ms). The SQL
statements of one request of each page are listed with their times and counted
(``CaptureQueriesContext``) at the built size, and counted again once the coordinator's provider
has twice as many cases and the case twice as many notes and one more child, document and risk
assessment: the counts are reported here, and asserted constant in the test suite, not here.

How the data is made: the platform administrator, the organisations, the accounts, the
memberships and the coordinator's authenticator go through Tandem's actions (accounts with the
MD5 hasher, since no password is measured). The measured case goes through the actions too
(referral, acceptance, moves, risk assessments, the survivor side's records), with the clock
set back to spread its history over seven months, and the events it emitted are delivered, so
its work items are opened by the handlers; its intake, notes, children, documents and reports
are written directly, with the fields their actions set. Everything else is written with
``bulk_create``
(100,000 cases through the actions would take hours and write millions of audit entries), with
the fields the actions set: participants, accepted referrals (version 2), cases in every state,
opened over two years, with the steps of their way to it (``rules/lifecycle.TRANSITIONS``),
intake assessments, risk assessments scored by the shipped instrument, the survivor side's
partner-contact records for the men who started, notes, children, documents and reports.
Encrypted fields are encrypted by the field as they are written. On PostgreSQL the load is then
settled (``VACUUM (ANALYZE)`` and ``CHECKPOINT``), as autovacuum and the checkpointer would soon
do.

Results are JSON, printed and written to bench/results/cases-<timestamp>.json (or ``--output``).
Targets are reported, never asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import secrets
import statistics
import sys
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
if str(BENCH_DIR.parent) not in sys.path:  # run as a script: the bench package sits beside it
    sys.path.insert(0, str(BENCH_DIR.parent))
from bench.worker import log, run_in_database  # noqa: E402

RESULTS_DIR = BENCH_DIR / "results"
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432"
TARGET_RATIO = 3.0  # a page's median at most this many times the bare view's
TARGET_P95_SECONDS = 0.150
LIST_URL = "/cases/?state=waiting&order=longest&page=2"
BARE_URL = "/bench/bare/"
LAYOUT_URL = "/bench/layout/"
BATCH = 1000
DAY = timedelta(days=1)

# How the cases are spread over the states, in parts of a hundred.
STATE_SHARES = {
    "referred": 4,
    "assessment": 8,
    "waiting": 15,
    "in_programme": 20,
    "completed": 8,
    "excluded": 3,
    "dropped_out": 6,
    "transferred": 2,
    "follow_up": 10,
    "closed": 24,
}
_SA, _SU, _SP = "start_assessment", "assess_suitable", "start_programme"
# The ways a case reaches each state, as the moves of ``rules/lifecycle.TRANSITIONS``.
WAYS: dict[str, list[list[str]]] = {
    "referred": [[]],
    "assessment": [[_SA]],
    "waiting": [[_SA, _SU]],
    "in_programme": [[_SA, _SU, _SP]],
    "completed": [[_SA, _SU, _SP, "complete"]],
    "excluded": [[_SA, _SU, _SP, "exclude"], [_SA, _SU, "exclude"]],
    "dropped_out": [[_SA, _SU, _SP, "drop_out"]],
    "transferred": [[_SA, _SU, "transfer"], [_SA, "transfer"], [_SA, _SU, _SP, "transfer"]],
    "follow_up": [[_SA, _SU, _SP, "complete", "begin_follow_up"], [_SA, _SU, _SP, "drop_out", "begin_follow_up"]],
    "closed": [
        [_SA, "assess_unsuitable"],
        [_SA, _SU, _SP, "complete", "begin_follow_up", "close"],
        [_SA, _SU, _SP, "complete", "close"],
        [_SA, _SU, _SP, "drop_out", "close"],
        [_SA, _SU, "exclude", "close"],
    ],
}

FIRST_NAMES = [
    "Arben", "Besnik", "Dritan", "Edin", "Emir", "Goran", "Ivan", "Luka", "Marko", "Milan", "Nikola",
    "Stefan", "Zoran", "Dragan", "Jovan", "Đorđe", "Čedomir", "Željko", "Nenad", "Bujar", "Ardian",
    "Fatmir", "Haris", "Senad", "Alen", "Марко", "Никола", "Драган", "Ненад", "Јован",
]  # fmt: skip
LAST_NAMES = [
    "Hoxha", "Krasniqi", "Berisha", "Gashi", "Kovačević", "Petrović", "Jovanović", "Popović", "Hodžić",
    "Begović", "Marković", "Đukić", "Šehić", "Čolić", "Žigić", "Nikolić", "Ilić", "Stojanović", "Mehmeti",
    "Shala", "Петровић", "Јовановић", "Николић", "Илић",
]  # fmt: skip
REASONS = [
    "Convicted of domestic violence against his partner; the court ordered the programme as a measure.",
    "Referred after repeated police call-outs to the family home; no conviction yet.",
    "Placed on probation for threatening his former partner; attendance is a condition.",
    "Asked for help himself after his partner left with the children.",
    "Referred by the centre for social work after a child protection assessment.",
]
INCIDENTS = [
    "Physical assault in March; the partner was treated at the emergency department.",
    "Threats by telephone and messages over several weeks; a protection order followed.",
    "Controlling behaviour over money and contacts, described by the partner to the social worker.",
    "Damage to property during an argument; the children were present.",
]
LEGAL = ["Suspended sentence of one year", "Probation order of 18 months", "Protection order in force", ""]
STEP_REASONS = [
    "Missed three sessions in a row without an explanation.",
    "Moved to another town; the programme there takes him on.",
    "Does not accept any responsibility and refused to take part in the assessment.",
    "Threatened a facilitator during a session.",
]
NOTE_TEXTS = [
    "Attended the session on time and took part in the discussion of controlling behaviour.",
    "Called to say he would be late; arrived twenty minutes after the start.",
    "Spoke with his probation officer about the conditions of the order and the next court date.",
    "Blamed his partner again for the incident; the facilitators challenged it.",
    "Said he has started working again and asked to move to the evening group.",
    "Raised concern: he mentioned that he still drives past the partner's workplace.",
    "Did not attend and did not call; the coordinator will follow it up.",
]
NOTE_CATEGORIES = ["session"] * 5 + ["contact"] * 2 + ["agency"] * 2 + ["compliance", "safety", "other"]


# --------------------------------------------------------------------------------------
# The floor: a bare template view, and the URLconf that serves it beside Tandem's pages.
# --------------------------------------------------------------------------------------

BARE_TEMPLATE = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Bench</title></head>'
    "<body><main><h1>Bench</h1><p>{{ user.get_username }}</p></main></body></html>"
)
# Not a floor but a reference: Tandem's page layout (header, menu, counts of open work) with no
# content, to tell the layout's share of a page's time from the page's own.
LAYOUT_TEMPLATE = '{% extends "base.html" %}{% block content %}<h1>Bench</h1>{% endblock %}'
_compiled: dict[str, Any] = {}  # the templates, compiled once as a template loader keeps them

# The URLconf the worker points ROOT_URLCONF at, filled once Django is set up. (Every page
# measured answers 200, so Django's own error pages stand in for Tandem's.)
urlpatterns: list[Any] = []


def _render(request: Any, source: str) -> Any:
    from django.http import HttpResponse
    from django.template import engines

    if source not in _compiled:
        _compiled[source] = engines["django"].from_string(source)
    return HttpResponse(_compiled[source].render({}, request))


def bare_view(request: Any) -> Any:
    return _render(request, BARE_TEMPLATE)


def layout_view(request: Any) -> Any:
    return _render(request, LAYOUT_TEMPLATE)


def install_urls() -> None:
    from django.contrib.auth.decorators import login_required
    from django.urls import path

    from tandem import urls

    urlpatterns[:] = [
        path(BARE_URL.lstrip("/"), login_required(bare_view)),
        path(LAYOUT_URL.lstrip("/"), login_required(layout_view)),
        *urls.urlpatterns,
    ]


# --------------------------------------------------------------------------------------
# Parent: one subprocess per database.
# --------------------------------------------------------------------------------------


def run_database(vendor: str, args: argparse.Namespace) -> dict[str, Any]:
    arguments = [
        "--participants", str(args.participants), "--organisations", str(args.organisations),
        "--requests", str(args.requests), "--warm-up", str(args.warm_up), "--seed", str(args.seed),
    ]  # fmt: skip
    return run_in_database(Path(__file__).resolve(), vendor, args.postgres_url, arguments, "cases")


def main_parent(args: argparse.Namespace) -> int:
    wanted = [d.strip() for d in args.databases.split(",") if d.strip()]
    unknown = set(wanted) - {"sqlite", "postgresql"}
    if unknown:
        raise SystemExit(f"unknown database(s): {', '.join(sorted(unknown))}")
    results: dict[str, Any] = {
        "benchmark": "cases",
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "load_average_at_start": [round(x, 2) for x in os.getloadavg()],  # others' work shares the cores
        },
        "sizes": {
            "participants": args.participants,
            "organisations": args.organisations,
            "requests_per_page": args.requests,
            "warm_up_requests": args.warm_up,
        },
        "targets": {"ratio_to_floor_at_most": TARGET_RATIO, "p95_seconds_under": TARGET_P95_SECONDS},
        "databases": {},
    }
    for vendor in wanted:
        log(f"== {vendor}")
        started = time.perf_counter()
        results["databases"][vendor] = run_database(vendor, args)
        results["databases"][vendor]["wall_seconds"] = round(time.perf_counter() - started, 1)
        results["databases"][vendor]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    text = json.dumps(results, indent=2, sort_keys=False, ensure_ascii=False)
    print(text)
    output = Path(args.output) if args.output else RESULTS_DIR / f"cases-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text + "\n")
    log(f"written to {output}")
    return 0


# --------------------------------------------------------------------------------------
# Worker: build the data.
# --------------------------------------------------------------------------------------


@dataclass
class Staff:
    coordinator: int
    facilitator: int
    survivor_worker: int


@dataclass
class World:
    now: datetime
    builder: Any
    providers: list[Any]
    agencies: dict[str, tuple[Any, int]]  # route → (agency, its referrer's pk)
    staff: dict[int, Staff]
    scored: list[tuple[str, Any]]  # answers as JSON, and their result on the shipped instrument
    provider_names: dict[int, str] = field(default_factory=dict)
    agency_names: dict[str, str] = field(default_factory=dict)  # route → the agency's name
    coordinator: Any = None
    device: Any = None
    case: Any = None
    counts: dict[str, int] = field(default_factory=dict)
    delivery: dict[str, int] = field(default_factory=dict)


def check_ways() -> None:
    """Every way is a walk of the transition table from "referred" to its state, so the rows
    written in bulk are ones the actions could have written."""
    from tandem.cases.rules.lifecycle import TRANSITIONS, State

    for target, ways in WAYS.items():
        for way in ways:
            state = State.REFERRED
            for event in way:
                transition = TRANSITIONS[event]
                if state not in transition.sources:
                    raise RuntimeError(f"{event} does not leave {state} (the way to {target})")
                state = transition.target
            if state != target:
                raise RuntimeError(f"the way {way} ends in {state}, not {target}")


def scored_answers(rng: random.Random) -> list[tuple[str, Any]]:
    """Sets of answers to the shipped instrument, mostly "no", with their scores."""
    from tandem.risk.actions import DEFAULT_INSTRUMENT
    from tandem.risk.rules import shipped_instrument

    instrument = shipped_instrument(DEFAULT_INSTRUMENT)
    made = []
    for share in (0.0, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5):
        for _ in range(2):
            answers = {}
            for item in instrument.items:
                values = [option.value for option in item.options]
                answers[item.key] = rng.choice(values[1:]) if rng.random() < share and len(values) > 1 else values[0]
            made.append((json.dumps(answers, sort_keys=True), instrument.score(answers)))
    return made


def build_people(args: argparse.Namespace) -> World:
    """Organisations, accounts and memberships through the actions."""
    from django.test.utils import override_settings

    from tandem.cases.models import ReferralRoute
    from tandem.core import actions
    from tandem.core.audit import COMMAND_LINE
    from tandem.core.roles import OrganisationKind, Role
    from tandem.geo.models import Country

    started = time.perf_counter()
    builder = actions.create_platform_admin(username="bench.builder", password=secrets.token_urlsafe(24))
    countries = list(Country.objects.order_by("code"))

    def organisation(name: str, kind: OrganisationKind, index: int) -> Any:
        return actions.create_organisation(
            name=name,
            kind=kind,
            country=countries[index % len(countries)] if countries else None,
            acting_user=builder,
            context=COMMAND_LINE,
        )

    def person(organisation: Any, role: Role, name: str) -> Any:
        account = actions.create_account(
            username=f"bench.{organisation.pk}.{role}",
            password=secrets.token_urlsafe(16),
            first_name="Bench",
            last_name=name,
            language="",
            acting_user=builder,
            context=COMMAND_LINE,
        )
        actions.add_member(organisation=organisation, user=account, role=role, acting_user=builder)
        return account

    providers: list[Any] = []
    staff: dict[int, Staff] = {}
    agencies: dict[str, tuple[Any, int]] = {}
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        for route, kind in (
            (ReferralRoute.COURT, OrganisationKind.COURT),
            (ReferralRoute.PROBATION, OrganisationKind.PROBATION),
            (ReferralRoute.SOCIAL_WORK, OrganisationKind.SOCIAL_WORK_CENTRE),
        ):
            agency = organisation(f"Bench {kind.label}", kind, len(agencies))
            agencies[str(route)] = (agency, person(agency, Role.REFERRER, f"Referrer {agency.pk}").pk)
        for index in range(args.organisations):
            provider = organisation(f"Bench provider {index:03d}", OrganisationKind.PROGRAMME_PROVIDER, index)
            providers.append(provider)
            staff[provider.pk] = Staff(
                coordinator=person(provider, Role.COORDINATOR, f"Coordinator {index}").pk,
                facilitator=person(provider, Role.FACILITATOR, f"Facilitator {index}").pk,
                survivor_worker=person(provider, Role.SURVIVOR_WORKER, f"Survivor worker {index}").pk,
            )
    log(f"  {len(providers)} providers, {len(agencies)} agencies, {3 * len(providers) + len(agencies)} accounts "
        f"in {time.perf_counter() - started:.1f} s")  # fmt: skip
    return World(
        now=datetime.now(UTC).replace(microsecond=0),
        builder=builder,
        providers=providers,
        agencies=agencies,
        staff=staff,
        scored=[],
        provider_names={provider.pk: provider.name for provider in providers},
        agency_names={route: agency.name for route, (agency, _referrer) in agencies.items()},
    )


def authenticator(person: Any) -> Any:
    """An authenticator app set up and confirmed as a person does it on her account page."""
    from django_otp.oath import totp

    from tandem.core import actions

    device = actions.start_totp_enrolment(acting_user=person)
    code = f"{totp(device.bin_key, step=device.step, digits=device.digits):06d}"
    if not actions.confirm_totp_device(device=device, token=code, acting_user=person):
        raise RuntimeError("the authenticator could not be confirmed")
    return device


@dataclass
class Plan:
    """One man's case as drawn, before it is written."""

    name: str
    birth_date: date | None
    identity_number: str
    route: str
    referring_organisation_id: int | None
    submitted_by_id: int
    submitted_at: datetime
    opened_at: datetime
    steps: list[tuple[str, datetime]]
    state: str
    state_since: datetime


def draw_plan(rng: random.Random, world: World, staff: Staff) -> Plan:
    from tandem.cases.models import ReferralRoute

    state = rng.choices(list(STATE_SHARES), weights=list(STATE_SHARES.values()))[0]
    way = rng.choice(WAYS[state])
    opened_at = world.now - timedelta(seconds=rng.uniform(3600, 730 * 86400))
    span = (world.now - opened_at).total_seconds()
    times = sorted(opened_at + timedelta(seconds=rng.uniform(0, span)) for _ in way)
    draw = rng.random()
    if draw < 0.75:
        route = (
            ReferralRoute.COURT if draw < 0.3 else ReferralRoute.PROBATION if draw < 0.6 else ReferralRoute.SOCIAL_WORK
        )
        agency, referrer = world.agencies[route]
        referring, submitted_by = agency.pk, referrer
    else:
        route = ReferralRoute.SELF if draw < 0.9 else ReferralRoute.OTHER_SERVICE
        referring, submitted_by = None, staff.coordinator
    return Plan(
        name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
        birth_date=date(1960, 1, 1) + timedelta(days=rng.randrange(40 * 365)) if rng.random() < 0.9 else None,
        identity_number="".join(rng.choice("0123456789") for _ in range(13)) if rng.random() < 0.7 else "",
        route=route,
        referring_organisation_id=referring,
        submitted_by_id=submitted_by,
        submitted_at=opened_at - timedelta(seconds=rng.uniform(3600, 30 * 86400)),
        opened_at=opened_at,
        steps=list(zip(way, times, strict=True)),
        state=state,
        state_since=times[-1] if times else opened_at,
    )


def _between(rng: random.Random, start: datetime, end: datetime) -> datetime:
    return start + (end - start) * rng.random() if end > start else start


def _facts(
    plan: Plan, *, case_pk: int, provider: str, agency: str, made_at: datetime, steps: Sequence[tuple[str, datetime]]
) -> str:
    """The perpetrator-facing view of the case as a report keeps it (format 1 of its JSON)."""
    from tandem.cases.rules.lifecycle import TRANSITIONS

    return json.dumps(
        {
            "format": 1,
            "case": case_pk,
            "provider": provider,
            "participant_name": plan.name,
            "birth_date": plan.birth_date.isoformat() if plan.birth_date else None,
            "route": plan.route,
            "agency": agency,
            "referred_on": plan.submitted_at.date().isoformat(),
            "opened_on": plan.opened_at.date().isoformat(),
            "state": plan.state,
            "state_since": plan.state_since.date().isoformat(),
            "steps": [
                {"event": e, "to_state": TRANSITIONS[e].target, "on": at.date().isoformat(), "reason": ""}
                for e, at in steps
                if at <= made_at
            ],
            "unacceptable_absences": 0,
            "made_at": made_at.isoformat(),
        },
        ensure_ascii=False,
        sort_keys=True,
    )


def write_cases(rng: random.Random, world: World, provider: Any, count: int) -> dict[str, int]:
    """``count`` men of ``provider`` with their referrals, cases and histories, in bulk."""
    from django.db import transaction

    from tandem.cases.models import Case, Participant, Referral, ReferralRoute, ReferralState
    from tandem.cases.rules.lifecycle import State

    staff = world.staff[provider.pk]
    plans = [draw_plan(rng, world, staff) for _ in range(count)]
    with transaction.atomic():
        participants = Participant.objects.bulk_create(
            [
                Participant(
                    organisation_id=provider.pk,
                    name=p.name,
                    birth_date=p.birth_date,
                    identity_number=p.identity_number,
                    created_at=p.opened_at,
                )
                for p in plans
            ],
            batch_size=BATCH,
        )
        referrals = Referral.objects.bulk_create(
            [
                Referral(
                    organisation_id=provider.pk,
                    referring_organisation_id=p.referring_organisation_id,
                    route=p.route,
                    name=p.name,
                    birth_date=p.birth_date,
                    identity_number=p.identity_number,
                    reason=rng.choice(REASONS),
                    incidents=rng.choice(INCIDENTS) if rng.random() < 0.6 else "",
                    partner_known=rng.random() < 0.85,
                    children="Two children, 4 and 9, living with their mother." if rng.random() < 0.4 else "",
                    legal_status=rng.choice(LEGAL) if p.route in (ReferralRoute.COURT, ReferralRoute.PROBATION) else "",
                    deadline=(p.opened_at + 90 * DAY).date() if p.route == ReferralRoute.COURT else None,
                    state=ReferralState.ACCEPTED,
                    participant_id=man.pk,
                    version=2,  # accepted: one change since it was submitted
                    submitted_by_id=p.submitted_by_id,
                    submitted_at=p.submitted_at,
                    decided_at=p.opened_at,
                )
                for p, man in zip(plans, participants, strict=True)
            ],
            batch_size=BATCH,
        )
        cases = Case.objects.bulk_create(
            [
                Case(
                    organisation_id=provider.pk,
                    participant_id=man.pk,
                    referral_id=referral.pk,
                    state=p.state,
                    version=1 + len(p.steps),  # one change a move
                    partner_reference=uuid.UUID(int=rng.getrandbits(128), version=4),
                    opened_at=p.opened_at,
                    state_since=p.state_since,
                    closed_at=p.state_since if p.state == State.CLOSED else None,
                )
                for p, man, referral in zip(plans, participants, referrals, strict=True)
            ],
            batch_size=BATCH,
        )
        rows: dict[Any, list[Any]] = {}
        for plan, case in zip(plans, cases, strict=True):
            _way_rows(rng, world, plan, case, rows)
            _record_rows(rng, world, plan, case, rows)
        written = {"case": len(cases)}
        for model, made in rows.items():
            model.objects.bulk_create(made, batch_size=BATCH)
            written[model._meta.model_name] = len(made)
    return written


def _way_rows(rng: random.Random, world: World, plan: Plan, case: Any, rows: dict[Any, list[Any]]) -> None:
    """The steps of the case's way, and what its gates asked for on the way: the intake, the
    risk assessments, the survivor side's record of contact with the partner."""
    from tandem.cases.models import CaseStep, Concern, Denial, Intake, Motivation
    from tandem.cases.rules.lifecycle import TRANSITIONS, State
    from tandem.risk.models import Occasion, RiskAssessment
    from tandem.survivors.models import PartnerContact

    staff = world.staff[case.organisation_id]
    state, at = State.REFERRED, dict(plan.steps)
    for event, taken_at in plan.steps:
        transition = TRANSITIONS[event]
        rows.setdefault(CaseStep, []).append(
            CaseStep(
                case_id=case.pk,
                event=event,
                from_state=state,
                to_state=transition.target,
                reason=rng.choice(STEP_REASONS) if transition.needs_reason else "",
                taken_by_id=staff.coordinator,
                taken_at=taken_at,
            )
        )
        state = transition.target
    if _SA in at and (_SU in at or "assess_unsuitable" in at or rng.random() < 0.5):
        decided = at.get(_SU) or at.get("assess_unsuitable") or world.now
        rows.setdefault(Intake, []).append(
            Intake(
                case_id=case.pk,
                motivation=rng.choice(Motivation.values),
                denial=rng.choice(Denial.values),
                substance_use=rng.choice(Concern.values),
                mental_health=rng.choice(Concern.values),
                language_needs="Needs an interpreter for Albanian." if rng.random() < 0.1 else "",
                summary="Suitable for the group; motivation mostly external." if rng.random() < 0.8 else "",
                recorded_by_id=staff.facilitator,
                recorded_at=_between(rng, at[_SA], decided),
            )
        )
    assessed: list[tuple[str, datetime]] = []
    if _SP in at:
        assessed.append((Occasion.INTAKE, _between(rng, at[_SU], at[_SP])))
        finished = next((at[e] for e in ("complete", "drop_out", "exclude", "transfer") if e in at), world.now)
        if finished - at[_SP] > 60 * DAY:
            assessed.append((Occasion.MID_PROGRAMME, at[_SP] + (finished - at[_SP]) / 2))
        if "complete" in at:
            assessed.append((Occasion.EXIT, _between(rng, at[_SP], at["complete"])))
        # The start gate asked for it: offered (or why impossible) and the limits explained.
        recorded = _between(rng, at[_SU], at[_SP])
        impossible = rng.random() < 0.1
        rows.setdefault(PartnerContact, []).append(
            PartnerContact(
                organisation_id=case.organisation_id,
                reference=case.partner_reference,
                contact_offered_on=None if impossible else recorded.date(),
                contact_impossible_because="She moved abroad; there is no way to reach her." if impossible else "",
                limitations_explained_on=None if impossible else recorded.date(),
                recorded_by_id=staff.survivor_worker,
                updated_at=recorded,
            )
        )
    elif plan.state == State.WAITING and rng.random() < 0.6:
        assessed.append((Occasion.INTAKE, _between(rng, at[_SU], world.now)))
    for occasion, when in assessed:
        answers, result = rng.choice(world.scored)
        rows.setdefault(RiskAssessment, []).append(
            RiskAssessment(
                case_id=case.pk,
                instrument=result.instrument,
                instrument_version=result.version,
                occasion=occasion,
                answers=answers,
                score=result.score,
                level=result.level,
                forced_by=",".join(result.forced_by)[:200],
                unknown=len(result.unknown),
                note="The partner's account was taken into the answers." if rng.random() < 0.3 else "",
                assessed_by_id=staff.coordinator,
                assessed_at=when,
            )
        )


def _record_rows(rng: random.Random, world: World, plan: Plan, case: Any, rows: dict[Any, list[Any]]) -> None:
    """The case's notes, children, documents and reports to the referring agency."""
    from tandem.cases.models import CaseDocument, CaseNote, CaseReport, Child, LivesWith, ReferralRoute
    from tandem.cases.rules.lifecycle import State

    staff = world.staff[case.organisation_id]
    at = dict(plan.steps)
    end = plan.state_since if plan.state in (State.CLOSED, State.TRANSFERRED) else world.now
    for _ in range(rng.choice([0, 0, 1, 1, 2, 2, 3, 3, 4, 5, 6, 8])):
        rows.setdefault(CaseNote, []).append(
            CaseNote(
                case_id=case.pk,
                category=rng.choice(NOTE_CATEGORIES),
                text=rng.choice(NOTE_TEXTS),
                written_by_id=rng.choice((staff.facilitator, staff.coordinator)),
                written_at=_between(rng, plan.opened_at, end),
            )
        )
    for _ in range(rng.choices([0, 1, 2, 3], weights=[45, 30, 18, 7])[0]):
        referred = rng.random() < 0.1
        rows.setdefault(Child, []).append(
            Child(
                case_id=case.pk,
                age=rng.randrange(18),
                lives_with=rng.choice(LivesWith.values),
                child_protection=rng.random() < 0.25,
                safeguarding_referral_on=(plan.opened_at + 5 * DAY).date() if referred else None,
                safeguarding_referral_to="Centre for social work, child protection team" if referred else "",
                recorded_by_id=staff.facilitator,
                recorded_at=plan.opened_at + 2 * DAY,
            )
        )
    if plan.route == ReferralRoute.COURT and rng.random() < 0.3:
        rows.setdefault(CaseDocument, []).append(_document(rng, case.pk, staff.coordinator, plan.opened_at + DAY))
    if plan.route in (ReferralRoute.COURT, ReferralRoute.PROBATION) and _SP in at:
        ending = next((e for e in ("complete", "drop_out", "exclude") if e in at), "")
        made_at = at.get(ending) or _between(rng, at[_SP], world.now)
        rows.setdefault(CaseReport, []).append(
            _report(
                case.pk,
                staff.coordinator,
                kind={"complete": "completion", "": "progress"}.get(ending, "non_compliance"),
                sent=rng.random() < 0.8,
                made_at=made_at,
                facts=_facts(
                    plan,
                    case_pk=case.pk,
                    provider=world.provider_names[case.organisation_id],
                    agency=world.agency_names.get(plan.route, ""),
                    made_at=made_at,
                    steps=plan.steps,
                ),
            )
        )


def _document(rng: random.Random, case_pk: int, by: int, at: datetime, title: str = "Court order") -> Any:
    """A document's row as the upload writes it (its encrypted file is not read by the pages
    measured, so none is written)."""
    from tandem.cases.models import CaseDocument

    return CaseDocument(
        case_id=case_pk,
        title=title,
        filename="court-order.pdf" if title == "Court order" else "letter.pdf",
        content_type="application/pdf",
        size=rng.randrange(40_000, 900_000),
        sha256=secrets.token_hex(32),
        storage_name=secrets.token_hex(20),
        uploaded_by_id=by,
        uploaded_at=at,
    )


def _report(case_pk: int, by: int, *, kind: str, sent: bool, made_at: datetime, facts: str) -> Any:
    """A report to the referring agency, sent after its safety review or waiting for it."""
    from tandem.cases.models import CaseReport, ReportState

    return CaseReport(
        case_id=case_pk,
        kind=kind,
        state=ReportState.SENT if sent else ReportState.AWAITING_REVIEW,
        facts=facts,
        assessment="He attends regularly and has begun to name his controlling behaviour.",
        safe_to_disclose=True if sent else None,
        review_note="The partner's worker sees no risk in sending it." if sent else "",
        reviewed_by_id=by if sent else None,
        reviewed_at=made_at + DAY if sent else None,
        sent_by_id=by if sent else None,
        sent_at=made_at + DAY if sent else None,
        version=3 if sent else 2,  # written, reviewed, sent
        created_by_id=by,
        created_at=made_at,
    )


def _add(total: dict[str, int], more: dict[str, int]) -> None:
    for key, value in more.items():
        total[key] = total.get(key, 0) + value


def build_cases(args: argparse.Namespace, rng: random.Random, world: World) -> None:
    started = time.perf_counter()
    per, extra = divmod(args.participants, args.organisations)
    done = 0
    for index, provider in enumerate(world.providers):
        count = per + (1 if index < extra else 0)
        _add(world.counts, write_cases(rng, world, provider, count))
        done += count
        if (index + 1) % max(1, len(world.providers) // 10) == 0 or index + 1 == len(world.providers):
            spent = time.perf_counter() - started
            left = spent / done * (args.participants - done) if done else 0
            log(f"  {done} of {args.participants} cases in {spent:.1f} s (about {left:.0f} s left)")


def _at(world: World, days_ago: float) -> Any:
    from tandem.core import clock

    return clock.frozen(world.now - timedelta(days=days_ago))


def build_measured_case(rng: random.Random, world: World) -> None:
    """The case whose page is measured: taken through the actions with the clock set back, then
    given the records of its weeks in the programme, written directly with the actions' fields."""
    from tandem.cases.models import Case, CaseStep, Child, Intake
    from tandem.core.models import User

    home = world.providers[0]
    coordinator = User.objects.get(pk=world.staff[home.pk].coordinator)
    case, plan = case_through_actions(rng, world, coordinator)
    Intake.objects.create(
        case=case,
        motivation="external",
        denial="minimises",
        substance_use="some",
        mental_health="none",
        summary="Suitable for the group; minimises the violence and blames the partner's family.",
        recorded_by=coordinator,
        recorded_at=world.now - 188 * DAY,
    )
    for age in (9, 4):
        Child.objects.create(
            case=case,
            age=age,
            lives_with="mother",
            child_protection=age == 4,
            recorded_by=coordinator,
            recorded_at=world.now - 200 * DAY,
        )
    _document(rng, case.pk, coordinator.pk, world.now - 210 * DAY).save()
    # The reports a court would have had by now, the last waiting for the safety review.
    steps = list(CaseStep._base_manager.filter(case_id=case.pk).values_list("event", "taken_at"))
    for days_ago, kind, sent in ((120, "progress", True), (60, "progress", True), (2, "non_compliance", False)):
        made_at = world.now - days_ago * DAY
        facts = _facts(
            plan,
            case_pk=case.pk,
            provider=home.name,
            agency=world.agency_names["court"],
            made_at=made_at,
            steps=steps,
        )
        _report(case.pk, coordinator.pk, kind=kind, sent=sent, made_at=made_at, facts=facts).save()
    add_history(rng, world, case)
    world.coordinator = coordinator
    world.case = Case._base_manager.get(pk=case.pk)
    world.device = authenticator(coordinator)


def case_through_actions(rng: random.Random, world: World, coordinator: Any) -> tuple[Any, Plan]:
    """A court's referral, accepted and moved into the programme by the coordinator, assessed
    three times, with the survivor side's records and safety signals, over seven months."""
    from tandem.cases import actions as case_actions
    from tandem.core.audit import COMMAND_LINE
    from tandem.core.models import User
    from tandem.risk import actions as risk_actions
    from tandem.survivors import actions as survivor_actions

    home = world.providers[0]
    survivor_worker = User.objects.get(pk=world.staff[home.pk].survivor_worker)
    court, referrer_pk = world.agencies["court"]
    details = case_actions.ReferralDetails(
        name="Dragan Kovačević",
        reason=REASONS[0],
        birth_date=date(1984, 5, 17),
        identity_number="1705984710012",
        incidents=INCIDENTS[0] + " " + INCIDENTS[1],
        partner_known=True,
        children="Two children, 4 and 9, living with their mother.",
        legal_status=LEGAL[0],
        deadline=(world.now + 30 * DAY).date(),
    )
    with _at(world, 215):
        referral = case_actions.submit_referral(
            provider=home,
            details=details,
            referring_organisation=court,
            acting_user=User.objects.get(pk=referrer_pk),
            context=COMMAND_LINE,
        )
    with _at(world, 211):
        case = case_actions.accept_referral(
            referral=referral, expected_version=referral.version, acting_user=coordinator, context=COMMAND_LINE
        )
    reference = case.partner_reference
    if reference is None:
        raise RuntimeError("an accepted case has no partner reference")
    opened_at = case.opened_at

    def move(event: str, days_ago: float) -> None:
        nonlocal case
        with _at(world, days_ago):
            case = case_actions.move_case(
                case=case, event=event, expected_version=case.version, acting_user=coordinator, context=COMMAND_LINE
            )

    def assess(days_ago: float, occasion: str, trigger: str = "") -> None:
        with _at(world, days_ago):
            risk_actions.record_assessment(
                case=case,
                answers=json.loads(rng.choice(world.scored)[0]),
                acting_user=coordinator,
                occasion=occasion,
                trigger=trigger,
                note="His account and the partner's side differ on the threats." if trigger else "",
                context=COMMAND_LINE,
            )

    def signal(days_ago: float, level: str, summary: str) -> None:
        with _at(world, days_ago):
            survivor_actions.record_safety_signal(
                organisation=home,
                reference=reference,
                level=level,
                summary=summary,
                acting_user=survivor_worker,
                context=COMMAND_LINE,
            )

    move("start_assessment", 205)
    assess(190, "intake")
    move("assess_suitable", 185)
    with _at(world, 180):
        survivor_actions.record_partner_contact(
            organisation=home,
            reference=reference,
            acting_user=survivor_worker,
            contact_offered_on=(world.now - 180 * DAY).date(),
            limitations_explained_on=(world.now - 180 * DAY).date(),
            context=COMMAND_LINE,
        )
    signal(179, "concern", "She is afraid of him near the children's school.")
    move("start_programme", 165)
    assess(90, "mid_programme")
    signal(40, "serious", "He sent her messages again after the court hearing.")
    assess(38, "trigger", "partner_concern")
    plan = Plan(
        name=details.name,
        birth_date=details.birth_date,
        identity_number=details.identity_number,
        route=referral.route,
        referring_organisation_id=court.pk,
        submitted_by_id=referrer_pk,
        submitted_at=referral.submitted_at,
        opened_at=opened_at,
        steps=[],
        state=case.state,
        state_since=case.state_since,
    )
    return case, plan


def add_history(rng: random.Random, world: World, case: Any, notes: int = 48) -> None:
    """What a case in the programme gathers week after week: notes, a child, a document and a
    risk assessment after a trigger, in bulk with the actions' fields."""
    from tandem.cases.models import CaseNote, Child
    from tandem.risk.models import RiskAssessment

    staff = world.staff[case.organisation_id]
    start = world.now - 160 * DAY
    CaseNote.objects.bulk_create(
        [
            CaseNote(
                case_id=case.pk,
                category=rng.choice(NOTE_CATEGORIES),
                text=rng.choice(NOTE_TEXTS),
                written_by_id=rng.choice((staff.facilitator, staff.coordinator)),
                written_at=_between(rng, start, world.now),
            )
            for _ in range(notes)
        ]
    )
    Child.objects.create(
        case_id=case.pk,
        age=rng.randrange(18),
        lives_with="relatives",
        recorded_by_id=staff.facilitator,
        recorded_at=world.now - 100 * DAY,
    )
    _document(rng, case.pk, staff.coordinator, _between(rng, start, world.now), "Letter").save()
    answers, result = rng.choice(world.scored)
    RiskAssessment.objects.create(
        case_id=case.pk,
        instrument=result.instrument,
        instrument_version=result.version,
        occasion="trigger",
        trigger="court_date",
        answers=answers,
        score=result.score,
        level=result.level,
        forced_by=",".join(result.forced_by)[:200],
        unknown=len(result.unknown),
        assessed_by_id=staff.coordinator,
        assessed_at=_between(rng, start, world.now),
    )


def history_of(case: Any) -> dict[str, int]:
    """How many rows of each kind the case has (read without a check: the builder's count)."""
    from tandem.cases.models import CaseDocument, CaseNote, CaseReport, CaseStep, Child
    from tandem.core.models import Event, WorkItem
    from tandem.risk.models import RiskAssessment
    from tandem.survivors.models import SafetySignal

    return {
        "steps": CaseStep._base_manager.filter(case_id=case.pk).count(),
        "notes": CaseNote._base_manager.filter(case_id=case.pk).count(),
        "risk_assessments": RiskAssessment._base_manager.filter(case_id=case.pk).count(),
        "children": Child._base_manager.filter(case_id=case.pk).count(),
        "documents": CaseDocument._base_manager.filter(case_id=case.pk).count(),
        "reports": CaseReport._base_manager.filter(case_id=case.pk).count(),
        "safety_signals": SafetySignal._base_manager.filter(reference=case.partner_reference).count(),
        "events": Event.objects.filter(subject_type="cases.case", subject_id=str(case.pk)).count(),
        "work_items": WorkItem._base_manager.filter(subject_type="cases.case", subject_id=str(case.pk)).count(),
    }


def deliver_events() -> dict[str, int]:
    """Hand the events of the actions above to their handlers, as the worker would."""
    from tandem.core import events
    from tandem.core.models import EventFailure

    delivered = 0
    for _ in range(100):
        done = events.deliver_pending()
        delivered += done
        if not done:
            break
    return {"delivered": delivered, "handler_failures": EventFailure.objects.count()}


def build_world(args: argparse.Namespace, rng: random.Random) -> World:
    check_ways()
    log(f"building {args.organisations} providers through the actions")
    world = build_people(args)
    world.scored = scored_answers(rng)
    log(f"building {args.participants} men with their referrals and cases (bulk)")
    build_cases(args, rng, world)
    build_measured_case(rng, world)
    world.delivery = deliver_events()
    log(f"  the measured case #{world.case.pk}: {history_of(world.case)}; events: {world.delivery}")
    return world


# --------------------------------------------------------------------------------------
# Worker: measure.
# --------------------------------------------------------------------------------------


def signed_in_client(person: Any, device: Any) -> Any:
    """A client signed in as the person, with her second factor verified (without going
    through the sign-in pages, which are not measured)."""
    from django.test import Client

    client = Client(HTTP_HOST="localhost")  # a host the settings allow
    client.force_login(person)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    return client


def _checked(response: Any, url: str) -> Any:
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code}, not 200")
    return response


def time_pages(client: Any, urls: dict[str, str], requests: int, warm_up: int) -> dict[str, list[float]]:
    """Each page ``requests`` times, in turn, after ``warm_up`` requests of each."""
    for url in urls.values():
        for _ in range(warm_up):
            _checked(client.get(url), url)
    samples: dict[str, list[float]] = {name: [] for name in urls}
    for round_number in range(requests):
        for name, url in urls.items():
            started = time.perf_counter()
            response = client.get(url)
            samples[name].append(time.perf_counter() - started)
            _checked(response, url)
        if (round_number + 1) % max(1, requests // 4) == 0:
            log(f"  {round_number + 1} of {requests} rounds")
    return samples


def p95(samples: Sequence[float]) -> float:
    """The 95th percentile, nearest rank: 95 % of the requests took at most this long."""
    ordered = sorted(samples)
    return ordered[max(0, -(-95 * len(ordered) // 100) - 1)]


def statements_of(client: Any, url: str) -> list[dict[str, Any]]:
    """The SQL statements one request of ``url`` sends (shortened), each with its time."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    timed: list[tuple[str, float]] = []

    def timing(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            timed.append((sql, time.perf_counter() - started))

    with CaptureQueriesContext(connection) as captured, connection.execute_wrapper(timing):
        _checked(client.get(url), url)
    # The log shows the parameters in place; some transaction control (COMMIT, and BEGIN on
    # PostgreSQL) is logged without passing the wrapper, so it has no time of its own here.
    statements: list[dict[str, Any]] = []
    waiting = iter(timed)
    pending = next(waiting, None)
    for query in captured.captured_queries:
        statement: dict[str, Any] = {"sql": query["sql"][:240]}
        if pending is not None and query["sql"].startswith(pending[0].split("%s", 1)[0][:60]):
            statement["ms"] = round(1000 * pending[1], 3)
            pending = next(waiting, None)
        statements.append(statement)
    return statements


def page_figures(samples: Sequence[float], floor: float | None, *, targeted: bool) -> dict[str, Any]:
    median, high = statistics.median(samples), p95(samples)
    figures: dict[str, Any] = {
        "requests": len(samples),
        "median_seconds": round(median, 5),
        "p95_seconds": round(high, 5),
        "mean_seconds": round(statistics.fmean(samples), 5),
        "min_seconds": round(min(samples), 5),
        "max_seconds": round(max(samples), 5),
    }
    if floor is not None:
        figures.update({"floor_median_seconds": round(floor, 5), "ratio": round(median / floor, 2)})
    if floor is not None and targeted:
        figures.update(
            {
                "meets_ratio": median / floor <= TARGET_RATIO,
                "meets_p95": high < TARGET_P95_SECONDS,
                "meets_target": median / floor <= TARGET_RATIO and high < TARGET_P95_SECONDS,
            }
        )
    return figures


def sizes_of(world: World) -> dict[str, Any]:
    """How much the pages measured have to show: the coordinator's cases, and the case's history."""
    from tandem.cases.models import Case

    home_cases = Case._base_manager.filter(organisation_id=world.providers[0].pk)
    return {
        "provider_cases": home_cases.count(),
        "provider_waiting": home_cases.filter(state="waiting").count(),
        "case": history_of(world.case),
    }


def measure(args: argparse.Namespace, rng: random.Random, world: World) -> dict[str, Any]:
    from django.test.utils import override_settings

    urls = {"floor": BARE_URL, "layout": LAYOUT_URL, "case_list": LIST_URL, "case_page": f"/cases/{world.case.pk}/"}
    install_urls()
    with override_settings(ROOT_URLCONF=__name__):
        client = signed_in_client(world.coordinator, world.device)
        log(f"timing {', '.join(urls.values())}: {args.warm_up} warm-up and {args.requests} requests each")
        samples = time_pages(client, urls, args.requests, args.warm_up)
        pages = {name: _checked(client.get(url), url).content.decode() for name, url in urls.items()}
        statements = {name: statements_of(client, url) for name, url in urls.items()}
        sizes = sizes_of(world)
        # Twice the cases in the coordinator's provider, twice the notes on the case and one
        # more of its other records: the statements a page sends must not grow with them.
        log("doubling the provider's cases and the case's notes")
        write_cases(rng, world, world.providers[0], sizes["provider_cases"])
        add_history(rng, world, world.case, notes=sizes["case"]["notes"])
        larger = {name: statements_of(client, url) for name, url in urls.items()}
        larger_sizes = sizes_of(world)
    floor = statistics.median(samples["floor"])
    measured: dict[str, Any] = {}
    for name, url in urls.items():
        measured[name] = {
            "url": url,
            **page_figures(samples[name], None if name == "floor" else floor, targeted=name.startswith("case")),
            "bytes": len(pages[name]),
            "queries_per_request": len(statements[name]),
            "queries_per_request_at_larger_size": len(larger[name]),
            "queries_constant": len(statements[name]) == len(larger[name]),
            "queries": statements[name],
        }
    # What the pages showed, to see that they are the pages meant.
    measured["case_list"]["rows_shown"] = pages["case_list"].count('<td><a href="/cases/')
    measured["case_page"]["timeline_entries"] = pages["case_page"].count('<li class="timeline-')
    measured["case_page"]["sections"] = pages["case_page"].count("<section")
    return {"measurements": measured, "measured_sizes": sizes, "larger_sizes": larger_sizes}


def main_worker(args: argparse.Namespace) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    result: dict[str, Any] = {"status": "ok", "database": {"vendor": connection.vendor}}
    try:
        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        rng = random.Random(args.seed)
        world = build_world(args, rng)
        if connection.vendor == "postgresql":
            # Settle the bulk load as autovacuum and the checkpointer would soon after it, so that
            # neither runs in the middle of a measurement.
            with connection.cursor() as cursor:
                cursor.execute("VACUUM (ANALYZE)")
                cursor.execute("CHECKPOINT")
        result["build_seconds"] = round(time.perf_counter() - started, 1)
        result["rows_built"] = world.counts
        result["events_of_the_measured_case"] = world.delivery
        log(f"  built in {result['build_seconds']} s: {world.counts}")
        result.update(measure(args, rng, world))
    except Exception as exc:  # reported as a failed run in the JSON, with the traceback on stderr
        import traceback

        traceback.print_exc()
        result = {"status": "failed", "reason": f"{type(exc).__name__}: {exc}"}
    Path(args.worker_output).write_text(json.dumps(result, default=str, ensure_ascii=False))
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--participants", type=int, default=100_000, help="men, each with a referral and a case")
    parser.add_argument("--organisations", type=int, default=50, help="programme providers sharing them")
    parser.add_argument("--requests", type=int, default=200, help="timed requests per page")
    parser.add_argument("--warm-up", type=int, default=20, help="untimed requests per page first")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES_URL)
    parser.add_argument("--output", help="where to write the JSON (default bench/results/cases-<time>.json)")
    parser.add_argument("--seed", type=int, default=2027)
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--worker-output", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.organisations < 1 or args.participants < args.organisations:
        parser.error("--organisations must be at least 1, and --participants at least as many")
    if args.requests < 1 or args.warm_up < 0:
        parser.error("--requests must be at least 1 and --warm-up at least 0")
    return main_worker(args) if args.worker else main_parent(args)


if __name__ == "__main__":
    sys.exit(main())
