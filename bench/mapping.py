"""Benchmark of the mapping: indicators, coverage, the report (HTML and PDF) and the import.

    uv run python bench/mapping.py [--countries 6] [--programmes 500] [--rounds 5]
                                   [--import-rows 10000] [--databases sqlite,postgresql]

Per database, in a subprocess of its own with a fresh ``migrate``, the script builds
COUNTRIES × PROGRAMMES programmes (with regions served and a delivery location each) and
ROUNDS rounds in which every programme has a published answer, then measures, each as the
median of ``--repeats`` runs, against a FLOOR measured in the same run on the same data:

* indicators: ``compute_indicators(survey_round=<latest>)`` against one raw SQL query that
  aggregates the same published answers per country (a count per indicator condition,
  reading the JSON in the database: ``json_extract`` on SQLite, ``->>`` on PostgreSQL).
* coverage: ``compute_coverage(survey_round=<latest>)`` against raw SQL listing the regions
  served by a functioning programme (``json_each`` / ``jsonb_array_elements_text``) and the
  regions with their population and point.
* report (HTML): ``build_report`` + ``render_report_html`` against the indicators floor (the
  aggregation a hand-made report would start from).
* report (PDF): ``render_report_pdf`` (which builds the HTML, then the PDF) against plain
  WeasyPrint writing the very same HTML.
* import: ``import_answers`` of a KoboToolbox-style CSV export with IMPORT_ROWS rows (group-
  prefixed headers, select-multiple columns with spaces, "n/a" values) into a new round,
  against reading the same file with the ``csv`` module and one ``executemany`` INSERT of
  the rows' JSON into a plain twin table.

Results are JSON, printed and written to bench/results/mapping-<timestamp>.json (or
``--output``): seconds, floor seconds, ratio, and whether each target is met. Targets are
reported, never asserted.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import platform
import random
import secrets
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
if str(BENCH_DIR.parent) not in sys.path:  # run as a script: the bench package sits beside it
    sys.path.insert(0, str(BENCH_DIR.parent))
from bench.worker import Recorder, log, median_seconds, run_in_database  # noqa: E402

RESULTS_DIR = BENCH_DIR / "results"
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432"
TARGETS_S = {"indicators": 1.0, "coverage": 1.0, "report_html": 2.0, "report_pdf": 5.0, "import": 5.0}
COUNTRY_CODES = ["AL", "BA", "XK", "ME", "MK", "RS"]


# --------------------------------------------------------------------------------------
# Parent: one subprocess per database.
# --------------------------------------------------------------------------------------


def run_database(vendor: str, args: argparse.Namespace) -> dict[str, Any]:
    arguments = [
        "--countries", str(args.countries), "--programmes", str(args.programmes), "--rounds", str(args.rounds),
        "--import-rows", str(args.import_rows), "--repeats", str(args.repeats), "--seed", str(args.seed),
    ]  # fmt: skip
    return run_in_database(Path(__file__).resolve(), vendor, args.postgres_url, arguments, "mapping")


def main_parent(args: argparse.Namespace) -> int:
    results: dict[str, Any] = {
        "benchmark": "mapping",
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform()},
        "sizes": {
            "countries": args.countries,
            "programmes_per_country": args.programmes,
            "rounds": args.rounds,
            "answers": args.countries * args.programmes * args.rounds,
            "import_rows": args.import_rows,
        },
        "targets_s": TARGETS_S,
        "databases": {},
    }
    for vendor in args.databases.split(","):
        log(f"== {vendor}")
        results["databases"][vendor] = run_database(vendor.strip(), args)
    text = json.dumps(results, indent=2, sort_keys=False)
    print(text)
    output = Path(args.output) if args.output else RESULTS_DIR / f"mapping-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text + "\n")
    log(f"written to {output}")
    return 0


# --------------------------------------------------------------------------------------
# Worker: build the data, measure.
# --------------------------------------------------------------------------------------


def _values(definition: Any, rng: random.Random, programme_code: str, regions: list[str]) -> dict[str, Any]:
    """A valid answer drawn at random from the questionnaire's own choice lists."""
    values: dict[str, Any] = {}
    for question in definition.questions:
        if question.name == "programme":
            values[question.name] = programme_code
        elif question.name == "regions_served":
            values[question.name] = regions
        elif question.type == "integer":
            values[question.name] = rng.randint(0, 12)
        elif question.type == "select_one":
            values[question.name] = rng.choice([c.name for c in definition.choice_lists[question.choices]])
        elif question.type == "select_multiple":
            names = [c.name for c in definition.choice_lists[question.choices]]
            values[question.name] = rng.sample(names, rng.randint(1, min(2, len(names))))
    # Keep the cross-field checks true: nobody completes without starting, and so on.
    values["men_started_12m"] = values["men_completed_12m"] + rng.randint(0, 10)
    values["facilitators_trained"] = values["facilitators_women"] + values["facilitators_men"]
    if rng.random() < 0.05:
        values.pop("waiting_weeks")  # answered "n/a"
    return values


