"""A warehouse built by an earlier version of the project: its marts lack a column their models
have now. The next `dbt build` does not fail: a table mart is rebuilt whole, and an incremental one
gets the column back (`on_schema_change: append_new_columns`; its old rows read null until a
`--full-refresh`, which gives every mart as a fresh build would)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import duckdb

from .dbt_runner import run_dbt
from .marts_reader import fetch, snapshot


def test_a_mart_missing_a_column_gets_it_back(fork_built_warehouse: Callable[[str], Path]) -> None:
    warehouse = fork_built_warehouse("upgrade")
    expected = snapshot(warehouse)
    with duckdb.connect(str(warehouse)) as con:
        con.execute("alter table marts.fct_build_recoveries drop column first_failed_number")
        con.execute("alter table marts.fct_steps drop column description")

    run_dbt(warehouse, warehouse.parent, "build")
    upgraded = snapshot(warehouse)
    assert upgraded["fct_build_recoveries"] == expected["fct_build_recoveries"]
    assert "description" in fetch(warehouse, "select * from marts.fct_steps limit 1")[0]

    run_dbt(warehouse, warehouse.parent, "build", "--full-refresh")
    assert snapshot(warehouse) == expected
