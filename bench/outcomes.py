"""Benchmark of outcome monitoring: a programme's outcome report (figures, HTML and PDF) and the
pooled benchmarks over every programme's contribution.

    uv run python bench/outcomes.py [--answers 1000000] [--programmes 50] [--repeats 5]
                                    [--databases sqlite,postgresql]

Per database, in a subprocess of its own with a fresh ``migrate``, the script builds PROGRAMMES
programme providers sharing ANSWERS questionnaire answers (``ManResponse`` and
``PartnerResponse``, each with its sub-scale scores), about 60 % the men's and 40 % their
partners', then measures, each as the median of ``--repeats`` runs after an untimed warm-up,
against a FLOOR measured in the same run on the same data, the two taken in turn so that other
work on the machine slows them alike:

* report: ``tandem.outcomes.report.build_report(provider, period)`` of the median-sized programme
  (by answers), over a period that holds all of its cases, against hand-written SQL on the same
  connection computing the figures the report shows in the database: per respondent, sub-scale
  and comparison (start to end, to 6 and to 12 months after) the matched count, the means before
  and after, the mean change and the sum of squared changes (a self-join of the same person's
  scores at the two points), the counts behind the headline (partners reporting no physical and
  no sexual violence at each point; children exposed at the start and no longer), and the points
  by time point and state with those whose window has closed. Target: at most 2× the floor. The
  report's figures are checked against the floor's (``floor_agrees``).
* report_html, a reference with no target: ``report_render.render_document`` of that report.
* pdf: ``report_render.render_pdf(report, language="en")``. Target: under 5 s.
* pool: every programme records a data-sharing agreement (``pool_actions.record_agreement``, by
  its administrator) and contributes (``pool_actions.contribute``; the total time and the rows
  written are a reference, ``pool_contribute``), then ``tandem.outcomes.pool.benchmarks()`` is
  timed against a fresh DuckDB connection running the same four statements (``RESPONSE_SQL``,
  ``ATTRITION_SQL``, ``CHANGE_SQL``, ``NO_VIOLENCE_SQL``) over the same Parquet files, fetching
  every row. Target: at most 1.5× the floor. The pool is built and measured in every database's
  worker: the Parquet work is the same, the contributions read that database.

How the data is made: the platform administrator, the providers, their accounts (an
administrator, a facilitator and a survivor-support worker each, with the MD5 hasher) and their
memberships go through Tandem's actions, and so do the agreements and contributions. The rest is
written with ``bulk_create``, a thousand cases a transaction and at most 5,000 rows an INSERT (so
that memory stays flat whatever ANSWERS), with the fields the actions set: men whose cases opened
over two years and whose programme started within weeks (the steps of their way: assessment,
suitable, programme, then completed or dropped out; about three in ten drop out, and the men still
in the programme have no exit yet), their time points with the windows of the configured schedule (start and
half-way from the start; end, 6 and 12 months after from the exit; a half-way not yet open when a
man dropped out is missed, as ``make_schedule`` does), the partner and her link for about seven
cases in ten, with her points mirroring his (``PartnerPoint`` with the case number). A point whose
window has opened was answered, declined, missed, or left due, with fewer answers at each later
point and fewer again after a drop-out. Answers are drawn from the shipped questionnaires, fewer
problems at later points, and scored by them (``current_instrument(...).scores``): a pool of
answer sets is drawn once and reused. Encrypted fields are encrypted by the field as they are
written. On PostgreSQL the load is then settled (``VACUUM (ANALYZE)`` and ``CHECKPOINT``).

Results are JSON, printed and written to bench/results/outcomes-<timestamp>.json (or ``--output``).
Targets are reported, never asserted. Progress and estimates go to stderr.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import random
import sqlite3
import statistics
import sys
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time as clock_time, timedelta
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
if str(BENCH_DIR.parent) not in sys.path:  # run as a script: the bench package sits beside it
    sys.path.insert(0, str(BENCH_DIR.parent))
from bench.worker import log, run_in_database  # noqa: E402

RESULTS_DIR = BENCH_DIR / "results"
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432"
TARGET_REPORT_RATIO = 2.0  # the report at most this many times the raw SQL
TARGET_POOL_RATIO = 1.5  # the pooled benchmarks at most this many times raw DuckDB
TARGET_PDF_SECONDS = 5.0
BATCH = 5000  # rows per INSERT
CHUNK_CASES = 1000  # cases written per transaction (about 3,800 answers and 37,000 scores)
ANSWER_SETS = 60  # answer sets drawn per respondent and time point
DAY = timedelta(days=1)

POINTS = ("start", "midway", "end", "follow_up_6", "follow_up_12")
# How many problems the answers report at each point: fewer as the programme works.
SEVERITY = {"start": 0.5, "midway": 0.42, "end": 0.34, "follow_up_6": 0.32, "follow_up_12": 0.3}
# The chance that a point whose window has opened was answered, and declined, by respondent and
# how the man's programme went; the rest were missed or are still due.
ANSWERED = {
    ("man", "completed"): {"start": 0.95, "midway": 0.85, "end": 0.85, "follow_up_6": 0.55, "follow_up_12": 0.45},
    ("man", "dropped_out"): {"start": 0.92, "midway": 0.6, "end": 0.4, "follow_up_6": 0.3, "follow_up_12": 0.22},
    ("man", "in_programme"): {"start": 0.95, "midway": 0.8},
    ("partner", "completed"): {"start": 0.8, "midway": 0.7, "end": 0.7, "follow_up_6": 0.62, "follow_up_12": 0.55},
    ("partner", "dropped_out"): {"start": 0.78, "midway": 0.6, "end": 0.6, "follow_up_6": 0.55, "follow_up_12": 0.5},
    ("partner", "in_programme"): {"start": 0.8, "midway": 0.7},
}
DECLINED = 0.06
PARTNER_SHARE = 0.7  # cases whose partner's record is linked to them
DROPPED_OUT_SHARE = 0.3
LANGUAGES = {"sq": 30, "sr_Latn": 20, "mk": 12, "bs": 12, "hr": 8, "sr": 8, "en": 5, "tr": 3, "cnr": 2}
NAMES = [
    "Arben Hoxha", "Besnik Krasniqi", "Dritan Berisha", "Edin Hodžić", "Goran Petrović", "Ivan Kovačević",
    "Luka Marković", "Marko Jovanović", "Nikola Ilić", "Zoran Popović", "Никола Николић", "Јован Петровић",
]  # fmt: skip
HER_NAMES = ["Arta Gashi", "Blerta Shala", "Jelena Đukić", "Mirela Šehić", "Ana Čolić", "Ивана Илић"]
DECLINED_NOTES = {"man": "He said he did not want to answer this time.", "partner": "She asked not to be asked now."}
LEFT_EARLY = "He left the programme before this point."


# --------------------------------------------------------------------------------------
# Parent: one subprocess per database.
# --------------------------------------------------------------------------------------


def run_database(vendor: str, args: argparse.Namespace) -> dict[str, Any]:
    arguments = [
        "--answers", str(args.answers), "--programmes", str(args.programmes), "--repeats", str(args.repeats),
        "--seed", str(args.seed),
    ]  # fmt: skip
    return run_in_database(Path(__file__).resolve(), vendor, args.postgres_url, arguments, "outcomes")


def environment() -> dict[str, Any]:
    import django
    import duckdb

    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "django": django.__version__,
        "duckdb": duckdb.__version__,
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],  # others' work shares the cores
    }


def main_parent(args: argparse.Namespace) -> int:
    wanted = [name.strip() for name in args.databases.split(",") if name.strip()]
    unknown = set(wanted) - {"sqlite", "postgresql"}
    if unknown:
        raise SystemExit(f"unknown database(s): {', '.join(sorted(unknown))}")
    results: dict[str, Any] = {
        "benchmark": "outcomes",
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "environment": environment(),
        "asked": {"answers": args.answers, "programmes": args.programmes, "repeats": args.repeats},
        "targets": {
            "report_ratio_at_most": TARGET_REPORT_RATIO,
            "pdf_seconds_under": TARGET_PDF_SECONDS,
            "pool_ratio_at_most": TARGET_POOL_RATIO,
        },
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
    output = Path(args.output) if args.output else RESULTS_DIR / f"outcomes-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text + "\n")
    log(f"written to {output}")
    return 0


# --------------------------------------------------------------------------------------
# Worker: the people, through the actions.
# --------------------------------------------------------------------------------------


@dataclass
class Staff:
    admin: Any
    facilitator: int
    survivor_worker: int


@dataclass(frozen=True)
class AnswerSet:
    """Answers to a questionnaire as JSON, how many questions they answer, and their scores."""

    answers: str
    answered: int
    scores: tuple[tuple[str, float], ...]


@dataclass
class World:
    today: date
    now: datetime
    providers: list[Any]
    staff: dict[int, Staff]
    answer_sets: dict[tuple[str, str], list[AnswerSet]]  # (respondent, time point) → sets
    instruments: dict[str, Any]  # respondent → the current questionnaire
    answers_of: dict[int, int] = field(default_factory=dict)  # provider → answers written
    counts: dict[str, int] = field(default_factory=dict)


def build_people(programmes: int) -> tuple[Any, list[Any], dict[int, Staff]]:
    """The providers, their administrators, facilitators and survivor-support workers."""
    import secrets

    from django.test.utils import override_settings

    from tandem.core import actions
    from tandem.core.audit import COMMAND_LINE
    from tandem.core.roles import OrganisationKind, Role
    from tandem.geo.models import Country

    builder = actions.create_platform_admin(username="bench.builder", password=secrets.token_urlsafe(24))
    countries = list(Country.objects.order_by("code"))
    providers: list[Any] = []
    staff: dict[int, Staff] = {}

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

    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        for index in range(programmes):
            provider = actions.create_organisation(
                name=f"Bench provider {index:03d}",
                kind=OrganisationKind.PROGRAMME_PROVIDER,
                country=countries[index % len(countries)] if countries else None,
                acting_user=builder,
                context=COMMAND_LINE,
            )
            providers.append(provider)
            staff[provider.pk] = Staff(
                admin=person(provider, Role.ORG_ADMIN, f"Administrator {index}"),
                facilitator=person(provider, Role.FACILITATOR, f"Facilitator {index}").pk,
                survivor_worker=person(provider, Role.SURVIVOR_WORKER, f"Survivor worker {index}").pk,
            )
    return builder, providers, staff


def draw_answer_sets(rng: random.Random, instrument: Any, severity: float) -> list[AnswerSet]:
    """Answer sets to ``instrument``, each item on the worse side of its sub-scale with a chance
    near ``severity``, a few left unanswered, scored by the questionnaire itself."""
    made = []
    for _ in range(ANSWER_SETS):
        spread = min(0.95, max(0.02, severity + rng.uniform(-0.2, 0.2)))
        values: dict[str, int | None] = {}
        for subscale in instrument.subscales:
            for item in subscale.items:
                if rng.random() < 0.04:
                    values[item.key] = None
                    continue
                low, high = item.scale.lowest, item.scale.highest
                worse = rng.random() < spread
                options = sorted(option.value for option in item.scale.options)
                if subscale.better == "higher":
                    counted = rng.choice(options[: max(1, len(options) // 2)]) if worse else rng.choice(options[-2:])
                else:
                    counted = rng.choice(options[1:]) if worse else low
                values[item.key] = low + high - counted if item.reversed else counted
        values = instrument.checked(values)
        scores = tuple((key, value) for key, value in instrument.scores(values).items() if value is not None)
        made.append(AnswerSet(json.dumps(values, sort_keys=True), instrument.answered(values), scores))
    return made


# --------------------------------------------------------------------------------------
# Worker: the cases, their points and answers, in bulk.
# --------------------------------------------------------------------------------------


@dataclass
class PointPlan:
    point: str
    opens_on: date
    closes_on: date
    state: str
    note: str = ""
    answered_on: date | None = None
    answer_set: AnswerSet | None = None


@dataclass
class CasePlan:
    name: str
    birth_date: date | None
    opened_at: datetime
    steps: list[tuple[str, datetime]]
    state: str
    his: list[PointPlan]
    hers: list[PointPlan] | None  # None: no partner linked to the case

    @property
    def answers(self) -> int:
        return sum(1 for p in self.his + (self.hers or []) if p.answer_set is not None)


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, clock_time(hour), tzinfo=UTC)


def settle(
    rng: random.Random, world: World, *, respondent: str, way: str, window: Any, engaged: float, missed: bool
) -> PointPlan:
    """What became of one point: answered, declined, missed, or still due."""
    plan = PointPlan(window.point, window.opens_on, window.closes_on, "due")
    if missed:  # the half-way point of a man who left before it opened
        plan.state, plan.note = "missed", LEFT_EARLY if respondent == "man" else ""
        return plan
    if window.opens_on > world.today:
        return plan  # not open yet
    draw = rng.random()
    answered = ANSWERED[(respondent, way)][window.point] * engaged
    if window.closes_on >= world.today:
        answered *= 0.5  # the window is still open: some have not answered yet
    if draw < answered:
        last = min(window.closes_on, world.today)
        plan.state = "answered"
        plan.answered_on = window.opens_on + rng.randrange((last - window.opens_on).days + 1) * DAY
        plan.answer_set = rng.choice(world.answer_sets[(respondent, window.point)])
    elif draw < answered + DECLINED:
        plan.state, plan.note = "declined", DECLINED_NOTES[respondent]
    elif window.closes_on < world.today and rng.random() < 0.5:
        plan.state = "missed"  # closed by staff; else left due, and counted missed once closed
    return plan


def draw_case(rng: random.Random, world: World) -> CasePlan:
    from tandem.outcomes.actions import schedule
    from tandem.outcomes.rules.schedule import EXIT, START, not_yet_open, windows

    rules = schedule()
    opened_at = world.now - timedelta(seconds=rng.uniform(60 * 86400, 730 * 86400))
    assessed = opened_at + timedelta(days=rng.uniform(1, 10))
    suitable = assessed + timedelta(days=rng.uniform(3, 20))
    started = suitable + timedelta(days=rng.uniform(3, 30))
    if started.date() >= world.today:
        started = world.now - DAY
        suitable = min(suitable, started - DAY)
        assessed = min(assessed, suitable - DAY)
    dropped = rng.random() < DROPPED_OUT_SHARE
    left = started + timedelta(days=rng.uniform(20, 150) if dropped else rng.uniform(165, 200))
    steps = [("start_assessment", assessed), ("assess_suitable", suitable), ("start_programme", started)]
    if left.date() < world.today:
        way = "dropped_out" if dropped else "completed"
        steps.append(("drop_out" if dropped else "complete", left))
    else:
        way = "in_programme"
    engaged = {respondent: rng.uniform(0.8, 1.1) for respondent in ("man", "partner")}  # some answer less
    partnered = rng.random() < PARTNER_SHARE
    his: list[PointPlan] = []
    hers: list[PointPlan] = []
    exit_on = left.date() if way != "in_programme" else None

    def point(window: Any, missed: bool) -> None:
        his.append(settle(rng, world, respondent="man", way=way, window=window, engaged=engaged["man"], missed=missed))
        if partnered:  # her points mirror his windows
            hers.append(
                settle(
                    rng, world, respondent="partner", way=way, window=window, engaged=engaged["partner"], missed=missed
                )
            )

    for window in windows(rules, START, started.date()):
        point(window, exit_on is not None and not_yet_open(window.opens_on, exit_on))
    for window in windows(rules, EXIT, exit_on) if exit_on is not None else ():
        point(window, False)
    return CasePlan(
        name=rng.choice(NAMES),
        birth_date=date(1960, 1, 1) + rng.randrange(40 * 365) * DAY if rng.random() < 0.9 else None,
        opened_at=opened_at,
        steps=steps,
        state=way,
        his=his,
        hers=hers if partnered else None,
    )


def _points(model: Any, plans: Iterable[tuple[dict[str, Any], PointPlan]]) -> list[Any]:
    return [
        model(
            **owner,
            point=p.point,
            opens_on=p.opens_on,
            closes_on=p.closes_on,
            state=p.state,
            state_note=p.note,
            version=1 if p.state == "due" else 2,  # one change since it was scheduled
        )
        for owner, p in plans
    ]


def _response(
    model: Any, rng: random.Random, world: World, *, respondent: str, point: Any, p: PointPlan, by: int | None
) -> Any:
    instrument = world.instruments[respondent]
    language = rng.choices(list(LANGUAGES), weights=list(LANGUAGES.values()))[0]
    if respondent == "man":
        mode = "session" if rng.random() < 0.7 else "staff_form"
    else:
        mode = "interview" if rng.random() < 0.65 else "link"
    assert p.answer_set is not None and p.answered_on is not None
    return model(
        point_id=point.pk,
        instrument=instrument.key,
        instrument_version=instrument.version,
        language=language,
        translation_version=instrument.translation_version(language),
        mode=mode,
        answers=p.answer_set.answers,
        answered=p.answer_set.answered,
        answered_on=p.answered_on,
        recorded_by_id=None if mode == "link" else by,
        recorded_at=_at(p.answered_on, rng.randrange(9, 18)),
    )


def write_chunk(rng: random.Random, world: World, provider: Any, plans: Sequence[CasePlan]) -> dict[str, int]:
    """``plans`` of ``provider`` with every row the actions would have written for them."""
    from django.db import transaction

    from tandem.cases.models import Case, CaseStep, Participant
    from tandem.cases.rules.lifecycle import TRANSITIONS, State
    from tandem.outcomes.models import CasePoint, ManResponse, ManScore, PartnerPoint, PartnerResponse, PartnerScore
    from tandem.survivors.models import Partner, PartnerLink

    staff = world.staff[provider.pk]
    written: dict[str, int] = {}

    def create(model: Any, rows: list[Any]) -> list[Any]:
        made = model.objects.bulk_create(rows, batch_size=BATCH)
        written[model._meta.model_name] = written.get(model._meta.model_name, 0) + len(made)
        return list(made)

    with transaction.atomic():
        men = create(
            Participant,
            [
                Participant(organisation_id=provider.pk, name=p.name, birth_date=p.birth_date, created_at=p.opened_at)
                for p in plans
            ],
        )
        cases = create(
            Case,
            [
                Case(
                    organisation_id=provider.pk,
                    participant_id=man.pk,
                    state=p.state,
                    version=1 + len(p.steps),  # one change a move
                    partner_reference=uuid.UUID(int=rng.getrandbits(128), version=4),
                    opened_at=p.opened_at,
                    state_since=p.steps[-1][1],
                )
                for p, man in zip(plans, men, strict=True)
            ],
        )
        steps = []
        for p, case in zip(plans, cases, strict=True):
            state = State.REFERRED
            for event, taken_at in p.steps:
                target = TRANSITIONS[event].target
                reason = "Missed three sessions in a row without an explanation." if event == "drop_out" else ""
                steps.append(
                    CaseStep(
                        case_id=case.pk,
                        event=event,
                        from_state=state,
                        to_state=target,
                        reason=reason,
                        taken_by_id=staff.facilitator,
                        taken_at=taken_at,
                    )
                )
                state = target
        create(CaseStep, steps)
        his_plans = [(case, p) for plan, case in zip(plans, cases, strict=True) for p in plan.his]
        his_points = create(CasePoint, _points(CasePoint, (({"case_id": case.pk}, p) for case, p in his_plans)))
        partnered = [(plan, case) for plan, case in zip(plans, cases, strict=True) if plan.hers is not None]
        partners = create(
            Partner,
            [
                Partner(
                    organisation_id=provider.pk,
                    name=rng.choice(HER_NAMES),
                    created_by_id=staff.survivor_worker,
                    created_at=case.opened_at + DAY,
                    updated_at=case.opened_at + DAY,
                )
                for _plan, case in partnered
            ],
        )
        create(
            PartnerLink,
            [
                PartnerLink(
                    partner_id=partner.pk,
                    reference=case.partner_reference,
                    case_number=case.pk,
                    linked_at=case.opened_at + DAY,
                )
                for (_plan, case), partner in zip(partnered, partners, strict=True)
            ],
        )
        her_plans = [
            (partner, case, p)
            for (plan, case), partner in zip(partnered, partners, strict=True)
            for p in plan.hers or []
        ]
        her_points = create(
            PartnerPoint,
            _points(
                PartnerPoint,
                (({"partner_id": partner.pk, "case_number": case.pk}, p) for partner, case, p in her_plans),
            ),
        )
        his_answered = [(point, p) for point, (_case, p) in zip(his_points, his_plans, strict=True) if p.answer_set]
        her_answered = [(point, p) for point, (_, _c, p) in zip(her_points, her_plans, strict=True) if p.answer_set]
        his_responses = create(
            ManResponse,
            [
                _response(ManResponse, rng, world, respondent="man", point=point, p=p, by=staff.facilitator)
                for point, p in his_answered
            ],
        )
        her_responses = create(
            PartnerResponse,
            [
                _response(PartnerResponse, rng, world, respondent="partner", point=point, p=p, by=staff.survivor_worker)
                for point, p in her_answered
            ],
        )
        for model, responses, answered in (
            (ManScore, his_responses, his_answered),
            (PartnerScore, her_responses, her_answered),
        ):
            scores = [
                model(response_id=response.pk, subscale=key, value=value)
                for response, (_point, p) in zip(responses, answered, strict=True)
                for key, value in (p.answer_set.scores if p.answer_set else ())
            ]
            create(model, scores)
    return written


def build_world(args: argparse.Namespace, rng: random.Random) -> World:
    from tandem.outcomes.rules.instruments import MAN, PARTNER, current_instrument

    started = time.perf_counter()
    log(f"building {args.programmes} providers through the actions")
    _builder, providers, staff = build_people(args.programmes)
    instruments = {"man": current_instrument(MAN), "partner": current_instrument(PARTNER)}
    answer_sets = {
        (respondent, point): draw_answer_sets(rng, instrument, SEVERITY[point])
        for respondent, instrument in instruments.items()
        for point in POINTS
    }
    now = datetime.now(UTC).replace(microsecond=0)
    world = World(now.date(), now, providers, staff, answer_sets, instruments)
    log(f"  in {time.perf_counter() - started:.1f} s")
    # Programmes of unequal sizes: each gets a share of the answers, drawn once.
    weights = [rng.uniform(0.4, 1.6) for _ in providers]
    total = sum(weights)
    targets = [round(args.answers * weight / total) for weight in weights]
    log(f"writing {args.answers:,} answers, {min(targets):,} to {max(targets):,} a programme (bulk)")
    written_total = 0
    started = time.perf_counter()
    for index, (provider, target) in enumerate(zip(providers, targets, strict=True)):
        answers = 0
        while answers < target:
            chunk: list[CasePlan] = []
            while answers < target and len(chunk) < CHUNK_CASES:
                plan = draw_case(rng, world)
                chunk.append(plan)
                answers += plan.answers
            for name, count in write_chunk(rng, world, provider, chunk).items():
                world.counts[name] = world.counts.get(name, 0) + count
            written_total += sum(plan.answers for plan in chunk)
            elapsed = time.perf_counter() - started
            rate = written_total / elapsed if elapsed else 0.0
            remaining = (args.answers - written_total) / rate if rate else 0.0
            log(
                f"  programme {index + 1}/{len(providers)}: {written_total:,} answers in {elapsed:.0f} s "
                f"({rate:,.0f}/s), about {max(0.0, remaining):.0f} s to go"
            )
        world.answers_of[provider.pk] = answers
    return world


# --------------------------------------------------------------------------------------
# Worker: the floors.
# --------------------------------------------------------------------------------------


def _tables() -> dict[str, str]:
    from tandem.cases.models import Case
    from tandem.outcomes.models import CasePoint, ManResponse, ManScore, PartnerPoint, PartnerResponse, PartnerScore
    from tandem.survivors.models import Partner

    models = {
        "case": Case,
        "casepoint": CasePoint,
        "manresponse": ManResponse,
        "manscore": ManScore,
        "partner": Partner,
        "partnerpoint": PartnerPoint,
        "partnerresponse": PartnerResponse,
        "partnerscore": PartnerScore,
    }
    return {name: model._meta.db_table for name, model in models.items()}


# The cases of the period: those whose start point opened in it (three parameters: provider,
# first and last day).
PERIOD_CASES = """
period_cases AS (
    SELECT p.case_id FROM {casepoint} p JOIN {case} c ON c.id = p.case_id
    WHERE c.organisation_id = %s AND p.point = 'start' AND p.opens_on >= %s AND p.opens_on <= %s
)"""

CHANGE_FLOOR = (
    "WITH"
    + PERIOD_CASES
    + """,
