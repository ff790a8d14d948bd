"""Parse functions on the recorded Blue Ocean responses (tests/support/samples.py)."""

from __future__ import annotations

from datetime import UTC, datetime

import orjson
import pytest

from ingestion.blueocean import parse
from ingestion.blueocean.parse import BlueOceanDataError
from tests.support.samples import SAMPLES

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def sample(name: str):
    # orjson, like the client: of a duplicated `_class` key it keeps the last.
    return orjson.loads((SAMPLES / name).read_bytes())


def a_run(**attributes) -> parse.RunRow:
    run = parse.RunRow(instance="prod", job_full_name="steps", number=16, source="blueocean")
    run.href, run.has_graph, run.change_set = "/blue/rest/organizations/jenkins/pipelines/steps/runs/16/", True, None
    for name, value in attributes.items():
        setattr(run, name, value)
    return run


def test_times_become_utc_and_the_epoch_step_time_null():
    assert parse.parse_time("2016-03-16T09:02:26.492-0700") == datetime(2016, 3, 16, 16, 2, 26, 492000, tzinfo=UTC)
    assert parse.parse_time("2016-03-15 00:35:58 +0100") == datetime(2016, 3, 14, 23, 35, 58, tzinfo=UTC)
    assert parse.parse_time(1458144146492) == datetime(2016, 3, 16, 16, 2, 26, 492000, tzinfo=UTC)
    assert parse.parse_time(None) is None
    assert parse.parse_step_time("1970-01-01T00:00:00.000+0000") is None
    assert parse.parse_step_time("1969-12-31T16:00:00.000-0800") is None
    with pytest.raises(BlueOceanDataError, match="startTime: not a time: 'yesterday'"):
        parse.parse_time("yesterday", "startTime")


def test_pipeline_list_roles_and_kinds():
    items = {item["fullName"]: item for item in sample("pipelines-list-mixed-types.json")}
    roles = {name: parse.item_role(item) for name, item in items.items()}
    assert roles["jdl1"] == roles["multibranch/nested-folder/jenkinsfile-experiments"] == "multibranch"
    assert roles["failure-project"] == roles["matrix-1"] == roles["freestyle-jobs/freestyle-failure-1m"] == "job"
    folder = parse.job_row(
        items["simple-pipeline-jobs/pipeline-success-1m"], instance="prod", parents=["simple-pipeline-jobs"],
        href="/h/", in_branch_list=False, fetched_at=NOW,
    )
    assert folder | {"class_name": None} == {
        "instance": "prod", "full_name": "simple-pipeline-jobs/pipeline-success-1m", "name": "pipeline-success-1m",
        "display_name": "pipeline-success-1m", "folder": "/simple-pipeline-jobs", "kind": "pipeline",
        "class_name": None, "branch": None, "is_primary_branch": None, "pull_request_id": None,
        "rest_path": "/h/", "fetched_at": NOW, "source": "blueocean",
    }
    assert parse.job_kind(items["matrix-1"]) == parse.job_kind(items["freestyle-jobs/freestyle-success-1m"]) == "other"
    assert parse.item_role({"_class": "io.jenkins.blueocean.service.embedded.rest.PipelineFolderImpl"}) == "folder"


def test_branch_jobs_have_decoded_names_and_the_multibranch_as_folder():
    favourite = sample("favorites-list.json")[0]["item"]
    row = parse.job_row(favourite, instance="prod", parents=["jdl1"], href=parse.href_of(favourite),
                        in_branch_list=True, fetched_at=NOW)
    assert row["full_name"] == "jdl1/experiment%2Fbuild-locally-docker"
    assert row["name"] == row["branch"] == "experiment/build-locally-docker"
    assert row["folder"] == "/jdl1" and row["kind"] == "branch"
    assert row["rest_path"].endswith("/branches/experiment%252Fbuild-locally-docker/")

    nested = sample("branches-list.json")[0]
    parents = ["multibranch", "nested-folder", "jenkinsfile-experiments"]
    row = parse.job_row(nested, instance="prod", parents=parents, href="/h/", in_branch_list=True, fetched_at=NOW)
    assert row["folder"] == "/multibranch/nested-folder/jenkinsfile-experiments"
    assert (row["kind"], row["pull_request_id"]) == ("branch", None)

    pull_request = sample("branches-latestrun-with-pr-PARTLY-MOCKED.json")[1]
    row = parse.job_row(pull_request, instance="prod", parents=["morebeers"], href="/h/", in_branch_list=True,
                        fetched_at=NOW)
    assert (row["name"], row["kind"], row["pull_request_id"]) == ("PR-6", "pull_request", "6")


