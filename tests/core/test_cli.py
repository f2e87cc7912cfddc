"""The ``tandem`` command: plain help, exit codes, and one-line reasons for mistakes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from tandem import cli

COMMANDS = ["demo", "serve", "migrate", "createadmin", "reset-second-factor", "check", "worker", "audit", "keys"]


def command_env(env: dict[str, str] | None = None, **extra_env: str) -> dict[str, str]:
    """The test process's environment without Tandem's settings, and with those given."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("TANDEM_", "DJANGO_"))}
    base.update(env or {})
    base.update(extra_env)
    base["DJANGO_SETTINGS_MODULE"] = "tandem.settings"
    return base


def run(
    *args: str, env: dict[str, str] | None = None, cwd: Path | None = None, timeout: int = 120, **extra_env: str
) -> subprocess.CompletedProcess[str]:
    # Not the repository: a demo folder left there by a developer would be picked up.
    return subprocess.run(
        [sys.executable, "-m", "tandem.cli", *args],
        capture_output=True,
        text=True,
        env=command_env(env, **extra_env),
        cwd=cwd or Path(__file__).parent,
        timeout=timeout,
        check=False,
    )


@pytest.fixture(scope="module")
def configured(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A migrated SQLite database in a fresh data folder, with test-only secrets."""
    data = tmp_path_factory.mktemp("cli")
    env = {
        "TANDEM_ENV": "test",
        "TANDEM_SECRET_KEY": "cli-test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "TANDEM_FIELD_KEYS": Fernet.generate_key().decode(),
        "TANDEM_DATA_DIR": str(data),
    }
    result = run("migrate", env=env)
    assert result.returncode == 0, result.stderr
    return env


def test_help_names_every_command_in_plain_words() -> None:
    result = run("--help")
    assert result.returncode == 0
    for command in COMMANDS:
        assert command in result.stdout


@pytest.mark.parametrize("command", [["demo"], ["serve"], ["audit", "verify"], ["keys", "rotate"], ["createadmin"]])
def test_every_command_has_its_own_help(command: list[str]) -> None:
    result = run(*command, "--help")
    assert result.returncode == 0
    assert "usage: tandem" in result.stdout


@pytest.mark.parametrize(
    ("group", "actions"),
    [
        ("mapping", ["import", "xlsform", "indicators", "coverage", "report", "export"]),
        ("audit", ["verify"]),
        ("keys", ["rotate", "generate"]),
    ],
)
def test_a_command_group_alone_prints_its_actions_and_exits_2(group: str, actions: list[str]) -> None:
    result = run(group)
    assert result.returncode == 2
    assert result.stdout.startswith(f"usage: tandem {group}")
    for action in actions:
        assert action in result.stdout
    assert result.stderr == ""


def test_an_unknown_command_exits_2_with_one_line() -> None:
    result = run("frobnicate")
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "invalid choice" in result.stderr


def test_a_missing_secret_key_exits_2_with_the_reason_and_no_traceback() -> None:
    result = run("migrate", TANDEM_FIELD_KEYS=Fernet.generate_key().decode())
    assert result.returncode == 2
    assert result.stderr.strip() == "tandem: TANDEM_SECRET_KEY is not set: Tandem refuses to start without it."


def test_missing_field_keys_exit_2_with_the_reason() -> None:
    result = run("migrate", TANDEM_SECRET_KEY="x" * 50)
    assert result.returncode == 2
    assert "TANDEM_FIELD_KEYS is not set" in result.stderr
    assert "Traceback" not in result.stderr


def test_debug_is_refused_in_production() -> None:
    result = run(
        "check", TANDEM_SECRET_KEY="x" * 50, TANDEM_FIELD_KEYS=Fernet.generate_key().decode(), TANDEM_DEBUG="1"
    )
    assert result.returncode == 2
    assert "TANDEM_DEBUG may not be switched on in production" in result.stderr


def test_an_unreachable_database_exits_2_with_the_reason(configured: dict[str, str]) -> None:
    result = run("migrate", env=configured, TANDEM_DATABASE_URL="postgres://nobody@127.0.0.1:1/none")
    assert result.returncode == 2
    assert "the database cannot be reached" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_database_url_of_an_unknown_kind_exits_2(configured: dict[str, str]) -> None:
    result = run("migrate", env=configured, TANDEM_DATABASE_URL="oracle2://x")
    assert result.returncode == 2
    assert "TANDEM_DATABASE_URL cannot be understood" in result.stderr


def test_keys_generate_prints_a_usable_key() -> None:
    result = run("keys", "generate")
    assert result.returncode == 0
    Fernet(result.stdout.strip().encode())


def test_audit_verify_reports_an_intact_log(configured: dict[str, str]) -> None:
    result = run("audit", "verify", env=configured)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Audit log intact:")


def test_audit_verify_exits_1_and_names_the_entry_when_the_log_was_altered(
    configured: dict[str, str], tmp_path: Path
) -> None:
    import shutil
    import sqlite3

    copy = dict(configured, TANDEM_DATA_DIR=str(tmp_path))
    shutil.copy(Path(configured["TANDEM_DATA_DIR"]) / "tandem.sqlite3", tmp_path / "tandem.sqlite3")
    assert (
        run("createadmin", "--username", "root", env=copy, TANDEM_ADMIN_PASSWORD="a long admin passphrase").returncode
        == 0
    )
    with sqlite3.connect(tmp_path / "tandem.sqlite3") as db:
        db.execute("UPDATE core_auditentry SET action = 'nothing happened' WHERE seq = 1")
    result = run("audit", "verify", env=copy)
    assert result.returncode == 1
    assert "BROKEN at entry 1" in result.stderr


def test_createadmin_without_a_password_exits_2(configured: dict[str, str]) -> None:
    result = run("createadmin", "--username", "admin", env=configured)
    assert result.returncode == 2
    assert result.stderr.strip() == ("tandem: no password given: set TANDEM_ADMIN_PASSWORD or run this in a terminal")


def test_createadmin_refuses_a_weak_password(configured: dict[str, str]) -> None:
    result = run("createadmin", "--username", "weak", env=configured, TANDEM_ADMIN_PASSWORD="123")
    assert result.returncode == 2
    assert "too weak" in result.stderr


def test_keys_rotate_reports_what_it_did(configured: dict[str, str]) -> None:
    result = run("keys", "rotate", env=configured)
    assert result.returncode == 0, result.stderr
    assert "encrypted values examined" in result.stdout


def test_mapping_rounds_lists_the_rounds(configured: dict[str, str]) -> None:
    result = run("mapping", "rounds", env=configured)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "No survey rounds yet.\n"
    as_json = run("mapping", "rounds", "--format", "json", env=configured)
    assert as_json.stdout.strip() == '{"rounds": []}'


def test_check_deploy_is_clean_under_production_settings(configured: dict[str, str]) -> None:
    env = dict(configured, TANDEM_ENV="production", TANDEM_ALLOWED_HOSTS="tandem.example.org")
    result = run("check", "--deploy", env=env)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_a_configured_installation_ignores_a_demo_folder_in_the_working_directory(
    configured: dict[str, str], tmp_path: Path
) -> None:
    stray = tmp_path / "tandem-demo-data"
    stray.mkdir()
    (stray / "secret-key").write_text("stray-secret-key-" * 4)
    (stray / "field-keys").write_text(Fernet.generate_key().decode())
    (stray / "tandem.env").write_text("TANDEM_ENV=demo\n")
    result = run("mapping", "rounds", env=configured, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout == "No survey rounds yet.\n"
    assert not (stray / "tandem.sqlite3").exists()


def test_an_anchor_shows_that_the_end_of_the_log_was_cut(configured: dict[str, str], tmp_path: Path) -> None:
    import re
    import shutil
    import sqlite3

    copy = dict(configured, TANDEM_DATA_DIR=str(tmp_path))
    shutil.copy(Path(configured["TANDEM_DATA_DIR"]) / "tandem.sqlite3", tmp_path / "tandem.sqlite3")
    for name in ("first", "second"):
        run("createadmin", "--username", name, env=copy, TANDEM_ADMIN_PASSWORD="a long admin passphrase")
    first = run("audit", "verify", env=copy)
    anchor = re.search(r"--anchor: (\d+:[0-9a-f]{64})", first.stdout)
    assert anchor, first.stdout
    with sqlite3.connect(tmp_path / "tandem.sqlite3") as db:
        db.execute("DELETE FROM core_auditentry WHERE seq = (SELECT max(seq) FROM core_auditentry)")
    assert run("audit", "verify", env=copy).returncode == 0  # the shortened chain is still a chain
    result = run("audit", "verify", "--anchor", anchor.group(1), env=copy)
    assert result.returncode == 1
    assert "the log was cut back" in result.stderr


def test_a_malformed_anchor_exits_2(configured: dict[str, str]) -> None:
    result = run("audit", "verify", "--anchor", "latest", env=configured)
    assert result.returncode == 2
    assert "SEQ:HASH" in result.stderr


def test_a_malformed_field_key_is_refused_at_start(configured: dict[str, str]) -> None:
    result = run("check", env=configured, TANDEM_FIELD_KEYS="notakey")
    assert result.returncode == 2
    assert "key number 1 is not a Fernet key" in result.stderr


def data_folder(parent: Path, settings: str | None = "TANDEM_ENV=demo\n") -> Path:
    """A data folder with its keys and, unless told otherwise, a settings file."""
    folder = parent / "data"
    folder.mkdir()
    (folder / "secret-key").write_text("folder-secret-key-" * 4)
    (folder / "field-keys").write_text(Fernet.generate_key().decode())
    if settings is not None:
        (folder / "tandem.env").write_text(settings)
    return folder


def test_a_data_folder_that_does_not_exist_exits_2_naming_it(tmp_path: Path) -> None:
    result = run("--data", str(tmp_path / "nowhere"), "migrate")
    assert result.returncode == 2
    assert result.stderr == f"tandem: the data folder {tmp_path / 'nowhere'} does not exist\n"


def test_a_data_folder_without_its_keys_exits_2_naming_what_is_missing(tmp_path: Path) -> None:
    (tmp_path / "secret-key").write_text("only-a-secret-key-" * 4)
    result = run("--data", str(tmp_path), "migrate")
    assert result.returncode == 2
    assert result.stderr == f"tandem: the data folder {tmp_path} has no field-keys\n"
    (tmp_path / "secret-key").unlink()
    assert run("--data", str(tmp_path), "migrate").stderr.endswith("has no secret-key and no field-keys\n")


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("TANDEM_DEBUG=1", "unknown setting TANDEM_DEBUG (known: TANDEM_ENV)"),
        ("TANDEM_ENV=staging", "TANDEM_ENV must be production, demo or test, not 'staging'"),
        ("TANDEM_ENV", "expected KEY=VALUE, not 'TANDEM_ENV'"),
    ],
)
def test_a_settings_file_line_tandem_cannot_use_is_refused_naming_file_and_line(
    tmp_path: Path, line: str, reason: str
) -> None:
    folder = data_folder(tmp_path, settings=f"# what kind of installation this is\n\n{line}\n")
    result = run("--data", str(folder), "check")
    assert result.returncode == 2
    assert result.stderr == f"tandem: {folder / 'tandem.env'}, line 3: {reason}\n"


def clear_settings(monkeypatch: pytest.MonkeyPatch, **values: str) -> None:
    """Empty Tandem's settings in this process (put back after the test), then set ``values``."""
    for name in [*cli.KEY_FILES, "TANDEM_ENV", "TANDEM_DATA_DIR", "TANDEM_DATABASE_URL", "TANDEM_DEMO_OTP_TOKEN"]:
        monkeypatch.delenv(name, raising=False)
    for name, value in values.items():
        monkeypatch.setenv(name, value)


def test_a_demo_data_folder_sets_the_installation_and_the_demo_sign_in_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = data_folder(tmp_path)
    clear_settings(monkeypatch, TANDEM_ENV="test", TANDEM_SECRET_KEY="x" * 50, TANDEM_DATABASE_URL="sqlite:///other")
    cli._use_data_folder(folder)
    assert os.environ["TANDEM_ENV"] == "demo"
    assert os.environ["TANDEM_DATA_DIR"] == str(folder)
    assert os.environ["TANDEM_SECRET_KEY"] == (folder / "secret-key").read_text()
    assert os.environ["TANDEM_FIELD_KEYS"] == (folder / "field-keys").read_text()
    assert os.environ["TANDEM_DEMO_OTP_TOKEN"] == cli.DEMO_OTP_TOKEN
    assert "TANDEM_DATABASE_URL" not in os.environ


def test_a_data_folder_that_does_not_say_what_it_is_counts_as_production(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = data_folder(tmp_path, settings=None)
    clear_settings(monkeypatch, TANDEM_ENV="demo", TANDEM_DEMO_OTP_TOKEN=cli.DEMO_OTP_TOKEN)
    cli._use_data_folder(folder)
    assert os.environ["TANDEM_ENV"] == "production"
    assert "TANDEM_DEMO_OTP_TOKEN" not in os.environ