scores AS (
    SELECT 'man' AS respondent, p.case_id AS person, p.case_id AS case_number, p.point, s.subscale, s.value
    FROM {manscore} s JOIN {manresponse} r ON r.id = s.response_id JOIN {casepoint} p ON p.id = r.point_id
    JOIN {case} c ON c.id = p.case_id
    WHERE c.organisation_id = %s AND p.case_id IN (SELECT case_id FROM period_cases)
    UNION ALL
    SELECT 'partner', p.partner_id, p.case_number, p.point, s.subscale, s.value
    FROM {partnerscore} s JOIN {partnerresponse} r ON r.id = s.response_id
    JOIN {partnerpoint} p ON p.id = r.point_id JOIN {partner} w ON w.id = p.partner_id
    WHERE w.organisation_id = %s AND p.case_number IN (SELECT case_id FROM period_cases)
)
SELECT a.respondent, a.subscale, b.point, COUNT(*), AVG(a.value), AVG(b.value), AVG(b.value - a.value),
       SUM((b.value - a.value) * (b.value - a.value)),
       SUM(CASE WHEN a.value > 0.5 THEN 1 ELSE 0 END), SUM(CASE WHEN b.value > 0.5 THEN 1 ELSE 0 END),
       SUM(CASE WHEN a.subscale = %s AND a.value > %s THEN 1 ELSE 0 END),
       SUM(CASE WHEN a.subscale = %s AND a.value > %s AND b.value <= %s THEN 1 ELSE 0 END)