def test_finished_run_row():
    run = sample("favorites-list.json")[0]["item"]["latestRun"]
    row = parse.run_row(run, instance="prod", job_full_name="jdl1/experiment%2Fbuild-locally-docker",
                        job_href="/ignored/", fetched_at=NOW)
    assert row["number"] == 64 and row["state"] == "FINISHED" and row["result"] == "ABORTED"
    assert row["duration_ms"] == 37199 and row["estimated_duration_ms"] == 183179
    assert row["start_time"] == datetime(2016, 9, 2, 14, 23, 24, 403000, tzinfo=UTC)
    assert row["end_time"] == datetime(2016, 9, 2, 14, 24, 1, 602000, tzinfo=UTC)
    assert row["commit_id"] == "5c43a75e56699b44b02ec5c9f861b9ad2b642f34" and row["run_type"] == "WorkflowRun"
    assert row.href.endswith("/branches/experiment%252Fbuild-locally-docker/runs/64/")
    assert row.has_graph and row.change_set == []
    assert set(row) == set(parse.RunRow(row))  # the attributes are not columns


def test_running_and_queued_runs():
    running = sample("run-running-multibranch.json")[0]
    row = parse.run_row(running, instance="prod", job_full_name="p/feature%2FUX-234",
                        job_href="/blue/rest/organizations/jenkins/pipelines/p/branches/feature%252FUX-234/",
                        fetched_at=NOW)
    assert (row["state"], row["result"], row["duration_ms"], row["end_time"]) == ("RUNNING", "UNKNOWN", None, None)
    assert row.href == "/blue/rest/organizations/jenkins/pipelines/p/branches/feature%252FUX-234/runs/2/"
    assert parse.is_queued_item({"type": "QueuedItem", "id": "96"})
    assert parse.is_queued_item({"_class": "io.jenkins.blueocean.service.embedded.rest.QueuedBlueRun"})
    assert not parse.is_queued_item(running)
    # A Pipeline run waiting for an agent is a build (state QUEUED), not a queue entry.
    assert not parse.is_queued_item({"type": "WorkflowRun", "state": "QUEUED"})
    with pytest.raises(BlueOceanDataError, match="run id"):
        parse.run_row({"id": "abc"}, instance="prod", job_full_name="x", job_href="/x/", fetched_at=NOW)


def test_parallel_branches_get_their_stage_as_parent():
    rows = {r["node_id"]: r for r in parse.node_rows(sample("nodes-parallel-finished.json"), a_run())}
    assert [rows[i]["node_type"] for i in ("5", "23", "26", "27", "45")] == ["STAGE", "STAGE", "PARALLEL", "PARALLEL",
                                                                            "STAGE"]
    assert rows["26"]["parent_id"] == rows["27"]["parent_id"] == "23" and rows["45"]["parent_id"] is None
    assert [rows[i]["position"] for i in ("5", "23", "26", "27", "45")] == [0, 1, 2, 3, 4]
    assert rows["23"]["start_time"] == datetime(2016, 7, 1, 12, 3, 9, 608000, tzinfo=UTC)
    assert rows["23"]["edges"][0]["id"] == "26"

    typed = {r["node_id"]: r for r in parse.node_rows(sample("nodes-with-types-HANDWRITTEN.json"), a_run())}
    assert (typed["12"]["node_type"], typed["12"]["parent_id"], typed["27"]["node_type"]) == ("PARALLEL", "9", "STAGE")

    synthetic = {r["node_id"]: r for r in parse.node_rows(sample("nodes-100-truncated-synthetic-parallel.json"),
                                                          a_run())}
    assert synthetic["13-parallel-synthetic"]["node_type"] == "STAGE"
    assert (synthetic["13"]["node_type"], synthetic["13"]["parent_id"]) == ("PARALLEL", "13-parallel-synthetic")


