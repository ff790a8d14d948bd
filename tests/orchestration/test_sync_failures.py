"""Every way a controller fails that a user can act on, in one `buildbutler sync` beside a healthy one.

Each failing connection gets one line saying why, the same words in its `lastSyncError` and in the
connection test; the healthy controller's builds are still published and the exit code is 1. The
token, given to every connection, is found nowhere: not in the output, the API's answers, the
warehouse, the snapshot, the store or `logs/sync.log`.
"""

from __future__ import annotations

import base64
import os
import socket
import subprocess

import duckdb
import pytest
import requests

from ingestion.simulator import Simulator
from tests.ingestion.scripted_server import ScriptedServer
from tests.support.cli_server import start_serving
from tests.support.paths import BIN, REPO
from tests.support.tls import make_certificates

USER = "ci-bot"
TOKEN = "field-token-5e0c2a9d71"
ORGANIZATION = "/blue/rest/organizations/jenkins/"
LOGIN_PAGE = b"<!DOCTYPE html><html><body><form action='/sso/login'>Sign in</form></body></html>"
UNREACHABLE = "check the URL and that Jenkins is up"
CREDENTIALS = "check the connection's user name and API token"
EXPECTED = {
    "wrong token": f"unauthorized (HTTP 401): {CREDENTIALS}",
    "forbidden": f"unauthorized (HTTP 403): {CREDENTIALS}",
    "refused": f"not reachable (connection refused): {UNREACHABLE}",
    "no such host": f"not reachable (host not found): {UNREACHABLE}",
    "silent": f"not reachable (timed out): {UNREACHABLE}",
    "self-signed": f"not reachable (TLS certificate not trusted): {UNREACHABLE}",
    "a wiki": "not Jenkins, or behind a login page (HTML where JSON was expected): check the URL points at Jenkins "
              "itself",
    "behind sso": "redirected to a login page (HTTP 302): Jenkins is behind single sign-on or the URL is not "
                  "Jenkins' own; use the address Jenkins answers on with a user and API token",
    "no jenkins api": "no Jenkins API found (HTTP 404 on /blue/rest/organizations/jenkins/ and /api/json): check "
                      "the URL is Jenkins' root URL, with its context path",
}


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def scripted(answer: tuple, delay_s: float = 0.0) -> ScriptedServer:
    """A server giving `answer` where the sync and the connection test ask first."""
    server = ScriptedServer(delay_s=delay_s)
    server.script[ORGANIZATION] = [answer]
    server.script[ORGANIZATION + "pipelines/"] = [answer]
    return server


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    root = tmp_path_factory.mktemp("failures")
    home = root / "home"
    env = {**os.environ, "BUILDBUTLER_HOME": str(home), "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",
           "BUILDBUTLER_JENKINS_TIMEOUT": "1", "BUILDBUTLER_JENKINS_ATTEMPTS": "2"}

    def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
        return subprocess.run([str(BIN / "buildbutler"), *args], input=stdin, capture_output=True, text=True,
                              cwd=REPO, env=env, timeout=600, check=False)

    certificates = make_certificates(root / "tls")
    healthy = Simulator(seed=31, username=USER, password=TOKEN, prefix="/jenkins").start()
    locked = Simulator(seed=32, username=USER, password="not-the-token-we-have").start()
    untrusted = Simulator(seed=33).start(tls=certificates.server_context())
    servers = {
        "forbidden": scripted((403, b'{"message":"Forbidden"}', {"Content-Type": "application/json"})),
        "silent": scripted((200, b"[]", {}), delay_s=5.0),
        "a wiki": scripted((200, LOGIN_PAGE, {"Content-Type": "text/html;charset=utf-8"})),
        "behind sso": scripted((302, b"", {"Location": "/sso/login?state=" + TOKEN[::-1]})),
        "no jenkins api": ScriptedServer(),  # 404 everywhere: neither Blue Ocean nor the core API
    }
    urls = {"healthy": healthy.url + "/", "wrong token": locked.url, "refused": f"http://127.0.0.1:{closed_port()}",
            "no such host": "http://jenkins.buildbutler-test.invalid:8080", "self-signed": untrusted.url,
            **{name: server.url for name, server in servers.items()}}
    for name, url in urls.items():
        added = run("connections", "add", name, url, "--username", USER, "--token-stdin", stdin=TOKEN)
        assert added.returncode == 0, added.stderr
    insecure = run("connections", "add", "lab", untrusted.url, "--insecure")  # the same server, on purpose
    assert insecure.returncode == 0 and "verification is off" in insecure.stderr, insecure.stderr
    sync = run("sync")
    server, api = start_serving(env)
    admin = {"Authorization": f"Bearer {run('tokens', 'create', '--role', 'admin').stdout.strip()}"}
    connections = requests.get(f"{api}/api/v1/connections", headers=admin, timeout=30)
    tests = {c["name"]: requests.post(f"{api}/api/v1/connections/{c['id']}/test", headers=admin, timeout=60)
             for c in connections.json()["data"]}
    yield {"home": home, "sync": sync, "lines": sync.stdout.splitlines(), "connections": connections, "tests": tests,
           "healthy": healthy, "untrusted": untrusted}
    server.terminate()
    server.wait(timeout=20)
    for simulator in (healthy, locked, untrusted):
        simulator.stop()
    for scripted_server in servers.values():
        scripted_server.shutdown()


