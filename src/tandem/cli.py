"""The ``tandem`` command: one entry point for running and administering Tandem.

Every sub-command exits 0 on success and 2, with a one-line reason on standard error, when
the person running it made a mistake (a missing setting, a bad argument, a file that cannot
be read). A traceback means a bug in Tandem, never a user's mistake.
"""

from __future__ import annotations

import argparse
import ctypes
import errno
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from types import FrameType
from typing import Any, NoReturn

DEMO_OTP_TOKEN = "246810"  # noqa: S105 - printed demo code, refused outside TANDEM_ENV=demo
DEMO_DATA = "tandem-demo-data"

# A data folder holds an installation's SQLite database, its keys (one file each, readable by
# its owner only) and a settings file that says what kind of installation it is.
SETTINGS_FILE = "tandem.env"
KEY_FILES = {"TANDEM_SECRET_KEY": "secret-key", "TANDEM_FIELD_KEYS": "field-keys"}
# What the settings file may set, and to what. Secrets stay out of it: they have their own files.
FOLDER_SETTINGS = {"TANDEM_ENV": ("production", "demo", "test")}


class UserError(Exception):
    """A mistake the person running the command can fix; printed as one line, exit 2."""


def _fail(message: str) -> NoReturn:
    print(f"tandem: {message}", file=sys.stderr)
    raise SystemExit(2)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        _fail(f"{message} (see 'tandem --help')")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="tandem",
        description="Tandem: safe and accountable work with perpetrators of intimate partner violence.",
        epilog="Settings come from environment variables (TANDEM_DATABASE_URL, TANDEM_SECRET_KEY, "
        "TANDEM_FIELD_KEYS, TANDEM_DATA_DIR, TANDEM_ALLOWED_HOSTS, ...) and from the data folder given "
        "with --data; see README.md.",
    )
    parser.add_argument(
        "--data",
        dest="data_dir",
        metavar="DIR",
        help=f"work on the installation in this data folder: its {SETTINGS_FILE} and key files set TANDEM_DATA_DIR, "
        "TANDEM_ENV, TANDEM_SECRET_KEY and TANDEM_FIELD_KEYS. Without it, and without TANDEM_SECRET_KEY, "
        f"./{DEMO_DATA} is used if it is there",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True

    demo = sub.add_parser(
        "demo",
        help="Try Tandem: set up a demo database with synthetic data and serve it.",
        description="Create a data folder (with its own secret key and encryption key), "
        "set up an SQLite database, load a synthetic demo world, print the sign-ins and serve "
        "it on this computer. Running it again reuses the same data.",
    )
    demo.add_argument("--port", type=int, default=8000, help="port to serve on (default 8000)")
    demo.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1, this computer only)"
    )
    demo.add_argument("--data", help=f"folder for the demo's database and keys (default ./{DEMO_DATA})")
    demo.add_argument(
        "--no-serve", action="store_true", help="prepare the data and print the sign-ins, but do not serve"
    )

    serve = sub.add_parser(
        "serve",
        help="Serve Tandem in production with gunicorn.",
        description="Collect static files and serve Tandem with gunicorn, using the production "
        "settings from the environment. Put a reverse proxy with HTTPS in front of it.",
    )
    serve.add_argument(
        "--bind",
        default=os.environ.get("TANDEM_BIND", "127.0.0.1:8000"),
        help="address:port to listen on (default TANDEM_BIND or 127.0.0.1:8000)",
    )
    serve.add_argument(
        "--workers",
        type=int,
        default=int(os.environ.get("TANDEM_WORKERS", "2")),
        help="number of worker processes (default TANDEM_WORKERS or 2)",
    )

    sub.add_parser(
        "migrate",
        help="Create or update the database tables.",
        description="Apply every database migration. Safe to run again.",
    )

    admin = sub.add_parser(
        "createadmin",
        help="Create a platform administrator account.",
        description="Create a platform administrator, who manages organisations and "
        "site settings. The password is read from TANDEM_ADMIN_PASSWORD or asked for.",
    )
    admin.add_argument("--username", required=True, help="user name of the new administrator")
    admin.add_argument("--email", default="", help="e-mail address (optional)")

    reset = sub.add_parser(
        "reset-second-factor",
        help="Remove the authenticators of an account whose owner lost them.",
        description="Remove every authenticator of an account (e.g. a platform administrator who lost her phone); "
        "at the next sign-in its owner sets up a new one. Members of organisations can also ask their "
        "organisation's administrator, on the organisation's page.",
    )
    reset.add_argument("--username", required=True, help="user name of the account")

    check = sub.add_parser(
        "check",
        help="Check the configuration for problems.",
        description="Run Tandem's and Django's checks. With --deploy, also the checks for a safe production setup.",
    )
    check.add_argument("--deploy", action="store_true", help="also check the settings for a production deployment")

    sub.add_parser(
        "worker",
        help="Run the background worker (reminders, escalations, reports).",
        description="Run the background task worker until stopped with Ctrl+C.",
    )

    audit_sub = _add_group(sub, "audit", help="Work with the audit log.", description="Work with the audit log.")
    verify = audit_sub.add_parser(
        "verify",
        help="Prove that the audit log is intact.",
        description="Walk the hash chain of the audit log and report the first entry that "
        "was altered, removed or inserted. Exit 0 when intact, 1 when not. It prints an anchor "
        "(SEQ:HASH): keep it outside the database and give it to a later run with --anchor to prove "
        "that nothing was cut from the end of the log either.",
    )
    verify.add_argument("--anchor", metavar="SEQ:HASH", help="an anchor printed by an earlier run")

    keys_sub = _add_group(
        sub,
        "keys",
        help="Manage the encryption keys for personal data.",
        description="Manage the encryption keys for personal data.",
    )
    rotate = keys_sub.add_parser(
        "rotate",
        help="Re-encrypt every encrypted value with the newest key.",
        description="Re-encrypt every encrypted value with the first key in "
        "TANDEM_FIELD_KEYS. Safe to interrupt and run again. Remove an old key only "
        "after a run that reports nothing left to re-encrypt.",
    )
    rotate.add_argument("--dry-run", action="store_true", help="count what would be re-encrypted, change nothing")
    keys_sub.add_parser(
        "generate",
        help="Print a new key to put first in TANDEM_FIELD_KEYS.",
        description="Print a new encryption key. Put it first in TANDEM_FIELD_KEYS, keep the old "
        "ones after it, then run 'tandem keys rotate'.",
    )

    _add_mapping_parser(sub)
    _add_risk_parser(sub)
    _add_pool_parsers(_add_outcomes_parser(sub))

    sub.add_parser(
        "compilemessages",
        help="Compile the translations (done automatically by the other commands).",
        description="Compile the gettext catalogues into the files Tandem reads.",
    )
    return parser


