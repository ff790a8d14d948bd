"""`referenced_by` (data-tests/generic/referenced_by.sql) is dbt's `relationships` test seen from
the parent: it fails with one row per referencing column that holds ids the parent lacks, naming
it and counting those rows."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import duckdb

from .dbt_runner import failing_nodes
from .marts_reader import fetch


def test_fails_once_per_column_with_dangling_ids_and_names_it(fork_built_warehouse: Callable[[str], Path]) -> None:
    warehouse = fork_built_warehouse("referenced_by")
    with duckdb.connect(str(warehouse)) as con:
        # steps and a stage of a build fct_builds does not hold (not yet committed, so inside the
        # window of recently loaded rows), and a job that dim_jobs does not hold
        con.execute("insert into marts.fct_steps (build_id, step_id, position, _loaded_at) "
                    "values ('b_missing', '1', 0, null), ('b_missing', '2', 1, null)")
        con.execute("insert into marts.fct_stages (build_id, stage_id, position, _loaded_at) "
                    "values ('b_missing', '1', 0, null)")
        con.execute("insert into marts.fct_flaky_commits (job_id, commit_sha) values ('j_missing', 'abc')")

    failed = failing_nodes(warehouse, warehouse.parent, "test", "--select", "every_referenced_build_exists",
                           "every_referenced_job_exists", "every_referenced_instance_exists", "--store-failures")

    assert failed == {"every_referenced_build_exists", "every_referenced_job_exists"}
    results = json.loads((warehouse.parent / "target" / "run_results.json").read_text())["results"]
    assert {r["unique_id"].split(".")[2]: r["failures"] for r in results} == {
        "every_referenced_build_exists": 2, "every_referenced_job_exists": 1, "every_referenced_instance_exists": 0}
    [(schema,)] = [tuple(row.values()) for row in fetch(
        warehouse, "select schema_name from duckdb_tables() where table_name = 'every_referenced_build_exists'")]
    rows = fetch(warehouse, f'select * from "{schema}".every_referenced_build_exists order by referenced_from')
    assert rows == [{"referenced_from": "fct_stages.build_id", "missing_rows": 1},
                    {"referenced_from": "fct_steps.build_id", "missing_rows": 2}]
