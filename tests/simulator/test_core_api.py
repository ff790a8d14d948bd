"""The simulator's core JSON API, Pipeline Graph View and Stage View, against the reference's shapes."""

from __future__ import annotations

import pytest
import requests

from ingestion.simulator import CoreOptions, Simulator


@pytest.fixture(scope="module")
def core():
    with Simulator(seed=7, scale=2, core=CoreOptions(wfapi=True)) as sim:
        yield sim


def get(sim: Simulator, path: str, **params) -> requests.Response:
    return requests.get(sim.url + path, params=params, timeout=30)


def test_blue_ocean_is_not_installed(core):
    assert get(core, "/blue/rest/organizations/jenkins/").status_code == 404
    assert get(core, "/api/json").json()["_class"] == "hudson.model.Hudson"


def test_builds_is_the_newest_100_and_all_builds_only_when_named(core):
    job = "/job/team-001/job/api/api/json"  # 110 builds
    default = get(core, job).json()
    assert "allBuilds" not in default and len(default["builds"]) == 100
    assert [b["number"] for b in default["builds"]][:2] == [110, 109]
    every = get(core, job, tree="allBuilds[number]").json()["allBuilds"]
    assert [b["number"] for b in every] == list(range(110, 0, -1))
    assert set(every[0]) == {"_class", "number"}


@pytest.mark.parametrize(("range_", "numbers"), [
    ("{0,3}", [110, 109, 108]), ("{108,}", [2, 1]), ("{,2}", [110, 109]), ("{5}", [105]),
])
def test_ranges_are_inclusive_exclusive(core, range_, numbers):
    got = get(core, "/job/team-001/job/api/api/json", tree=f"allBuilds[number]{range_}").json()["allBuilds"]
    assert [b["number"] for b in got] == numbers


def test_nested_tree_walks_folders_and_a_bad_tree_is_refused(core):
    root = get(core, "/api/json", tree="jobs[name,jobs[name,jobs[name]]]").json()
    team = next(j for j in root["jobs"] if j["name"] == "team-001")
    frontend = next(j for j in team["jobs"] if j["name"] == "frontend")
    assert {j["name"] for j in frontend["jobs"]} == {"main", "feature%2Fsearch-filters", "PR-101"}
    assert get(core, "/api/json", tree="jobs[name").status_code == 400


def test_a_build_has_the_actions_the_reference_names(core):
    # the reference's request for the Metrics plugin's fields
    build = get(core, "/job/android-app/45/api/json", tree="number,timestamp,duration,result,building,actions["
                "causes[shortDescription],queuingDurationMillis,queuingTimeMillis,blockedTimeMillis,buildableTimeMillis,"
                "waitingTimeMillis,executingTimeMillis,executorUtilization,subTaskCount,totalDurationMillis]").json()
    classes = [a.get("_class") for a in build["actions"]]
    assert "jenkins.metrics.impl.TimeInQueueAction" in classes and "hudson.model.CauseAction" in classes
    timing = next(a for a in build["actions"] if a["_class"].endswith("TimeInQueueAction"))
    assert timing["queuingTimeMillis"] >= timing["queuingDurationMillis"] >= 0
    assert isinstance(build["timestamp"], int) and build["building"] is False and build["result"] == "FAILURE"


def test_pgv_wraps_its_json_and_is_immutable_once_finished(core):
    tree = get(core, "/job/android-app/45/stages/tree")
    assert tree.headers["Cache-Control"] == "private, immutable, max-age=86400"
    body = tree.json()
    assert body["status"] == "ok" and body["data"]["complete"] is True
    assert all("totalDurationMillis" in s and s["state"] == s["state"].lower() for s in body["data"]["stages"])
    steps = get(core, "/job/android-app/45/stages/allSteps").json()["data"]
    assert steps["runIsComplete"] is True and all("stageId" in s for s in steps["steps"])
    assert get(core, "/job/android-app/45/pipeline-overview/tree").status_code == 404  # one generation only


def test_a_running_build_has_no_total_duration_on_running_stages(core):
    tree = get(core, "/job/api-gateway/71/stages/tree")
    assert tree.headers["Cache-Control"] == "private, no-store"
    data = tree.json()["data"]
    running = [s for s in data["stages"] if s["state"] == "running"]
    assert data["complete"] is False and running and all("totalDurationMillis" not in s for s in running)


def test_stage_view_and_freestyle(core):
    describe = get(core, "/job/android-app/45/wfapi/describe").json()
    assert describe["status"] == "FAILED" and describe["stages"] and "stageFlowNodes" in describe["stages"][0]
    assert get(core, "/job/docs-site/3/stages/tree").status_code == 404  # freestyle: no Pipeline graph
    assert get(core, "/job/docs-site/3/consoleText").text.startswith("Started by")


def test_progressive_text_reads_from_an_offset_and_says_the_size(core):
    whole = get(core, "/job/docs-site/3/consoleText").content
    first = get(core, "/job/docs-site/3/logText/progressiveText", start=0)
    assert first.content == whole and first.headers["X-Text-Size"] == str(len(whole))
    assert "X-More-Data" not in first.headers  # a finished build
    tail = get(core, "/job/docs-site/3/logText/progressiveText", start=len(whole) - 100)
    assert tail.content == whole[-100:] and tail.headers["X-Text-Size"] == str(len(whole))