def _add_group(sub: Any, name: str, *, help: str, description: str) -> Any:
    """A command whose work is done by its actions (``tandem audit verify``). Given alone, it
    prints its own help, since the list of its actions is what the person was looking for."""
    group = sub.add_parser(name, help=help, description=description)
    group.set_defaults(group_help=group.format_help)
    return group.add_subparsers(dest=f"{name}_command", metavar="ACTION", parser_class=_Parser)


def _add_risk_parser(sub: Any) -> None:
    risk_sub = _add_group(
        sub,
        "risk",
        help="Risk instruments: score a set of answers.",
        description="Work with the risk instruments that Tandem ships as data.",
    )
    score = risk_sub.add_parser(
        "score",
        help="Score answers against a risk instrument and print the result as JSON.",
        description="Score the answers in FILE (a JSON object of item keys and option values, every item "
        "answered; 'unknown' where it is not known) against INSTRUMENT (e.g. tandem-risk, or tandem-risk-1 "
        "for one version) and print the score, the level, the items that force a high level and the items "
        "not known, as JSON. A bad answer exits 2 naming the item.",
    )
    score.add_argument("instrument", metavar="INSTRUMENT", help="the instrument's key, or key-version")
    score.add_argument("--answers", required=True, metavar="FILE", help="the answers as JSON ('-' for standard input)")


