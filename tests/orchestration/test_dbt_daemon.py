"""The dbt daemon (orchestration/dbt_daemon): `buildbutler-dbt` behaves as `dbt` does.

Each test gets a daemon of its own: the socket lives under TMPDIR, which each test sets.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from orchestration.dbt_daemon.paths import CLIENT, DBT, IDLE_ENV, TRANSFORM_DIR

PROJECT_ARGS = ["--project-dir", str(TRANSFORM_DIR), "--profiles-dir", str(TRANSFORM_DIR)]
# A query that runs for minutes: something to interrupt.
ENDLESS = ["show", "--inline", "select sum(i) from range(1000000000000) as t(i)", *PROJECT_ARGS]


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    return {**os.environ, "TMPDIR": str(tmp), IDLE_ENV: "60", "DO_NOT_TRACK": "1",
            "BUILDBUTLER_WAREHOUSE": str(tmp_path / "warehouse.duckdb"), "DBT_TARGET_PATH": str(tmp_path / "target"),
            "DBT_LOG_PATH": str(tmp_path / "logs")}


def run(executable: Path, args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([str(executable), *args], env=env, cwd=TRANSFORM_DIR, capture_output=True, text=True,
                          timeout=300)


def runtime(env: dict[str, str]) -> Path:
    """The folder of the test's daemon: its socket, lock and log."""
    return Path(env["TMPDIR"]) / f"buildbutler-{os.getuid()}"


def daemon_log(env: dict[str, str]) -> list[str]:
    logs = list(runtime(env).glob("dbt-*.log"))
    return logs[0].read_text().splitlines() if logs else []


def parses(env: dict[str, str]) -> int:
    return sum(1 for line in daemon_log(env) if line.startswith("parsed the project"))


def commands(env: dict[str, str]) -> list[dict]:
    return [json.loads(line) for line in daemon_log(env) if line.startswith('{"pid"')]


def daemon_pids() -> set[int]:
    done = subprocess.run(["pgrep", "-f", "orchestration.dbt_daemon.server"], capture_output=True, text=True)
    return {int(pid) for pid in done.stdout.split()}


@pytest.fixture(autouse=True)
def stop_daemons():
    before = daemon_pids()
    yield
    for pid in daemon_pids() - before:
        try:
            os.killpg(os.getpgid(pid), signal.SIGTERM)  # a daemon leads a group with its children
        except ProcessLookupError:
            pass


