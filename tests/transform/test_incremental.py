"""The second sync: an incremental `dbt build` gives exactly the tables of a full refresh.

Phase 2 of the scenario finishes a running build (RUNNING -> FINISHED with nodes, steps and
log), starts a queued one, adds builds and a branch, and commits the `legacy` load under an
older load id than anything already transformed.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from . import expectations as expect
from .dbt_runner import run_dbt
from .marts_reader import MARTS, fetch, snapshot
from .raw_fixture import RawWarehouse
from .scenario import PHASE_2_CHANGES, load_phase, runs_as_of

MARKER = "left alone by the second sync"
UNTOUCHED = next(run for run in runs_as_of(1) if run.job == "platform/infra/deploy" and run.number == 1)


def mark_untouched_build(warehouse: Path, build_id: str, marker: str | None, step_description: str) -> None:
    """Write a marker into rows the second sync has no reason to rewrite (or put the originals back)."""
    with duckdb.connect(str(warehouse)) as con:
        con.execute("update marts.fct_builds set failing_stage = ? where build_id = ?", [marker, build_id])
        con.execute(
            "update marts.fct_steps set description = ? where build_id = ?", [marker or step_description, build_id]
        )


@pytest.fixture(scope="module")
def second_sync(built_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    work = tmp_path_factory.mktemp("second_sync")
    warehouse = work / "warehouse.duckdb"
    shutil.copy(built_warehouse, warehouse)
    raw = RawWarehouse(warehouse)
    load_phase(raw, 2)
    raw.close()
    untouched = expect.build_id(UNTOUCHED)
    step_description = fetch(warehouse, "select description from marts.fct_steps where build_id = ?", [untouched])[0]
    mark_untouched_build(warehouse, untouched, MARKER, step_description["description"])

    run_dbt(warehouse, work, "build")
    kept = {
        "fct_builds": fetch(warehouse, "select failing_stage from marts.fct_builds where build_id = ?", [untouched]),
        "fct_steps": fetch(warehouse, "select description from marts.fct_steps where build_id = ?", [untouched]),
    }
    mark_untouched_build(warehouse, untouched, None, step_description["description"])
    incremental = snapshot(warehouse)

    run_dbt(warehouse, work, "build", "--full-refresh")
    return {"warehouse": warehouse, "incremental": incremental, "full": snapshot(warehouse), "kept": kept}


@pytest.mark.parametrize("mart", MARTS)
def test_incremental_build_equals_full_refresh(second_sync: dict, mart: str) -> None:
    assert second_sync["incremental"][mart] == second_sync["full"][mart]


def test_incremental_build_leaves_unchanged_builds_alone(second_sync: dict) -> None:
    assert second_sync["kept"] == {"fct_builds": [{"failing_stage": MARKER}], "fct_steps": [{"description": MARKER}]}


def test_finished_build_replaces_the_running_one(second_sync: dict) -> None:
    warehouse = second_sync["warehouse"]
    finished = next(run for run in PHASE_2_CHANGES if run.job == "api-service" and run.number == 10)
    build_id = expect.build_id(finished)
    row = fetch(warehouse, "select * from marts.fct_builds where build_id = ?", [build_id])[0]
    assert (row["state"], row["result"], row["duration_ms"]) == ("FINISHED", "SUCCESS", 330_000)
    labels = fetch(warehouse, "select label from marts.bridge_build_labels where build_id = ?", [build_id])
    assert [label["label"] for label in labels] == ["linux-2"]
    stages = fetch(warehouse, "select name from marts.fct_stages where build_id = ? order by position", [build_id])
    assert [stage["name"] for stage in stages] == ["Checkout", "Build", "Test"]


def test_second_sync_builds_and_jobs(second_sync: dict) -> None:
    warehouse = second_sync["warehouse"]
    builds = {row["build_id"] for row in fetch(warehouse, "select build_id from marts.fct_builds")}
    assert builds == {expect.build_id(run) for run in runs_as_of(2) if run.is_build}
    api = fetch(warehouse, "select last_build, last_result from marts.dim_jobs where full_name = 'api-service'")[0]
    assert api == {"last_build": 12, "last_result": "FAILURE"}
