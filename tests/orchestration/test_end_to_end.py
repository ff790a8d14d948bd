"""The foundation slice as a user drives it: simulator → `buildbutler sync` → `buildbutler serve`.

One home for the module: the first sync is the expensive part, and the later tests build on it
the way a user would (a second connection, a second sync, the same running server).
"""

from __future__ import annotations

import os
import subprocess
import time

import pytest
import requests

from ingestion.simulator import Simulator
from tests.conftest import BIN, REPO, free_port
from tests.orchestration.expected import expected_job

BUILDBUTLER = str(BIN / "buildbutler")


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([BUILDBUTLER, *args], capture_output=True, text=True, cwd=REPO, timeout=600)


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """A simulator, a home with one connection synced, and `buildbutler serve` on it."""
    saved = dict(os.environ)
    os.environ["BUILDBUTLER_HOME"] = str(tmp_path_factory.mktemp("e2e") / "home")
    os.environ["PATH"] = f"{BIN}{os.pathsep}{os.environ['PATH']}"
    sim = Simulator(seed=11).start()
    added = run("connections", "add", "ci-main", sim.url)
    assert added.returncode == 0, added.stderr
    sync = run("sync")
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
    token = run("tokens", "create", "--role", "viewer").stdout.strip()
    yield {"sim": sim, "sync": sync, "api": base, "headers": {"Authorization": f"Bearer {token}"}}
    server.terminate()
    server.wait(timeout=20)
    sim.stop()
    os.environ.clear()
    os.environ.update(saved)


def all_jobs(world, **params) -> list[dict]:
    jobs, page = [], 1
    while True:
        body = requests.get(
            f"{world['api']}/api/v1/jobs", params={**params, "page": page, "per_page": 100}, headers=world["headers"]
        ).json()
        jobs += body["data"]
        if page * 100 >= body["meta"]["total"]:
            return jobs
        page += 1


def test_connections_add_and_list(world):
    listed = run("connections", "list")
    assert "ci-main" in listed.stdout and world["sim"].url in listed.stdout and "success" in listed.stdout


def test_sync_exits_zero_and_sums_up(world):
    sync = world["sync"]
    assert sync.returncode == 0, sync.stdout + sync.stderr
    last_line = sync.stdout.strip().splitlines()[-1]
    assert "ci-main success" in last_line and "snapshot published" in last_line


def test_api_lists_exactly_the_simulators_jobs(world):
    jobs = all_jobs(world)
    expected = sorted(
        (expected_job(j, "ci-main") for j in world["sim"].truth()["jobs"]), key=lambda j: (j["folder"], j["name"])
    )
    got = [{k: j[k] for k in expected[0]} for j in jobs]
    assert [(j["folder"], j["name"]) for j in got] == [(j["folder"], j["name"]) for j in expected]
    for g, e in zip(got, expected, strict=True):
        assert g == pytest.approx(e), (g, e)
    assert all(j["id"].startswith("j_") for j in jobs) and len({j["id"] for j in jobs}) == len(jobs)


def test_job_detail_and_unknown_job(world):
    one = all_jobs(world)[0]
    detail = requests.get(f"{world['api']}/api/v1/jobs/{one['id']}", headers=world["headers"])
    assert detail.status_code == 200 and detail.json()["name"] == one["name"]
    missing = requests.get(f"{world['api']}/api/v1/jobs/j_doesnotexist", headers=world["headers"])
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"


def test_folder_filter_covers_subfolders(world):
    under_platform = {j["name"] for j in all_jobs(world, folder="/platform")}
    truth = world["sim"].truth()["jobs"]
    expected = {j["name"] for j in truth if j["folder"] == "/platform" or j["folder"].startswith("/platform/")}
    assert under_platform == expected
    assert any(j["folder"].startswith("/platform/") for j in truth if j["name"] in expected)


def test_serve_picks_up_a_new_snapshot_without_restart(world):
    assert all_jobs(world, instance="second") == []
    assert run("connections", "add", "second", world["sim"].url).returncode == 0
    sync = run("sync", "--connection", "second")
    assert sync.returncode == 0, sync.stdout + sync.stderr
    assert len(all_jobs(world, instance="second")) == len(world["sim"].truth()["jobs"])
    assert len(all_jobs(world, instance="ci-main")) == len(world["sim"].truth()["jobs"])
