"""Test analytics end to end: simulator → `buildbutler sync` (dlt, dbt, publish) → the snapshot and the API.

Every flaky test the simulator planted and showed (failed and passed on one commit) is found, with its
commits, and no other test is called flaky.
"""

from __future__ import annotations

import os
import subprocess

import duckdb
import pytest
import requests

from buildbutler.home import Home
from ingestion.simulator import Simulator
from tests.api.snapshot_fixture import job_id
from tests.support.cli_server import start_serving
from tests.support.paths import BIN, REPO

BUILDBUTLER = str(BIN / "buildbutler")


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([BUILDBUTLER, *args], capture_output=True, text=True, cwd=REPO, timeout=600)


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    saved = dict(os.environ)
    home = tmp_path_factory.mktemp("tests-e2e") / "home"
    os.environ["BUILDBUTLER_HOME"] = str(home)
    os.environ["PATH"] = f"{BIN}{os.pathsep}{os.environ['PATH']}"
    sim = Simulator(seed=11).start()
    try:
        assert run("connections", "add", "ci", sim.url).returncode == 0
        sync = run("sync")
        assert sync.returncode == 0, sync.stdout + sync.stderr
        server, base = start_serving()
        token = run("tokens", "create", "--role", "viewer").stdout.strip()
        yield {"sim": sim, "home": Home(home), "truth": sim.truth(), "api": base,
               "headers": {"Authorization": f"Bearer {token}"}}
        server.terminate()
        server.wait(timeout=20)
    finally:
        sim.stop()
        os.environ.clear()
        os.environ.update(saved)


def snapshot_rows(world, sql: str) -> list[tuple]:
    with duckdb.connect(str(world["home"].current_snapshot), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_every_planted_flaky_test_is_found_and_no_other(world):
    planted = {(t["job"], t["class_name"], t["name"], commit)
               for t in world["truth"]["flaky_tests"] for commit in t["commits"]}
    assert len({t[:3] for t in planted}) >= 10
    found = set(snapshot_rows(world, """
        select jobs.full_name, tests.class_name, tests.test_name, flaky.commit_sha
        from marts.fct_flaky_test_results as flaky
        inner join marts.dim_tests as tests using (test_id)
        inner join marts.dim_jobs as jobs on jobs.job_id = tests.job_id"""))
    assert found == planted


def test_every_case_of_every_build_with_a_report_is_a_row(world):
    ctl = world["sim"].controller
    totals = [view.plan.tests[0] for job in ctl.jobs for n in range(job.first, job.last + 1)
              if (view := ctl.view(job, n)).finished and view.plan.tests]
    builds, rows = snapshot_rows(world, "select count(distinct build_id), count(*) from marts.fct_test_results")[0]
    assert (builds, rows) == (len(totals), sum(totals))
    assert world["sim"].requests_by_kind()["tests"] == len(totals)  # one tests/ request a build with a report


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
    planted = {(job_id("ci", t["job"]), t["class_name"], t["name"]): len(t["commits"])
               for t in world["truth"]["flaky_tests"]}
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
