"""The foundation slice as a user drives it: simulator → `buildbutler sync` → `buildbutler serve`.

One home per API: the first sync is the expensive part, and the later tests build on it the way a
user would (a second connection, a second sync, the same running server). Every test runs against
controllers with Blue Ocean, and again against controllers with only the core JSON API (Pipeline
Graph View, the Metrics plugin), whose builds must come out the same. Test analytics
too: the simulator's planted flaky tests, and only they, are found in the snapshot and the API.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import duckdb
import pytest
import requests

from buildbutler.home import Home
from buildbutler.settings import Settings
from ingestion.simulator import CoreOptions, Simulator
from orchestration.assets.config import WRITER_POOL
from orchestration.instance import open_instance
from tests.api.snapshot_fixture import job_id
from tests.orchestration.api_checks import assert_every_build_exact
from tests.orchestration.expected import expected_job
from tests.support.cli_server import start_serving
from tests.support.paths import BIN, REPO

BUILDBUTLER = str(BIN / "buildbutler")


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([BUILDBUTLER, *args], capture_output=True, text=True, cwd=REPO, timeout=600)


SOURCES = {"blueocean": "blueocean", "core": "core+pgv"}  # what each connection's `source` must say


def simulator(api: str, seed: int) -> Simulator:
    return Simulator(seed=seed, core=CoreOptions() if api == "core" else None).start()


@pytest.fixture(scope="module", params=sorted(SOURCES))
def world(request, tmp_path_factory):
    """A simulator, a home with one connection synced, and `buildbutler serve` on it."""
    api = request.param
    saved = dict(os.environ)
    os.environ["BUILDBUTLER_HOME"] = str(tmp_path_factory.mktemp("e2e") / "home")
    os.environ["PATH"] = f"{BIN}{os.pathsep}{os.environ['PATH']}"
    os.environ["BUILDBUTLER_RATE_LIMIT"] = "0"  # the concurrency test hammers the API on purpose
    sim, other = simulator(api, 11), simulator(api, 12)
    added = run("connections", "add", "ci-main", sim.url)
    assert added.returncode == 0, added.stderr
    started = time.time()
    sync = run("sync")
    server, base = start_serving()
    token = run("tokens", "create", "--role", "viewer").stdout.strip()
    yield {"sim": sim, "other": other, "sync": sync, "started": started, "api": base, "api_kind": api,
           "headers": {"Authorization": f"Bearer {token}"}}
    server.terminate()
    server.wait(timeout=20)
    sim.stop()
    other.stop()
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
    (line,) = [line for line in listed.stdout.splitlines() if "\tci-main\t" in line]
    assert line.split("\t")[-1] == SOURCES[world["api_kind"]]


def test_every_build_is_exact_with_its_stages_category_and_log(world):
    assert assert_every_build_exact(world, world["sim"], "ci-main", core=world["api_kind"] == "core") > 400


def test_sync_exits_zero_and_sums_up(world):
    sync = world["sync"]
    assert sync.returncode == 0, sync.stdout + sync.stderr
    last_line = sync.stdout.strip().splitlines()[-1]
    assert "ci-main success" in last_line and "snapshot published" in last_line
    assert f"via {SOURCES[world['api_kind']]})" in sync.stdout  # the connection's line says which API
    # dbt's artifacts go to one folder that each sync replaces, not to a new folder per sync
    target = REPO / "transform" / "target"
    assert (target / "sync" / "run_results.json").stat().st_mtime >= world["started"]
    assert not [p for p in target.glob("warehouse_models-*") if p.stat().st_mtime >= world["started"]]


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


# Test analytics (issue 18): every flaky test the simulator planted and showed (failed and passed on one
# commit) is found, with its commits, and no other test is called flaky.


def snapshot_rows(sql: str) -> list[tuple]:
    with duckdb.connect(str(Home(Path(os.environ["BUILDBUTLER_HOME"])).current_snapshot), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_every_planted_flaky_test_is_found_and_no_other(world):
    planted = {(t["job"], t["class_name"], t["name"], commit)
               for t in world["sim"].truth()["flaky_tests"] for commit in t["commits"]}
    assert len({t[:3] for t in planted}) >= 10
    found = set(snapshot_rows("""
        select jobs.full_name, tests.class_name, tests.test_name, flaky.commit_sha
        from marts.fct_flaky_test_results as flaky
        inner join marts.dim_tests as tests using (test_id)
        inner join marts.dim_jobs as jobs on jobs.job_id = tests.job_id"""))
    assert found == planted


def test_every_case_of_every_build_with_a_report_is_a_row(world):
    ctl = world["sim"].controller
    totals = [view.plan.tests[0] for job in ctl.jobs for n in range(job.first, job.last + 1)
              if (view := ctl.view(job, n)).finished and view.plan.tests]
    builds, rows = snapshot_rows("select count(distinct build_id), count(*) from marts.fct_test_results")[0]
    assert (builds, rows) == (len(totals), sum(totals))
    kind = "tests" if world["api_kind"] == "blueocean" else "testReport"
    assert world["sim"].requests_by_kind()[kind] == len(totals)  # one request a build with a report


def test_the_api_lists_the_same_flaky_tests_first(world):
    everything = "2000-01-01T00:00:00Z/2100-01-01T00:00:00Z"
    flaky, page = [], 1
    while True:
        body = requests.get(f"{world['api']}/api/v1/tests", params={
            "range": everything, "sort": "flaky", "page": page, "per_page": 100}, headers=world["headers"]).json()
        flaky += [t for t in body["data"] if t["flakyCommits"]]
        if not body["data"] or not body["data"][-1]["flakyCommits"]:
            break
        page += 1
    planted = {(job_id("ci-main", t["job"]), t["class_name"], t["name"]): len(t["commits"])
               for t in world["sim"].truth()["flaky_tests"]}
    assert {(t["jobId"], t["className"], t["name"]): t["flakyCommits"] for t in flaky} == planted
    assert all(t["retryCost"] > 0 and t["failures"] > 0 for t in flaky)
    # one of them: its history holds a failure and a pass on one commit
    first = flaky[0]
    history = requests.get(f"{world['api']}/api/v1/tests/{first['id']}", params={"range": everything,
                           "per_page": 100}, headers=world["headers"]).json()["history"]["data"]
    by_commit: dict[str, set[str]] = {}
    for run_ in history:
        by_commit.setdefault(run_["commit"], set()).add(run_["status"])
    assert any({"FAILED", "PASSED"} <= statuses for statuses in by_commit.values())
    failed_build = next(r["buildId"] for r in history if r["status"] == "FAILED")
    failed = requests.get(f"{world['api']}/api/v1/builds/{failed_build}/tests", headers=world["headers"]).json()
    assert first["id"] in {t["testId"] for t in failed["data"]} and all(t["errorText"] for t in failed["data"])


def test_serve_picks_up_a_new_snapshot_without_restart(world):
    assert all_jobs(world, instance="second") == []
    assert run("connections", "add", "second", world["other"].url).returncode == 0
    sync = run("sync", "--connection", "second")
    assert sync.returncode == 0, sync.stdout + sync.stderr
    assert len(all_jobs(world, instance="second")) == len(world["other"].truth()["jobs"])
    assert len(all_jobs(world, instance="ci-main")) == len(world["sim"].truth()["jobs"])


ALL_TIME = "2000-01-01T00:00:00Z/2100-01-01T00:00:00Z"


def total_builds(world) -> int:
    response = requests.get(
        f"{world['api']}/api/v1/analytics/metrics", params={"range": ALL_TIME}, headers=world["headers"], timeout=30
    )
    assert response.status_code == 200, response.text
    return response.json()["totalBuilds"]


def test_api_never_fails_or_shows_half_a_sync_while_one_runs(world):
    before = total_builds(world)
    world["sim"].advance()
    sync = subprocess.Popen([BUILDBUTLER, "sync"], cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)
    seen: list[tuple[int, int | None]] = []

    def client():
        session = requests.Session()
        deadline = time.monotonic() + 600
        while sync.poll() is None and time.monotonic() < deadline:
            r = session.get(f"{world['api']}/api/v1/analytics/metrics", params={"range": ALL_TIME},
                            headers=world["headers"], timeout=30)
            seen.append((r.status_code, r.json().get("totalBuilds") if r.status_code == 200 else None))
            jobs = session.get(f"{world['api']}/api/v1/jobs", headers=world["headers"], timeout=30)
            seen.append((jobs.status_code, None))

    with ThreadPoolExecutor(8) as pool:
        for future in [pool.submit(client) for _ in range(8)]:
            future.result()
    output = sync.communicate(timeout=60)[0]
    assert sync.returncode == 0, output
    after = total_builds(world)
    assert after > before
    assert len(seen) > 50
    assert {status for status, _ in seen} == {200}
    assert {total for _, total in seen if total is not None} <= {before, after}


def writer_slots_claimed(home) -> list:
    with open_instance(home) as instance:
        return instance.event_log_storage.get_concurrency_info(WRITER_POOL).claimed_slots


def test_a_crashed_sync_frees_the_writer_slot(world):
    home = Settings.from_env().home
    crashed = subprocess.Popen([BUILDBUTLER, "sync"], cwd=REPO, start_new_session=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while not writer_slots_claimed(home) and time.monotonic() < deadline and crashed.poll() is None:
        time.sleep(0.05)
    assert writer_slots_claimed(home), "the sync never held the writer slot"
    os.killpg(crashed.pid, signal.SIGKILL)  # the whole process group: the run worker and its dbt
    crashed.wait(timeout=30)
    assert writer_slots_claimed(home), "the slot must still be held by the dead run"
    again = run("sync")
    assert again.returncode == 0, again.stdout + again.stderr
    assert writer_slots_claimed(home) == []


def test_one_controller_down_fails_visibly_while_the_others_publish(world):
    world["other"].stop()
    world["sim"].advance()
    sync = run("sync")
    assert sync.returncode != 0
    summary = sync.stdout.strip().splitlines()[-1]
    assert "ci-main success" in summary and "second failed" in summary and "snapshot published" in summary
    expected = {j["name"]: expected_job(j, "ci-main")["lastBuild"] for j in world["sim"].truth()["jobs"]}
    assert {j["name"]: j["lastBuild"] for j in all_jobs(world, instance="ci-main")} == expected
    listed = {line.split("\t")[1]: line.split("\t")[3] for line in run("connections", "list").stdout.splitlines()}
    assert listed == {"ci-main": "success", "second": "failed"}


def test_a_failed_sync_leaves_the_previous_snapshot_serving(world):
    home = Settings.from_env().home
    serving, before = os.readlink(home.current_snapshot), total_builds(world)
    sync = run("sync", "--connection", "second")
    assert sync.returncode != 0 and "snapshot not published" in sync.stdout
    assert os.readlink(home.current_snapshot) == serving
    assert total_builds(world) == before


# ---------- any name the API accepts syncs: the name is a label; the dlt pipeline is named after the id


@pytest.fixture(scope="module")
def labelled_sim(world):
    """One more controller; each connection below names it differently (jobs are told apart by instance).

    The controller the tests above took down goes, so that a plain `buildbutler sync` is all healthy."""
    assert run("connections", "remove", "second").returncode == 0
    token = run("tokens", "create", "--role", "admin", "--name", "names").stdout.strip()
    world["admin"] = {"Authorization": f"Bearer {token}"}
    sim = simulator(world["api_kind"], 13)
    yield sim
    sim.stop()


def assert_synced(world, sim, names: list[str]) -> None:
    """One sync; each of `names` succeeded, its pipeline folder is named after its id, its builds reach the API."""
    sync = run("sync")
    assert sync.returncode == 0, sync.stdout + sync.stderr
    connections = {c["name"]: c for c in requests.get(f"{world['api']}/api/v1/connections",
                                                      headers=world["admin"]).json()["data"]}
    for name in names:
        assert f"{name} success" in sync.stdout.strip().splitlines()[-1]
        assert connections[name]["lastSyncStatus"] == "success"
        assert connections[name]["source"] == SOURCES[world["api_kind"]]
        assert (Settings.from_env().home.dlt_dir / f"blueocean_{connections[name]['id']}").is_dir()
        jobs = all_jobs(world, instance=name)
        expected = {j["name"]: expected_job(j, name)["lastBuild"] for j in sim.truth()["jobs"]}
        assert {j["name"]: j["lastBuild"] for j in jobs} == expected and all(j["instance"] == name for j in jobs)
        busiest = max(jobs, key=lambda j: j["lastBuild"] or 0)
        builds = requests.get(f"{world['api']}/api/v1/jobs/{busiest['id']}/builds", headers=world["headers"]).json()
        assert builds["meta"]["total"] > 0 and all(b["jobId"] == busiest["id"] for b in builds["data"])


def test_names_added_through_the_api_sync(world, labelled_sim):
    names = ["Production Jenkins", "prod.eu"]
    created = [requests.post(f"{world['api']}/api/v1/connections", json={"name": name, "url": labelled_sim.url},
                             headers=world["admin"]) for name in names]
    assert [c.status_code for c in created] == [201, 201], [c.text for c in created]
    assert_synced(world, labelled_sim, names)
    for connection in created:
        gone = requests.delete(f"{world['api']}/api/v1/connections/{connection.json()['id']}", headers=world["admin"])
        assert gone.status_code == 204


def test_names_added_through_the_cli_sync(world, labelled_sim):
    names = ["Production Jenkins", "équipe"]  # the first one again: a new connection, a new id, a new pipeline
    for name in names:
        added = run("connections", "add", name, labelled_sim.url)
        assert added.returncode == 0 and added.stdout.startswith(f"added {name} (c_"), added.stderr
    assert_synced(world, labelled_sim, names)
