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


VIEWS = "select schema_name || '.' || view_name as name, comment from duckdb_views() where not internal"
STALE = "create or replace view staging.stg_blueocean__jobs as select 1 as stale"


def test_views_are_replaced_only_when_their_sql_changed(fork_built_warehouse: Callable[[str], Path]) -> None:
    warehouse = fork_built_warehouse("kept_views")
    fingerprints = {row["name"]: row["comment"] for row in fetch(warehouse, VIEWS)}
    assert all(comment.startswith("dbt sql md5 ") for comment in fingerprints.values()), fingerprints
    jobs = "staging.stg_blueocean__jobs"

    # a view whose fingerprint says it was made from the project's SQL is left as it is
    with duckdb.connect(str(warehouse)) as con:
        con.execute(STALE)
        con.execute(f"comment on view {jobs} is '{fingerprints[jobs]}'")
    run_dbt(warehouse, warehouse.parent, "run", "--select", "config.materialized:view")
    assert list(fetch(warehouse, f"select * from {jobs}")[0]) == ["stale"]

    # one made otherwise (by hand, or by an older version of the project) is replaced
    with duckdb.connect(str(warehouse)) as con:
        con.execute(STALE)
    run_dbt(warehouse, warehouse.parent, "run", "--select", "config.materialized:view")
    assert "full_name" in fetch(warehouse, f"select * from {jobs} limit 1")[0]
    assert {row["name"]: row["comment"] for row in fetch(warehouse, VIEWS)} == fingerprints


def test_seeds_are_loaded_only_when_their_file_or_config_changed(fork_built_warehouse: Callable[[str], Path]) -> None:
    warehouse = fork_built_warehouse("kept_seed")
    count = "select count(*) as n from seeds.failure_patterns"
    rules = fetch(warehouse, count)[0]["n"]
    with duckdb.connect(str(warehouse)) as con:
        con.execute("delete from seeds.failure_patterns where priority = (select min(priority) from seeds.failure_patterns)")

    # the fingerprint in the table's comment still matches the CSV: the seed is not loaded again
    run_dbt(warehouse, warehouse.parent, "seed")
    assert fetch(warehouse, count) == [{"n": rules - 1}]

    # a table that was not loaded from this CSV (another fingerprint) is loaded again
    with duckdb.connect(str(warehouse)) as con:
        con.execute("comment on table seeds.failure_patterns is 'loaded by hand'")
    run_dbt(warehouse, warehouse.parent, "seed")
    assert fetch(warehouse, count) == [{"n": rules}]
