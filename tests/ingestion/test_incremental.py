"""Which runs a sync fetches for a job it already knows, over HTTP from a scripted server."""

from __future__ import annotations

import json

from ingestion.blueocean import BlueOceanClient, SourceConfig
from ingestion.blueocean.incremental import new_and_open_runs
from tests.ingestion.scripted_server import ScriptedServer

JOB = "/blue/rest/organizations/jenkins/pipelines/app/"


def run(number: int, state: str = "FINISHED") -> dict:
    return {"_class": "io.jenkins.blueocean.rest.impl.pipeline.PipelineRunImpl", "id": str(number),
            "state": state, "type": "WorkflowRun"}


def answer(body) -> tuple:
    return 200, json.dumps(body).encode(), {"Content-Type": "application/json"}


def test_known_job_new_runs_open_runs_and_deleted_ones():
    server = ScriptedServer()
    try:
        queued = {"_class": "io.jenkins.blueocean.service.embedded.rest.QueuedBlueRun", "id": "9", "type": "QueuedItem"}
        # Newest first, the queue entry on top; 5 is known and finished, 4 was open and has finished.
        server.script[JOB + "runs/"] = [answer([queued, run(7, "RUNNING"), run(6), run(5), run(4)])]
        server.script[JOB + "runs/3/"] = [answer(run(3, "PAUSED"))]  # open, beyond the first page
        # runs/2/ is not scripted: a 404, the run was deleted.
        client = BlueOceanClient(SourceConfig(instance="t", base_url=server.url))
        checkpoint = {"high": 5, "open": [2, 3, 4]}

        pages = list(new_and_open_runs(client, JOB, checkpoint))

        assert [[r["id"] for r in page] for page in pages] == [["7", "6", "4"], ["3"]]
        assert checkpoint == {"high": 7, "open": [3, 7]}
        assert server.paths == [JOB + "runs/?start=0&limit=10", JOB + "runs/3/", JOB + "runs/2/"]
    finally:
        server.shutdown()


def test_nothing_new_is_one_request():
    server = ScriptedServer()
    try:
        server.script[JOB + "runs/"] = [answer([run(5), run(4)])]
        client = BlueOceanClient(SourceConfig(instance="t", base_url=server.url))
        checkpoint = {"high": 5, "open": []}
        assert list(new_and_open_runs(client, JOB, checkpoint)) == []
        assert checkpoint == {"high": 5, "open": []} and len(server.paths) == 1
    finally:
        server.shutdown()


def test_a_recreated_job_is_read_again_from_its_build_1():
    server = ScriptedServer()
    try:
        # The checkpoint knows #40 (open); the job now starting again has #12 to #1, over two pages.
        server.script[JOB + "runs/"] = [answer([run(n) for n in range(12, 2, -1)]), answer([run(2, "RUNNING"), run(1)])]
        client = BlueOceanClient(SourceConfig(instance="t", base_url=server.url))
        checkpoint = {"high": 40, "open": [40]}

        pages = list(new_and_open_runs(client, JOB, checkpoint))

        assert [int(r["id"]) for page in pages for r in page] == list(range(12, 0, -1))
        assert checkpoint == {"high": 12, "open": [2]}
        # the old #40 belonged to the old job: not asked for
        assert server.paths == [JOB + "runs/?start=0&limit=10", JOB + "runs/?start=10&limit=100"]
    finally:
        server.shutdown()