def build_world(args: argparse.Namespace, rng: random.Random) -> dict[str, Any]:
    from django.db import transaction

    from tandem.core.models import Organisation
    from tandem.core.roles import OrganisationKind
    from tandem.geo.models import Country, Region
    from tandem.mapping.models import (
        AnswerStatus,
        Cost,
        DeliveryLocation,
        Format,
        Programme,
        Questionnaire,
        Status,
        SurveyAnswer,
        SurveyRound,
    )
    from tandem.mapping.rules.questionnaire import definition_of

    questionnaire = Questionnaire.objects.get(key="mapping", version=1)
    definition = definition_of(questionnaire.definition)
    countries = list(Country.objects.filter(code__in=COUNTRY_CODES[: args.countries]))
    regions = {c.code: list(Region.objects.filter(country=c, coverage_unit=True).order_by("code")) for c in countries}
    network = Organisation.objects.create(name="Bench network", kind=OrganisationKind.NETWORK)
    statuses = [Status.FUNCTIONING] * 6 + [Status.ON_PAPER] * 2 + [Status.SUSPENDED, Status.CLOSED]
    served: dict[str, list[str]] = {}

    def add_programmes(count: int, prefix: str) -> list[Programme]:
        made: list[Programme] = []
        with transaction.atomic():
            for country in countries:
                provider = Organisation.objects.create(
                    name=f"Bench provider {prefix} {country.code}",
                    kind=OrganisationKind.PROGRAMME_PROVIDER,
                    country=country,
                )
                batch = [
                    Programme(
                        code=f"{country.code}-{prefix}{n:05d}",
                        provider=provider,
                        name=f"Programme {prefix}{n} {country.code}",
                        country=country,
                        format=Format.GROUP,
                        cost=Cost.FREE,
                        status=rng.choice(statuses),
                        status_confirmed_on=date(2026, 10, 1),
                        publish=rng.random() > 0.05,
                    )
                    for n in range(count)
                ]
                Programme.objects.bulk_create(batch)
                batch = list(Programme.objects.filter(provider=provider).order_by("code"))
                links, locations = [], []
                for programme in batch:
                    chosen = rng.sample(regions[country.code], rng.randint(1, 3))
                    served[programme.code] = [r.code for r in chosen]
                    links += [
                        Programme.regions_served.through(programme_id=programme.pk, region_id=r.pk) for r in chosen
                    ]
                    locations.append(
                        DeliveryLocation(
                            programme=programme,
                            town=chosen[0].name,
                            region=chosen[0],
                            latitude=chosen[0].latitude + rng.uniform(-0.05, 0.05),
                            longitude=chosen[0].longitude + rng.uniform(-0.05, 0.05),
                            publish=rng.random() > 0.1,
                        )
                    )
                Programme.regions_served.through.objects.bulk_create(links)
                DeliveryLocation.objects.bulk_create(locations)
                made += batch
        return made

    log(f"building {args.countries} × {args.programmes} programmes")
    programmes = add_programmes(args.programmes, "P")
    rounds = []
    for number in range(args.rounds):
        year = 2022 + number
        survey_round = SurveyRound.objects.create(
            name=f"Bench round {year}",
            owner=network,
            questionnaire=questionnaire,
            opens_on=date(year, 3, 1),
            closes_on=date(year, 6, 30),
        )
        survey_round.countries.set(countries)
        answers = [
            SurveyAnswer(
                round=survey_round,
                programme=programme,
                status=AnswerStatus.PUBLISHED,
                values=_values(definition, rng, programme.code, served[programme.code]),
            )
            for programme in programmes
        ]
        SurveyAnswer.objects.bulk_create(answers, batch_size=1000)
        rounds.append(survey_round)
        log(f"round {survey_round.name}: {len(answers)} published answers")
    return {
        "rounds": rounds,
        "countries": countries,
        "definition": definition,
        "network": network,
        "add_programmes": add_programmes,
        "served": served,
    }