FROM scores a JOIN scores b
  ON b.respondent = a.respondent AND b.person = a.person AND b.case_number = a.case_number
 AND b.subscale = a.subscale
WHERE a.point = 'start' AND b.point IN ('end', 'follow_up_6', 'follow_up_12')
GROUP BY a.respondent, a.subscale, b.point
"""
)

VIOLENCE_FLOOR = (
    "WITH"
    + PERIOD_CASES
    + """
SELECT point, COUNT(*), SUM(CASE WHEN worst < 0.5 THEN 1 ELSE 0 END) FROM (
    SELECT p.partner_id, p.case_number, p.point, COUNT(*) AS known, MAX(s.value) AS worst
    FROM {partnerscore} s JOIN {partnerresponse} r ON r.id = s.response_id
    JOIN {partnerpoint} p ON p.id = r.point_id JOIN {partner} w ON w.id = p.partner_id
    WHERE w.organisation_id = %s AND p.case_number IN (SELECT case_id FROM period_cases)
      AND s.subscale IN ({violence})
    GROUP BY p.partner_id, p.case_number, p.point
) per_point WHERE known = {kinds}
GROUP BY point
"""
)

COUNTS_FLOOR = (
    "WITH"
    + PERIOD_CASES
    + """
SELECT 'man', p.point, p.state, COUNT(*), SUM(CASE WHEN p.closes_on < %s THEN 1 ELSE 0 END)
FROM {casepoint} p JOIN {case} c ON c.id = p.case_id
WHERE c.organisation_id = %s AND p.case_id IN (SELECT case_id FROM period_cases)
GROUP BY p.point, p.state
UNION ALL
SELECT 'partner', p.point, p.state, COUNT(*), SUM(CASE WHEN p.closes_on < %s THEN 1 ELSE 0 END)
FROM {partnerpoint} p JOIN {partner} w ON w.id = p.partner_id
WHERE w.organisation_id = %s AND p.case_number IN (SELECT case_id FROM period_cases)
GROUP BY p.point, p.state
"""
)


@dataclass(frozen=True)
class FloorQuery:
    """The floor's three statements with their parameters, prepared once (untimed)."""

    change: tuple[str, list[Any]]
    violence: tuple[str, list[Any]]
    counts: tuple[str, list[Any]]