# An answers file is a few hundred bytes; anything far larger is not one.
MAX_ANSWERS_BYTES = 1024 * 1024


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """An object of the answers, refusing a key given twice (which of the two would count?)."""
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise ValueError(f"{json.dumps(key)} is given twice")
        found[key] = value
    return found


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")


def _run_risk(args: argparse.Namespace) -> int:
    """Pure scoring: it needs no database and no configured installation."""
    from tandem.risk.rules import AnswerError, InstrumentError, shipped_instrument

    try:
        instrument = shipped_instrument(args.instrument)
    except InstrumentError as error:
        raise UserError(str(error)) from None
    where = "standard input" if args.answers == "-" else args.answers
    try:
        if args.answers == "-":
            raw = sys.stdin.buffer.read(MAX_ANSWERS_BYTES + 1)
        else:
            with open(args.answers, "rb") as file:
                raw = file.read(MAX_ANSWERS_BYTES + 1)
    except OSError as error:
        raise UserError(f"{where} cannot be read ({error.strerror or error})") from None
    if len(raw) > MAX_ANSWERS_BYTES:
        raise UserError(f"{where}: larger than 1 MB, which no set of answers is")
    try:
        answers = json.loads(raw.decode("utf-8-sig"), object_pairs_hook=_unique_keys, parse_constant=_no_constant)
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        reason = "nested too deeply" if isinstance(error, RecursionError) else str(error)
        raise UserError(f"{where}: not JSON ({reason})") from None
    try:
        result = instrument.score(answers)
    except AnswerError as error:
        raise UserError(f"{where}: {error}") from None
    print(json.dumps(result.as_dict(), indent=2))
    return 0


def _add_mapping_parser(sub: Any) -> None:
    mapping_sub = _add_group(
        sub,
        "mapping",
        help="The mapping of programmes: survey rounds and answers, indicators, coverage, report, open data.",
        description="Work with the mapping of programmes: list the survey rounds, import survey answers, export "
        "the questionnaire as an XLSForm, compute indicators and coverage, build the mapping report, export open data.",
    )
    rounds = mapping_sub.add_parser(
        "rounds",
        help="List the survey rounds with their ids.",
        description="List the survey rounds, newest first: id (what --round takes), name, who runs it, "
        "opening and closing dates, countries and answers per status.",
    )
    rounds.add_argument("--format", choices=["text", "json"], default="text", help="output format (default text)")
    imp = mapping_sub.add_parser(
        "import",
        help="Import survey answers from a CSV, XLSX or KoboToolbox/ODK export.",
        description="Import the answers in FILE (CSV or XLSX, with the questionnaire's question names "
        "as column names, with or without Kobo/ODK group prefixes) into a round. All or nothing: a file "
        "with any problem changes nothing, and every problem is listed with its row and column. "
        "Importing the same file again changes nothing.",
    )
    imp.add_argument("file", metavar="FILE", help="the CSV or XLSX file")
    imp.add_argument("--round", required=True, type=int, metavar="ID", help="the survey round")
    imp.add_argument("--dry-run", action="store_true", help="check the file and report, change nothing")
    xls = mapping_sub.add_parser(
        "xlsform",
        help="Write a round's questionnaire as an XLSForm for KoboToolbox or ODK.",
        description="Write the questionnaire of a round as an XLSForm (XLSX) with its choice lists and "
        "every translation, ready to upload to KoboToolbox or to convert with pyxform.",
    )
    xls.add_argument("--round", required=True, type=int, metavar="ID", help="the survey round")
    xls.add_argument("--output", required=True, metavar="PATH", help="where to write the .xlsx file")
    for name, text, round_help in (
        (
            "indicators",
            "Compute the mapping indicators from published answers.",
            "the survey round (default: the latest with published answers)",
        ),
        (
            "coverage",
            "Compute, per region, whether a functioning programme serves it.",
            "the survey round whose published answers to read (default: the registry as it is today)",
        ),
    ):
        cmd = mapping_sub.add_parser(name, help=text, description=text + " Prints to standard output.")
        cmd.add_argument("--country", metavar="CC", help="one country, by code (e.g. AL)")
        cmd.add_argument("--round", type=int, metavar="ID", help=round_help)
        cmd.add_argument("--format", choices=["json", "csv"], default="json", help="output format (default json)")
    report = mapping_sub.add_parser(
        "report",
        help="Build the mapping report as HTML or PDF.",
        description="Build the mapping report (findings, indicator tables, charts, map, recommendations "
        "and methodology) from the published answers of a round.",
    )
    report.add_argument("--country", metavar="CC", help="one country, by code (default: the whole round)")
    report.add_argument("--round", type=int, metavar="ID", help="the survey round (default: the latest)")
    report.add_argument("--format", choices=["html", "pdf"], required=True, help="html or pdf")
    report.add_argument("--output", required=True, metavar="PATH", help="where to write the report")
    report.add_argument("--language", default="en", metavar="LANG", help="language of the report (default en)")
    export = mapping_sub.add_parser(
        "export",
        help="Export functioning, publishable programmes as open data.",
        description="Export the functioning programmes that may be published, as Open Referral HSDS 3.0 "
        "JSON or as GeoJSON. Locations marked private are never included.",
    )
    export.add_argument("--format", choices=["hsds", "geojson"], required=True, help="hsds or geojson")
    export.add_argument("--output", metavar="PATH", help="where to write (default: standard output)")