INDICATOR_CONDITIONS = [
    ("status", "= 'functioning'"),
    ("status", "= 'on_paper'"),
    ("joint_planning", "= 'joint_decisions'"),
    ("survivors_informed", "= 'yes'"),
    ("partner_contact", "= 'yes'"),
    ("cofacilitation", "= 'always'"),
    ("risk_assessment", "= 'standardised'"),
    ("outcome_monitoring", "= 'standardised'"),
    ("supervision", "IN ('external', 'internal')"),
    ("follow_up", "= 'yes'"),
    ("information_sharing", "= 'yes'"),
    ("funding_secure", "= 'yes'"),
    ("cost", "= 'free'"),
    ("disability_access", "= 'yes'"),
    ("national_standards", "= 'followed'"),
]


def indicators_floor(round_id: int) -> list[tuple[Any, ...]]:
    """The same published answers aggregated per country in one raw SQL query."""
    from django.db import connection

    def field(name: str) -> str:
        if connection.vendor == "postgresql":
            return f"(a.\"values\"::jsonb ->> '{name}')"
        return f"json_extract(a.\"values\", '$.{name}')"

    columns = ", ".join(
        f"SUM(CASE WHEN {field(name)} {test} THEN 1 ELSE 0 END), COUNT({field(name)})"
        for name, test in INDICATOR_CONDITIONS
    )
    sql = (
        f"SELECT c.code, COUNT(*), {columns} FROM mapping_surveyanswer a "
        "JOIN mapping_programme p ON p.id = a.programme_id JOIN geo_country c ON c.id = p.country_id "
        "WHERE a.round_id = %s AND a.status = 'published' GROUP BY c.code ORDER BY c.code"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [round_id])
        return cursor.fetchall()


def coverage_floor(round_id: int) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """Regions served by a functioning programme, and every region's population and point."""
    from django.db import connection

    if connection.vendor == "postgresql":
        served_sql = (
            "SELECT DISTINCT r.value FROM mapping_surveyanswer a, "
            "jsonb_array_elements_text(a.\"values\"::jsonb -> 'regions_served') AS r(value) "
            "WHERE a.round_id = %s AND a.status = 'published' AND (a.\"values\"::jsonb ->> 'status') = 'functioning'"
        )
    else:
        served_sql = (
            "SELECT DISTINCT r.value FROM mapping_surveyanswer a, json_each(a.\"values\", '$.regions_served') r "
            "WHERE a.round_id = %s AND a.status = 'published' "
            "AND json_extract(a.\"values\", '$.status') = 'functioning'"
        )
    with connection.cursor() as cursor:
        cursor.execute(served_sql, [round_id])
        served = cursor.fetchall()
        cursor.execute("SELECT code, population, latitude, longitude FROM geo_region WHERE coverage_unit")
        regions = cursor.fetchall()
    return served, regions


def kobo_export(definition: Any, rng: random.Random, programmes: list[Any], served: dict[str, list[str]]) -> bytes:
    """A KoboToolbox-style CSV export: group-prefixed columns, meta columns, "n/a"."""
    questions = [(section.name, q) for section in definition.sections for q in section.questions]
    headers = ["start", "end", *[f"{section}/{q.name}" for section, q in questions], "_id", "_uuid", "_index"]
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(headers)
    for index, programme in enumerate(programmes, 1):
        values = _values(definition, rng, programme.code, served[programme.code])
        row = ["2027-04-01T10:00:00", "2027-04-01T10:20:00"]
        for _section, question in questions:
            value = values.get(question.name)
            if value is None:
                row.append("n/a")
            elif isinstance(value, list):
                row.append(" ".join(value))
            else:
                row.append(str(value))
        row += [str(index), secrets.token_hex(16), str(index)]
        writer.writerow(row)
    return buffer.getvalue().encode("utf-8")


def import_floor(content: bytes) -> int:
    """Parse the same file with the csv module and insert its rows into a plain twin table."""
    from django.db import connection, transaction

    rows = list(csv.reader(io.StringIO(content.decode("utf-8")), delimiter=";"))
    headers, data = rows[0], rows[1:]
    payload = [(json.dumps(dict(zip(headers, row, strict=False))),) for row in data]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM bench_import_floor")
        cursor.executemany("INSERT INTO bench_import_floor (payload) VALUES (%s)", payload)
    return len(payload)


