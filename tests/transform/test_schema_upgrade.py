"""A warehouse built by an earlier version of the project: its incremental marts lack columns
their models document now. The next `dbt build` rebuilds those marts whole (is_incremental.sql)
instead of failing every sync until someone runs `--full-refresh`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import duckdb

from .dbt_runner import run_dbt
from .marts_reader import snapshot


def test_a_mart_missing_a_documented_column_is_rebuilt(fork_built_warehouse: Callable[[str], Path]) -> None:
    warehouse = fork_built_warehouse("upgrade")
    expected = snapshot(warehouse)
    with duckdb.connect(str(warehouse)) as con:
        con.execute("alter table marts.fct_build_recoveries drop column first_failed_number")
        con.execute("alter table marts.fct_flaky_commits drop column last_build_number")
    run_dbt(warehouse, warehouse.parent, "build")
    assert snapshot(warehouse) == expected
