"""``tandem demo`` and the data folder it makes, which the other commands can be pointed at."""

from __future__ import annotations

import socket
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from tandem import cli
from tests.core.test_cli import run


@dataclass
class Demo:
    home: Path  # a working directory with the demo's data folder in it
    data: Path
    first_run: subprocess.CompletedProcess[str]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    """One demo data folder for the module: the first run migrates and loads the demo world, which takes a while."""
    home = tmp_path_factory.mktemp("demo-home")
    data = home / "tandem-demo-data"
    first = run("demo", "--data", str(data), "--no-serve")
    assert first.returncode == 0, first.stderr
    return Demo(home=home, data=data, first_run=first)


def test_demo_prepares_its_data_folder_and_prints_the_sign_ins(demo: Demo) -> None:
    assert "al.coordinator" in demo.first_run.stdout
    assert (demo.data / "field-keys").exists()
    again = run("demo", "--data", str(demo.data), "--no-serve")
    assert again.returncode == 0, again.stderr


def test_the_demo_marks_its_data_folder_as_a_demo(demo: Demo) -> None:
    lines = (demo.data / "tandem.env").read_text().splitlines()
    assert [line for line in lines if not line.startswith("#")] == ["TANDEM_ENV=demo"]


def test_the_demo_takes_its_folder_also_before_the_command(demo: Demo) -> None:
    result = run("--data", str(demo.data), "demo", "--no-serve")
    assert result.returncode == 0, result.stderr
    assert "al.coordinator" in result.stdout


def test_two_different_folders_for_the_demo_exit_2(tmp_path: Path) -> None:
    result = run("--data", str(tmp_path / "one"), "demo", "--data", str(tmp_path / "two"), "--no-serve")
    assert result.returncode == 2
    assert result.stderr == "tandem: two data folders given; give --data once, before or after 'demo'\n"


def test_the_demo_refuses_a_folder_that_is_not_a_demos(tmp_path: Path) -> None:
    (tmp_path / "tandem.env").write_text("TANDEM_ENV=production\n")
    result = run("demo", "--data", str(tmp_path), "--no-serve")
    assert result.returncode == 2
    assert result.stderr == (
        f"tandem: {tmp_path / 'tandem.env'} does not say TANDEM_ENV=demo: the demo runs only in a demo's data folder\n"
    )
    assert [path.name for path in tmp_path.iterdir()] == ["tandem.env"]


def test_data_before_the_command_works_on_that_folder_over_the_environment(demo: Demo, tmp_path: Path) -> None:
    elsewhere = {
        "TANDEM_ENV": "test",
        "TANDEM_SECRET_KEY": "another-installation-secret-key-0123456789",
        "TANDEM_FIELD_KEYS": Fernet.generate_key().decode(),
        "TANDEM_DATA_DIR": str(tmp_path),
        "TANDEM_DATABASE_URL": f"sqlite:///{tmp_path / 'other.sqlite3'}",
    }
    result = run("--data", str(demo.data), "mapping", "rounds", env=elsewhere)
    assert result.returncode == 0, result.stderr
    assert "Western Balkans 2026" in result.stdout
    assert result.stderr == ""


def test_the_demo_folder_in_the_working_directory_is_used_and_named(demo: Demo) -> None:
    result = run("mapping", "rounds", cwd=demo.home)
    assert result.returncode == 0, result.stderr
    assert "Western Balkans 2026" in result.stdout
    assert result.stderr == f"tandem: using the data folder {demo.data.resolve()}\n"


@pytest.fixture
def taken_port() -> Iterator[int]:
    """A port on 127.0.0.1 that another program listens on."""
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        yield other.getsockname()[1]


def test_the_demo_on_a_port_in_use_exits_2_before_preparing_anything(taken_port: int, tmp_path: Path) -> None:
    result = run("demo", "--port", str(taken_port), "--data", str(tmp_path / "demo"))
    assert result.returncode == 2
    assert result.stderr == f"tandem: port {taken_port} on 127.0.0.1 is already in use; choose another with --port\n"
    assert result.stdout == ""
    assert not (tmp_path / "demo").exists()


def test_a_port_just_left_by_a_stopped_server_is_free_again() -> None:
    """A server that closes its connections first leaves them in TIME_WAIT for a minute; the
    demo started again at once can listen there all the same."""
    with socket.socket() as server:
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        with socket.create_connection(("127.0.0.1", port)) as client:
            accepted, _address = server.accept()
            accepted.close()
            assert client.recv(1) == b""
    cli._ensure_port_free("127.0.0.1", port)