def floor_query(organisation_id: int, start: date, end: date, today: date) -> FloorQuery:
    from tandem.outcomes.report import CHILDHOODS, EPSILON, SAFETY, _lowest
    from tandem.outcomes.rules.instruments import ANY, PARTNER, current_instrument

    instrument = current_instrument(PARTNER)
    violence = [s.key for s in instrument.subscales if s.measure == SAFETY and s.score == ANY]
    children = next((s for s in instrument.subscales if s.measure == CHILDHOODS and s.score != ANY), None)
    lowest = _lowest(children) + EPSILON if children is not None else 0.0
    children_key = children.key if children is not None else ""
    tables = _tables()
    period = [organisation_id, start, end]
    return FloorQuery(
        change=(
            CHANGE_FLOOR.format(**tables),
            [*period, organisation_id, organisation_id, children_key, lowest, children_key, lowest, lowest],
        ),
        violence=(
            VIOLENCE_FLOOR.format(**tables, violence=", ".join(["%s"] * len(violence)) or "NULL", kinds=len(violence)),
            [*period, organisation_id, *violence],
        ),
        counts=(COUNTS_FLOOR.format(**tables), [*period, today, organisation_id, today, organisation_id]),
    )


def report_floor(query: FloorQuery) -> dict[str, list[tuple[Any, ...]]]:
    """The report's figures in the database, on Django's connection, every row fetched."""
    from django.db import connection

    found = {}
    with connection.cursor() as cursor:
        for name, (sql, params) in (("change", query.change), ("violence", query.violence), ("counts", query.counts)):
            cursor.execute(sql, params)
            found[name] = cursor.fetchall()
    return found


