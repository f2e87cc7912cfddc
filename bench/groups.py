"""Benchmark of group work: a session's attendance page and the fidelity report.

    uv run python bench/groups.py [--groups 1000] [--sessions 30] [--men 12] [--programmes 2]
                                 [--requests 200] [--warm-up 20] [--repeats 20]
                                 [--databases sqlite,postgresql]

Per database, in a subprocess of its own with a fresh ``migrate``, the script builds one
programme provider running GROUPS groups of SESSIONS weekly sessions and MEN men each, spread
over PROGRAMMES programmes and over about three years (the earliest groups started two and a
half years ago, the latest start in three months), then measures, against floors measured in
the same run on the same data:

* attendance: ``/groups/<id>/sessions/<id>/``, the attendance page of the last session held by
  a running group of MEN men, through the whole request pipeline (``django.test.Client``:
  every middleware, the session saved, the templates with their context processors), signed in
  as the provider's coordinator with her second factor verified, against the floor
  ``/bench/bare/``: a bare view rendering a small template that extends nothing (the script's
  own URLconf, ``urlpatterns`` below, is Tandem's with the benchmark's pages added);
* layout (a reference, with no target): ``/bench/layout/``, a page extending Tandem's
  ``base.html`` with no content of its own, so that the layout's share of the attendance
  page's time shows (``ratio_to_layout``);
* fidelity: ``tandem.groups.fidelity.fidelity(scope)`` for one programme and the current
  calendar year (median of ``--repeats`` calls) against the raw SQL aggregate: the same
  figures from hand-written SQL over the same tables, fetched and nothing more;
* fidelity_page: ``/groups/fidelity/?programme=<id>&year=<year>`` (its charts and tables
  included) against ``/bench/fidelity-floor/``, a bare view that runs that raw SQL and renders
  the row counts in a small template.

Pages are requested in turn after a warm-up, REQUESTS times each, so that other work on the
machine slows them alike; each has its median, its 95th percentile (nearest rank) and its ratio
to its floor's median, with ``meets_ratio`` against the issue's target (at most 3× the floor).
The SQL statements of one request of each page are counted at the built size and again once
the measured group has twice as many men (with their attendance): ``queries_constant``. The
counts are asserted in the test suite (``tests/groups/test_fidelity.py`` for the figures), not
here.

How the data is made: the platform administrator, the provider, its programmes, the accounts,
the memberships, the coordinator's authenticator and the facilitators' profiles go through
Tandem's actions (accounts with the MD5 hasher, since no password is measured). The groups are
written with ``bulk_create`` (a thousand groups through the actions would take hours and write
hundreds of thousands of audit entries), with the fields the actions set: each group with its
team of a woman and a man, its weekly sessions (held, some recorded as not taking place, some
never recorded, the future ones planned; a few held with a stand-in, and a few under an
override with two women), its men (participants and cases in the matching state), their
memberships (most complete, some drop out, are excluded or transferred part-way), one
attendance record per man expected at each held session, and catch-ups for some excused
absences. The shipped curriculum has 26 sessions; with the issue's 30 a group's last four
sessions lie beyond it, and count for nobody's dosage, as Tandem counts them. On PostgreSQL the
load is then settled (``VACUUM (ANALYZE)`` and ``CHECKPOINT``).

Results are JSON, printed and written to bench/results/groups-<timestamp>.json (or
``--output``). Targets are reported, never asserted.
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
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time as clock_time, timedelta
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
if str(BENCH_DIR.parent) not in sys.path:  # run as a script: the bench package sits beside it
    sys.path.insert(0, str(BENCH_DIR.parent))
from bench.cases import (  # noqa: E402
    FIRST_NAMES,
    LAST_NAMES,
    LAYOUT_URL,
    authenticator,
    bare_view,
    layout_view,
    p95,
    signed_in_client,
    statements_of,
    time_pages,
)
from bench.worker import log, run_in_database  # noqa: E402

RESULTS_DIR = BENCH_DIR / "results"
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432"
TARGET_RATIO = 3.0  # each measured page or figure at most this many times its floor
BARE_URL = "/bench/bare/"
FIDELITY_FLOOR_URL = "/bench/fidelity-floor/"
CURRICULUM = "tandem-generic-1"
BATCH = 2000
CHUNK = 50  # groups written per transaction
DAY, WEEK = timedelta(days=1), timedelta(weeks=1)
FACILITATORS = 16  # half women, half men
# A man's record at a held session, in parts of a hundred (he is more often absent once he
# is about to drop out).
CODES = {"attended": 76, "late": 8, "failed_to_comply": 2, "acceptable_absence": 8, "unacceptable_absence": 6}
LEAVING_CODES = {"attended": 40, "late": 5, "failed_to_comply": 5, "acceptable_absence": 15, "unacceptable_absence": 35}
ENDINGS = {"completed": 66, "dropped_out": 20, "excluded": 8, "transferred": 4, "active": 2}
CASE_STATE = {
    "completed": "completed",
    "dropped_out": "dropped_out",
    "excluded": "excluded",
    "transferred": "transferred",
    "active": "in_programme",
}
GROUP_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


# --------------------------------------------------------------------------------------
# The floors: a bare view (from bench/cases.py) and the fidelity figures in raw SQL.
# --------------------------------------------------------------------------------------

FLOOR_TEMPLATE = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Bench</title></head>'
    "<body><main><h1>Fidelity</h1><ul>{% for name, count in counts %}<li>{{ name }}: {{ count }}</li>{% endfor %}"
    "</ul></main></body></html>"
)
_compiled: dict[str, Any] = {}
_floor_scope: dict[str, Any] = {}  # the scope the floor view computes, set before it is requested

# The URLconf the worker points ROOT_URLCONF at, filled once Django is set up.
urlpatterns: list[Any] = []


def raw_fidelity(scope: Any, now: datetime) -> dict[str, list[tuple[Any, ...]]]:
    """The fidelity figures of ``scope`` (one programme of one provider) in hand-written SQL:
    the groups, the sessions per group (delivery, team, override, cover), the attendance per
    group and per month, and each man's sessions counted. Rows fetched, nothing more."""
    from django.db import connection

    ops = connection.ops
    since, until = ops.adapt_datetimefield_value(scope.since), ops.adapt_datetimefield_value(scope.until)
    moment = ops.adapt_datetimefield_value(now)
    where = "g.organisation_id = %s AND g.programme_id = %s"
    base = [scope.organisation_id, scope.programme_id]
    in_period = "s.start >= %s AND s.start < %s AND NOT (s.state = 'planned' AND g.state = 'cancelled')"
    attended = "('attended', 'late')"
    # The month of a session by comparing with the months' ends, as the fastest hand-written SQL
    # would; truncating each date runs a function per row (in Python on SQLite).
    ends = scope.month_ends()[:-1]
    month_sql = "CASE " + " ".join(f"WHEN s.start < %s THEN {i}" for i in range(len(ends))) + f" ELSE {len(ends)} END"
    month_params = [ops.adapt_datetimefield_value(end) for end in ends]
    led = (
        "s.id IN (SELECT sf.session_id FROM groups_sessionfacilitator sf "
        "JOIN groups_groupsession s2 ON s2.id = sf.session_id JOIN groups_group g2 ON g2.id = s2.group_id "
        "{join} WHERE g2.organisation_id = %s AND g2.programme_id = %s AND s2.start >= %s AND s2.start < %s "
        "AND {condition})"
    )
    by_gender = "JOIN groups_facilitatorprofile f ON f.id = sf.facilitator_id"
    with_woman = led.format(join=by_gender, condition="f.gender = 'woman'")
    with_man = led.format(join=by_gender, condition="f.gender = 'man'")
    with_cover = led.format(join="", condition="sf.cover")
    team_params = [*base, since, until]
    statements: dict[str, tuple[str, list[Any]]] = {
        "groups": (
            "SELECT g.id, g.name, g.state, g.curriculum, g.programme_id, p.name FROM groups_group g "
            "LEFT JOIN mapping_programme p ON p.id = g.programme_id "
            f"WHERE {where} AND (EXISTS (SELECT 1 FROM groups_groupsession s WHERE s.group_id = g.id AND {in_period}) "
            "OR EXISTS (SELECT 1 FROM groups_membership m WHERE m.group_id = g.id AND m.joined_at < %s "
            "AND (m.ended_at IS NULL OR m.ended_at >= %s))) ORDER BY g.name, g.id",
            [*base, since, until, until, since],
        ),
        "sessions": (
            f"SELECT s.group_id, {month_sql} AS month, COUNT(*), "
            "SUM(CASE WHEN s.state = 'held' THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN s.state = 'cancelled' THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN s.state = 'planned' AND s.\"end\" < %s THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN s.state = 'planned' AND s.\"end\" >= %s THEN 1 ELSE 0 END), "
            f"SUM(CASE WHEN s.state = 'held' AND s.override_reason = '' AND {with_woman} AND {with_man} "
            "THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN s.state = 'held' AND s.override_reason <> '' THEN 1 ELSE 0 END), "
            f"SUM(CASE WHEN s.state = 'held' AND {with_cover} THEN 1 ELSE 0 END) "
            "FROM groups_groupsession s JOIN groups_group g ON g.id = s.group_id "
            f"WHERE {where} AND {in_period} GROUP BY s.group_id, month",
            [*month_params, moment, moment, *team_params, *team_params, *team_params, *base, since, until],
        ),
        "attendance": (
            f"SELECT s.group_id, {month_sql} AS month, COUNT(*), "
            f"SUM(CASE WHEN a.code IN {attended} THEN 1 ELSE 0 END) "
            "FROM groups_attendance a JOIN groups_groupsession s ON s.id = a.session_id "
            "JOIN groups_group g ON g.id = s.group_id "
            f"WHERE {where} AND s.state = 'held' AND s.start >= %s AND s.start < %s "
            "GROUP BY s.group_id, month",
            [*month_params, *base, since, until],
        ),
        "men": (
            "SELECT m.id, m.group_id, g.curriculum, m.ended_as, m.ended_at, COUNT(s.id) "
            "FROM groups_membership m JOIN groups_group g ON g.id = m.group_id "
            f"LEFT JOIN groups_attendance a ON a.membership_id = m.id AND a.code IN {attended} "
            "LEFT JOIN groups_groupsession s ON s.id = a.session_id AND s.state = 'held' AND s.start < %s "
            "AND s.number <= 26 "
            f"WHERE {where} AND m.joined_at < %s AND (m.ended_at IS NULL OR m.ended_at >= %s) "
            "GROUP BY m.id, m.group_id, g.curriculum, m.ended_as, m.ended_at",
            [until, *base, until, since],
        ),
        "made_up": (
            "SELECT c.membership_id, COUNT(DISTINCT c.number) FROM groups_catchup c "
            "JOIN groups_membership m ON m.id = c.membership_id JOIN groups_group g ON g.id = m.group_id "
            f"WHERE {where} AND m.joined_at < %s AND (m.ended_at IS NULL OR m.ended_at >= %s) "
            "AND c.state = 'attended' AND c.start < %s AND c.number BETWEEN 1 AND 26 AND NOT EXISTS ("
            "SELECT 1 FROM groups_groupsession s JOIN groups_attendance a ON a.session_id = s.id "
            "WHERE s.group_id = m.group_id AND s.number = c.number AND a.membership_id = c.membership_id "
            f"AND s.state = 'held' AND s.start < %s AND a.code IN {attended}) "
            "GROUP BY c.membership_id",
            [*base, until, since, until, until],
        ),
    }
    found: dict[str, list[tuple[Any, ...]]] = {}
    with connection.cursor() as cursor:
        for name, (sql, params) in statements.items():
            cursor.execute(sql, params)
            found[name] = cursor.fetchall()
    return found