def _add_outcomes_parser(sub: Any) -> Any:
    """``tandem outcomes ACTION``; returns the group's sub-parsers, so that each action of
    outcome monitoring adds its own parser to it beside ``report``."""
    outcomes_sub = _add_group(
        sub,
        "outcomes",
        help="Outcome monitoring: the outcome report, field forms and the pooled dataset.",
        description="Work with outcome monitoring: the outcome report of a programme provider, the questionnaires "
        "as XLSForms for field collection, and the pooled dataset (contribute, pool, benchmark).",
    )
    report = outcomes_sub.add_parser(
        "report",
        help="Build the outcome report of a programme as HTML, PDF or JSON.",
        description="Build the outcome report of a programme provider (response rates and attrition, matched "
        "change with 95 % confidence intervals for the men and the partners, headline figures, methodology) for "
        "the men who started in a range of months. Totals only: figures about fewer people than the "
        "suppression threshold are not shown.",
    )
    report.add_argument(
        "--programme",
        required=True,
        type=int,
        metavar="ID",
        help="the programme provider's id (an unknown one lists them)",
    )
    report.add_argument("--format", choices=["html", "pdf", "json"], required=True, help="html, pdf or json")
    report.add_argument("--output", required=True, metavar="PATH", help="where to write the report")
    report.add_argument("--from", dest="start", metavar="YYYY-MM", help="first month (default: 24 months back)")
    report.add_argument("--to", dest="end", metavar="YYYY-MM", help="last month (default: this month)")
    report.add_argument("--language", default="en", metavar="LANG", help="language of the report (default en)")
    _add_outcomes_xlsform_parser(outcomes_sub)
    return outcomes_sub


def _add_outcomes_xlsform_parser(outcomes_sub: Any) -> None:
    xls = outcomes_sub.add_parser(
        "xlsform",
        help="Write the outcome questionnaire of the man or of his partner as an XLSForm for KoboToolbox or ODK.",
        description="Write the current outcome questionnaire of the man or of his partner as an XLSForm (XLSX) "
        "with every translation, ready to upload to KoboToolbox or to convert with pyxform. What is collected "
        "with it is imported on the page 'Import questionnaires collected in the field'.",
    )
    xls.add_argument("--respondent", required=True, choices=["man", "partner"], help="whose questionnaire")
    xls.add_argument("--output", required=True, metavar="PATH", help="where to write the .xlsx file")


