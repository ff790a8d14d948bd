"""Reading a served BuildButler API back, and comparing every build with a simulator's truth."""

from __future__ import annotations

from datetime import UTC, datetime

import requests

from ingestion.simulator import Simulator
from ingestion.simulator.logs import console_bytes, log_entries
from tests.orchestration.expected import expected_job
from tests.support.cli_server import api_get as get


def listed(world, path: str, **params) -> list[dict]:
    items, page = [], 1
    while True:
        body = get(world, path, page=page, per_page=100, **params).json()
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
    """The finished build's console text, straight from the simulator's plan (not through either API)."""
    simulated = next(j for j in sim.controller.jobs if j.full_name == job["full_name"])
    return console_bytes(log_entries(sim.seed, simulated, sim.controller.plan(simulated, number)), None).decode()


def assert_every_build_exact(world, sim: Simulator, instance: str, core: bool = False) -> int:
    """Every job and build the API serves for `instance` is the truth's: fields, stages, failure category,
    log. `core`: read through the core API, which has no PAUSED state. Returns the logs compared."""
    truth = sim.truth()["jobs"]
    jobs = {(j["folder"], j["name"]): j for j in listed(world, "/jobs", instance=instance)}
    assert sorted(jobs) == sorted((j["folder"], j["name"]) for j in truth)
    checked = logs = 0
    for job in truth:
        api_job = jobs[(job["folder"], job["name"])]
        assert {k: api_job[k] for k in ("lastBuild", "lastResult")} == {
            k: v for k, v in expected_job(job, instance).items() if k in ("lastBuild", "lastResult")}
        builds = {b["number"]: b for b in listed(world, f"/jobs/{api_job['id']}/builds")}
        assert sorted(builds) == sorted(b["number"] for b in job["builds"]), job["full_name"]
        for build in job["builds"]:
            detail = get(world, f"/builds/{builds[build['number']]['id']}").json()
            state = "RUNNING" if core and build["state"] == "PAUSED" else build["state"]
            expected = {
                "state": state, "result": build["result"], "duration": build["duration_ms"],
                "queueTime": build["queue_time_ms"], "timestamp": iso(build["start_ms"]), "branch": build["branch"],
                "commit": build["commit"], "failureCategory": None if build["result"] == "SUCCESS" else
                build["failure_category"], "stages": stages(build["stages"]),
                "source": "core" if core else "blueocean",
            }
            assert {k: detail[k] for k in expected} == expected, (job["full_name"], build["number"])
            if build["state"] == "FINISHED":
                log = requests.get(f"{world['api']}/api/v1/builds/{detail['id']}/log", headers=world["headers"],
                                   timeout=30)
                assert log.status_code == 200, (job["full_name"], build["number"], log.text[:200])
                assert log.text == simulator_log(sim, job, build["number"]), (job["full_name"], build["number"])
                logs += 1
            checked += 1
    assert checked == sum(len(j["builds"]) for j in truth)
    return logs