def raw_bands(raw: dict[str, list[tuple[Any, ...]]]) -> list[int]:
    """The dosage bands from the raw rows, against the shipped curriculum's minimum."""
    from tandem.groups.fidelity import BANDS, band_of
    from tandem.groups.rules.curriculum import shipped_curriculum

    minimum = shipped_curriculum(CURRICULUM).minimum_sessions
    made_up = dict(raw["made_up"])
    bands = [0] * BANDS
    for row in raw["men"]:
        bands[band_of(row[5] + made_up.get(row[0], 0), minimum)] += 1
    return bands


def fidelity_floor_view(request: Any) -> Any:
    from django.http import HttpResponse
    from django.template import engines

    from tandem.core import clock

    rows = raw_fidelity(_floor_scope["scope"], clock.now())
    if "floor" not in _compiled:
        _compiled["floor"] = engines["django"].from_string(FLOOR_TEMPLATE)
    counts = [(name, len(found)) for name, found in rows.items()]
    return HttpResponse(_compiled["floor"].render({"counts": counts}, request))


def install_urls() -> None:
    from django.contrib.auth.decorators import login_required
    from django.urls import path

    from tandem import urls

    urlpatterns[:] = [
        path(BARE_URL.lstrip("/"), login_required(bare_view)),
        path(LAYOUT_URL.lstrip("/"), login_required(layout_view)),
        path(FIDELITY_FLOOR_URL.lstrip("/"), login_required(fidelity_floor_view)),
        *urls.urlpatterns,
    ]