def _add_pool_parsers(outcomes_sub: Any) -> None:
    """The pooled outcome dataset's actions of ``tandem outcomes``."""
    pool = outcomes_sub.add_parser(
        "pool",
        help="Write the pooled outcome dataset (Parquet) and its codebook (JSON).",
        description="Write the pooled outcome dataset of the newest contribution of every programme provider whose "
        "data-sharing agreement is in force into DIR: outcomes.parquet (pseudonymised records, one row per "
        "sub-scale score, months instead of dates, no names) and codebook.json (every column described). A "
        "contributed file that no longer matches its SHA-256 in the log stops it.",
    )
    pool.add_argument("--output", required=True, metavar="DIR", help="the folder to write into")
    benchmark = outcomes_sub.add_parser(
        "benchmark",
        help="Print the benchmarks of the pool as JSON.",
        description="Compute the benchmarks of the pool (response by time point, how the cases ended, matched "
        "change from the start, partners reporting no violence), each programme under its pseudonym beside the "
        "whole pool. Aggregates only: figures over fewer people than the small-number threshold are suppressed.",
    )
    benchmark.add_argument("--format", choices=["json"], default="json", help="output format (json)")
    benchmark.add_argument("--output", metavar="PATH", help="where to write (default: standard output)")
    contribute = outcomes_sub.add_parser(
        "contribute",
        help="Contribute a programme provider's outcome records to the pool (for scheduled runs).",
        description="Write a programme provider's pseudonymised outcome records to the pool under its "
        "data-sharing agreement in force, as the system, and log the contribution. Refused without an agreement "
        "in force.",
    )
    contribute.add_argument("--programme", required=True, type=int, metavar="ID", help="the programme provider's id")


def _run_outcomes(args: argparse.Namespace) -> None:
    from django.core.management import call_command

    action = args.outcomes_command
    if action == "xlsform":
        call_command("outcomes_xlsform", respondent=args.respondent, output=args.output, stdout=sys.stdout)
    if action == "report":
        call_command(
            "outcomes_report",
            programme=args.programme,
            format=args.format,
            output=args.output,
            start=args.start,
            end=args.end,
            language=args.language,
            stdout=sys.stdout,
        )
    elif action == "pool":
        call_command("outcomes_pool", output=args.output, stdout=sys.stdout)
    elif action == "benchmark":
        call_command("outcomes_benchmark", format=args.format, output=args.output, stdout=sys.stdout)
    elif action == "contribute":
        call_command("outcomes_contribute", programme=args.programme, stdout=sys.stdout)


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tandem.settings")
    import django
    from django.core.exceptions import ImproperlyConfigured

    from tandem.core.i18n import compile_catalogues

    compile_catalogues()
    try:
        django.setup()
    except ImproperlyConfigured as error:
        raise UserError(str(error)) from None


def _read_key(path: Path) -> str:
    """A key file's key; empty when there is no such file."""
    try:
        return path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return ""
    except (OSError, UnicodeDecodeError) as error:
        raise UserError(f"{path} cannot be read ({getattr(error, 'strerror', None) or error})") from None


