"""The foundation slice as a user drives it: simulator → `buildbutler sync` → `buildbutler serve`."""

from __future__ import annotations

import subprocess
import time

import pytest
import requests

from ingestion.simulator import Simulator
from tests.conftest import BIN, REPO, free_port
from tests.orchestration.expected import expected_job

BUILDBUTLER = str(BIN / "buildbutler")


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [BUILDBUTLER, *args], input=stdin, capture_output=True, text=True, cwd=REPO, timeout=600
    )


@pytest.fixture(scope="module")
def simulator():
    sim = Simulator(seed=11).start()
    yield sim
    sim.stop()


@pytest.fixture
def api(home_env):
    port = free_port()
    server = subprocess.Popen([BUILDBUTLER, "serve", "--port", str(port)], cwd=REPO)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{base}/health", timeout=1).ok:
                break
        except requests.ConnectionError:
            time.sleep(0.2)
    yield base
    server.terminate()
    server.wait(timeout=20)


def test_sync_then_api_lists_exactly_the_simulators_jobs(home_env, simulator, api):
    added = run("connections", "add", "ci-main", simulator.url)
    assert added.returncode == 0, added.stderr
    listed = run("connections", "list")
    assert "ci-main" in listed.stdout and simulator.url in listed.stdout

    sync = run("sync")
    assert sync.returncode == 0, sync.stdout + sync.stderr
    last_line = sync.stdout.strip().splitlines()[-1]
    assert "ci-main success" in last_line and "snapshot published" in last_line

    token = run("tokens", "create", "--role", "viewer").stdout.strip()
    headers = {"Authorization": f"Bearer {token}"}
    jobs, page = [], 1
    while True:
        body = requests.get(f"{api}/api/v1/jobs", params={"page": page, "per_page": 100}, headers=headers).json()
        jobs += body["data"]
        if page * 100 >= body["meta"]["total"]:
            break
        page += 1

    truth = simulator.truth()["jobs"]
    expected = sorted((expected_job(j, "ci-main") for j in truth), key=lambda j: (j["folder"], j["name"]))
    got = [{k: j[k] for k in expected[0]} for j in jobs]
    assert [(j["folder"], j["name"]) for j in got] == [(j["folder"], j["name"]) for j in expected]
    for g, e in zip(got, expected, strict=True):
        assert g == pytest.approx(e), (g, e)
    assert all(j["id"].startswith("j_") for j in jobs) and len({j["id"] for j in jobs}) == len(jobs)

    one = jobs[0]
    detail = requests.get(f"{api}/api/v1/jobs/{one['id']}", headers=headers)
    assert detail.status_code == 200 and detail.json()["name"] == one["name"]
    missing = requests.get(f"{api}/api/v1/jobs/j_doesnotexist", headers=headers)
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"


def test_serve_picks_up_each_new_snapshot_without_restart(home_env, simulator, api):
    assert run("connections", "add", "first", simulator.url).returncode == 0
    assert run("sync").returncode == 0
    token = run("tokens", "create", "--role", "viewer").stdout.strip()
    headers = {"Authorization": f"Bearer {token}"}
    before = requests.get(f"{api}/api/v1/jobs", params={"instance": "second"}, headers=headers).json()
    assert before["meta"]["total"] == 0

    assert run("connections", "add", "second", simulator.url).returncode == 0
    assert run("sync", "--connection", "second").returncode == 0
    after = requests.get(f"{api}/api/v1/jobs", params={"instance": "second"}, headers=headers).json()
    assert after["meta"]["total"] == len(simulator.truth()["jobs"])