@pytest.fixture
def endless(env):
    """Starts `buildbutler-dbt` on a query that runs for hours; killed after the test whatever it did."""
    started = []

    def start() -> subprocess.Popen:
        started.append(subprocess.Popen([str(CLIENT), *ENDLESS], env=env, cwd=TRANSFORM_DIR,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        return started[-1]

    yield start
    for client in started:
        client.kill()
        client.wait()


def wait_for(condition, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def test_same_output_and_exit_code_as_dbt(env):
    args = ["--quiet", "ls", "--resource-type", "model", "--output", "name", *PROJECT_ARGS]
    plain = run(DBT, args, env)
    served = run(CLIENT, args, env)
    assert plain.returncode == served.returncode == 0, served.stderr
    assert "fct_builds" in served.stdout.split()
    assert served.stdout == plain.stdout
    # a command line dbt refuses: the same exit code, and the reason on stderr
    plain = run(DBT, ["build", "--no-such-flag", *PROJECT_ARGS], env)
    served = run(CLIENT, ["build", "--no-such-flag", *PROJECT_ARGS], env)
    assert served.returncode == plain.returncode == 2
    assert "no-such-flag" in served.stderr
    assert [c["exit"] for c in commands(env)] == [0, 2]


def test_the_project_is_parsed_once_and_again_when_it_changes(env):
    args = ["--quiet", "ls", "--select", "fct_builds", "--resource-type", "model", *PROJECT_ARGS]
    for _ in range(2):
        assert run(CLIENT, args, env).stdout.strip() == "buildbutler.marts.fct_builds"
    assert parses(env) == 1
    model = TRANSFORM_DIR / "models" / "marts" / "fct_builds.sql"
    later = time.time() + 2
    os.utime(model, (later, later))
    assert run(CLIENT, args, env).stdout.strip() == "buildbutler.marts.fct_builds"
    assert parses(env) == 2


def test_the_warehouse_is_released_when_dbt_is_done(env):
    done = run(CLIENT, ["show", "--inline", "select 42 as answer", "--output", "json", *PROJECT_ARGS], env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert '"answer": 42' in done.stdout
    # the daemon lives on, yet the file takes a writer: only the (exited) child had it open
    assert daemon_pids()
    with duckdb.connect(env["BUILDBUTLER_WAREHOUSE"]) as con:
        con.execute("create table written_after_dbt as select 1 as x")


def test_a_warehouse_of_another_name_is_parsed_for(env, tmp_path):
    # dbt-duckdb names the database after the file: a manifest parsed for one file is wrong for another
    for name in ("first", "second"):
        env["BUILDBUTLER_WAREHOUSE"] = str(tmp_path / f"{name}.duckdb")
        done = run(CLIENT, ["seed", *PROJECT_ARGS], env)
        assert done.returncode == 0, done.stdout[-3000:]
        # closed as by a dbt process: the WAL is checkpointed, so the file alone holds the data
        assert not Path(env["BUILDBUTLER_WAREHOUSE"] + ".wal").exists()
        with duckdb.connect(env["BUILDBUTLER_WAREHOUSE"], read_only=True) as con:
            assert con.execute("select count(*) from seeds.failure_patterns").fetchone()[0] > 0
    assert parses(env) == 2


def test_a_signal_to_the_client_reaches_dbt(env, endless):
    client = endless()
    wait_for(lambda: parses(env))
    time.sleep(1)
    client.send_signal(signal.SIGTERM)
    assert client.wait(timeout=30) == 128 + signal.SIGTERM
    # the daemon serves the next command
    assert run(CLIENT, ["--version"], env).returncode == 0


def test_dbt_stops_when_its_client_is_killed(env, endless):
    client = endless()
    wait_for(lambda: parses(env))
    time.sleep(1)
    client.kill()
    client.wait()
    wait_for(lambda: commands(env))
    assert commands(env)[0]["exit"] == 128 + signal.SIGTERM


def test_a_malformed_request_leaves_the_daemon_serving(env):
    assert run(CLIENT, ["--version"], env).returncode == 0
    path = next(runtime(env).glob("*.sock"))
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
        conn.connect(str(path))
        conn.sendall(b"not a request")  # no streams attached, no header
        assert conn.recv(100) == b""  # hung up on
    assert any(line.startswith("bad request") for line in daemon_log(env))
    assert run(CLIENT, ["--version"], env).returncode == 0


def test_the_daemon_exits_when_idle(env):
    env[IDLE_ENV] = "1"
    assert run(CLIENT, ["--version"], env).returncode == 0
    sockets = lambda: list(runtime(env).glob("*.sock"))  # noqa: E731
    assert sockets()
    wait_for(lambda: not sockets(), seconds=15)


def test_stop_daemon_stops_it_and_what_it_runs(env, endless):
    stop = [sys.executable, "-c", "from orchestration.dbt_daemon.client import stop_daemon; print(stop_daemon())"]
    assert subprocess.run(stop, env=env, capture_output=True, text=True).stdout.strip() == "False"
    client = endless()
    wait_for(lambda: parses(env))
    daemon = int(next(runtime(env).glob("dbt-*.lock")).read_text())
    wait_for(lambda: Path(f"/proc/{daemon}/task/{daemon}/children").read_text().strip())  # dbt runs
    assert subprocess.run(stop, env=env, capture_output=True, text=True).stdout.strip() == "True"
    assert client.wait(timeout=30) != 0
    wait_for(lambda: daemon not in daemon_pids())


def test_without_the_daemon(env):
    env[IDLE_ENV] = "0"
    done = run(CLIENT, ["--version"], env)
    assert done.returncode == 0 and "Core:" in done.stdout
    assert not runtime(env).exists()
    env[IDLE_ENV] = "soon"
    done = run(CLIENT, ["--version"], env)
    assert done.returncode != 0 and IDLE_ENV in done.stderr