def floor_agrees(report: Any, floor: dict[str, list[tuple[Any, ...]]]) -> dict[str, Any]:
    """Whether the report's shown figures are the floor's: matched counts and mean changes, and
    the answered points (a suppressed figure is not compared)."""
    change = {(row[0], row[1], row[2]): row for row in floor["change"]}
    compared = differing = 0
    for respondent, side in (("man", report.his), ("partner", report.hers)):
        for comparison in side.comparisons:
            for row in comparison.rows:
                mine = change.get((respondent, row.subscale, comparison.after))
                if row.n.value is not None:
                    compared += 1
                    differing += mine is None or int(mine[3]) != row.n.value
                if row.change.value is not None:
                    compared += 1
                    differing += mine is None or not math.isclose(float(mine[6]), row.change.value, abs_tol=1e-9)
        answered = {row[1]: int(row[3]) for row in floor["counts"] if row[0] == respondent and row[2] == "answered"}
        for response in side.responses:
            if response.answered.value is not None:
                compared += 1
                differing += answered.get(response.point, 0) != response.answered.value
    return {"figures_compared": compared, "figures_differing": differing, "agrees": compared > 0 and not differing}


def settled_points(counts: Iterable[tuple[Any, ...]]) -> dict[str, dict[str, dict[str, int]]]:
    """From the floor's counts, per respondent and time point: the points settled (answered,
    declined, or missed: closed unanswered, or due with the window passed) and those answered,
    to show the attrition the data was built with."""
    found: dict[str, dict[str, dict[str, int]]] = {}
    for respondent, point, state, count, closed in counts:
        row = found.setdefault(respondent, {}).setdefault(point, {"settled": 0, "answered": 0})
        settled = int(closed or 0) if state == "due" else int(count)
        row["settled"] += settled
        row["answered"] += int(count) if state == "answered" else 0
    return {respondent: {point: rows[point] for point in POINTS if point in rows} for respondent, rows in found.items()}