# --------------------------------------------------------------------------------------
# Parent: one subprocess per database.
# --------------------------------------------------------------------------------------


def run_database(vendor: str, args: argparse.Namespace) -> dict[str, Any]:
    arguments = [
        "--groups", str(args.groups), "--sessions", str(args.sessions), "--men", str(args.men),
        "--programmes", str(args.programmes), "--requests", str(args.requests), "--warm-up", str(args.warm_up),
        "--repeats", str(args.repeats), "--seed", str(args.seed),
    ]  # fmt: skip
    return run_in_database(Path(__file__).resolve(), vendor, args.postgres_url, arguments, "groups")


def main_parent(args: argparse.Namespace) -> int:
    wanted = [d.strip() for d in args.databases.split(",") if d.strip()]
    unknown = set(wanted) - {"sqlite", "postgresql"}
    if unknown:
        raise SystemExit(f"unknown database(s): {', '.join(sorted(unknown))}")
    results: dict[str, Any] = {
        "benchmark": "groups",
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        },
        "sizes": {
            "groups": args.groups,
            "sessions_per_group": args.sessions,
            "men_per_group": args.men,
            "programmes": args.programmes,
            "requests_per_page": args.requests,
            "warm_up_requests": args.warm_up,
            "repeats": args.repeats,
        },
        "targets": {"ratio_to_floor_at_most": TARGET_RATIO},
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
    output = Path(args.output) if args.output else RESULTS_DIR / f"groups-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text + "\n")
    log(f"written to {output}")
    return 0