def test_exit_code_1_and_the_healthy_controller_synced(world):
    sync = world["sync"]
    assert sync.returncode == 1, sync.stdout + sync.stderr
    summary = world["lines"][-1]
    assert "healthy success" in summary and "lab success" in summary and "snapshot published" in summary, summary
    assert all(f"{name} failed" in summary for name in EXPECTED), summary


def test_one_line_per_failure_saying_what_to_do(world):
    failed = {line.split(" failed: ")[0]: line.split(" failed: ", 1)[1]
              for line in world["lines"] if " failed: " in line and not line.startswith("sync ")}
    assert failed == EXPECTED


def test_last_sync_error_and_the_connection_test_say_the_same(world):
    assert world["connections"].status_code == 200
    listed = {c["name"]: c for c in world["connections"].json()["data"]}
    assert {name: listed[name]["lastSyncError"] for name in EXPECTED} == EXPECTED
    assert listed["healthy"]["lastSyncStatus"] == "success" and listed["healthy"]["lastSyncError"] is None
    verdicts = {name: response.json() for name, response in world["tests"].items()}
    assert {name: verdicts[name]["message"] for name in EXPECTED} == EXPECTED
    assert verdicts["healthy"] == {"ok": True, "status": 200, "message": "Blue Ocean answered."}
    refusing = ("wrong token", "forbidden", "behind sso", "no jenkins api")
    assert {name: verdicts[name]["status"] for name in refusing} == {
        "wrong token": 401, "forbidden": 403, "behind sso": 302, "no jenkins api": 404}


def test_the_healthy_builds_are_published(world):
    with duckdb.connect(str(world["home"] / "serving" / "current.duckdb"), read_only=True) as con:
        published = dict(con.execute("select instance, count(*) from marts.fct_builds group by 1").fetchall())
    assert published == {name: sum(len(j["builds"]) for j in world[sim].truth()["jobs"])
                         for name, sim in (("healthy", "healthy"), ("lab", "untrusted"))}


def test_turning_tls_verification_off_is_said_in_the_log(world):
    log = (world["home"] / "logs" / "sync.log").read_text()
    assert f"connection lab: TLS certificate verification is OFF ({world['untrusted'].url})" in log
    assert world["tests"]["lab"].json()["ok"] is True  # the connection test honours the opt-out too


def test_the_token_is_nowhere(world):
    secrets = [TOKEN.encode(), TOKEN[::-1].encode(), base64.b64encode(f"{USER}:{TOKEN}".encode())]
    said = (world["sync"].stdout + world["sync"].stderr + world["connections"].text
            + "".join(r.text for r in world["tests"].values())).encode()
    files = [p for p in world["home"].rglob("*") if p.is_file()]
    names = {p.name for p in files}
    assert {"warehouse.duckdb", "operational.sqlite", "sync.log"} <= names
    assert any(p.parent.name == "serving" and p.suffix == ".duckdb" for p in files)
    assert "ingestion.blueocean.errors.LoginRedirect" in (world["home"] / "logs" / "sync.log").read_text()
    for secret in secrets:
        assert secret not in said
        assert [p for p in files if secret in p.read_bytes()] == []
