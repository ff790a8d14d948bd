"""The project's one-statement view and table materializations (macros/materialization_*.sql)
replace relations in place: after a second build every model is still of its kind, with its new
rows, and no temporary or backup relation is left behind."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import duckdb

from .dbt_runner import run_dbt
from .marts_reader import fetch

RELATIONS = """
select schema_name || '.' || table_name as name, 'table' as kind from duckdb_tables()
union all
select schema_name || '.' || view_name, 'view' from duckdb_views() where not internal
"""


def test_a_second_build_replaces_views_and_tables_in_place(fork_built_warehouse: Callable[[str], Path]) -> None:
    warehouse = fork_built_warehouse("materializations")
    before = {row["name"]: row["kind"] for row in fetch(warehouse, RELATIONS)}
    with duckdb.connect(str(warehouse)) as con:
        con.execute("update blueocean_raw.jobs set display_name = 'Renamed' where true")

    run_dbt(warehouse, warehouse.parent, "run", "--select", "stg_blueocean__jobs", "int_jobs", "dim_jobs")

    after = {row["name"]: row["kind"] for row in fetch(warehouse, RELATIONS)}
    assert after == before
    assert before["staging.stg_blueocean__jobs"] == "view" and before["marts.dim_jobs"] == "table"
    assert not [name for name in after if "__dbt_" in name]
    assert {row["display_name"] for row in fetch(warehouse, "select display_name from marts.dim_jobs")} == {"Renamed"}
