"""advance(): the running build finishes, the queued item starts, jobs build, rotated builds disappear."""

from __future__ import annotations

import pytest
import requests

from ingestion.simulator import Simulator
from tests.support.simulator_api import Api


@pytest.fixture
def moving():
    sim = Simulator(seed=7).start()
    yield sim, Api(sim)
    sim.stop()


def test_advance_moves_the_controller_on(moving):
    sim, api = moving
    before = {j["full_name"]: j for j in sim.truth()["jobs"]}
    partial = api.get("pipelines/api-gateway/runs/71/log/", start=0)
    sim.advance()
    after = {j["full_name"]: j for j in sim.truth()["jobs"]}

    finished = api.json("pipelines/api-gateway/runs/71/")
    assert finished["state"] == "FINISHED" and finished["result"] == "SUCCESS" and finished["durationInMillis"] > 0
    nodes = api.json("pipelines/api-gateway/runs/71/nodes/")
    assert all(n["state"] == "FINISHED" for n in nodes)
    assert all(s["id"].isdigit() and s["state"] == "FINISHED" for s in api.json("pipelines/api-gateway/runs/71/steps/"))
    rest = api.get("pipelines/api-gateway/runs/71/log/", start=partial.headers["X-Text-Size"])
    assert "X-More-Data" not in rest.headers and rest.text.endswith("Finished: SUCCESS\n")
    assert api.get("pipelines/api-gateway/runs/71/log/", start=0).content == partial.content + rest.content
    assert api.json("pipelines/api-gateway/runs/72/")["state"] == "RUNNING"  # the job keeps one build running

    paused = api.json("pipelines/platform/pipelines/infra/pipelines/terraform-apply/runs/19/")
    assert paused["state"] == "FINISHED"

    queue = "pipelines/platform/pipelines/infra/pipelines/k8s-deploy/"
    started = api.json(queue + "runs/49/")
    assert started["type"] == "WorkflowRun" and started["state"] == "FINISHED"
    assert [r["id"] for r in api.json(queue + "runs/", limit=1) if r["type"] == "QueuedItem"] == ["51", "50"]

    runs = api.json("pipelines/data-pipeline/runs/", tree="id")
    assert len(runs) == 40 and runs[-1]["id"] == "183" and runs[0]["id"] == "222"
    assert api.get("pipelines/data-pipeline/runs/181/").status_code == 404
    deleted = [b["number"] for b in after["data-pipeline"]["builds"] if b["deleted"]]
    assert deleted == [181, 182]

    for name, job in before.items():  # history does not change, except that rotated builds are flagged
        for old, now in zip(job["builds"], after[name]["builds"], strict=False):  # new builds come after
            if old["state"] == "FINISHED":
                assert now == old | {"deleted": now["deleted"]}, (name, old["number"])

    new = sum(len(after[n]["builds"]) - len(before[n]["builds"]) for n in before)
    assert new >= 5
    grown = [n for n in before if len(after[n]["builds"]) > len(before[n]["builds"])]
    assert len(grown) >= 4


def test_advance_is_deterministic(moving):
    sim, _ = moving
    sim.advance()
    sim.advance()
    with Simulator(seed=7) as twin:
        twin.advance()
        twin.advance()
        assert twin.truth() == sim.truth()


def test_admin_endpoints(moving):
    sim, _ = moving
    stats = requests.get(sim.url + "/__simulator__/stats", timeout=5).json()
    assert stats["builds"] > 400 and stats["requests"] == 0
    advanced = requests.post(sim.url + "/__simulator__/advance", timeout=5).json()
    assert advanced["generation"] == 1 and advanced["builds"] > stats["builds"]
    truth = requests.get(sim.url + "/__simulator__/truth", timeout=30).json()
    assert truth == sim.truth()
    assert requests.get(sim.url + "/__simulator__/nope", timeout=5).status_code == 404
    assert sim.request_count == 0