# --------------------------------------------------------------------------------------
# Worker: build the data.
# --------------------------------------------------------------------------------------


@dataclass
class World:
    now: datetime
    provider: Any
    coordinator: Any
    device: Any
    programmes: list[Any]
    women: list[int]  # facilitator profiles
    men: list[int]
    counts: dict[str, int] = field(default_factory=dict)


def build_people(args: argparse.Namespace) -> World:
    """The provider, its programmes, coordinator and facilitators, through the actions."""
    from django.test.utils import override_settings

    from tandem.core import actions
    from tandem.core.audit import COMMAND_LINE
    from tandem.core.roles import OrganisationKind, Role
    from tandem.geo.models import Country, Region
    from tandem.groups.actions import planning
    from tandem.mapping.actions.registry import register_programme

    builder = actions.create_platform_admin(username="bench.builder", password=secrets.token_urlsafe(24))
    country = Country.objects.get(code="AL")
    provider = actions.create_organisation(
        name="Bench provider", kind=OrganisationKind.PROGRAMME_PROVIDER, country=None, acting_user=builder
    )

    def person(role: Role, name: str) -> Any:
        account = actions.create_account(
            username=f"bench.{role}.{name}".lower().replace(" ", "."),
            password=secrets.token_urlsafe(16),
            first_name="Bench",
            last_name=name,
            language="",
            acting_user=builder,
            context=COMMAND_LINE,
        )
        actions.add_member(organisation=provider, user=account, role=role, acting_user=builder)
        return account

    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        coordinator = person(Role.COORDINATOR, "Coordinator")
        staff = [person(Role.FACILITATOR, f"Facilitator {i}") for i in range(FACILITATORS)]
    women: list[int] = []
    men: list[int] = []
    for index, account in enumerate(staff):
        gender = "woman" if index % 2 == 0 else "man"
        profile = planning.save_facilitator(
            organisation=provider,
            person=account,
            details=planning.ProfileDetails(gender=gender, trained_on=date(2020, 1, 1)),
            expected_version=0,
            acting_user=coordinator,
            context=COMMAND_LINE,
        )
        (women if gender == "woman" else men).append(profile.pk)
    regions = list(Region.objects.filter(country=country)[:1])
    programmes = [
        register_programme(
            provider=provider,
            code=f"AL-BENCH-{index:02d}",
            name=f"Bench programme {index}",
            country=country,
            regions=regions,
            details={
                "format": "group",
                "cost": "free",
                "status": "functioning",
                "status_confirmed_on": date(2026, 1, 1),
                "legal_bases": ["court_mandated"],
            },
            acting_user=builder,
            context=COMMAND_LINE,
        )
        for index in range(args.programmes)
    ]
    return World(
        now=datetime.now(UTC).replace(microsecond=0),
        provider=provider,
        coordinator=coordinator,
        device=authenticator(coordinator),
        programmes=programmes,
        women=women,
        men=men,
    )


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


@dataclass
class Drawn:
    """One group as drawn, before it is written."""

    group: Any
    team: tuple[int, int]  # woman, man
    starts: list[datetime]


def _local(day: date, at: clock_time) -> datetime:
    from django.utils import timezone

    return timezone.make_aware(datetime.combine(day, at), timezone.get_default_timezone())


