"""Shapes agree with the recorded Blue Ocean samples: same keys, plus only fields newer versions add."""

from __future__ import annotations

from tests.support.samples import SAMPLES, sample
from tests.support.simulator_api import ORG

# Fields that current Blue Ocean adds to (or no longer puts in) the 2016-2017 recordings.
NEWER_RUN = {"artifactsZipFile", "causeOfBlockage", "description", "name", "replayable", "commitUrl", "branch",
             "pullRequest", "causes"}
NEWER_NODE = {"type", "firstParent", "restartable"}
NEWER_PIPELINE = {"disabled", "fullDisplayName", "parameters"}


def assert_keys(ours: dict, recorded: dict, newer: set, dropped: set = frozenset()) -> None:
    missing = set(recorded) - set(ours) - dropped
    extra = set(ours) - set(recorded) - newer
    assert not missing and not extra, (missing, extra)


def test_runs(api):
    recorded = sample("run-running-multibranch.json")[0]
    assert_keys(api.json("pipelines/api-gateway/runs/71/"), recorded, NEWER_RUN | {"_links", "actions"},
                dropped={"artifacts"})
    latest = sample("branches-list-2.json")[0]["latestRun"]
    assert_keys(api.json("pipelines/webapp/branches/main/runs/90/"), latest, NEWER_RUN,
                dropped={"artifacts", "steps"})


def test_nodes(api):
    recorded = sample("nodes-100-truncated-synthetic-parallel.json")[0]
    for node in api.json("pipelines/nightly-e2e/runs/30/nodes/"):
        assert_keys(node, recorded, NEWER_NODE)
    future = sample("nodes-100-future-all-null.json")[0]
    for node in api.json("pipelines/webapp/branches/feature%252Flogin-page/runs/28/nodes/"):
        assert_keys(node, future, NEWER_NODE | {"displayDescription"})


def test_steps(api):
    recorded = sample("steps-with-display-description.json")[0]
    for step in api.json("pipelines/api-gateway/runs/70/steps/"):
        assert_keys(step, recorded, {"type"})


def test_pipelines_and_organization(api):
    pipeline = sample("pipelines-list-mixed-types.json")[0]
    assert_keys(api.json("pipelines/api-gateway/"), pipeline, NEWER_PIPELINE)
    multibranch = sample("multibranch-pipeline.json")
    assert_keys(api.json("pipelines/webapp/"), multibranch, {"fullDisplayName", "scriptPath"})
    branch = sample("branches-list.json")[0]
    for item in api.json("pipelines/webapp/branches/"):
        assert_keys(item, branch, NEWER_PIPELINE | {"branch"}, dropped={"pullRequest"})
    assert api.json("") == sample("organization.json")


def test_double_encoded_branch_href_like_the_recordings(api):
    recorded = next(f["item"] for f in sample("favorites-list.json") if "%2F" in f["item"]["fullName"])
    assert "%252F" in recorded["_links"]["self"]["href"] and "%2F" in recorded["name"]
    ours = api.json("pipelines/webapp/branches/feature%252Flogin-page/")
    assert ours["_links"]["self"]["href"] == f"{ORG}pipelines/webapp/branches/feature%252Flogin-page/"
    assert ours["name"] == "feature%2Flogin-page" and ours["displayName"] == "feature/login-page"


def test_log_ends_like_the_recording(api):
    recorded = (SAMPLES / "run-log-sample.txt").read_text()
    ours = api.get("pipelines/webapp/branches/main/runs/90/log/", start=0).text
    assert recorded.rstrip().endswith("Finished: SUCCESS") and ours.rstrip().endswith("Finished: SUCCESS")
    assert "[Pipeline]" in recorded and "[Pipeline]" in ours
