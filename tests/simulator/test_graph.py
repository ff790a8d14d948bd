"""Node graphs and steps: paging at 100, future nodes, the synthetic Parallel stage, blocked steps."""

from __future__ import annotations

import re

from tests.support.simulator_api import TIMESTAMP, builds_where, job_path

EPOCH = "1970-01-01T00:00:00.000+0000"


def test_nodes_are_paged_at_100_so_a_forgetful_client_gets_a_truncated_graph(api):
    page = api.get("pipelines/monorepo-ci/runs/19/nodes/")
    truncated = page.json()
    assert len(truncated) == 100 and "start=100&limit=100" in page.headers["Link"]
    ids = {n["id"] for n in truncated}
    assert {e["id"] for n in truncated for e in n["edges"]} - ids  # edges point past the page
    full = api.json("pipelines/monorepo-ci/runs/19/nodes/", limit=10000)
    assert len(full) == 123
    ids = {n["id"] for n in full}
    assert {e["id"] for n in full for e in n["edges"]} <= ids
    steps = api.json("pipelines/monorepo-ci/runs/19/steps/")
    assert len(steps) == 100 and len(api.json("pipelines/monorepo-ci/runs/19/steps/", limit=10000)) > 100


def test_graph_shape_of_a_successful_run(api):
    nodes = api.json("pipelines/api-gateway/runs/70/nodes/")
    by_id = {n["id"]: n for n in nodes}
    assert [n["displayName"] for n in nodes] == ["Checkout", "Build", "Test", "Unit", "Integration", "Package",
                                                  "Deploy"]
    test = next(n for n in nodes if n["displayName"] == "Test")
    branches = [by_id[e["id"]] for e in test["edges"]]
    assert [b["type"] for b in branches] == ["PARALLEL", "PARALLEL"]
    assert all(b["firstParent"] == test["id"] for b in branches)
    assert all([e["id"] for e in b["edges"]] == [by_id_name(nodes, "Package")["id"]] for b in branches)
    assert all(n["state"] == "FINISHED" and TIMESTAMP.match(n["startTime"]) for n in nodes)
    assert all(n["id"].isdigit() for n in nodes)


def by_id_name(nodes, name):
    return next(n for n in nodes if n["displayName"] == name)


def test_failed_and_aborted_runs_show_future_nodes_borrowed_from_the_last_success(api):
    success = api.json("pipelines/webapp/branches/feature%252Flogin-page/runs/27/nodes/")
    failed = api.json("pipelines/webapp/branches/feature%252Flogin-page/runs/28/nodes/")
    assert [n["id"] for n in failed] == [n["id"] for n in success]
    future = [n for n in failed if n["state"] is None]
    assert future and all(n["result"] is None and n["startTime"] is None and n["durationInMillis"] == 0
                          for n in future)
    last_real = [n for n in failed if n["state"] is not None][-1]
    assert last_real["result"] == "FAILURE" and last_real["edges"][0]["id"] == future[0]["id"]
    timed_out = api.json("pipelines/platform/pipelines/build-tools/runs/35/nodes/")
    assert [n["result"] for n in timed_out] == ["SUCCESS", "SUCCESS", "ABORTED", None]


def test_no_future_nodes_once_a_newer_build_succeeded(api, truth):
    """Blue Ocean unions only when the last successful build is older than the run."""
    older_failures = [b for b in truth["webapp/main"]["builds"] if b["result"] == "FAILURE" and b["stages"]]
    nodes = api.json(f"pipelines/webapp/branches/main/runs/{older_failures[0]['number']}/nodes/")
    assert all(n["state"] is not None for n in nodes)


def test_running_run_graph_and_blocked_step(api):
    nodes = api.json("pipelines/api-gateway/runs/71/nodes/")
    states = {n["displayName"]: (n["state"], n["result"]) for n in nodes}
    assert states["Checkout"] == ("FINISHED", "SUCCESS")
    assert states["Test"] == ("RUNNING", "UNKNOWN") and states["Unit"] == ("RUNNING", "UNKNOWN")
    assert states["Integration"] == ("QUEUED", "UNKNOWN") and states["Deploy"] == (None, None)
    steps = api.json("pipelines/api-gateway/runs/71/steps/")
    blocked = [s for s in steps if not s["id"].isdigit()]
    assert len(blocked) == 1 and re.fullmatch(r"[0-9a-f-]{36}", blocked[0]["id"])
    assert blocked[0]["startTime"] == EPOCH and blocked[0]["displayName"].startswith("Waiting for next")
    again = api.json("pipelines/api-gateway/runs/71/steps/")
    assert [s["id"] for s in again if not s["id"].isdigit()] != [blocked[0]["id"]]  # a new UUID every time
    assert any(s["state"] == "RUNNING" and s["result"] == "UNKNOWN" for s in steps)


def test_synthetic_parallel_stage(api):
    nodes = api.json("pipelines/nightly-e2e/runs/30/nodes/")
    first = nodes[0]
    branch_ids = [e["id"] for e in first["edges"]]
    assert first["id"] == f"{branch_ids[0]}-parallel-synthetic" and first["displayName"] == "Parallel"
    assert [n["id"] for n in nodes[1:4]] == branch_ids


def test_steps_have_numeric_ids_descriptions_and_some_epoch_times(api):
    steps = api.json("pipelines/api-gateway/runs/70/steps/")
    assert all(s["id"].isdigit() and s["type"] == "STEP" for s in steps)
    shell = [s for s in steps if s["displayName"] == "Shell Script"]
    assert shell and all(s["displayDescription"] for s in shell)
    assert "mvn -B -DskipTests clean package" in [s["displayDescription"] for s in shell]
    assert any(s["startTime"] == EPOCH for s in steps)


def test_node_steps_include_parallel_branches_and_unknown_ids_are_404(api):
    nodes = api.json("pipelines/api-gateway/runs/70/nodes/")
    test = by_id_name(nodes, "Test")
    stage_steps = api.json(f"pipelines/api-gateway/runs/70/nodes/{test['id']}/steps/")
    branch_steps = [s for e in test["edges"] for s in api.json(f"pipelines/api-gateway/runs/70/nodes/{e['id']}/steps/")]
    assert [s["id"] for s in stage_steps] == [s["id"] for s in branch_steps] and stage_steps
    one = api.json(f"pipelines/api-gateway/runs/70/nodes/{test['id']}/steps/{stage_steps[0]['id']}/")
    assert one["id"] == stage_steps[0]["id"]
    assert api.get("pipelines/api-gateway/runs/70/nodes/99999/").status_code == 404
    assert api.get("pipelines/api-gateway/runs/70/steps/99999/").status_code == 404


def test_stages_in_truth_match_executed_nodes(api, truth):
    for name, build in builds_where(truth, state="FINISHED")[::25]:
        if name == "docs-site":
            continue
        nodes = api.json(job_path(name) + f"runs/{build['number']}/nodes/", limit=10000)
        stages = [n for n in nodes if n["type"] == "STAGE" and n["state"] is not None]
        assert [(s["displayName"], s["durationInMillis"], s["result"]) for s in stages] == \
               [(s["name"], s["duration"], s["result"]) for s in build["stages"]], (name, build["number"])