def pool_floor(paths: list[str], statements: list[str]) -> list[list[tuple[Any, ...]]]:
    """The pool's four statements in a fresh DuckDB connection over the same Parquet files."""
    import duckdb

    with duckdb.connect() as connection:
        connection.read_parquet(paths, union_by_name=True).create_view("pool")
        return [connection.execute(sql).fetchall() for sql in statements]


# --------------------------------------------------------------------------------------
# Worker: measure.
# --------------------------------------------------------------------------------------


def spread(times: Sequence[float]) -> dict[str, float]:
    return {
        "median_seconds": round(statistics.median(times), 5),
        "min_seconds": round(min(times), 5),
        "max_seconds": round(max(times), 5),
    }


def in_turn(repeats: int, **runs: Callable[[], Any]) -> tuple[dict[str, list[float]], dict[str, Any]]:
    """Each run once untimed, then ``repeats`` rounds of each in turn."""
    results = {name: run() for name, run in runs.items()}
    times: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(repeats):
        for name, run in runs.items():
            started = time.perf_counter()
            results[name] = run()
            times[name].append(time.perf_counter() - started)
    return times, results


def against(times: Sequence[float], floor: Sequence[float], target: float) -> dict[str, Any]:
    ratio = statistics.median(times) / statistics.median(floor)
    return {
        **spread(times),
        "floor": spread(floor),
        "ratio": round(ratio, 2),
        "target_ratio": target,
        "meets_target": ratio <= target,
    }


