"""workspace.yaml loads; the sync job, schedule, sensor and one lineage graph exist."""

from __future__ import annotations

import subprocess

import dagster as dg

from orchestration.lineage import raw_asset_deps, raw_asset_key
from tests.support.paths import BIN, REPO


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


def test_every_upstream_of_the_dbt_models_is_produced_in_the_definitions():
    from orchestration.assets.warehouse import warehouse_models
    from orchestration.definitions import defs

    graph = defs.resolve_asset_graph()
    produced = {key for key in graph.get_all_asset_keys() if graph.get(key).is_materializable}
    upstream = {parent for key in warehouse_models.keys for parent in graph.get(key).parent_keys}
    assert dg.AssetKey(["blueocean", "runs"]) in upstream
    assert upstream - produced == set()
    assert produced == set(graph.get_all_asset_keys())  # no source stub anywhere in the graph
    # dlt's load ledger, which the staging model of loads reads, comes from the ingest step
    loads = graph.get(dg.AssetKey(["staging", "stg_blueocean__loads"]))
    assert loads.parent_keys == {dg.AssetKey(["blueocean", "jobs"])}
