"""Benchmark of work items and events (``tandem.core.work``, ``tandem.core.events``).

    uv run python bench/work.py [--organisations 50] [--members 20] [--work-items 100000]
                                [--events 20000] [--delivered-events 50000]
                                [--databases sqlite,postgresql]

Per database, in a subprocess of its own with a fresh ``migrate``, the script builds
ORGANISATIONS organisations (one network, programme providers, every tenth a survivor
service) with MEMBERS members each, WORK_ITEMS work items and EVENTS pending events, then
measures, each as the median of ``--repeats`` runs, against a FLOOR measured in the same run on
the same data:

* header_count: ``open_work_count(user)`` (the count in every page's header) for a
  coordinator with several places (coordinator in one provider, administrator of three more,
  analyst in the network; her places cached as within a request) against one raw SQL
  ``COUNT(*)`` with the equivalent WHERE (open, and hers, her teams' or escalated to her roles).
* work_list_page: the first page (100 rows) of ``open_work_of(user)`` (with ``select_related``) against
  raw SQL selecting the same columns, joins, order and LIMIT.
* work_list_full: every row of ``open_work_of(user)`` (what the pages would read if they did
  not come in pages), against the same raw SQL without LIMIT.
* organisation_work_full: every row of ``open_work_of_organisation`` for the coordinator's own
  organisation, against raw SQL for that organisation's open rows.
* escalate_overdue: ``work.escalate_overdue()`` (clock frozen at the build time) over the
  overdue backlog, against two raw UPDATE statements in one transaction that take the same
  steps (level 0 to the first role, or the second where there is no first; level 1 to level 2
  once the pause has passed). The real code also writes one audit entry per step; the floor
  does not. The levels (and when each item is to be looked at next) are set back between runs,
  outside the timing.
* escalate_idle_tick: ``escalate_overdue()`` again right after, when nothing is left to
  escalate, as the worker runs it every tick (it reads only the items whose time to be looked at
  has come); against the floor UPDATE statements, which then change nothing either.
* deliver_pending: ``events.deliver_pending()`` called until it returns 0 (as the worker does
  tick after tick), delivering every pending event to a no-op handler registered for the
  benchmark, against reading the same events and inserting their delivery rows with one
  ``executemany`` and marking them delivered with one UPDATE, in one transaction. The deliveries
  are removed and the events set pending again between runs, outside the timing.
* deliver_idle_tick: ``deliver_pending()`` once nothing is pending, as the worker runs it every
  tick, against the raw SELECT of the first 200 pending events (the same question).

How the data is made: the platform administrator, the organisations, the accounts and the
memberships go through Tandem's actions (``create_platform_admin``, ``create_organisation``,
``create_account``, ``add_member``; accounts with the MD5 hasher, as in the test suite, since no
password is measured); a sample of the work items goes through ``work.open_work`` and a sample
of the events through ``events.emit``. The bulk of the work items, the delivered history and
the pending events are written with ``bulk_create`` (through the actions, 100,000 items would
write 100,000 audit entries and take far longer than the benchmark), with the same fields
``open_work`` sets: keys of its shape, escalation roles from the rule and the organisation's
kind, priorities of the rules. Open items are due between an hour and 30 days ahead (80 %) or
behind (20 %); the overdue ones sit at escalation level 0, at level 1 escalated long ago or an
hour ago, or at level 2, each with the time the worker is to look at it next as the actions set
it. On PostgreSQL the load is then settled (``VACUUM (ANALYZE)`` and
``CHECKPOINT``), as autovacuum and the checkpointer would soon do.

Results are JSON, printed and written to bench/results/work-<timestamp>.json (or ``--output``):
seconds, floor seconds, ratio, and for the page-facing figures whether a target is met, with the
query plans of the page queries. Targets are reported, never asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import secrets
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
if str(BENCH_DIR.parent) not in sys.path:  # run as a script: the bench package sits beside it
    sys.path.insert(0, str(BENCH_DIR.parent))
from bench.worker import Recorder, log, median_seconds, run_in_database  # noqa: E402

RESULTS_DIR = BENCH_DIR / "results"
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432"
# Page-facing figures only; the worker's steps have no target, they are reported per item.
TARGETS_S: dict[str, float | None] = {
    "header_count": 0.02,
    "work_list_page": 0.05,
    "work_list_full": 0.5,
    "organisation_work_full": 0.5,
    "escalate_overdue": None,
    "escalate_idle_tick": None,
    "deliver_pending": None,
    "deliver_idle_tick": None,
}
PAGE = 100  # as core.views.work.PAGE_SIZE
EVENT_KIND = "bench.noted"
HANDLER_NAME = "__main__.bench_handler"
# Level-1 items escalated "long ago" are 10-30 days back, "recently" 0.5-3 hours back; every
# rule's pause is one or two working days, so a cutoff of 7 days separates them exactly.
FLOOR_PAUSE = timedelta(days=7)


def bench_handler(event: Any) -> None:
    """The benchmark's handler: it does nothing, so that the delivery itself is measured."""