def measure_analysis(latest: Any, repeats: int, record: Recorder) -> None:
    from weasyprint import HTML

    from tandem.mapping.queries.figures import compute_coverage, compute_indicators
    from tandem.mapping.queries.report import build_report
    from tandem.mapping.render.report import render_report_html, render_report_pdf
    from tandem.reports.pdf import DEFAULT_BASE_URL, StaticOnlyFetcher

    compute_indicators(survey_round=latest)  # warm the caches a first request would warm
    seconds, results = median_seconds(lambda: compute_indicators(survey_round=latest), repeats)
    floor, _rows = median_seconds(lambda: indicators_floor(latest.pk), repeats)
    record("indicators", seconds, floor, answers=results.answers)

    seconds, coverage = median_seconds(lambda: compute_coverage(survey_round=latest), repeats)
    coverage_floor_s, _rows = median_seconds(lambda: coverage_floor(latest.pk), repeats)
    record("coverage", seconds, coverage_floor_s, regions=len(coverage.regions))

    def html() -> str:
        return str(render_report_html(build_report(survey_round=latest), language="en"))

    seconds, page = median_seconds(html, repeats)
    record("report_html", seconds, floor, bytes=len(page.encode()))

    def pdf() -> bytes:
        return bytes(render_report_pdf(build_report(survey_round=latest), language="en"))

    def plain_weasyprint() -> bytes:
        # WeasyPrint alone on the same HTML, loading the same stylesheet and pictures.
        base = DEFAULT_BASE_URL
        return bytes(HTML(string=page, base_url=base, url_fetcher=StaticOnlyFetcher(base)).write_pdf())

    pdf_repeats = max(1, repeats // 2)
    seconds, document = median_seconds(pdf, pdf_repeats)
    plain, _plain_document = median_seconds(plain_weasyprint, pdf_repeats)
    record("report_pdf", seconds, plain, bytes=len(document))


def measure_import(args: argparse.Namespace, world: dict[str, Any], rng: random.Random, record: Recorder) -> None:
    """Enough programmes for IMPORT_ROWS rows, in a new round, from a Kobo export."""
    from django.db import connection

    from tandem.core.audit import COMMAND_LINE
    from tandem.mapping.actions.imports import import_answers
    from tandem.mapping.models import Programme, SurveyRound

    per_country = max(0, -(-(args.import_rows - args.countries * args.programmes) // args.countries))
    extra = world["add_programmes"](per_country, "I") if per_country else []
    candidates = list(Programme.objects.order_by("code"))[: args.import_rows]
    latest = world["rounds"][-1]
    survey_round = SurveyRound.objects.create(
        name="Bench import round",
        owner=world["network"],
        questionnaire=latest.questionnaire,
        opens_on=date(2027, 3, 1),
        closes_on=date(2027, 6, 30),
    )
    survey_round.countries.set(world["countries"])
    content = kobo_export(world["definition"], rng, candidates, world["served"])
    key = "SERIAL PRIMARY KEY" if connection.vendor == "postgresql" else "INTEGER PRIMARY KEY"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE bench_import_floor (id {key}, payload TEXT NOT NULL)")
    started = time.perf_counter()
    imported = import_answers(
        survey_round=survey_round, filename="kobo-export.csv", content=content, acting_user=None, context=COMMAND_LINE
    )
    seconds = time.perf_counter() - started
    floor, _count = median_seconds(lambda: import_floor(content), 1)
    record(
        "import",
        seconds,
        floor,
        rows=imported.rows,
        created=imported.created,
        added_programmes=len(extra),
        file_bytes=len(content),
    )


def main_worker(args: argparse.Namespace) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    result: dict[str, Any] = {"status": "ok", "database": {"vendor": connection.vendor}}
    try:
        call_command("migrate", verbosity=0)
        rng = random.Random(args.seed)
        world = build_world(args, rng)
        record = Recorder(TARGETS_S)
        measure_analysis(world["rounds"][-1], args.repeats, record)
        measure_import(args, world, rng, record)
        result["measurements"] = record.measured
    except Exception as exc:  # reported as a failed run in the JSON, with the traceback on stderr
        import traceback

        traceback.print_exc()
        result = {"status": "failed", "reason": f"{type(exc).__name__}: {exc}"}
    Path(args.worker_output).write_text(json.dumps(result))
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--countries", type=int, default=6)
    parser.add_argument("--programmes", type=int, default=500, help="programmes per country")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--import-rows", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=3, help="runs per measurement (the median is reported)")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES_URL)
    parser.add_argument("--output", help="where to write the JSON (default bench/results/mapping-<time>.json)")
    parser.add_argument("--seed", type=int, default=2027)
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--worker-output", help=argparse.SUPPRESS)
    args = parser.parse_args()
    return main_worker(args) if args.worker else main_parent(args)


if __name__ == "__main__":
    sys.exit(main())
