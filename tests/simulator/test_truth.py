"""truth(): the oracle agrees with what the API serves, and the controller looks like a real one."""

from __future__ import annotations

import re
import statistics
from datetime import datetime

from ingestion.simulator.clock import DEFAULT_NOW, to_ms
from tests.support.simulator_api import builds_where, job_path


def ms(text: str) -> int:
    return int(datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%f%z").timestamp() * 1000)


def test_jobs_per_spec_section_3(truth):
    feature = truth["webapp/feature%2Flogin-page"]
    assert (feature["name"], feature["folder"], feature["kind"], feature["branch"]) == \
           ("feature/login-page", "/webapp", "branch", "feature/login-page")
    assert truth["webapp/PR-42"]["kind"] == "pull_request"
    assert (truth["platform/infra/k8s-deploy"]["folder"], truth["api-gateway"]["folder"]) == ("/platform/infra", "/")
    assert truth["docs-site"]["kind"] == "freestyle" and truth["sandbox"]["builds"] == []
    assert "platform" not in truth and "webapp" not in truth  # folders and multibranch parents are not jobs
    assert truth["data-pipeline"]["builds"][0]["number"] == 181


def test_builds_match_the_runs_served(api, truth):
    for name, build in builds_where(truth)[::9]:
        run = api.json(job_path(name) + f"runs/{build['number']}/")
        assert ms(run["startTime"]) == build["start_ms"] and ms(run["enQueueTime"]) == build["enqueue_ms"]
        assert build["queue_time_ms"] == build["start_ms"] - build["enqueue_ms"] >= 0
        assert run["state"] == build["state"] and run.get("commitId") == build["commit"]
        if build["state"] == "FINISHED":
            assert run["result"] == build["result"] and run["durationInMillis"] == build["duration_ms"]
        else:
            assert build["result"] is build["duration_ms"] is build["failure_category"] is None


def test_realistic_mix_of_results_and_categories(truth):
    finished = [b for _, b in builds_where(truth, state="FINISHED")]
    results = [b["result"] for b in finished]
    assert {"SUCCESS", "FAILURE", "UNSTABLE", "ABORTED", "NOT_BUILT"} <= set(results)
    assert 0.65 < results.count("SUCCESS") / len(results) < 0.9
    categories = {b["failure_category"] for b in finished}
    assert categories == {None, "test_failure", "compilation_error", "dependency_error", "infrastructure",
                          "timeout", "scm_error", "aborted", "unknown"}
    assert all((b["failure_category"] is None) == (b["result"] == "SUCCESS") for b in finished)
    assert all(b["failure_category"] in ("timeout", "aborted") for b in finished if b["result"] == "ABORTED")
    assert {b["state"] for _, b in builds_where(truth)} == {"FINISHED", "RUNNING", "PAUSED"}


def test_times_spread_over_the_last_30_days(truth):
    now = to_ms(DEFAULT_NOW)
    builds = [b for _, b in builds_where(truth)]
    assert all(now - 31 * 86_400_000 < b["start_ms"] < now for b in builds)
    durations = sorted(b["duration_ms"] for b in builds if b["duration_ms"])
    queues = sorted(b["queue_time_ms"] for b in builds)
    assert durations[int(0.95 * len(durations))] > 2 * statistics.median(durations)
    assert statistics.median(queues) < 10_000 and queues[int(0.98 * len(queues))] > 30_000
    assert all(re.fullmatch(r"[0-9a-f]{40}", b["commit"]) for b in builds if b["commit"])
    assert {b["commit"] for b in truth["docs-site"]["builds"]} == {None}


def test_stages_and_labels_of_running_builds_are_not_known_yet(truth):
    running = truth["api-gateway"]["builds"][-1]
    assert running["state"] == "RUNNING" and running["stages"] == [] and running["labels"] == []
    parallel = next(s for s in truth["api-gateway"]["builds"][-2]["stages"] if s["parallel"])
    assert [p["name"] for p in parallel["parallel"]] == ["Unit", "Integration"]