def draw_group(rng: random.Random, world: World, index: int, args: argparse.Namespace) -> Drawn:
    from tandem.groups.models import Group

    # Start dates spread evenly from two and a half years ago to three months ahead.
    span = (2.5 * 365 + 91) * DAY
    start_day = (world.now - 2.5 * 365 * DAY + span * index / max(args.groups - 1, 1)).date()
    weekday = rng.randrange(5)
    first = start_day + timedelta(days=(weekday - start_day.weekday()) % 7)
    at = clock_time(rng.choice([10, 14, 17, 18]), 30)
    starts = [_local(first + n * WEEK, at) for n in range(args.sessions)]
    team = (rng.choice(world.women), rng.choice(world.men))
    group = Group(
        organisation_id=world.provider.pk,
        programme_id=world.programmes[index % len(world.programmes)].pk,
        name=f"{GROUP_NAMES[weekday]} group {index + 1:04d}",
        curriculum=CURRICULUM,
        intake="closed",
        venue="Community centre, room 2",
        weekday=weekday,
        start_time=at,
        start_date=start_day,
        capacity=args.men,
        language="sq",
        created_at=_local(start_day - 3 * WEEK, clock_time(9)),
    )
    return Drawn(group=group, team=team, starts=starts)


def write_groups(rng: random.Random, world: World, drawn: list[Drawn], args: argparse.Namespace) -> dict[str, int]:
    """A chunk of groups with everything they gather, in one transaction, in bulk."""
    from django.db import transaction

    from tandem.groups.models import (
        Attendance,
        CatchUp,
        Group,
        GroupFacilitator,
        GroupSession,
        SessionFacilitator,
    )

    now = world.now
    rows: dict[Any, list[Any]] = {}
    with transaction.atomic():
        groups = Group.objects.bulk_create([d.group for d in drawn], batch_size=BATCH)
        sessions: list[Any] = []
        states: dict[int, list[str]] = {}
        for d, group in zip(drawn, groups, strict=True):
            states[group.pk] = []
            for number, start in enumerate(d.starts, start=1):
                if start < now:
                    draw = rng.random()
                    state = "held" if draw < 0.93 else "cancelled" if draw < 0.96 else "planned"
                else:
                    state = "planned"
                states[group.pk].append(state)
                recorded = state != "planned"
                sessions.append(
                    GroupSession(
                        group_id=group.pk,
                        number=number,
                        start=start,
                        end=start + timedelta(minutes=90),
                        state=state,
                        version=2 if recorded else 1,
                        recorded_by_id=world.coordinator.pk if recorded else None,
                        recorded_at=start + timedelta(hours=3) if recorded else None,
                    )
                )
            begun = set(states[group.pk]) != {"planned"}
            group.state = "finished" if "planned" not in states[group.pk] else "running" if begun else "planned"
        Group.objects.bulk_update(groups, ["state"], batch_size=BATCH)
        sessions = GroupSession.objects.bulk_create(sessions, batch_size=BATCH)
        by_group: dict[int, list[Any]] = {}
        for session in sessions:
            by_group.setdefault(session.group_id, []).append(session)
        for d, group in zip(drawn, groups, strict=True):
            woman, man = d.team
            rows.setdefault(GroupFacilitator, []).extend(
                [GroupFacilitator(group_id=group.pk, facilitator_id=p) for p in d.team]
            )
            for session in by_group[group.pk]:
                draw = rng.random()
                if session.state == "held" and draw < 0.04:
                    # The man was ill and no man could stand in: two women, under an override.
                    stand_in = rng.choice([p for p in world.women if p != woman])
                    session.override_reason = "The man facilitator was ill and no man could stand in."
                    team = [(woman, False), (stand_in, True)]
                elif session.state == "held" and draw < 0.08:
                    stand_in = rng.choice([p for p in world.men if p != man])
                    team = [(woman, False), (stand_in, True)]
                else:
                    team = [(woman, False), (man, False)]
                rows.setdefault(SessionFacilitator, []).extend(
                    SessionFacilitator(session_id=session.pk, facilitator_id=p, cover=cover) for p, cover in team
                )
        GroupSession.objects.bulk_update(
            [s for s in sessions if s.override_reason], ["override_reason"], batch_size=BATCH
        )
        men = _write_men(rng, world, groups, by_group, args)
        written = {"group": len(groups), "groupsession": len(sessions)}
        for group in groups:
            _attendance_rows(rng, world, by_group[group.pk], men[group.pk], rows)
        for model in (GroupFacilitator, SessionFacilitator, Attendance, CatchUp):
            made = rows.get(model, [])
            model.objects.bulk_create(made, batch_size=BATCH)
            written[str(model._meta.model_name)] = len(made)
        written["participant"] = written["case"] = written["membership"] = sum(len(m) for m in men.values())
    return written


@dataclass
class Man:
    membership: Any
    joined_at: datetime
    leaves_after: int | None  # the session number after which he left, if he did
    ending: str


