"""Reads a built warehouse the way analysts do: a short read-only connection per query."""

from __future__ import annotations

from pathlib import Path

import duckdb

MARTS = ["dim_instances", "dim_jobs", "fct_builds", "fct_stages", "fct_steps", "bridge_build_labels", "build_logs",
         "fct_build_recoveries", "fct_flaky_commits", "fct_test_results", "dim_tests", "fct_flaky_test_results"]

# Each incremental mart's grain: a key that must never repeat.
GRAINS = {
    "fct_builds": "build_id",
    "fct_stages": "build_id, stage_id",
    "fct_steps": "build_id, step_id",
    "bridge_build_labels": "build_id, label",
    "build_logs": "build_id",
    "fct_test_results": "build_id, position",
}


def fetch(warehouse: Path, sql: str, params: list | None = None) -> list[dict]:
    """Rows of `sql` as dicts; the connection is closed at once so dbt can open the file again."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        con.execute("set TimeZone = 'UTC'")
        cursor = con.execute(sql, params or [])
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def snapshot(warehouse: Path) -> dict[str, list[tuple]]:
    """Every mart's rows, sorted, so that two builds can be compared table by table."""
    tables = {}
    for mart in MARTS:
        rows = fetch(warehouse, f"select * from marts.{mart}")
        tables[mart] = sorted((tuple(row.items()) for row in rows), key=repr)
    return tables


def repeated_keys(warehouse: Path) -> dict[str, int]:
    """Per incremental mart, how many keys occur more than once (all zero when the grain holds)."""
    return {
        mart: fetch(warehouse, f"select count(*) as n from (select {key} from marts.{mart} "
                               f"group by {key} having count(*) > 1)")[0]["n"]
        for mart, key in GRAINS.items()
    }