def measured_programme(world: World) -> Any:
    """The programme of median size, by the answers written for it."""
    ordered = sorted(world.providers, key=lambda provider: (world.answers_of.get(provider.pk, 0), provider.pk))
    return ordered[(len(ordered) - 1) // 2]


def programme_sizes(provider: Any) -> dict[str, int]:
    """What the measured programme holds (read without a check: the builder's count)."""
    from tandem.cases.models import Case
    from tandem.outcomes.models import ManResponse, ManScore, PartnerResponse, PartnerScore

    return {
        "cases": Case._base_manager.filter(organisation_id=provider.pk).count(),
        "his_answers": ManResponse._base_manager.filter(point__case__organisation_id=provider.pk).count(),
        "her_answers": PartnerResponse._base_manager.filter(point__partner__organisation_id=provider.pk).count(),
        "his_score_rows": ManScore._base_manager.filter(response__point__case__organisation_id=provider.pk).count(),
        "her_score_rows": PartnerScore._base_manager.filter(
            response__point__partner__organisation_id=provider.pk
        ).count(),
    }


def measure_report(world: World, repeats: int) -> dict[str, Any]:
    from tandem.core import clock
    from tandem.outcomes.report import Period, build_report
    from tandem.outcomes.report_render import render_document, render_pdf

    provider = measured_programme(world)
    today = clock.today()
    # Three years back: every case opened over the last two, with its start, is in the period.
    period = Period.of_months((today.year - 3, today.month), (today.year, today.month))
    query = floor_query(provider.pk, period.start, period.end, today)
    log(f"timing the report of {provider.name} against its SQL floor, {repeats} timed runs each")
    times, results = in_turn(
        repeats,
        report=lambda: build_report(provider, period),
        report_sql_floor=lambda: report_floor(query),
    )
    report = results["report"]
    measured: dict[str, Any] = {
        "report": {
            "programme": {"id": provider.pk, **programme_sizes(provider)},
            "period": {"from": period.start.isoformat(), "to": period.end.isoformat()},
            **against(times["report"], times["report_sql_floor"], TARGET_REPORT_RATIO),
            "floor_rows": {name: len(rows) for name, rows in results["report_sql_floor"].items()},
            "floor_agrees": floor_agrees(report, results["report_sql_floor"]),
            "points_settled": settled_points(results["report_sql_floor"]["counts"]),
        }
    }
    log(f"  report {measured['report']['median_seconds']} s, ratio {measured['report']['ratio']}")
    log(f"timing the HTML and the PDF, {repeats} timed runs each")
    times, results = in_turn(repeats, html=lambda: render_document(report, language="en"))
    measured["report_html"] = {**spread(times["html"]), "bytes": len(results["html"].encode())}
    times, results = in_turn(repeats, pdf=lambda: render_pdf(report, language="en"))
    pdf_median = statistics.median(times["pdf"])
    measured["pdf"] = {
        **spread(times["pdf"]),
        "target_seconds": TARGET_PDF_SECONDS,
        "meets_target": pdf_median < TARGET_PDF_SECONDS,
        "bytes": len(results["pdf"]),
    }
    log(f"  HTML {measured['report_html']['median_seconds']} s, PDF {pdf_median:.3f} s")
    return measured


def measure_pool(world: World, repeats: int) -> dict[str, Any]:
    from tandem.core import clock
    from tandem.outcomes import pool, pool_actions

    today = clock.today()
    log(f"recording {len(world.providers)} agreements and contributions to the pool in {pool.pool_dir()}")
    for provider in world.providers:
        pool_actions.record_agreement(
            organisation=provider,
            reference=f"DSA-{provider.pk:04d}",
            signed_on=today - 30 * DAY,
            starts_on=today - 30 * DAY,
            ends_on=None,
            scope="Benchmarking of outcomes across the network's programmes.",
            acting_user=world.staff[provider.pk].admin,
        )
    contributed: list[float] = []
    rows = 0
    for provider in world.providers:
        started = time.perf_counter()
        contribution = pool_actions.contribute(organisation=provider, acting_user=world.staff[provider.pk].admin)
        contributed.append(time.perf_counter() - started)
        rows += contribution.rows
    log(f"  contributed {rows:,} rows in {sum(contributed):.1f} s")
    files = pool.pooled_files()
    paths = [str(file.path) for file in files]
    listed = ", ".join("'" + key.replace("'", "''") + "'" for key in pool._occurrence_subscales()) or "NULL"
    statements = [pool.RESPONSE_SQL, pool.ATTRITION_SQL, pool.CHANGE_SQL, pool.NO_VIOLENCE_SQL.format(subscales=listed)]
    log(f"timing the pooled benchmarks against raw DuckDB, {repeats} timed runs each")
    times, results = in_turn(repeats, pool=pool.benchmarks, pool_duckdb_floor=lambda: pool_floor(paths, statements))
    figures = results["pool"]
    floor_rows = [len(found) for found in results["pool_duckdb_floor"]]
    ours = [len(figures.response), len(figures.attrition), len(figures.change), len(figures.no_violence)]
    measured = {
        "pool_contribute": {
            "total_seconds": round(sum(contributed), 3),
            "median_seconds_a_programme": round(statistics.median(contributed), 4),
            "max_seconds_a_programme": round(max(contributed), 4),
            "rows": rows,
            "files": len(files),
            "parquet_bytes": sum(Path(path).stat().st_size for path in paths),
        },
        "pool": {
            **against(times["pool"], times["pool_duckdb_floor"], TARGET_POOL_RATIO),
            "figures": dict(zip(("response", "attrition", "change", "no_violence"), ours, strict=True)),
            "floor_rows": dict(zip(("response", "attrition", "change", "no_violence"), floor_rows, strict=True)),
            "floor_agrees": ours == floor_rows,
        },
    }
    log(f"  benchmarks {measured['pool']['median_seconds']} s, ratio {measured['pool']['ratio']}")
    return measured


def totals() -> dict[str, Any]:
    """The sizes built, counted in the database (read without a check: the builder's count)."""
    from tandem.cases.models import Case
    from tandem.core.models import Organisation
    from tandem.core.roles import OrganisationKind
    from tandem.outcomes.models import CasePoint, ManResponse, ManScore, PartnerPoint, PartnerResponse, PartnerScore
    from tandem.survivors.models import Partner

    his = ManResponse._base_manager.count()
    hers = PartnerResponse._base_manager.count()
    return {
        "programmes": Organisation.objects.filter(kind=OrganisationKind.PROGRAMME_PROVIDER).count(),
        "cases": Case._base_manager.count(),
        "partners": Partner._base_manager.count(),
        "points": CasePoint._base_manager.count() + PartnerPoint._base_manager.count(),
        "answers": his + hers,
        "his_answers": his,
        "her_answers": hers,
        "his_share_percent": round(100 * his / (his + hers), 1) if his + hers else 0,
        "score_rows": ManScore._base_manager.count() + PartnerScore._base_manager.count(),
    }


def main_worker(args: argparse.Namespace) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    result: dict[str, Any] = {"status": "ok", "database": {"vendor": connection.vendor}}
    try:
        call_command("migrate", verbosity=0)
        rng = random.Random(args.seed)
        started = time.perf_counter()
        world = build_world(args, rng)
        result["generation_seconds"] = round(time.perf_counter() - started, 1)
        if connection.vendor == "postgresql":
            # Settle the bulk load as autovacuum and the checkpointer would soon after it, so that
            # neither runs in the middle of a measurement.
            started = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute("VACUUM (ANALYZE)")
                cursor.execute("CHECKPOINT")
            result["settle_seconds"] = round(time.perf_counter() - started, 1)
        # PostgreSQL's server version as a number (e.g. 160004), or SQLite's library version.
        result["database"]["version"] = getattr(connection, "pg_version", None) or sqlite3.sqlite_version
        result["sizes"] = totals()
        result["rows_written"] = world.counts
        log(f"  built in {result['generation_seconds']} s: {result['sizes']}")
        measured = measure_report(world, args.repeats)
        measured.update(measure_pool(world, args.repeats))
        result["measurements"] = measured
    except Exception as exc:  # reported as a failed run in the JSON, with the traceback on stderr
        import traceback

        traceback.print_exc()
        result = {"status": "failed", "reason": f"{type(exc).__name__}: {exc}"}
    Path(args.worker_output).write_text(json.dumps(result, default=str, ensure_ascii=False))
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--answers", type=int, default=1_000_000, help="questionnaire answers, his and hers")
    parser.add_argument("--programmes", type=int, default=50, help="programme providers sharing them")
    parser.add_argument("--repeats", type=int, default=5, help="timed runs per measurement (the median is reported)")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES_URL)
    parser.add_argument("--output", help="where to write the JSON (default bench/results/outcomes-<time>.json)")
    parser.add_argument("--seed", type=int, default=2027)
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--worker-output", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.programmes < 1 or args.answers < 10 * args.programmes:
        parser.error("--programmes must be at least 1, and --answers at least ten a programme")
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")
    return main_worker(args) if args.worker else main_parent(args)


if __name__ == "__main__":
    sys.exit(main())