def _write_men(
    rng: random.Random, world: World, groups: list[Any], by_group: dict[int, list[Any]], args: argparse.Namespace
) -> dict[int, list[Any]]:
    """MEN men per group: participant, case in the matching state, membership."""
    from tandem.cases.models import Case, Participant
    from tandem.groups.models import Membership

    plans: list[tuple[Any, Man]] = []
    participants: list[Any] = []
    for group in groups:
        sessions = by_group[group.pk]
        held_last = max((s.number for s in sessions if s.state != "planned"), default=0)
        for _ in range(args.men):
            joined = sessions[0].start - rng.randrange(3, 21) * DAY
            ending = _weighted(rng, ENDINGS)
            if ending == "completed":
                leaves_after = len(sessions) if group.state == "finished" else None
            elif ending == "active":
                leaves_after = None
            else:
                leaves_after = rng.randrange(2, len(sessions) - 2)
            if leaves_after is not None and leaves_after > held_last:
                leaves_after, ending = None, "active"
            if leaves_after is None:
                ending = "active"
            participants.append(
                Participant(
                    organisation_id=world.provider.pk,
                    name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                    created_at=joined - 60 * DAY,
                )
            )
            plans.append((group, Man(membership=None, joined_at=joined, leaves_after=leaves_after, ending=ending)))
    participants = Participant.objects.bulk_create(participants, batch_size=BATCH)
    cases = Case.objects.bulk_create(
        [
            Case(
                organisation_id=world.provider.pk,
                participant_id=participant.pk,
                state=CASE_STATE[man.ending],
                version=5,
                opened_at=participant.created_at,
                state_since=participant.created_at + 30 * DAY,
            )
            for participant, (_group, man) in zip(participants, plans, strict=True)
        ],
        batch_size=BATCH,
    )
    memberships = []
    for case, (group, man) in zip(cases, plans, strict=True):
        sessions = by_group[group.pk]
        ended_at = sessions[man.leaves_after - 1].end + DAY if man.leaves_after is not None else None
        memberships.append(
            Membership(
                group_id=group.pk,
                case_id=case.pk,
                first_session=1,
                state="ended" if ended_at is not None else "active",
                ended_as=man.ending if ended_at is not None else "",
                joined_at=man.joined_at,
                ended_at=ended_at,
                allocated_by_id=world.coordinator.pk,
            )
        )
    memberships = Membership.objects.bulk_create(memberships, batch_size=BATCH)
    found: dict[int, list[Any]] = {}
    for membership, (group, man) in zip(memberships, plans, strict=True):
        man.membership = membership
        found.setdefault(group.pk, []).append(man)
    return found


def _attendance_rows(
    rng: random.Random, world: World, sessions: list[Any], men: list[Man], rows: dict[Any, list[Any]]
) -> None:
    """One attendance record per man expected at each held session, and catch-ups for some of
    the sessions he was excused from."""
    from tandem.groups.models import Attendance, CatchUp

    for man in men:
        leaving = man.ending in ("dropped_out", "excluded")
        for session in sessions:
            if session.state != "held":
                continue
            if man.leaves_after is not None and session.number > man.leaves_after:
                break
            near_end = leaving and man.leaves_after is not None and session.number > man.leaves_after - 4
            code = _weighted(rng, LEAVING_CODES if near_end else CODES)
            rows.setdefault(Attendance, []).append(
                Attendance(session_id=session.pk, membership_id=man.membership.pk, code=code)
            )
            made_up_at = session.start + 2 * DAY
            if code == "acceptable_absence" and rng.random() < 0.4 and made_up_at < world.now:
                rows.setdefault(CatchUp, []).append(
                    CatchUp(
                        membership_id=man.membership.pk,
                        number=session.number,
                        start=made_up_at,
                        facilitator_id=rng.choice(world.women + world.men),
                        state="attended",
                        version=2,
                        planned_by_id=world.coordinator.pk,
                        planned_at=session.start + DAY,
                        recorded_at=made_up_at + timedelta(hours=2),
                    )
                )


