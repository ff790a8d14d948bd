"""The uniqueness tests of the incremental marts read only recently committed rows (their `where`
config: within a day of the newest committed dlt load, or not committed yet); a duplicate that a new
load brings in must still fail them, and so the sync's checks, even when everything else the mart
holds is older than their window."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from .dbt_runner import failing_nodes
from .raw_fixture import RawWarehouse
from .scenario import PHASE_1, at, raw_rows

# a day and more after the first sync's loads, so that none of their rows is in the tests' window
COMMITTED_AT = at(80)
RUN = next(run for run in PHASE_1 if run.job == "api-service" and run.number == 2)


def failing_after_load(warehouse: Path, rows: dict[str, list[dict]]) -> set[str]:
    raw = RawWarehouse(warehouse)
    raw.load(rows, load_id="1741400000.000001", committed_at=COMMITTED_AT)
    raw.close()
    return failing_nodes(warehouse, warehouse.parent, "build")


def test_a_duplicate_build_in_a_new_load_fails_the_data_tests(fork_built_warehouse: Callable[[str], Path]) -> None:
    # a load that holds two versions of a run: dlt's merge would not load that, but a resource
    # with the wrong write disposition could
    rows = raw_rows([], [RUN, replace(RUN, duration_ms=RUN.duration_ms + 1)], fetched_at=COMMITTED_AT)

    failed = failing_after_load(fork_built_warehouse("recent_duplicate_build"), rows)

    # its log is there twice too; stages and steps are built on fct_builds, so dbt does not build
    # them on builds that failed their checks
    assert failed == {"unique_fct_builds_build_id", "unique_build_logs_build_id"}


def test_a_duplicate_step_in_a_new_load_fails_the_data_tests(fork_built_warehouse: Callable[[str], Path]) -> None:
    rows = raw_rows([], [RUN], fetched_at=COMMITTED_AT)
    rows["steps"] *= 2  # the run once, its steps twice

    failed = failing_after_load(fork_built_warehouse("recent_duplicate_step"), rows)

    assert failed == {"fct_steps_build_id_step_id_unique"}
