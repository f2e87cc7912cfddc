"""``tandem demo`` and the data folder it makes, which the other commands can be pointed at."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from tandem import cli
from tests.core.test_cli import command_env, run


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
    # Building the whole demo world (two years of cases and questionnaires) takes a minute or
    # two, more on a machine busy with the other tests.
    first = run("demo", "--data", str(data), "--no-serve", timeout=900)
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


# --- Stopping the demo ----------------------------------------------------------------------
# The demo runs gunicorn (with its own worker processes) and the background worker. However the
# demo is stopped, none of them may stay behind, holding the port and the database.


def process_table() -> dict[int, tuple[int, str, int]]:
    """pid -> (parent pid, state, start time) of every process, read from /proc."""
    table = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()  # after the command name, which may hold spaces
        table[int(entry.name)] = (int(fields[1]), fields[0], int(fields[19]))
    return table


def descendants(pid: int) -> set[tuple[int, int]]:
    """(pid, start time) of every process below ``pid``; the start time tells a reused pid apart."""
    table = process_table()
    found: set[tuple[int, int]] = set()
    parents = [pid]
    while parents:
        parent = parents.pop()
        for child, (ppid, _state, started) in table.items():
            if ppid == parent:
                found.add((child, started))
                parents.append(child)
    return found


def still_running(processes: set[tuple[int, int]]) -> set[tuple[int, int]]:
    table = process_table()
    return {(pid, started) for pid, started in processes if pid in table and table[pid][1:] != ("Z", started)}


def answers(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as response:
            return bool(response.status == 200)
    except OSError:
        return False


def wait_for(condition: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return condition()


def stop_group(process: subprocess.Popen[bytes]) -> None:
    """Clean up after a failed test: end what is left of the process group the test started,
    children the process left behind included."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


@pytest.fixture
def served_demo(demo: Demo, tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], int, set[tuple[int, int]]]]:
    """The demo serving on a free port: its process, the port, and every process below it."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log = tmp_path / "demo.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "tandem.cli", "demo", "--port", str(port), "--data", str(demo.data)],
            env=command_env(),
            cwd=demo.home,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # a process group of its own, for stop_group
        )
    try:
        assert wait_for(lambda: answers(port) or process.poll() is not None, 120), log.read_text()
        assert process.poll() is None, log.read_text()
        # The background worker, gunicorn and its two workers.
        assert wait_for(lambda: len(descendants(process.pid)) == 4, 30), log.read_text()
        yield process, port, descendants(process.pid)
    finally:
        stop_group(process)


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="the demo's processes are found in /proc")
def test_sigterm_stops_the_demo_with_its_server_and_worker(
    served_demo: tuple[subprocess.Popen[bytes], int, set[tuple[int, int]]],
) -> None:
    process, port, children = served_demo
    process.terminate()
    assert process.wait(timeout=30) == 0
    assert wait_for(lambda: not still_running(children), 5), still_running(children)
    assert not answers(port)


# The same supervision, with stand-ins for the server and the worker that start in an instant.
SLEEPER = [sys.executable, "-c", "import time; time.sleep(300)"]


@pytest.fixture
def supervise(tmp_path: Path) -> Iterator[Callable[[list[str]], tuple[subprocess.Popen[bytes], set[tuple[int, int]]]]]:
    """Start a process that runs ``server`` with a stand-in worker beside it, as the demo does;
    returns it and its two children once both have started."""
    started: list[subprocess.Popen[bytes]] = []

    def start(server: list[str]) -> tuple[subprocess.Popen[bytes], set[tuple[int, int]]]:
        code = f"import sys; from tandem.cli import _supervise; sys.exit(_supervise({server!r}, {SLEEPER!r}))"
        process = subprocess.Popen([sys.executable, "-c", code], env=command_env(), start_new_session=True)
        started.append(process)
        assert wait_for(lambda: len(descendants(process.pid)) == 2, 30)
        return process, descendants(process.pid)

    yield start
    for process in started:
        stop_group(process)


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="the processes are found in /proc")
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT])
def test_each_stop_signal_stops_the_server_and_the_worker_and_exits_0(
    supervise: Callable[[list[str]], tuple[subprocess.Popen[bytes], set[tuple[int, int]]]], signum: signal.Signals
) -> None:
    process, children = supervise(SLEEPER)
    process.send_signal(signum)
    assert process.wait(timeout=30) == 0
    assert not still_running(children)


@pytest.mark.skipif(sys.platform != "linux", reason="only Linux lets a child ask to die with its parent")
def test_the_server_and_the_worker_die_with_a_demo_killed_outright(
    supervise: Callable[[list[str]], tuple[subprocess.Popen[bytes], set[tuple[int, int]]]],
) -> None:
    process, children = supervise(SLEEPER)
    process.kill()
    process.wait(timeout=10)
    assert wait_for(lambda: not still_running(children), 10), still_running(children)


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="the processes are found in /proc")
def test_a_server_that_ends_stops_the_worker_and_gives_its_exit_code(
    supervise: Callable[[list[str]], tuple[subprocess.Popen[bytes], set[tuple[int, int]]]], tmp_path: Path
) -> None:
    go = tmp_path / "go"
    ending_server = [
        sys.executable,
        "-c",
        f"import pathlib, sys, time\nwhile not pathlib.Path({str(go)!r}).exists(): time.sleep(0.05)\nsys.exit(3)",
    ]
    process, children = supervise(ending_server)
    go.touch()
    assert process.wait(timeout=30) == 3
    assert not still_running(children)