# --------------------------------------------------------------------------------------
# Parent: one subprocess per database.
# --------------------------------------------------------------------------------------


def run_database(vendor: str, args: argparse.Namespace) -> dict[str, Any]:
    arguments = [
        "--organisations", str(args.organisations), "--members", str(args.members),
        "--work-items", str(args.work_items), "--events", str(args.events),
        "--delivered-events", str(args.delivered_events), "--repeats", str(args.repeats), "--seed", str(args.seed),
    ]  # fmt: skip
    return run_in_database(Path(__file__).resolve(), vendor, args.postgres_url, arguments, "work")


def main_parent(args: argparse.Namespace) -> int:
    wanted = [d.strip() for d in args.databases.split(",") if d.strip()]
    unknown = set(wanted) - {"sqlite", "postgresql"}
    if unknown:
        raise SystemExit(f"unknown database(s): {', '.join(sorted(unknown))}")
    results: dict[str, Any] = {
        "benchmark": "work",
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "load_average_at_start": [round(x, 2) for x in os.getloadavg()],  # others' work shares the cores
        },
        "sizes": {
            "organisations": args.organisations,
            "members_per_organisation": args.members,
            "work_items": args.work_items,
            "pending_events": args.events,
            "delivered_events": args.delivered_events,
        },
        "targets_s": TARGETS_S,
        "databases": {},
    }
    for vendor in wanted:
        log(f"== {vendor}")
        started = time.perf_counter()
        results["databases"][vendor] = run_database(vendor, args)
        results["databases"][vendor]["wall_seconds"] = round(time.perf_counter() - started, 1)
        results["databases"][vendor]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    text = json.dumps(results, indent=2, sort_keys=False)
    print(text)
    output = Path(args.output) if args.output else RESULTS_DIR / f"work-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text + "\n")
    log(f"written to {output}")
    return 0


# --------------------------------------------------------------------------------------
# Worker: build the data, measure.
# --------------------------------------------------------------------------------------


def _db(value: datetime) -> Any:
    """A datetime as the database driver takes it in raw SQL (text on SQLite)."""
    from django.db import connection

    return connection.ops.adapt_datetimefield_value(value)


def _rules() -> dict[str, Any]:
    """The rules the items follow: the mapping's own, and three of the kinds the docstring of
    ``tandem.core.work`` names, registered for the benchmark."""
    from django.utils.translation import gettext_lazy as _

    from tandem.core import work
    from tandem.core.models import WorkItem
    from tandem.mapping.work_rules import REVIEW_ANSWER

    return {
        "review": REVIEW_ANSWER,
        "partner": work.register(
            work.WorkRule(
                key="bench.inform_partner",
                title=_("Inform the partner of %(case)s"),
                due=work.Hours(24),
                priority=WorkItem.Priority.URGENT,
            )
        ),
        "report": work.register(
            work.WorkRule(
                key="bench.send_report",
                title=_("Send the report on %(case)s"),
                due=work.WorkingDays(3),
                priority=WorkItem.Priority.HIGH,
            )
        ),
        "register": work.register(
            work.WorkRule(key="bench.update_register", title=_("Update the register entry"), due=work.WorkingDays(10))
        ),
    }


