"""`not_null_columns` (data-tests/generic/not_null_columns.sql) stands for a `not_null` test on
each listed column: it fails with one row per column that holds nulls, naming it."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import duckdb

from .dbt_runner import failing_nodes
from .marts_reader import fetch


def test_fails_once_per_column_with_nulls_and_names_them(fork_built_warehouse: Callable[[str], Path]) -> None:
    warehouse = fork_built_warehouse("not_null_columns")
    with duckdb.connect(str(warehouse)) as con:
        # a step row without build and step id, as a broken load could leave it (not yet committed,
        # so inside the test's window of recently loaded rows)
        con.execute("insert into marts.fct_steps (build_id, step_id, position, _loaded_at) "
                    "values (null, null, 0, null)")

    failed = failing_nodes(warehouse, warehouse.parent, "test", "--select", "not_null_fct_steps",
                           "not_null_fct_builds", "--store-failures")

    assert failed == {"not_null_fct_steps"}
    results = json.loads((warehouse.parent / "target" / "run_results.json").read_text())["results"]
    assert {r["unique_id"].split(".")[2]: r["failures"] for r in results} == {
        "not_null_fct_steps": 2, "not_null_fct_builds": 0}
    [(schema,)] = [tuple(row.values()) for row in fetch(
        warehouse, "select schema_name from duckdb_tables() where table_name = 'not_null_fct_steps'")]
    rows = fetch(warehouse, f'select * from "{schema}".not_null_fct_steps order by column_name')
    assert rows == [{"column_name": "build_id", "null_rows": 1}, {"column_name": "step_id", "null_rows": 1}]