def _read_folder_settings(path: Path) -> dict[str, str]:
    """The KEY=VALUE lines of a data folder's settings file; nothing when there is no file."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as error:
        raise UserError(f"{path} cannot be read ({getattr(error, 'strerror', None) or error})") from None
    values: dict[str, str] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        key, equals, value = (part.strip() for part in line.partition("="))
        where = f"{path}, line {number}"
        if not equals or not key:
            raise UserError(f"{where}: expected KEY=VALUE, not {line!r}")
        if key not in FOLDER_SETTINGS:
            raise UserError(f"{where}: unknown setting {key} (known: {', '.join(FOLDER_SETTINGS)})")
        if value not in FOLDER_SETTINGS[key]:
            *others, last = FOLDER_SETTINGS[key]
            raise UserError(f"{where}: {key} must be {', '.join(others)} or {last}, not {value!r}")
        values[key] = value
    return values


def _use_data_folder(data: Path) -> None:
    """Take the installation's kind and keys from its data folder, over whatever the environment
    says: the folder was named on purpose (or is the only configuration there is), and its
    database can be read only with its own keys."""
    if not data.is_dir():
        raise UserError(f"the data folder {data} does not exist")
    keys = {variable: _read_key(data / name) for variable, name in KEY_FILES.items()}
    missing = [KEY_FILES[variable] for variable, key in keys.items() if not key]
    if missing:
        raise UserError(f"the data folder {data} has no {' and no '.join(missing)}")
    folder_settings = _read_folder_settings(data / SETTINGS_FILE)
    os.environ.update(keys)
    os.environ["TANDEM_DATA_DIR"] = str(data)
    # A folder that does not say what it is counts as production, the kind that fails closed.
    os.environ["TANDEM_ENV"] = folder_settings.get("TANDEM_ENV", "production")
    if os.environ["TANDEM_ENV"] == "demo":
        os.environ["TANDEM_DEMO_OTP_TOKEN"] = DEMO_OTP_TOKEN
        # A demo's database is the SQLite file in its folder, whatever else is configured.
        os.environ.pop("TANDEM_DATABASE_URL", None)
    else:
        os.environ.pop("TANDEM_DEMO_OTP_TOKEN", None)


def _choose_data_folder(given: str | None) -> None:
    """Use the data folder given with --data; without one, and only on a machine where Tandem is
    not configured in the environment, the demo's folder in the working directory."""
    if given is not None:
        _use_data_folder(Path(given).resolve())
        return
    if os.environ.get("TANDEM_SECRET_KEY"):
        # A configured installation is never changed by a folder that happens to lie where it is started.
        return
    found = Path.cwd() / DEMO_DATA
    if all((found / name).is_file() for name in KEY_FILES.values()):
        _use_data_folder(found)
        print(f"tandem: using the data folder {found}", file=sys.stderr)


def _demo_folder(args: argparse.Namespace) -> Path:
    given = {Path(folder).resolve() for folder in (args.data_dir, args.data) if folder is not None}
    if len(given) > 1:
        raise UserError("two data folders given; give --data once, before or after 'demo'")
    return given.pop() if given else Path(DEMO_DATA).resolve()


def _prepare_demo_environment(data: Path) -> None:
    """The demo keeps its own secrets in its data folder, created on the first run, beside a
    settings file that marks the folder as a demo's."""
    settings_file = data / SETTINGS_FILE
    if settings_file.exists() and _read_folder_settings(settings_file).get("TANDEM_ENV") != "demo":
        # Synthetic people and answers must never be loaded into a real installation's database.
        raise UserError(f"{settings_file} does not say TANDEM_ENV=demo: the demo runs only in a demo's data folder")
    data.mkdir(parents=True, exist_ok=True)
    secret_file, keys_file = data / KEY_FILES["TANDEM_SECRET_KEY"], data / KEY_FILES["TANDEM_FIELD_KEYS"]
    if not secret_file.exists():
        secret_file.write_text(secrets.token_urlsafe(50))
        secret_file.chmod(0o600)
    if not keys_file.exists():
        from cryptography.fernet import Fernet

        keys_file.write_text(Fernet.generate_key().decode())
        keys_file.chmod(0o600)
    if not settings_file.exists():
        settings_file.write_text(
            "# Written by 'tandem demo': this folder holds a demo installation.\nTANDEM_ENV=demo\n"
        )
    _use_data_folder(data)