def build_people(args: argparse.Namespace, builder: Any) -> tuple[list[Any], dict[int, list[tuple[int, Any]]], Any]:
    """Organisations, accounts and memberships through the actions; and the person measured."""
    from django.test.utils import override_settings

    from tandem.core import actions
    from tandem.core.audit import COMMAND_LINE
    from tandem.core.models import User
    from tandem.core.roles import OrganisationKind, Role
    from tandem.geo.models import Country

    log(f"building {args.organisations} organisations × {args.members} members through the actions")
    started = time.perf_counter()
    countries = list(Country.objects.order_by("code"))
    organisations = []
    for index in range(args.organisations):
        if index == 0:
            kind = OrganisationKind.NETWORK
        elif index % 10 == 0:
            kind = OrganisationKind.SURVIVOR_SERVICE
        else:
            kind = OrganisationKind.PROGRAMME_PROVIDER
        organisations.append(
            actions.create_organisation(
                name=f"Bench organisation {index:03d}",
                kind=kind,
                country=countries[index % len(countries)] if countries else None,
                acting_user=builder,
                context=COMMAND_LINE,
            )
        )
    # Who works where: an administrator and two coordinators, then the people doing the work.
    staff: dict[OrganisationKind, list[Role]] = {
        OrganisationKind.NETWORK: [Role.ORG_ADMIN, Role.ANALYST, Role.ANALYST, Role.ANALYST],
        OrganisationKind.PROGRAMME_PROVIDER: [
            *(Role.ORG_ADMIN, Role.COORDINATOR, Role.COORDINATOR),
            *(Role.FACILITATOR, Role.FACILITATOR, Role.SURVIVOR_WORKER),
        ],
        OrganisationKind.SURVIVOR_SERVICE: [Role.ORG_ADMIN, Role.COORDINATOR, Role.COORDINATOR, Role.SURVIVOR_WORKER],
    }
    members: dict[int, list[tuple[int, Role]]] = {}
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        for organisation in organisations:
            pattern = staff[OrganisationKind(organisation.kind)]
            members[organisation.pk] = []
            for n in range(args.members):
                role = pattern[n] if n < len(pattern) else pattern[3 + (n - 3) % (len(pattern) - 3)]
                person = actions.create_account(
                    username=f"bench.{organisation.pk}.{n}",
                    password=secrets.token_urlsafe(16),
                    first_name="Bench",
                    last_name=f"Person {organisation.pk}-{n}",
                    language="",
                    acting_user=builder,
                    context=COMMAND_LINE,
                )
                actions.add_member(organisation=organisation, user=person, role=role, acting_user=builder)
                members[organisation.pk].append((person.pk, role))
    # The person measured: coordinator of the first provider, administrator of the next three,
    # analyst in the network (nobody may be a coordinator in two organisations).
    home = organisations[1]
    coordinator = User.objects.get(pk=next(pk for pk, role in members[home.pk] if role == Role.COORDINATOR))
    for organisation in organisations[2:5]:
        actions.add_member(organisation=organisation, user=coordinator, role=Role.ORG_ADMIN, acting_user=builder)
    actions.add_member(organisation=organisations[0], user=coordinator, role=Role.ANALYST, acting_user=builder)
    log(f"  {sum(len(m) for m in members.values())} accounts and memberships in {time.perf_counter() - started:.1f} s")
    return organisations, members, coordinator


def build_history(args: argparse.Namespace, rng: random.Random, organisations: list[Any], now: datetime) -> list[int]:
    """Events delivered before, with their delivery rows (bulk)."""
    from tandem.core.models import Event, EventDelivery

    started = time.perf_counter()
    Event.objects.bulk_create(
        (
            Event(
                kind=EVENT_KIND,
                occurred_at=now - timedelta(days=rng.uniform(1, 365)),
                organisation_id=rng.choice(organisations).pk,
                subject_type="bench.case",
                subject_id=str(n),
                payload={"n": n},
                delivered_at=now - timedelta(days=1),
            )
            for n in range(args.delivered_events)
        ),
        batch_size=2000,
    )
    history_ids = list(Event.objects.order_by("pk").values_list("pk", flat=True))
    EventDelivery.objects.bulk_create(
        (EventDelivery(event_id=pk, handler=HANDLER_NAME, delivered_at=now - timedelta(days=1)) for pk in history_ids),
        batch_size=2000,
    )
    log(f"  {len(history_ids)} delivered events in {time.perf_counter() - started:.1f} s")
    return history_ids


