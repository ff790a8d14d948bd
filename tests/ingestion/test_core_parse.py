"""Parsing the core JSON API, Pipeline Graph View and Stage View into the Blue Ocean tables' rows.

The answers here are handwritten in the shapes of ../shared/reference/jenkins-apis-beyond-blueocean.md
(Jackson leaves PGV's null fields out; `totalDurationMillis` is absent while in progress)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from ingestion.blueocean.parse import BlueOceanDataError, RunRow
from ingestion.jenkins_core import parse

NOW = datetime(2026, 11, 15, 18, tzinfo=UTC)
START_MS = 1_794_700_000_000


def a_run(**attributes) -> RunRow:
    run = RunRow(instance="prod", job_full_name="app", number=7, source="core")
    run.href, run.has_graph, run.change_set, run.tests = "/job/app/7/", True, [], None
    for name, value in attributes.items():
        setattr(run, name, value)
    return run


def core_build(**fields) -> dict:
    return {"_class": "org.jenkinsci.plugins.workflow.job.WorkflowRun", "number": 7, "building": False,
            "result": "SUCCESS", "timestamp": START_MS, "duration": 60_000, "estimatedDuration": -1,
            "displayName": "#7", "url": "https://jenkins.example.com/job/app/7/", **fields}


TIME_IN_QUEUE = {"_class": "jenkins.metrics.impl.TimeInQueueAction", "queuingDurationMillis": 4_000,
                 "queuingTimeMillis": 9_500, "buildableTimeMillis": 9_500, "subTaskCount": 2}


def run_row(build: dict) -> RunRow:
    return parse.run_row(build, instance="prod", job_full_name="app", href="/job/app/7/", fetched_at=NOW)


def test_a_finished_build_with_the_metrics_plugin():
    row = run_row(core_build(actions=[
        {"_class": "hudson.model.CauseAction", "causes": [{"_class": "hudson.model.Cause$UserIdCause",
                                                           "shortDescription": "Started by user Alice"}]},
        {"_class": "hudson.plugins.git.util.BuildData", "lastBuiltRevision": {"SHA1": "a" * 40}},
        {}, TIME_IN_QUEUE,
        {"_class": "hudson.tasks.junit.TestResultAction", "failCount": 2, "skipCount": 1, "totalCount": 40},
    ]))
    assert (row["state"], row["result"], row["duration_ms"], row["commit_id"]) == ("FINISHED", "SUCCESS", 60_000,
                                                                                   "a" * 40)
    assert row["start_time"] == datetime.fromtimestamp(START_MS / 1000, UTC)
    assert row["end_time"] == datetime.fromtimestamp((START_MS + 60_000) / 1000, UTC)
    assert row["enqueue_time"] == datetime.fromtimestamp((START_MS - 4_000) / 1000, UTC)
    assert (row["queuing_duration_ms"], row["queuing_time_ms"]) == (4_000, 9_500)
    assert row["causes"][0]["shortDescription"] == "Started by user Alice"
    assert (row["estimated_duration_ms"], row["run_name"], row["run_type"]) == (None, None, "WorkflowRun")
    assert parse.summary_rows(row) == [{"instance": "prod", "job_full_name": "app", "number": 7, "source": "core",
                                        "passed": 37, "failed": 2, "skipped": 1, "fixed": None,
                                        "existing_failed": None, "regressions": None, "total": 40}]


def test_a_running_build_without_the_plugin_has_no_queue_time():
    row = run_row(core_build(building=True, result=None, duration=0, actions=[
        {"_class": "jenkins.scm.api.SCMRevisionAction", "revision": {"hash": "b" * 40}}]))
    assert (row["state"], row["result"], row["duration_ms"], row["end_time"]) == ("RUNNING", "UNKNOWN", None, None)
    assert (row["enqueue_time"], row["queuing_duration_ms"], row["queuing_time_ms"]) == (None, None, None)
    assert row["commit_id"] == "b" * 40 and parse.summary_rows(row) == []


def test_change_sets_of_pipelines_and_freestyle_builds_come_inline():
    entry = {"commitId": "c" * 40, "msg": "Fix", "timestamp": START_MS, "affectedPaths": ["a.py"],
             "author": {"id": "alice", "fullName": "Alice"}}
    pipeline = run_row(core_build(changeSets=[{"kind": "git", "items": [entry]}]))
    freestyle = run_row(core_build(_class="hudson.model.FreeStyleBuild", changeSet={"kind": "git", "items": [entry]}))
    assert pipeline.change_set == freestyle.change_set == [entry]
    assert (pipeline.has_graph, freestyle.has_graph) == (True, False)
    rows = parse.change_set_rows(pipeline.change_set, pipeline)
    assert (rows[0]["author_id"], rows[0]["message"], rows[0]["source"]) == ("alice", "Fix", "core")


@pytest.mark.parametrize(("item", "in_multibranch", "kind", "pr", "primary"), [
    ({"_class": "org.jenkinsci.plugins.workflow.job.WorkflowJob", "name": "PR-42"}, True, "pull_request", "42", False),
    ({"_class": "org.jenkinsci.plugins.workflow.job.WorkflowJob", "name": "feature%2Fx",
      "actions": [{"_class": "jenkins.branch.PrimaryInstanceMetadataAction"}]}, True, "branch", None, True),
    ({"_class": "hudson.model.FreeStyleProject", "name": "docs"}, False, "freestyle", None, None),
    ({"_class": "hudson.matrix.MatrixProject", "name": "matrix"}, False, "other", None, None),
])
def test_job_kinds(item, in_multibranch, kind, pr, primary):
    row = parse.job_row(item, instance="prod", parents=["web app"], href="/job/x/", in_multibranch=in_multibranch,
                        fetched_at=NOW)
    assert (row["kind"], row["pull_request_id"], row["is_primary_branch"], row["folder"]) == (kind, pr, primary,
                                                                                           "/web app")
    assert row["full_name"] == f"web app/{item['name']}" and row["source"] == "core"
    if kind == "branch":
        assert row["name"] == row["branch"] == "feature/x"


PGV_TREE = {"status": "ok", "data": {"complete": True, "stages": [
    {"id": "6", "name": "Build", "title": "Build", "type": "STAGE", "state": "success", "startTimeMillis": START_MS,
     "totalDurationMillis": 1000, "pauseDurationMillis": 0, "children": [], "agent": "linux-1", "isSequential": False},
    {"id": "12", "name": "Test", "title": "Test", "type": "STAGE", "state": "unstable", "startTimeMillis": START_MS,
     "totalDurationMillis": 3000, "children": [
         {"id": "15", "name": "unit", "type": "PARALLEL", "state": "success", "totalDurationMillis": 2000,
          "agent": "linux-2", "children": []},
         {"id": "16", "name": "it", "type": "PARALLEL", "state": "unstable", "totalDurationMillis": 3000,
          "children": [{"id": "20", "name": "nested", "type": "STAGE", "state": "success"}]}]},
    {"id": "30", "name": "Deploy", "type": "STAGE", "state": "skipped", "children": []},
]}}


def test_pgv_tree_becomes_stages_and_parallel_branches():
    rows = parse.pgv_node_rows(PGV_TREE, a_run())
    assert [(r["node_id"], r["node_type"], r["parent_id"], r["state"], r["result"], r["duration_ms"], r["agent"])
            for r in rows] == [
        ("6", "STAGE", None, "FINISHED", "SUCCESS", 1000, "linux-1"),
        ("12", "STAGE", None, "FINISHED", "UNSTABLE", 3000, None),
        ("15", "PARALLEL", "12", "FINISHED", "SUCCESS", 2000, "linux-2"),
        ("16", "PARALLEL", "12", "FINISHED", "UNSTABLE", 3000, None),
        ("30", "STAGE", None, "SKIPPED", "NOT_BUILT", None, None),  # nested stage 20 not stored
    ]
    assert rows[1]["edges"] == [{"id": "15", "type": "PARALLEL"}, {"id": "16", "type": "PARALLEL"}]
    assert rows[2]["edges"] == [{"id": "30", "type": "STAGE"}] and rows[1]["first_parent"] == "6"
    assert {r["source"] for r in rows} == {"pgv"} and [r["position"] for r in rows] == [0, 1, 2, 3, 4]


def test_pgv_all_steps_and_its_wrapping():
    answer = {"status": "ok", "data": {"runIsComplete": True, "steps": [
        {"id": "8", "name": "mvn -B verify", "title": "Shell Script", "type": "STEP", "state": "failure",
         "stageId": "6", "startTimeMillis": START_MS, "totalDurationMillis": 500},
        {"id": "9", "name": "Print Message", "title": "Print Message", "type": "STEP", "state": "running",
         "stageId": "6", "startTimeMillis": START_MS}]}}
    rows = parse.pgv_step_rows(answer, a_run())
    assert [(r["step_id"], r["display_name"], r["display_description"], r["state"], r["result"], r["duration_ms"])
            for r in rows] == [("8", "Shell Script", "mvn -B verify", "FINISHED", "FAILURE", 500),
                               ("9", "Print Message", None, "RUNNING", "UNKNOWN", None)]
    with pytest.raises(BlueOceanDataError, match="status: ok"):
        parse.pgv_step_rows({"steps": []}, a_run())


def test_stage_view_describe():
    describe = {"id": "7", "status": "FAILED", "stages": [
        {"id": "6", "name": "Build", "execNode": "", "status": "SUCCESS", "startTimeMillis": START_MS,
         "durationMillis": 1000, "stageFlowNodes": [
             {"id": "8", "name": "Shell Script", "parameterDescription": "make", "status": "SUCCESS",
              "startTimeMillis": START_MS, "durationMillis": 900, "parentNodes": ["6"]}]},
        {"id": "12", "name": "Test", "execNode": "linux-1", "status": "FAILED", "durationMillis": 10},
        {"id": "20", "name": "Deploy", "status": "NOT_EXECUTED", "durationMillis": 0},
    ]}
    nodes, steps = parse.wfapi_rows(describe, a_run())
    assert [(r["node_id"], r["result"], r["duration_ms"], r["agent"], r["source"]) for r in nodes] == [
        ("6", "SUCCESS", 1000, None, "wfapi"), ("12", "FAILURE", 10, "linux-1", "wfapi"),
        ("20", "NOT_BUILT", 0, None, "wfapi")]
    assert [(s["step_id"], s["display_name"], s["display_description"], s["duration_ms"]) for s in steps] == [
        ("8", "Shell Script", "make", 900)]