def _ensure_port_free(host: str, port: int) -> None:
    """Refuse a port that another program listens on, before anything is migrated or started."""
    if not 0 < port < 65536:
        raise UserError(f"--port {port}: choose a port from 1 to 65535")
    try:
        family, kind, proto, _name, address = socket.getaddrinfo(host.strip("[]"), port, type=socket.SOCK_STREAM)[0]
    except (socket.gaierror, UnicodeError) as error:
        raise UserError(f"--host {host}: not an address Tandem can listen on ({error})") from None
    with socket.socket(family, kind, proto) as probe:
        # Bind as gunicorn will, with SO_REUSEADDR: Linux still refuses a port another program
        # listens on, but no longer mistakes the closed connections a demo stopped a moment ago
        # leaves behind (TIME_WAIT) for a program holding the port.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                raise UserError(f"port {port} on {host} is already in use; choose another with --port") from None
            raise UserError(f"Tandem cannot listen on port {port} on {host} ({error.strerror})") from None


def _gunicorn_command(bind: str, workers: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "tandem.wsgi:application",
        "--bind",
        bind,
        "--workers",
        str(workers),
        # No access log: invitation links carry their secret in the path.
        # No control socket: it is one path per machine user, and instances would take it from each other.
        "--no-control-socket",
        "--graceful-timeout",
        "10",
    ]


def _gunicorn(bind: str, workers: int) -> int:
    sys.stdout.flush()  # what was printed must come before the server's own log lines
    try:
        return subprocess.call(_gunicorn_command(bind, workers))  # noqa: S603 - fixed command, arguments parsed above
    except KeyboardInterrupt:
        return 0


STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
STOP_TIMEOUT = 15  # seconds; gunicorn itself gives its workers 10 (--graceful-timeout)


def _die_with(parent: int) -> Callable[[], None]:
    """For a child's preexec_fn: a parent killed outright (SIGKILL) runs no handler that could
    stop its children, so on Linux the kernel is asked to send them SIGTERM when it goes."""
    libc = ctypes.CDLL(None, use_errno=True)

    def ask_the_kernel() -> None:
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() != parent:  # the parent went before the request was made
            os._exit(1)

    return ask_the_kernel


def _start_child(command: list[str]) -> subprocess.Popen[bytes]:
    die_with_parent = _die_with(os.getpid()) if sys.platform == "linux" else None
    # preexec_fn is unsafe only with other threads running, and the demo starts none.
    return subprocess.Popen(command, preexec_fn=die_with_parent)  # noqa: S603, PLW1509 - fixed commands


def _stop_children(children: Sequence[subprocess.Popen[bytes]]) -> None:
    for child in children:
        if child.poll() is None:
            child.terminate()
    deadline = time.monotonic() + STOP_TIMEOUT
    for child in children:
        try:
            child.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def _supervise(server_command: list[str], *beside: list[str]) -> int:
    """Run a server and the programs beside it until the server ends or a signal asks to stop;
    then stop them all. Returns the server's exit code, or 0 when asked to stop."""
    stop_requests: list[int] = []

    def request_stop(signum: int, _frame: FrameType | None) -> None:
        stop_requests.append(signum)

    # Before the children start, so that no signal can come between and leave them behind.
    previous = {signum: signal.signal(signum, request_stop) for signum in STOP_SIGNALS}
    sys.stdout.flush()  # what was printed must come before the children's own output
    children: list[subprocess.Popen[bytes]] = []
    try:
        children.extend(_start_child(command) for command in beside)
        server = _start_child(server_command)
        children.append(server)
        while not stop_requests and server.poll() is None:
            time.sleep(0.2)
    finally:
        _stop_children(children)
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    return 0 if stop_requests else server.returncode


def _serve_demo(bind: str) -> int:
    # Web imports run in the background worker: the demo runs one beside the server.
    return _supervise(_gunicorn_command(bind, 2), [sys.executable, "-m", "tandem.cli", "worker"])


