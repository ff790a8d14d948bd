"""A controller of freestyle jobs, as a sparse load leaves it: only `jobs` and `runs` exist, and
without the columns that were always null (no commits, no branches, no pull requests). The ingestion
then creates every declared raw table and column (`ensure_raw_tables`, as the sync's ingest step
does), so every model builds from plain `source()`s and the marts hold its builds."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingestion.blueocean.tables import RAW_TABLES, ensure_raw_tables

from . import expectations as expect
from .dbt_runner import run_dbt
from .marts_reader import fetch
from .raw_fixture import RawWarehouse
from .scenario import JOBS, PHASE_1, at, raw_rows

LEGACY_JOBS = [job for job in JOBS if job.instance == "legacy"]
LEGACY_RUNS = [run for run in PHASE_1 if run.instance == "legacy"]


@pytest.fixture(scope="module")
def bare_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("bare_controller")
    warehouse = work / "warehouse.duckdb"
    rows = raw_rows(LEGACY_JOBS, LEGACY_RUNS, at(30))
    raw = RawWarehouse(warehouse, sparse=True)
    raw.load({"jobs": rows["jobs"], "runs": rows["runs"]}, load_id="1741075260.200002", committed_at=at(30))
    tables = {name for (name,) in raw.con.execute(
        "select table_name from information_schema.tables where table_schema = 'blueocean_raw'").fetchall()}
    assert tables == {"jobs", "runs", "_dlt_loads"}
    assert "pull_request_id" not in {name for (name,) in raw.con.execute(
        "select column_name from information_schema.columns where table_name = 'jobs'").fetchall()}
    ensure_raw_tables(raw.con)
    columns = {(table, column) for table, column in raw.con.execute(
        "select table_name, column_name from information_schema.columns where table_schema = 'blueocean_raw'"
    ).fetchall()}
    assert {(table.name, name) for table in RAW_TABLES for name in table.duckdb_columns()} <= columns
    raw.close()
    run_dbt(warehouse, work, "build")
    return warehouse


def test_builds_of_a_freestyle_controller(bare_warehouse: Path) -> None:
    rows = {row["build_id"]: row for row in fetch(bare_warehouse, "select * from marts.fct_builds")}
    builds = {expect.build_id(run): run for run in LEGACY_RUNS if run.is_build}
    assert set(rows) == set(builds)
    for build_id, run in builds.items():
        assert (rows[build_id]["result"], rows[build_id]["branch"], rows[build_id]["commit_sha"]) == (
            run.final_result, None, None)
        # no log was fetched: a failure without evidence is unknown
        assert rows[build_id]["failure_category"] == (None if run.final_result == "SUCCESS" else "unknown")


def test_empty_tables_and_unknown_labels(bare_warehouse: Path) -> None:
    for mart in ("fct_stages", "fct_steps", "build_logs", "fct_flaky_commits"):
        assert fetch(bare_warehouse, f"select count(*) as n from marts.{mart}") == [{"n": 0}]
    labels = fetch(bare_warehouse, "select distinct label from marts.bridge_build_labels")
    assert labels == [{"label": "unknown"}]
    jobs = fetch(bare_warehouse, "select name, kind, branch from marts.dim_jobs order by name")
    by_name = sorted(LEGACY_JOBS, key=lambda job: job.name)
    assert jobs == [{"name": job.name, "kind": job.kind, "branch": None} for job in by_name]
