"""`buildbutler sync` as a user reads it: three controllers, one healthy, one refusing the token, one down.

The sync authenticates with each connection's stored credentials, and no token leaks anywhere.

One sync for the module (a subprocess in a session of its own, as a shell would start it); the
tests read its output, its home and the processes left behind.
"""

from __future__ import annotations

import base64
import io
import os
import pty
import socket
import subprocess
from collections import Counter
from pathlib import Path

import duckdb
import pytest
import requests

from buildbutler.settings import Settings
from ingestion.simulator import Simulator
from orchestration.sync import run_sync
from tests.support.cli_server import start_serving
from tests.support.paths import BIN, REPO

BUILDBUTLER = str(BIN / "buildbutler")
USER = "ci-bot"
HEALTHY_TOKEN = "healthy-jenkins-token-7d41c9"
WRONG_TOKEN = "wrong-jenkins-token-3b8e2f"
TOKENS = (HEALTHY_TOKEN, WRONG_TOKEN)


def secrets() -> list[bytes]:
    """Each token as it could leak: plain, or inside the basic auth header."""
    return [form for token in TOKENS
            for form in (token.encode(), base64.b64encode(f"{USER}:{token}".encode()))]


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def survivors(session_id: int, home: Path) -> list[str]:
    """Living processes of the sync's session, or of any session with its BUILDBUTLER_HOME (a daemon
    starts a session of its own): `pid (name) state command` each.

    Zombies have exited: an orphan's (dbt's own multiprocessing tracker, say) waits for init to reap it.
    """
    marker = f"BUILDBUTLER_HOME={home}".encode()
    found = []
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            stat = (proc / "stat").read_text()
            environment = (proc / "environ").read_bytes().split(b"\0")
            command = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:  # gone meanwhile
            continue
        name_end = stat.rindex(")")
        state, _ppid, _group, session = stat[name_end + 2:].split()[:4]  # after "pid (name) "
        if state != "Z" and (int(session) == session_id or marker in environment):
            found.append(f"{stat[: name_end + 1]} {state} {command.strip()}")
    return found


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    home = tmp_path_factory.mktemp("sync-cli") / "home"
    env = {**os.environ, "BUILDBUTLER_HOME": str(home), "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}

    def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
        return subprocess.run([BUILDBUTLER, *args], input=stdin, capture_output=True, text=True, cwd=REPO, check=False,
                              env=env, timeout=600)

    healthy = Simulator(seed=21, username=USER, password=HEALTHY_TOKEN).start()
    locked = Simulator(seed=22, username=USER, password="the-token-buildbutler-does-not-have").start()
    added = [
        run("connections", "add", "healthy", healthy.url, "--username", USER, "--token-stdin", stdin=HEALTHY_TOKEN),
        run("connections", "add", "wrongtoken", locked.url, "--username", USER, "--token-stdin", stdin=WRONG_TOKEN),
        run("connections", "add", "down", f"http://127.0.0.1:{closed_port()}"),
    ]
    assert all(a.returncode == 0 for a in added), [a.stderr for a in added]

    sync = subprocess.Popen([BUILDBUTLER, "sync"], cwd=REPO, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    out, err = sync.communicate(timeout=600)
    left_behind = survivors(sync.pid, home)  # the sync led its own session: its pid is the session id

    server, api = start_serving(env)
    admin = run("tokens", "create", "--role", "admin").stdout.strip()
    connections = requests.get(f"{api}/api/v1/connections", headers={"Authorization": f"Bearer {admin}"}, timeout=30)
    yield {"home": home, "env": env, "run": run, "healthy": healthy, "code": sync.returncode, "out": out, "err": err,
           "lines": out.splitlines(), "left_behind": left_behind, "connections": connections}
    server.terminate()
    server.wait(timeout=20)
    healthy.stop()
    locked.stop()


def line_of(world, prefix: str) -> str:
    matching = [line for line in world["lines"] if line.startswith(prefix)]
    assert len(matching) == 1, world["out"]
    return matching[0]


def test_exit_code_1_when_a_connection_failed(world):
    assert world["code"] == 1, world["out"] + world["err"]


def test_one_readable_line_per_connection_and_a_summary_last(world):
    healthy = line_of(world, "healthy: ")
    assert healthy.startswith("healthy: 13 jobs, 470 builds, ") and "(470 new builds, " in healthy, healthy
    assert line_of(world, "wrongtoken failed: ") == (
        "wrongtoken failed: unauthorized (HTTP 401): check the connection's user name and API token")
    assert line_of(world, "down failed: ").startswith("down failed: not reachable (connection refused): ")
    assert line_of(world, "models: ").startswith("models: ") and "built" in line_of(world, "models: ")
    assert line_of(world, "details: ") == f"details: {world['home'] / 'logs' / 'sync.log'}"
    summary = world["lines"][-1]
    assert summary.startswith("sync failed: ")
    for part in ("healthy success", "wrongtoken failed", "down failed", "470 new builds", "snapshot published"):
        assert part in summary, summary
    # not a terminal: plain lines, nothing redrawn
    assert "\r" not in world["out"] and "\x1b" not in world["out"]


def test_no_trace_and_no_dbt_chatter_on_the_terminal_but_all_of_it_in_the_log(world):
    terminal = world["out"] + world["err"]
    assert "Traceback" not in terminal and "Stack Trace" not in terminal
    assert "Running with dbt" not in terminal
    assert world["err"] == ""
    log = (world["home"] / "logs" / "sync.log").read_text()
    assert "Running with dbt" in log
    assert "ingestion.blueocean.errors.Unauthorized" in log and "ingestion.blueocean.errors.Unreachable" in log
    assert "Traceback" in log


def test_the_healthy_controllers_builds_are_published(world):
    snapshot = world["home"] / "serving" / "current.duckdb"
    with duckdb.connect(str(snapshot), read_only=True) as con:
        published = dict(con.execute(
            "select job_full_name, count(*) from marts.fct_builds where instance = 'healthy' group by 1").fetchall())
        instances = {row[0] for row in con.execute("select distinct instance from marts.fct_builds").fetchall()}
    truth = Counter({job["full_name"]: len(job["builds"]) for job in world["healthy"].truth()["jobs"]})
    assert published == {name: n for name, n in truth.items() if n}
    assert instances == {"healthy"}


def test_the_api_shows_the_same_reason_as_last_sync_error(world):
    assert world["connections"].status_code == 200, world["connections"].text
    listed = {c["name"]: c for c in world["connections"].json()["data"]}
    reasons = {name: line_of(world, f"{name} failed: ").removeprefix(f"{name} failed: ")
               for name in ("wrongtoken", "down")}
    assert {name: listed[name]["lastSyncError"] for name in reasons} == reasons
    assert listed["healthy"]["lastSyncError"] is None
    assert {c["name"]: c["lastSyncStatus"] for c in listed.values()} == {
        "healthy": "success", "wrongtoken": "failed", "down": "failed"}


def test_no_token_anywhere(world):
    said = (world["out"] + world["err"] + world["connections"].text).encode()
    files = [p for p in world["home"].rglob("*") if p.is_file()]
    # the warehouse, the snapshot, the operational store and the log are among them
    names = {p.name for p in files}
    assert {"warehouse.duckdb", "operational.sqlite", "sync.log"} <= names
    assert any(p.parent.name == "serving" and p.suffix == ".duckdb" for p in files)
    for secret in secrets():
        assert secret not in said
        assert [p for p in files if secret in p.read_bytes()] == []


def test_no_process_of_the_sync_is_left(world):
    assert world["left_behind"] == []


def test_an_unknown_connection_is_a_usage_error(world):
    sync = world["run"]("sync", "--connection", "nope")
    assert sync.returncode == 2
    assert sync.stdout.strip() == "sync: no connection named 'nope' (see `buildbutler connections list`)"


def test_on_a_terminal_the_line_redraws_and_verbose_shows_dbt(world):
    """A second sync, of the healthy one only: on a terminal, asking for Dagster's and dbt's output."""
    leader, follower = pty.openpty()
    sync = subprocess.Popen([BUILDBUTLER, "sync", "--connection", "healthy", "--verbose"], cwd=REPO,
                            env=world["env"], stdin=subprocess.DEVNULL, stdout=follower, stderr=follower)
    os.close(follower)
    screen = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO: the terminal's other side is closed
            break
        if not chunk:
            break
        screen += chunk
    os.close(leader)
    assert sync.wait(timeout=600) == 0, screen  # every selected connection synced
    text = screen.decode()
    assert "Running with dbt" in text
    assert "\rhealthy: " in text and "\x1b[K" in text  # redrawn, then replaced by its final line
    # what the terminal shows: each line as its last redraw left it (the tty sends "\n" as "\r\n")
    lines = [line.rsplit("\r", 1)[-1].replace("\x1b[K", "") for line in text.replace("\r\n", "\n").split("\n")]
    healthy = [line for line in lines if line.startswith("healthy: ")]
    assert len(healthy) == 1 and healthy[0].endswith("(0 new builds, 0 finished; via blueocean)"), lines
    assert lines[-1] == "" and lines[-2].startswith("sync ok: healthy success; 0 new builds, 0 finished builds; ")
    assert "snapshot published" in lines[-2]


def test_a_sync_that_cannot_run_says_why_in_one_line(home_env):
    settings = Settings.from_env()
    home = settings.home.ensure()
    (home.dagster_home / "dagster.yaml").write_text("concurrency: [not, a, mapping\n")  # broken by hand
    out = io.StringIO()
    assert run_sync(settings, out=out) == 1
    lines = out.getvalue().splitlines()
    assert lines[-2] == f"details: {home.sync_log}"
    assert lines[-1].startswith("sync failed: ") and "Traceback" not in out.getvalue()
    assert "Traceback" in home.sync_log.read_text()