def _work_plan() -> dict[Any, list[tuple[Any, str, list[Any]]]]:
    """Which rules each kind of organisation has, in what compartment, for which teams."""
    from tandem.core.roles import Compartment, OrganisationKind, Role

    rules = _rules()
    return {
        OrganisationKind.NETWORK: [(rules["review"], "", [Role.ANALYST])],
        OrganisationKind.PROGRAMME_PROVIDER: [
            (rules["partner"], Compartment.SURVIVOR, [Role.SURVIVOR_WORKER, Role.COORDINATOR]),
            (rules["report"], Compartment.PROGRAMME, [Role.FACILITATOR, Role.COORDINATOR]),
            (rules["register"], "", [Role.ORG_ADMIN, Role.COORDINATOR]),
        ],
        OrganisationKind.SURVIVOR_SERVICE: [
            (rules["partner"], Compartment.SURVIVOR, [Role.SURVIVOR_WORKER, Role.COORDINATOR]),
            (rules["register"], "", [Role.ORG_ADMIN, Role.COORDINATOR]),
        ],
    }


def _draw_item(n: int, rng: random.Random, world: dict[str, Any], plan: dict[Any, Any], now: datetime) -> Any:
    """One work item as ``open_work`` would have written it, in a state drawn at random."""
    from tandem.core import work
    from tandem.core.models import WorkItem
    from tandem.core.roles import OrganisationKind

    organisation = rng.choice(world["organisations"])
    rule, compartment, teams = rng.choice(plan[OrganisationKind(organisation.kind)])
    first, second = work._escalation_roles(rule, organisation)
    country = organisation.country.code if organisation.country else None
    draw = rng.random()
    owned = rng.random() < 0.6
    owner_pk = rng.choice(world["members"][organisation.pk])[0] if owned else None
    team = "" if owned else str(rng.choice(teams))
    level, escalated_at, closed_at = 0, None, None
    if draw < 0.6:  # done, or no longer needed
        state = WorkItem.State.DONE if draw < 0.55 else WorkItem.State.CANCELLED
        created_at = now - timedelta(days=rng.uniform(2, 365))
        due_at = rule.due.after(created_at, country)
        closed_at = created_at + timedelta(hours=rng.uniform(1, 200))
        if closed_at > due_at and rng.random() < 0.5:
            level, escalated_at = 1, due_at
    else:  # open: due ahead (80 %) or overdue (20 %)
        state = WorkItem.State.OPEN
        if rng.random() < 0.8:
            due_at = now + timedelta(hours=rng.uniform(1, 30 * 24))
        else:
            due_at = now - timedelta(hours=rng.uniform(1, 30 * 24))
            step = rng.random()
            if 0.4 <= step < 0.7:  # below 0.4 it stays at level 0: it escalates to its first role
                level, escalated_at = 1, now - timedelta(days=rng.uniform(10, 30))  # on to level 2
            elif 0.7 <= step < 0.8:
                level, escalated_at = 1, now - timedelta(hours=rng.uniform(0.5, 3))  # the pause is not over
            elif step >= 0.8:
                level, escalated_at = 2, now - timedelta(days=rng.uniform(1, 10))
        created_at = due_at - timedelta(days=rng.uniform(1, 14))
    # When the worker looks at the item next, as the actions leave it: when it falls due, when
    # the pause after its first step ends, or never (closed, or no step left).
    escalate_at = None
    if state == WorkItem.State.OPEN and level == 0 and (first or second):
        escalate_at = due_at
    elif state == WorkItem.State.OPEN and level == 1 and second and escalated_at is not None:
        escalate_at = rule.escalate_every.after(escalated_at, country)
    event_pk = rng.choice(world["history_ids"]) if world["history_ids"] and rng.random() < 0.5 else None
    assignee = f"u{owner_pk}" if owner_pk is not None else f"t{team}"
    return WorkItem(
        rule=rule.key,
        event_id=event_pk,
        key=f"{rule.key}:bench.case:{n}:{event_pk or ''}:{assignee}"[:200],
        organisation_id=organisation.pk,
        subject_compartment=compartment,
        subject_type="bench.case",
        subject_id=str(n),
        params={"case": f"C-{n}", **({"country_code": country} if country else {})},
        owner_id=owner_pk,
        team_role=team,
        priority=rule.priority,
        due_at=due_at,
        escalation_role_1=first,
        escalation_role_2=second,
        escalation_level=level,
        escalated_at=escalated_at,
        escalate_at=escalate_at,
        state=state,
        created_at=created_at,
        closed_at=closed_at,
        fulfilled_by="bench.done" if closed_at else "",
    )


