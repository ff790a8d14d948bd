"""`row_rules` (data-tests/generic/row_rules.sql) stands for the unique, not-null, accepted-values,
accepted-range and expression tests of a model: it fails with one row per broken rule, naming it
and counting the rows that break it; nulls pass the value and range rules."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import duckdb

from .dbt_runner import failing_nodes
from .marts_reader import fetch


def test_fails_once_per_broken_rule_and_names_it(fork_built_warehouse: Callable[[str], Path]) -> None:
    warehouse = fork_built_warehouse("row_rules")
    with duckdb.connect(str(warehouse)) as con:
        # uncommitted rows (no _loaded_at), so inside the test's window of recently loaded rows:
        # a state outside the accepted values and a negative duration on one build, which also
        # breaks the rule that only finished builds have a result; a second build breaks only
        # that rule, and its id is there twice; a null state passes the values rule but not the
        # not-null one
        for replaced in ("'b_broken1' as build_id, 'WAITING' as state, -5 as duration_ms",
                         "'b_broken2' as build_id",
                         "'b_broken2' as build_id, 'RUNNING' as state",
                         "'b_nullstate' as build_id, null as state, null as result, null as duration_ms, "
                         "false as is_counted, false as is_success"):
            con.execute(f"""
                insert into marts.fct_builds
                select * replace ({replaced}, null as _loaded_at) from marts.fct_builds
                where state = 'FINISHED' and result = 'SUCCESS' limit 1
            """)

    failed = failing_nodes(warehouse, warehouse.parent, "test", "--select", "fct_builds_row_rules",
                           "fct_steps_row_rules", "--store-failures")

    assert failed == {"fct_builds_row_rules"}
    results = json.loads((warehouse.parent / "target" / "run_results.json").read_text())["results"]
    assert {r["unique_id"].split(".")[2]: r["failures"] for r in results} == {
        "fct_builds_row_rules": 5, "fct_steps_row_rules": 0}
    [(schema,)] = [tuple(row.values()) for row in fetch(
        warehouse, "select schema_name from duckdb_tables() where table_name = 'fct_builds_row_rules'")]
    rows = fetch(warehouse, f'select * from "{schema}".fct_builds_row_rules order by rule')
    assert rows == [
        {"rule": "\"build_id\" unique", "broken_rows": 1},
        {"rule": "\"duration_ms\" >= 0", "broken_rows": 1},
        {"rule": "\"state\" in ('RUNNING', 'PAUSED', 'FINISHED')", "broken_rows": 1},
        {"rule": "\"state\" is not null", "broken_rows": 1},
        {"rule": "final_values_only_once_finished", "broken_rows": 2},
    ]
