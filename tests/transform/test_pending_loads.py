"""A sync whose dlt loads were never committed (the process died after loading the rows, before
dlt recorded them in `_dlt_loads`): the next `dbt build` takes their rows, and takes them again
once the loads are committed, without duplicating anything."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from . import expectations as expect
from .dbt_runner import run_dbt
from .marts_reader import GRAINS, fetch, repeated_keys, snapshot
from .raw_fixture import RawWarehouse
from .scenario import LOADS, PHASE_2_CHANGES, load_phase, runs_as_of

NO_REPEATS = dict.fromkeys(GRAINS, 0)
PHASE_2_BUILDS = sorted(expect.build_id(run) for run in PHASE_2_CHANGES if run.is_build)


def phase_2_loaded_at(warehouse: Path) -> list:
    return [row["_loaded_at"] for row in fetch(
        warehouse, "select _loaded_at from marts.fct_builds where build_id in ? order by build_id", [PHASE_2_BUILDS])]


@pytest.fixture(scope="module")
def pending_then_committed(fork_built_warehouse: Callable[[str], Path]) -> dict:
    warehouse = fork_built_warehouse("pending_loads")
    work = warehouse.parent
    raw = RawWarehouse(warehouse)
    load_phase(raw, 2, committed=False)
    raw.close()
    run_dbt(warehouse, work, "build")
    pending = {"snapshot": snapshot(warehouse), "repeats": repeated_keys(warehouse),
               "loaded_at": phase_2_loaded_at(warehouse)}

    raw = RawWarehouse(warehouse)
    for load_id, committed_at, _ in LOADS[2]:
        raw.commit(load_id, committed_at)
    raw.close()
    run_dbt(warehouse, work, "build")
    committed = {"snapshot": snapshot(warehouse), "repeats": repeated_keys(warehouse),
                 "loaded_at": phase_2_loaded_at(warehouse)}

    run_dbt(warehouse, work, "build", "--full-refresh")
    return {"pending": pending, "committed": committed, "full": snapshot(warehouse)}


def test_rows_of_a_pending_load_are_built(pending_then_committed: dict) -> None:
    pending = pending_then_committed["pending"]
    builds = {dict(row)["build_id"] for row in pending["snapshot"]["fct_builds"]}
    assert builds == {expect.build_id(run) for run in runs_as_of(2) if run.is_build}
    assert pending["repeats"] == NO_REPEATS
    # not committed yet: nothing to date them by, so every later build takes them again
    assert pending["loaded_at"] == [None] * len(PHASE_2_BUILDS)


def test_committing_the_load_rebuilds_it_without_duplicates(pending_then_committed: dict) -> None:
    committed = pending_then_committed["committed"]
    assert committed["repeats"] == NO_REPEATS
    assert None not in committed["loaded_at"]
    assert committed["snapshot"] == pending_then_committed["full"]