def run(args: argparse.Namespace) -> int:
    if args.command == "demo":
        if not args.no_serve:
            _ensure_port_free(args.host, args.port)
        data = _demo_folder(args)
        _prepare_demo_environment(data)
        _setup_django()
        from django.core.exceptions import ValidationError
        from django.core.management import call_command
        from django.db import DatabaseError

        call_command("migrate", verbosity=0)
        try:
            call_command("loaddemo", stdout=sys.stdout)
        except (ValidationError, DatabaseError) as error:
            # The demo's data was changed in a way its loader cannot bring up to date.
            raise UserError(
                f"the demo data in {data} could not be brought up to date ({error}); "
                "move or delete that folder to start a new demo"
            ) from None
        print(f"\nTandem demo: http://{args.host}:{args.port}/   (data in {data})")
        print(f"Second step of sign-in: the demo accepts the code {DEMO_OTP_TOKEN} (demo only).")
        if args.no_serve:
            return 0
        return _serve_demo(f"{args.host}:{args.port}")

    if args.command == "risk":
        return _run_risk(args)

    if args.command == "keys" and args.keys_command == "generate":
        # Needs no configuration: it is how a new installation gets its first key.
        from tandem.core.crypto import generate_key

        print(generate_key())
        return 0

    _choose_data_folder(args.data_dir)
    _setup_django()
    from django.core.management import call_command

    if args.command == "serve":
        call_command("collectstatic", interactive=False, verbosity=0)
        return _gunicorn(args.bind, args.workers)
    if args.command == "migrate":
        call_command("migrate")
    elif args.command == "createadmin":
        call_command("createadmin", username=args.username, email=args.email)
    elif args.command == "reset-second-factor":
        call_command("reset_second_factor", username=args.username)
    elif args.command == "check":
        call_command("check", deploy=args.deploy, fail_level="WARNING")
    elif args.command == "worker":
        call_command("tandem_worker")
    elif args.command == "audit":
        call_command("audit_verify", anchor=args.anchor)
    elif args.command == "keys" and args.keys_command == "rotate":
        call_command("rotate_keys", dry_run=args.dry_run)
    elif args.command == "mapping":
        _run_mapping(args)
    elif args.command == "outcomes":
        _run_outcomes(args)
    elif args.command == "compilemessages":
        from tandem.core.i18n import compile_catalogues

        print(f"{compile_catalogues(force=True)} catalogues compiled.")
    return 0


def _run_mapping(args: argparse.Namespace) -> None:
    from django.core.management import call_command

    action = args.mapping_command
    if action == "rounds":
        call_command("mapping_rounds", format=args.format, stdout=sys.stdout)
    elif action == "import":
        call_command("mapping_import", args.file, round=args.round, dry_run=args.dry_run, stdout=sys.stdout)
    elif action == "xlsform":
        call_command("mapping_xlsform", round=args.round, output=args.output, stdout=sys.stdout)
    elif action in {"indicators", "coverage"}:
        call_command(f"mapping_{action}", country=args.country, round=args.round, format=args.format, stdout=sys.stdout)
    elif action == "report":
        call_command(
            "mapping_report",
            country=args.country,
            round=args.round,
            format=args.format,
            output=args.output,
            language=args.language,
            stdout=sys.stdout,
        )
    elif action == "export":
        call_command("mapping_export", format=args.format, output=args.output, stdout=sys.stdout)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    group_help = getattr(args, "group_help", None)
    if group_help is not None and getattr(args, f"{args.command}_command") is None:
        # A usage mistake all the same, but the help answers it better than a one-line error.
        sys.stdout.write(group_help())
        return 2
    from django.core.management import CommandError
    from django.core.management.base import SystemCheckError
    from django.db import OperationalError

    try:
        return run(args)
    except UserError as error:
        _fail(str(error))
    except SystemCheckError as error:
        print(str(error).strip(), file=sys.stderr)
        return 2
    except CommandError as error:
        # Tandem's own commands raise CommandError only for a user's mistake.
        _fail(str(error))
    except OperationalError as error:
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        _fail(
            f"the database cannot be reached ({first_line}); check TANDEM_DATABASE_URL, or TANDEM_DATA_DIR for SQLite"
        )
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