def test_future_nodes_keep_a_null_state_and_unknown_values_stay_text():
    rows = parse.node_rows(sample("nodes-parallel-fail-with-future-node.json"), a_run())
    future = rows[-1]
    assert (future["node_id"], future["state"], future["result"], future["start_time"], future["duration_ms"]) == (
        "28", None, None, None, None)
    running = parse.node_rows(sample("nodes-first-finished-second-running.json"), a_run())
    assert {r["result"] for r in running} == {"SUCCESS", "UNKNOWN", "UNKOWN"}
    every = parse.node_rows(sample("nodes-every-result-HANDWRITTEN.json"), a_run())
    assert [r["state"] for r in every] == ["FINISHED", "RUNNING", "QUEUED", "FINISHED", "NOT_BUILT", "SKIPPED",
                                           "FINISHED", "FINISHED", None]


def test_steps_skip_random_ids_and_epoch_times():
    rows = parse.step_rows(sample("steps-node5.json"), a_run())
    assert len(rows) == 13 and [r["position"] for r in rows] == list(range(13))
    assert all(r["start_time"] is not None and r["duration_ms"] is not None for r in rows)
    blocked = [
        {"id": "9f1c2b1e-0d8e-4d38-8a3e-2f8c6c1d9b10", "displayName": "Waiting for next available executor",
         "startTime": "1970-01-01T00:00:00.000+0000", "state": "QUEUED"},
        {"id": "12", "displayName": "Shell Script", "startTime": "1970-01-01T01:00:00.000+0100", "state": "FINISHED",
         "result": "SUCCESS", "durationInMillis": 5},
    ]
    assert [(r["step_id"], r["position"], r["start_time"]) for r in parse.step_rows(blocked, a_run())] == [
        ("12", 0, None)]
    described = parse.step_rows(sample("steps-with-display-description.json"), a_run())
    assert len(described[0]["display_description"]) > 100
    failing = {r["state"]: r["result"] for r in parse.step_rows(sample("steps-failing-and-running.json"), a_run())}
    assert failing["RUNNING"] == "UNKNOWN"


def test_change_sets_current_and_legacy_fields():
    entries = sample("branches-list-2.json")[0]["latestRun"]["changeSet"]
    rows = parse.change_set_rows(entries, a_run())
    assert rows[0]["commit_id"] == "7d7e6b1589bf8be0ffbdd99bb3fd79581f0e7c64"
    assert (rows[0]["author_id"], rows[0]["author_name"], rows[0]["message"]) == ("noreply", "noreply",
                                                                                   "Update Jenkinsfile")
    assert rows[0]["affected_paths"] == ["Jenkinsfile"] and rows[0]["timestamp"].tzinfo is not None
    legacy = {"commitId": None, "id": "21552ff", "comment": "Old style\n", "date": "2016-03-15 00:35:58 +0100",
              "paths": [{"editType": "edit", "file": "Jenkinsfile"}], "author": "someone"}
    row = parse.change_set_rows([legacy], a_run())[0]
    assert (row["commit_id"], row["message"], row["affected_paths"], row["author_id"]) == (
        "21552ff", "Old style\n", ["Jenkinsfile"], "someone")
    assert row["timestamp"] == datetime(2016, 3, 14, 23, 35, 58, tzinfo=UTC)


def test_test_summary_and_bad_shapes():
    rows = parse.summary_rows({"passed": 3, "failed": 1, "skipped": 0, "fixed": 0, "existingFailed": 1,
                               "regressions": 0, "total": 4}, a_run())
    assert rows == [{"instance": "prod", "job_full_name": "steps", "number": 16, "source": "blueocean", "passed": 3,
                     "failed": 1, "skipped": 0, "fixed": 0, "existing_failed": 1, "regressions": 0, "total": 4}]
    assert parse.summary_rows(None, a_run()) == []
    with pytest.raises(BlueOceanDataError, match="expected a JSON object"):
        parse.node_rows(["not a node"], a_run())
    with pytest.raises(BlueOceanDataError, match="passed: not a number"):
        parse.summary_rows({"passed": "many"}, a_run())
