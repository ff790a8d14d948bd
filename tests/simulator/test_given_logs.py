"""A controller of given logs: jobs whose builds' console logs are texts from elsewhere."""

from __future__ import annotations

import pytest

from ingestion.simulator import GivenBuild, Simulator
from tests.support.simulator_api import Api

CONSOLE = "Started by user alice\r\n\x1b[8mha:////4Ha9\x1b[0m[Pipeline] node\r\n\x1b[31mERROR\x1b[0m: boom é\r\n"


@pytest.fixture(scope="module")
def api():
    given = {"field/as a console": [GivenBuild("FAILURE", CONSOLE, "unknown", ("linux-1",)),
                                    GivenBuild("SUCCESS", "Finished: SUCCESS\n")],
             "plain": [GivenBuild("ABORTED", "Aborted by bob\n", "aborted")]}
    sim = Simulator(given_logs=given).start()
    yield Api(sim)
    sim.stop()


def test_only_the_given_jobs_in_their_folders(api):
    assert [p["name"] for p in api.json("pipelines/")] == ["field", "plain"]
    assert [p["name"] for p in api.json("pipelines/field/pipelines/")] == ["as a console"]
    runs = api.json("pipelines/field/pipelines/as%20a%20console/runs/")
    assert [(r["id"], r["result"], r["state"]) for r in runs] == [("2", "SUCCESS", "FINISHED"),
                                                                  ("1", "FAILURE", "FINISHED")]


def test_the_log_is_the_given_text_byte_for_byte(api):
    log = api.get("pipelines/field/pipelines/as%20a%20console/runs/1/log/", start=0)
    assert log.content == CONSOLE.encode() and log.headers["X-Text-Size"] == str(len(CONSOLE.encode()))
    assert api.get("pipelines/plain/runs/1/log/", start=0).text == "Aborted by bob\n"


def test_truth_has_the_given_category_and_labels(api):
    jobs = {job["full_name"]: job for job in api.sim.truth()["jobs"]}
    first, second = jobs["field/as a console"]["builds"]
    assert (first["failure_category"], first["labels"]) == ("unknown", ["linux-1"])
    assert (second["failure_category"], second["labels"]) == (None, ["unknown"])
    assert jobs["plain"]["builds"][0]["failure_category"] == "aborted"


def test_advance_adds_no_build_to_given_jobs(api):
    api.sim.advance()
    assert len(api.json("pipelines/plain/runs/")) == 1


@pytest.mark.parametrize("given", [{"a//b": [GivenBuild("FAILURE", "x")]}, {"a": []},
                                   {"a": [GivenBuild("FAILURE", "x")], "a/b": [GivenBuild("FAILURE", "y")]},
                                   {"a/b": [GivenBuild("FAILURE", "x")], "a": [GivenBuild("FAILURE", "y")]}])
def test_bad_given_logs_are_refused(given):
    with pytest.raises(ValueError):
        Simulator(given_logs=given)


def test_a_result_jenkins_does_not_have_is_refused():
    with pytest.raises(ValueError, match="result must be one of"):
        GivenBuild("FAILED", "x")
