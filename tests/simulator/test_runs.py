"""Run objects: classes, string ids, Jenkins timestamps with DST offsets, running and queued runs, quirks."""

from __future__ import annotations

import json
import re
from datetime import datetime
from zoneinfo import ZoneInfo

from tests.support.simulator_api import TIMESTAMP

LA = ZoneInfo("America/Los_Angeles")


def test_finished_pipeline_run_fields(api):
    run = api.json("pipelines/webapp/branches/main/runs/90/")
    assert run["_class"] == "io.jenkins.blueocean.rest.impl.pipeline.PipelineRunImpl"
    assert run["id"] == "90" and run["type"] == "WorkflowRun" and run["state"] == "FINISHED"
    assert run["pipeline"] == "main" and run["organization"] == "jenkins"
    assert re.fullmatch(r"[0-9a-f]{40}", run["commitId"])
    assert run["branch"]["isPrimary"] is True and run["pullRequest"] is None
    start = datetime.strptime(run["startTime"], "%Y-%m-%dT%H:%M:%S.%f%z")
    end = datetime.strptime(run["endTime"], "%Y-%m-%dT%H:%M:%S.%f%z")
    assert (end - start).total_seconds() * 1000 == run["durationInMillis"]
    assert run["estimatedDurationInMillis"] > 0 and run["causes"][0]["shortDescription"]
    for rel in ("self", "parent", "log", "nodes", "steps", "changeSet", "blueTestSummary", "tests"):
        assert run["_links"][rel]["href"].endswith("/")


def test_timestamps_use_the_controller_offset_without_colon_across_dst(api):
    runs = api.json("pipelines/webapp/branches/main/runs/", tree="startTime,enQueueTime,endTime")
    offsets = set()
    for run in runs:
        for field in ("startTime", "enQueueTime", "endTime"):
            assert TIMESTAMP.match(run[field]), run[field]
            moment = datetime.strptime(run[field], "%Y-%m-%dT%H:%M:%S.%f%z")
            assert moment.utcoffset() == moment.astimezone(LA).utcoffset()
            offsets.add(run[field][-5:])
    assert offsets == {"-0700", "-0800"}


def test_running_run_has_zero_duration_unknown_result_and_no_end(api):
    run = api.json("pipelines/api-gateway/runs/71/")
    assert (run["state"], run["result"], run["durationInMillis"], run["endTime"]) == ("RUNNING", "UNKNOWN", 0, None)
    assert run["runSummary"] == "?" and run["causeOfBlockage"].startswith("Waiting for next available executor")
    job = api.json("pipelines/api-gateway/")
    assert job["latestRun"]["id"] == "71" and job["latestRun"]["state"] == "RUNNING"


def test_paused_run(api):
    run = api.json("pipelines/platform/pipelines/infra/pipelines/terraform-apply/runs/19/")
    assert (run["state"], run["result"], run["durationInMillis"]) == ("PAUSED", "UNKNOWN", 0)
    steps = api.json("pipelines/platform/pipelines/infra/pipelines/terraform-apply/runs/19/steps/")
    waiting = [s for s in steps if s["state"] == "PAUSED"]
    assert len(waiting) == 1 and waiting[0]["input"]["message"] and waiting[0]["result"] == "UNKNOWN"


def test_queued_run_is_reachable_by_its_expected_number(api):
    run = api.json("pipelines/platform/pipelines/infra/pipelines/k8s-deploy/runs/49/")
    assert run["_class"].endswith("QueuedBlueRun") and run["type"] == "QueuedItem"
    assert run["state"] == "QUEUED" and run["startTime"] is None and run["enQueueTime"] is None
    assert run["queueId"] and run["causeOfBlockage"]
    assert api.get("pipelines/platform/pipelines/infra/pipelines/k8s-deploy/runs/49/log/").status_code == 404


def test_rotated_job_numbers_do_not_start_at_one(api):
    runs = api.json("pipelines/data-pipeline/runs/", tree="id")
    assert [r["id"] for r in runs][-1] == "181" and len(runs) == 40
    assert api.get("pipelines/data-pipeline/runs/180/").status_code == 404


def test_freestyle_runs_have_no_nodes_or_steps(api):
    run = api.json("pipelines/docs-site/runs/30/")
    assert run["_class"].endswith("FreeStyleRunImpl") and run["type"] == "FreeStyleBuild"
    assert "commitId" not in run and "nodes" not in run["_links"]
    assert api.get("pipelines/docs-site/runs/30/nodes/").status_code == 404
    assert api.get("pipelines/docs-site/runs/30/steps/").status_code == 404


def test_actions_carry_class_twice_in_the_raw_body(api):
    raw = api.get("pipelines/api-gateway/runs/70/").text
    pairs = json.loads(raw, object_pairs_hook=lambda p: p)
    actions = dict(pairs)["actions"]
    assert actions
    for item in actions:
        classes = [v for k, v in item if k == "_class"]
        assert len(classes) == 2 and classes[0].endswith("ActionProxiesImpl")
    assert raw.count('"_class":"io.jenkins.blueocean.service.embedded.rest.ActionProxiesImpl"') == len(actions)
    assert '"_links":{"self":{"_class":"io.jenkins.blueocean.rest.hal.Link","href":' in raw
    assert json.loads(raw)["actions"][0]["_class"] == "hudson.model.CauseAction"  # Python keeps the last


def test_change_set_inline_and_as_a_list(api):
    runs = api.json("pipelines/webapp/branches/main/runs/", tree="id,changeSet,commitId")
    with_changes = next(r for r in runs if r["changeSet"])
    listed = api.json(f"pipelines/webapp/branches/main/runs/{with_changes['id']}/changeSet/")
    assert listed == with_changes["changeSet"]
    assert listed[-1]["commitId"] == with_changes["commitId"]
    entry = listed[0]
    assert {"commitId", "author", "msg", "timestamp", "affectedPaths"} <= set(entry)
    assert TIMESTAMP.match(entry["timestamp"]) and entry["author"]["fullName"]


def test_tests_404_without_a_report_and_summary_zeros(api, truth):
    failed_early = next(b for b in truth["webapp/feature%2Flogin-page"]["builds"]
                        if b["failure_category"] == "compilation_error")
    base = f"pipelines/webapp/branches/feature%252Flogin-page/runs/{failed_early['number']}/"
    assert api.get(base + "tests/").status_code == 404
    summary = api.json(base + "blueTestSummary/")
    assert summary["total"] == 0 and summary["failed"] == 0


def test_test_report_of_an_unstable_run(api):
    base = "pipelines/webapp/branches/PR-42/runs/14/"
    summary = api.json(base + "blueTestSummary/")
    assert summary["failed"] > 0 and summary["total"] == summary["passed"] + summary["failed"] + summary["skipped"]
    cases = api.json(base + "tests/", limit=10000)
    assert len(cases) == summary["total"]
    assert [c["status"] for c in cases[:summary["failed"]]] == ["FAILED"] * summary["failed"]
    assert len(api.json(base + "tests/", status="FAILED")) == summary["failed"]
    assert len(api.json(base + "tests/")) == 100  # paged like every list