def build_work(args: argparse.Namespace, rng: random.Random, world: dict[str, Any], now: datetime) -> None:
    """A sample of the work through ``open_work``; the rest in bulk, alike."""
    from tandem.core import work
    from tandem.core.audit import COMMAND_LINE
    from tandem.core.models import User, WorkItem
    from tandem.core.roles import OrganisationKind

    started = time.perf_counter()
    plan = _work_plan()
    organisations, members = world["organisations"], world["members"]
    # The sample is about records that exist: the organisation itself.
    through_action = min(args.work_items, max(20, args.work_items // 200))
    for n in range(through_action):
        organisation = organisations[n % len(organisations)]
        rule, compartment, teams = rng.choice(plan[OrganisationKind(organisation.kind)])
        owner_pk = rng.choice(members[organisation.pk])[0]
        work.open_work(
            rule=rule,
            organisation=organisation,
            subject=organisation,
            params={"case": f"C-{n}"},
            owner=User(pk=owner_pk) if n % 2 else None,
            team_role=None if n % 2 else rng.choice(teams),
            start=now - timedelta(hours=rng.uniform(1, 48)),
            country_code=organisation.country.code if organisation.country else None,
            compartment=compartment,
            key=f"bench-action:{n}",
            context=COMMAND_LINE,
        )
    items = [_draw_item(n, rng, world, plan, now) for n in range(args.work_items - through_action)]
    WorkItem.objects.bulk_create(items, batch_size=2000)
    log(f"  {through_action + len(items)} work items ({through_action} through open_work) in "
        f"{time.perf_counter() - started:.1f} s")  # fmt: skip


def build_pending(args: argparse.Namespace, rng: random.Random, world: dict[str, Any], now: datetime) -> int:
    """The pending events, the newest: most in bulk, a sample emitted as an action emits them.
    Returns the id of the first."""
    from django.db import transaction

    from tandem.core import events
    from tandem.core.models import Event

    started = time.perf_counter()
    emitted = min(args.events, max(10, args.events // 100))
    Event.objects.bulk_create(
        (
            Event(
                kind=EVENT_KIND,
                occurred_at=now - timedelta(seconds=rng.uniform(0, 3600)),
                organisation_id=rng.choice(world["organisations"]).pk,
                subject_type="bench.case",
                subject_id=str(n),
                payload={"n": n},
            )
            for n in range(args.events - emitted)
        ),
        batch_size=2000,
    )
    home, builder = world["home"], world["builder"]
    for n in range(emitted):
        with transaction.atomic():
            events.emit(EVENT_KIND, subject=home, organisation=home, acting_user=builder, payload={"sample": n})
    first: int = Event.objects.filter(delivered_at__isnull=True).order_by("pk").values_list("pk", flat=True)[0]
    log(f"  {args.events} pending events ({emitted} emitted) in {time.perf_counter() - started:.1f} s")
    return first


def build_world(args: argparse.Namespace, rng: random.Random) -> dict[str, Any]:
    from tandem.core import actions, events

    now = datetime.now(UTC).replace(microsecond=0)
    events.subscribe(EVENT_KIND)(bench_handler)
    builder = actions.create_platform_admin(username="bench.builder", password=secrets.token_urlsafe(24))
    organisations, members, coordinator = build_people(args, builder)
    world: dict[str, Any] = {
        "now": now,
        "builder": builder,
        "organisations": organisations,
        "members": members,
        "coordinator": coordinator,
        "home": organisations[1],
    }
    world["history_ids"] = build_history(args, rng, organisations, now)
    build_work(args, rng, world, now)
    world["first_pending"] = build_pending(args, rng, world, now)
    return world


# --- Floors: raw SQL ------------------------------------------------------------------------------


def _assigned_sql(user_id: int, places: Sequence[Any]) -> tuple[str, list[Any]]:
    """The WHERE of "hers, her teams' or escalated to her role", written by hand."""
    terms, params = ["w.owner_id = %s"], [user_id]
    for place in places:
        terms += [
            "(w.organisation_id = %s AND w.team_role = %s)",
            "(w.organisation_id = %s AND w.escalation_level >= 1 AND w.escalation_role_1 = %s)",
            "(w.organisation_id = %s AND w.escalation_level >= 2 AND w.escalation_role_2 = %s)",
        ]
        params += [place.organisation_id, place.role.value] * 3
    return "(" + " OR ".join(terms) + ")", params


def _columns(table: str, alias: str) -> str:
    from django.apps import apps

    model = next(m for m in apps.get_models() if m._meta.db_table == table)
    return ", ".join(f"{alias}.{f.column}" for f in model._meta.concrete_fields)


def _list_sql(where: str, limit: int | None) -> str:
    return (
        f"SELECT {_columns('core_workitem', 'w')}, {_columns('core_organisation', 'o')}, {_columns('core_user', 'u')} "
        "FROM core_workitem w JOIN core_organisation o ON o.id = w.organisation_id "
        "LEFT JOIN core_user u ON u.id = w.owner_id "
        f"WHERE w.state = 'open' AND {where} ORDER BY w.due_at ASC, w.priority DESC, w.id ASC"
        + (f" LIMIT {limit}" if limit else "")
    )


def _fetch(sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _plan(sql: str, params: Sequence[Any] | None) -> list[str]:
    """The database's plan for a query, one line a row."""
    from django.db import connection

    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
    with connection.cursor() as cursor:
        cursor.execute(prefix + sql, params)
        return [" ".join(str(c) for c in row) for row in cursor.fetchall()]


class Statements:
    """Counts the statements Django sends while it is in use, keeping the first and the last
    (with their parameters). No log limit, unlike ``CaptureQueriesContext``."""

    def __init__(self) -> None:
        self.count = 0
        self.first: tuple[str, Any] | None = None
        self.last: tuple[str, Any] | None = None

    def __call__(self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        self.count += 1
        self.last = (sql, params)
        if self.first is None:
            self.first = self.last
        return execute(sql, params, many, context)


@contextmanager
def counting_statements() -> Iterator[Statements]:
    from django.db import connection

    statements = Statements()
    with connection.execute_wrapper(statements):
        yield statements


def _plan_of_last_query(run: Callable[[], Any]) -> list[str]:
    """The plan of the last statement ``run`` sends, with its parameters."""
    with counting_statements() as statements:
        run()
    return _plan(*statements.last) if statements.last else []


def escalate_floor(now: datetime) -> int:
    """The steps ``escalate_overdue`` takes, as two UPDATE statements in one transaction."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE core_workitem SET escalated_at = %s, escalation_level = "
            "CASE WHEN escalation_role_1 <> '' THEN 1 ELSE 2 END "
            "WHERE state = 'open' AND due_at <= %s AND escalation_level = 0 "
            "AND (escalation_role_1 <> '' OR escalation_role_2 <> '')",
            [_db(now), _db(now)],
        )
        taken = cursor.rowcount
        cursor.execute(
            "UPDATE core_workitem SET escalation_level = 2, escalated_at = %s "
            "WHERE state = 'open' AND due_at <= %s AND escalation_level = 1 AND escalation_role_2 <> '' "
            "AND escalated_at <= %s",
            [_db(now), _db(now), _db(now - FLOOR_PAUSE)],
        )
        taken += cursor.rowcount
    return int(taken)


def deliver_floor(now: datetime) -> int:
    """Read the pending events, insert a delivery row for each, mark them delivered."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT id, kind FROM core_event WHERE delivered_at IS NULL ORDER BY id")
        rows = cursor.fetchall()
        for _pk, kind in rows:
            if kind == EVENT_KIND:
                bench_handler(None)
        cursor.executemany(
            "INSERT INTO core_eventdelivery (event_id, handler, delivered_at) VALUES (%s, %s, %s)",
            [(pk, HANDLER_NAME, _db(now)) for pk, _kind in rows],
        )
        if rows:
            cursor.execute(
                "UPDATE core_event SET delivered_at = %s WHERE delivered_at IS NULL AND id <= %s",
                [_db(now), rows[-1][0]],
            )
    return len(rows)


# --- Measurements -----------------------------------------------------------------------------------


def measure_pages(world: dict[str, Any], repeats: int, record: Recorder) -> None:
    from tandem.core.policy import places_of
    from tandem.core.queries import open_work_count, open_work_of, open_work_of_organisation

    user, home = world["coordinator"], world["home"]
    places = places_of(user)  # read once, as within a request
    where, params = _assigned_sql(user.pk, places)
    count_sql = f"SELECT COUNT(*) FROM core_workitem w WHERE w.state = 'open' AND {where}"

    open_work_count(user)  # warm the caches a first request would warm
    seconds, count = median_seconds(lambda: open_work_count(user), repeats)
    floor, rows = median_seconds(lambda: _fetch(count_sql, params), repeats)
    # Of the real figure, the part spent building the queryset and compiling its SQL.
    build, _sql = median_seconds(lambda: open_work_of(user).query.get_compiler(using="default").as_sql(), repeats)
    record(
        "header_count",
        seconds,
        floor,
        sql_build_seconds=round(build, 5),
        count=count,
        floor_count=rows[0][0],
        places=len(places),
        plan=_plan_of_last_query(lambda: open_work_count(user)),
        floor_plan=_plan(count_sql, params),
    )

    page_sql = _list_sql(where, PAGE)
    seconds, page = median_seconds(lambda: list(open_work_of(user)[:PAGE]), repeats)
    floor, floor_rows = median_seconds(lambda: _fetch(page_sql, params), repeats)
    record(
        "work_list_page",
        seconds,
        floor,
        rows=len(page),
        floor_rows=len(floor_rows),
        same_rows=[i.pk for i in page] == [r[0] for r in floor_rows],
        plan=_plan_of_last_query(lambda: list(open_work_of(user)[:PAGE])),
        floor_plan=_plan(page_sql, params),
    )

    full_sql = _list_sql(where, None)
    seconds, full = median_seconds(lambda: list(open_work_of(user)), repeats)
    floor, floor_rows = median_seconds(lambda: _fetch(full_sql, params), repeats)
    record(
        "work_list_full",
        seconds,
        floor,
        rows=len(full),
        floor_rows=len(floor_rows),
        same_rows=[i.pk for i in full] == [r[0] for r in floor_rows],
    )

    organisation_sql = _list_sql("w.organisation_id = %s", None)
    seconds, supervised = median_seconds(lambda: list(open_work_of_organisation(home, user)), repeats)
    floor, floor_rows = median_seconds(lambda: _fetch(organisation_sql, [home.pk]), repeats)
    record(
        "organisation_work_full",
        seconds,
        floor,
        rows=len(supervised),
        floor_rows=len(floor_rows),
        same_rows=[i.pk for i in supervised] == [r[0] for r in floor_rows],
        plan=_plan_of_last_query(lambda: list(open_work_of_organisation(home, user))),
    )


def measure_escalation(world: dict[str, Any], repeats: int, record: Recorder) -> None:
    from django.db import connection, transaction

    from tandem.core import clock, work
    from tandem.core.models import AuditEntry, WorkItem
    from tandem.core.queries import get_work_to_escalate

    now: datetime = world["now"]
    overdue = WorkItem._base_manager.filter(state=WorkItem.State.OPEN, due_at__lte=now)
    snapshot = [
        (level, _db(at) if at is not None else None, _db(look) if look is not None else None, pk)
        for pk, level, at, look in overdue.values_list("pk", "escalation_level", "escalated_at", "escalate_at")
    ]

    def reset() -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(
                "UPDATE core_workitem SET escalation_level = %s, escalated_at = %s, escalate_at = %s WHERE id = %s",
                snapshot,
            )

    def escalate() -> int:
        with clock.frozen(now):
            return work.escalate_overdue()

    read = get_work_to_escalate(now).count()
    audit_before = AuditEntry.objects.count()
    seconds, taken = median_seconds(escalate, repeats, reset)
    audit_per_run = (AuditEntry.objects.count() - audit_before) // repeats
    floor, floor_taken = median_seconds(lambda: escalate_floor(now), repeats, reset)
    reset()  # once more, untimed, counting the statements sent
    with counting_statements() as statements:
        escalate()
    record(
        "escalate_overdue",
        seconds,
        floor,
        overdue_open=len(snapshot),
        rows_read=read,
        steps_taken=taken,
        floor_steps_taken=floor_taken,
        audit_entries_per_run=audit_per_run,
        ms_per_step=round(1000 * seconds / taken, 3) if taken else None,
        statements_per_step=round(statements.count / taken, 2) if taken else None,
        plan=_plan_of_last_query(lambda: list(get_work_to_escalate(now))),
    )

    # The next tick (the run above left nothing to do): only the items whose time to be looked
    # at has come are read, not every overdue one.
    read = get_work_to_escalate(now).count()
    seconds, taken = median_seconds(escalate, repeats)
    floor, floor_taken = median_seconds(lambda: escalate_floor(now), repeats)
    record("escalate_idle_tick", seconds, floor, rows_read=read, steps_taken=taken, floor_steps_taken=floor_taken)
    reset()


def measure_delivery(world: dict[str, Any], repeats: int, record: Recorder) -> None:
    from django.db import connection, transaction

    from tandem.core import events
    from tandem.core.models import Event, EventDelivery

    first = world["first_pending"]
    now: datetime = world["now"]

    def reset() -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM core_eventdelivery WHERE event_id >= %s", [first])
            cursor.execute("UPDATE core_event SET delivered_at = NULL WHERE id >= %s", [first])

    def deliver() -> tuple[int, int]:
        delivered, calls = 0, 0
        while True:
            calls += 1
            done = events.deliver_pending()
            delivered += done
            if not done:
                return delivered, calls

    pending = Event.objects.filter(delivered_at__isnull=True).count()
    seconds, (delivered, calls) = median_seconds(deliver, repeats, reset)
    deliveries = EventDelivery.objects.filter(event_id__gte=first).count()

    # Then nothing is pending, and the worker still asks every tick.
    pending_sql = "SELECT id, kind FROM core_event WHERE delivered_at IS NULL ORDER BY id LIMIT 200"
    idle, idle_done = median_seconds(events.deliver_pending, repeats)
    idle_floor, idle_rows = median_seconds(lambda: _fetch(pending_sql, []), repeats)
    idle_plan = _plan_of_last_query(events.deliver_pending)

    floor, floor_delivered = median_seconds(lambda: deliver_floor(now), repeats, reset)
    reset()  # once more, untimed, for a sample of the statements sent
    sample = min(50, pending)
    with counting_statements() as statements:
        events.deliver_pending(limit=sample)
    record(
        "deliver_pending",
        seconds,
        floor,
        pending=pending,
        delivered=delivered,
        delivery_rows=deliveries,
        floor_delivered=floor_delivered,
        calls=calls,
        ms_per_event=round(1000 * seconds / delivered, 3) if delivered else None,
        statements_per_event=round((statements.count - 1) / sample, 2) if sample else None,
        plan=_plan(*statements.first) if statements.first else [],
    )
    record("deliver_idle_tick", idle, idle_floor, delivered=idle_done, floor_rows=len(idle_rows), plan=idle_plan)
    reset()


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
        record = Recorder(TARGETS_S, digits=5)
        measure_pages(world, args.repeats, record)
        measure_escalation(world, args.repeats, record)
        measure_delivery(world, args.repeats, record)
        result["measurements"] = record.measured
    except Exception as exc:  # reported as a failed run in the JSON, with the traceback on stderr
        import traceback

        traceback.print_exc()
        result = {"status": "failed", "reason": f"{type(exc).__name__}: {exc}"}
    Path(args.worker_output).write_text(json.dumps(result, default=str))
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--organisations", type=int, default=50, help="organisations (the first is a network)")
    parser.add_argument("--members", type=int, default=20, help="members per organisation")
    parser.add_argument("--work-items", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=20_000, help="pending events to deliver")
    parser.add_argument("--delivered-events", type=int, default=50_000, help="events delivered before (history)")
    parser.add_argument("--repeats", type=int, default=3, help="runs per measurement (the median is reported)")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES_URL)
    parser.add_argument("--output", help="where to write the JSON (default bench/results/work-<time>.json)")
    parser.add_argument("--seed", type=int, default=2027)
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--worker-output", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.organisations < 5:
        parser.error("--organisations must be at least 5 (the coordinator's places)")
    if args.members < 4:
        parser.error("--members must be at least 4 (an administrator, two coordinators, one more)")
    return main_worker(args) if args.worker else main_parent(args)


if __name__ == "__main__":
    sys.exit(main())