def build_world(args: argparse.Namespace, rng: random.Random) -> World:
    log("building the provider, its programmes and staff through the actions")
    world = build_people(args)
    log(f"building {args.groups} groups × {args.sessions} sessions × {args.men} men (bulk)")
    started = time.perf_counter()
    for first in range(0, args.groups, CHUNK):
        drawn = [draw_group(rng, world, index, args) for index in range(first, min(first + CHUNK, args.groups))]
        for name, count in write_groups(rng, world, drawn, args).items():
            world.counts[name] = world.counts.get(name, 0) + count
        done = min(first + CHUNK, args.groups)
        if done % max(CHUNK, (args.groups // 10) // CHUNK * CHUNK) == 0 or done == args.groups:
            spent = time.perf_counter() - started
            left = spent / done * (args.groups - done)
            log(f"  {done} of {args.groups} groups in {spent:.1f} s (about {left:.0f} s left)")
    return world


# --------------------------------------------------------------------------------------
# Worker: measure.
# --------------------------------------------------------------------------------------


def measured_session(world: World, args: argparse.Namespace) -> tuple[Any, Any]:
    """The last held session within the curriculum of a running group of the programme measured
    whose men are all still in it, with the most sessions behind it (at least eight, as far as
    there is one)."""
    from django.db.models import Count, Q

    from tandem.groups.models import Group, GroupSession

    running = Group._base_manager.filter(programme_id=world.programmes[0].pk, state="running").annotate(
        active=Count("members", filter=Q(members__state="active"), distinct=True),
        held=Count("sessions", filter=Q(sessions__state="held", sessions__number__lte=26), distinct=True),
    )
    group = running.filter(active=args.men, held__gte=8).order_by("-held").first() or running.order_by("-held")[0]
    session = (
        GroupSession._base_manager.filter(group_id=group.pk, state="held", number__lte=26).order_by("-number").first()
    )
    return group, session


def more_men(rng: random.Random, world: World, group: Any, count: int) -> None:
    """``count`` more men in ``group`` with their attendance at its held sessions: the statements a
    page sends must not grow with them."""
    from django.db import transaction

    from tandem.groups.models import Attendance, CatchUp, GroupSession

    sessions = list(GroupSession._base_manager.filter(group_id=group.pk).order_by("number"))
    with transaction.atomic():
        men = _write_men(rng, world, [group], {group.pk: sessions}, argparse.Namespace(men=count))
        rows: dict[Any, list[Any]] = {}
        _attendance_rows(rng, world, sessions, men[group.pk], rows)
        for model in (Attendance, CatchUp):
            model.objects.bulk_create(rows.get(model, []), batch_size=BATCH)


def figures(samples: list[float], floor: float | None) -> dict[str, Any]:
    median = statistics.median(samples)
    found: dict[str, Any] = {
        "runs": len(samples),
        "median_seconds": round(median, 5),
        "p95_seconds": round(p95(samples), 5),
        "min_seconds": round(min(samples), 5),
        "max_seconds": round(max(samples), 5),
    }
    if floor is not None:
        found.update(
            {
                "floor_median_seconds": round(floor, 5),
                "ratio": round(median / floor, 2),
                "meets_ratio": median / floor <= TARGET_RATIO,
            }
        )
    return found


def timed(run: Any, repeats: int) -> list[float]:
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        run()
        samples.append(time.perf_counter() - started)
    return samples


def count_queries(run: Any) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        run()
    return len(captured)


def measure(args: argparse.Namespace, rng: random.Random, world: World) -> dict[str, Any]:
    from django.test.utils import override_settings

    from tandem.core import clock
    from tandem.groups.fidelity import Scope, fidelity

    year = clock.today().year
    programme = world.programmes[0]
    scope = Scope(
        organisation_id=world.provider.pk,
        programme_id=programme.pk,
        start=date(year, 1, 1),
        end=date(year, 12, 31),
    )
    _floor_scope["scope"] = scope
    group, session = measured_session(world, args)
    urls = {
        "floor": BARE_URL,
        "layout": LAYOUT_URL,
        "attendance": f"/groups/{group.pk}/sessions/{session.pk}/",
        "fidelity_floor": FIDELITY_FLOOR_URL,
        "fidelity_page": f"/groups/fidelity/?programme={programme.pk}&year={year}",
    }
    install_urls()
    # The figures once through the function and once through the raw SQL, to see that they agree.
    computed = fidelity(scope)
    raw = raw_fidelity(scope, clock.now())
    agree = {
        "groups": len(computed.groups) == len(raw["groups"]),
        "sessions_held": computed.sessions.held == sum(row[3] for row in raw["sessions"]),
        "sessions_mixed": computed.sessions.mixed == sum(row[7] for row in raw["sessions"]),
        "sessions_covered": computed.sessions.covered == sum(row[9] for row in raw["sessions"]),
        "men_expected": computed.sessions.expected == sum(row[2] for row in raw["attendance"]),
        "men_present": computed.sessions.present == sum(row[3] for row in raw["attendance"]),
        "men": computed.men.in_groups == len(raw["men"]),
        "dosage": [band.count for band in computed.bands] == raw_bands(raw),
    }
    log(f"the figures: {len(computed.groups)} groups, {computed.sessions.held} sessions held, "
        f"{computed.men.in_groups} men; raw SQL agrees: {agree}")  # fmt: skip
    log(f"timing fidelity() and its raw SQL floor, {args.repeats} times each")
    for _ in range(2):
        fidelity(scope)
        raw_fidelity(scope, clock.now())
    function_samples: dict[str, list[float]] = {"fidelity": [], "raw_sql": []}
    for _ in range(args.repeats):
        function_samples["fidelity"] += timed(lambda: fidelity(scope), 1)
        function_samples["raw_sql"] += timed(lambda: raw_fidelity(scope, clock.now()), 1)
    with override_settings(ROOT_URLCONF=__name__):
        client = signed_in_client(world.coordinator, world.device)
        log(f"timing {', '.join(urls.values())}: {args.warm_up} warm-up and {args.requests} requests each")
        samples = time_pages(client, urls, args.requests, args.warm_up)
        pages = {name: client.get(url).content.decode() for name, url in urls.items()}
        statements = {name: statements_of(client, url) for name, url in urls.items()}
        function_queries = count_queries(lambda: fidelity(scope))
        log(f"adding {args.men} more men to the measured group")
        more_men(rng, world, group, args.men)
        larger = {name: statements_of(client, url) for name, url in urls.items()}
        larger_function_queries = count_queries(lambda: fidelity(scope))
        larger_figures = fidelity(scope)
    floors = {"attendance": "floor", "layout": "floor", "fidelity_page": "fidelity_floor"}
    measured: dict[str, Any] = {}
    for name, url in urls.items():
        floor = statistics.median(samples[floors[name]]) if name in floors else None
        measured[name] = {
            "url": url,
            **figures(samples[name], floor),
            "bytes": len(pages[name]),
            "queries_per_request": len(statements[name]),
            "queries_per_request_with_more_men": len(larger[name]),
            "queries_constant": len(statements[name]) == len(larger[name]),
            "queries": statements[name],
        }
    measured["fidelity"] = {
        **figures(function_samples["fidelity"], statistics.median(function_samples["raw_sql"])),
        "queries": function_queries,
        "queries_with_more_men": larger_function_queries,
        "queries_constant": function_queries == larger_function_queries,
    }
    measured["raw_sql"] = figures(function_samples["raw_sql"], None)
    # The layout is a reference with no target: the share of every page's time that is
    # Tandem's header, menu and counts of open work rather than the page's own.
    measured["layout"]["reference_only"] = True
    measured["attendance"]["ratio_to_layout"] = round(
        statistics.median(samples["attendance"]) / statistics.median(samples["layout"]), 2
    )
    measured["fidelity_page"]["charts"] = pages["fidelity_page"].count('src="data:image/svg+xml;base64,')
    return {
        "measurements": measured,
        "measured": {
            "group": group.pk,
            "session": session.pk,
            "session_number": session.number,
            "programme_year": {"programme": programme.pk, "year": year},
            "report_groups": len(computed.groups),
            "report_sessions_scheduled": computed.sessions.scheduled,
            "report_sessions_held": computed.sessions.held,
            "report_men_expected": computed.sessions.expected,
            "report_men": computed.men.in_groups,
            "report_men_with_more_men": larger_figures.men.in_groups,
            "raw_sql_agrees": agree,
        },
    }


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
        log(f"  built in {result['build_seconds']} s: {world.counts}")
        started = time.perf_counter()
        result.update(measure(args, rng, world))
        result["measure_seconds"] = round(time.perf_counter() - started, 1)
    except Exception as exc:  # reported as a failed run in the JSON, with the traceback on stderr
        import traceback

        traceback.print_exc()
        result = {"status": "failed", "reason": f"{type(exc).__name__}: {exc}"}
    Path(args.worker_output).write_text(json.dumps(result, default=str, ensure_ascii=False))
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--groups", type=int, default=1000, help="groups of the provider")
    parser.add_argument("--sessions", type=int, default=30, help="weekly sessions per group")
    parser.add_argument("--men", type=int, default=12, help="men per group")
    parser.add_argument("--programmes", type=int, default=2, help="programmes the groups are spread over")
    parser.add_argument("--requests", type=int, default=200, help="timed requests per page")
    parser.add_argument("--warm-up", type=int, default=20, help="untimed requests per page first")
    parser.add_argument("--repeats", type=int, default=20, help="timed calls of fidelity() and its floor")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES_URL)
    parser.add_argument("--output", help="where to write the JSON (default bench/results/groups-<time>.json)")
    parser.add_argument("--seed", type=int, default=2027)
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--worker-output", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.groups < args.programmes or args.programmes < 1:
        parser.error("--programmes must be at least 1, and --groups at least as many")
    if args.sessions < 8 or args.men < 1:
        parser.error("--sessions must be at least 8 and --men at least 1")
    if args.requests < 1 or args.warm_up < 0 or args.repeats < 1:
        parser.error("--requests and --repeats must be at least 1 and --warm-up at least 0")
    return main_worker(args) if args.worker else main_parent(args)


if __name__ == "__main__":
    sys.exit(main())
