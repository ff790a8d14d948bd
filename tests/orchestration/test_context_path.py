"""Jenkins where real sites put it: under a context path, with names teams really use.

The simulator serves under `/jenkins`, its `_links` hrefs carrying that path, with folders, jobs and
branches named with accents, spaces, dots and slashes. A user adds the URL with a trailing slash,
syncs, and the API must show every build exactly as the simulator's truth has it: its stages, its
failure category and its log, as it does for a controller at the root.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import requests

from ingestion.simulator import Simulator
from ingestion.simulator.resources import run_href
from tests.orchestration.expected import expected_job
from tests.support.cli_server import api_get as get
from tests.support.cli_server import synced_and_served


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    sim = Simulator(seed=11, prefix="/jenkins", prefixed_links=True, field_names=True).start()
    assert sim.url.endswith("/jenkins")
    with synced_and_served(tmp_path_factory.mktemp("context-path") / "home", "Forêt CI", sim.url + "/") as world:
        yield {"sim": sim, **world}
    sim.stop()


def listed(world, path: str) -> list[dict]:
    items, page = [], 1
    while True:
        body = get(world, path, page=page, per_page=100).json()
        items += body["data"]
        if page * 100 >= body["meta"]["total"]:
            return items
        page += 1


def iso(ms: int) -> str:
    return datetime.fromtimestamp(ms // 1000, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")  # the API gives seconds


def stages(truth_stages: list[dict]) -> list[dict]:
    """The contract's shape: `parallel` only on a stage that has parallel branches."""
    return [{k: v for k, v in s.items() if k != "parallel" or v} for s in truth_stages]


def simulator_log(sim: Simulator, job: dict, number: int) -> str:
    """The console text as the simulator serves it (the href is Blue Ocean's, below the root URL)."""
    simulated = next(j for j in sim.controller.jobs if j.full_name == job["full_name"])
    response = requests.get(f"{sim.url}{run_href(simulated, number)}log/", params={"start": 0}, timeout=30)
    assert response.status_code == 200
    return response.content.decode()


def test_sync_succeeds(world):
    sync = world["sync"]
    assert sync.returncode == 0, sync.stdout + sync.stderr
    assert "Forêt CI success" in sync.stdout.strip().splitlines()[-1]


def test_the_names_are_those_jenkins_shows(world):
    jobs = {(j["folder"], j["name"]) for j in listed(world, "/jobs")}
    assert {("/Équipe Données", "déploiement v1.2"), ("/Équipe Données/outils.internes", "café api"),
            ("/Équipe Données/outils.internes", "rapports ünïcode"), ("/Équipe Données/app mobile", "feature/été-2026"),
            ("/Équipe Données/app mobile", "release/1.2.x"), ("/webapp", "feature/login-page")} <= jobs


def test_every_build_is_exact_with_its_stages_and_its_log(world):
    sim = world["sim"]
    truth = sim.truth()["jobs"]
    jobs = {(j["folder"], j["name"]): j for j in listed(world, "/jobs")}
    assert sorted(jobs) == sorted((j["folder"], j["name"]) for j in truth)
    checked = logs = 0
    for job in truth:
        api_job = jobs[(job["folder"], job["name"])]
        assert {k: api_job[k] for k in ("lastBuild", "lastResult")} == {
            k: v for k, v in expected_job(job, "Forêt CI").items() if k in ("lastBuild", "lastResult")}
        builds = {b["number"]: b for b in listed(world, f"/jobs/{api_job['id']}/builds")}
        assert sorted(builds) == sorted(b["number"] for b in job["builds"]), job["full_name"]
        for build in job["builds"]:
            detail = get(world, f"/builds/{builds[build['number']]['id']}").json()
            finished = build["state"] == "FINISHED"
            expected = {
                "state": build["state"], "result": build["result"], "duration": build["duration_ms"],
                "queueTime": build["queue_time_ms"], "timestamp": iso(build["start_ms"]), "branch": build["branch"],
                "commit": build["commit"], "failureCategory": None if build["result"] == "SUCCESS" else
                build["failure_category"], "stages": stages(build["stages"]),
            }
            assert {k: detail[k] for k in expected} == expected, (job["full_name"], build["number"])
            if finished:
                log = requests.get(f"{world['api']}/api/v1/builds/{detail['id']}/log", headers=world["headers"],
                                   timeout=30)
                assert log.status_code == 200, (job["full_name"], build["number"], log.text[:200])
                assert log.text == simulator_log(sim, job, build["number"]), (job["full_name"], build["number"])
                logs += 1
            checked += 1
    assert checked == sum(len(j["builds"]) for j in truth) and logs > 500
