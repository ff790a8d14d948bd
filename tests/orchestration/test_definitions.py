"""workspace.yaml loads; the sync job, schedule, sensor and one lineage graph exist."""

from __future__ import annotations

import subprocess

import dagster as dg

from orchestration.lineage import raw_asset_deps, raw_asset_key
from tests.conftest import BIN, REPO


def test_workspace_yaml_loads_in_dagster(home_env):
    done = subprocess.run(
        [str(BIN / "dagster"), "definitions", "validate", "-w", "workspace.yaml"],
        cwd=REPO, capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_translator_keys_meet_dbt_sources():
    assert raw_asset_key("runs") == dg.AssetKey(["blueocean", "runs"])
    assert raw_asset_deps("runs") == [dg.AssetKey(["blueocean", "runs"])]
    assert raw_asset_deps(None) == []


def test_job_schedule_sensor_and_lineage(monkeypatch):
    from orchestration.definitions import defs

    job = defs.resolve_job_def("sync")
    assert job is not None
    schedule = defs.resolve_schedule_def("sync_schedule")
    assert schedule.cron_schedule == "*/15 * * * *" and schedule.job_name == "sync"
    assert defs.resolve_sensor_def("new_connection_sensor").job_name == "sync"

    graph = defs.resolve_asset_graph()
    key = dg.AssetKey
    assert key(["blueocean", "runs"]) in graph.get(key(["staging", "stg_blueocean__runs"])).parent_keys
    assert key(["blueocean", "jobs"]) in graph.get(key(["blueocean", "runs"])).parent_keys
    assert key(["blueocean", "runs"]) in graph.get(key(["blueocean", "nodes"])).parent_keys
    upstream_of_snapshot = graph.get(key("serving_snapshot")).parent_keys
    assert {key(["marts", "fct_builds"]), key(["marts", "dim_jobs"])} <= upstream_of_snapshot
    # every raw table reaches the published snapshot
    for raw in ("jobs", "runs", "nodes", "steps", "run_logs"):
        downstream = dg.AssetSelection.assets(key(["blueocean", raw])).downstream().resolve(graph)
        assert key("serving_snapshot") in downstream, raw
