"""The Blue Ocean raw tables as dlt leaves them (docs/architecture.md), in a DuckDB file.

`RawWarehouse.load()` merges rows the way dlt's merge disposition does: a row replaces the stored
row with the same key, and a run's nodes, steps and change sets replace all the stored ones of
that run. Each load stamps `_dlt_load_id` and `_dlt_id` on its rows and, once committed, is
recorded in `_dlt_loads` like dlt does. With `sparse=True` tables are created from the rows
themselves, as dlt infers them: no table before its first row, no column that was always null.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import duckdb

from tests.support.dlt_ledger import LOADS_TABLE

SCHEMA = "blueocean_raw"

RUN_KEY = ("instance", "job_full_name", "number")

# table -> (merge key, column -> DuckDB type as dlt creates it)
TABLES: dict[str, tuple[tuple[str, ...], dict[str, str]]] = {
    "jobs": (
        ("instance", "full_name"),
        {
            "instance": "VARCHAR", "full_name": "VARCHAR", "name": "VARCHAR", "display_name": "VARCHAR",
            "folder": "VARCHAR", "kind": "VARCHAR", "class_name": "VARCHAR", "branch": "VARCHAR",
            "is_primary_branch": "BOOLEAN", "pull_request_id": "VARCHAR", "rest_path": "VARCHAR",
            "fetched_at": "TIMESTAMPTZ",
        },
    ),
    "runs": (
        RUN_KEY,
        {
            "instance": "VARCHAR", "job_full_name": "VARCHAR", "number": "BIGINT", "state": "VARCHAR",
            "result": "VARCHAR", "enqueue_time": "TIMESTAMPTZ", "start_time": "TIMESTAMPTZ",
            "end_time": "TIMESTAMPTZ", "duration_ms": "BIGINT", "estimated_duration_ms": "BIGINT",
            "run_type": "VARCHAR", "run_name": "VARCHAR", "description": "VARCHAR", "commit_id": "VARCHAR",
            "run_summary": "VARCHAR", "causes": "JSON", "fetched_at": "TIMESTAMPTZ",
        },
    ),
    "nodes": (
        RUN_KEY,
        {
            "instance": "VARCHAR", "job_full_name": "VARCHAR", "number": "BIGINT", "node_id": "VARCHAR",
            "position": "BIGINT", "display_name": "VARCHAR", "node_type": "VARCHAR", "state": "VARCHAR",
            "result": "VARCHAR", "start_time": "TIMESTAMPTZ", "duration_ms": "BIGINT",
            "first_parent": "VARCHAR", "parent_id": "VARCHAR", "edges": "JSON",
        },
    ),
    "steps": (
        RUN_KEY,
        {
            "instance": "VARCHAR", "job_full_name": "VARCHAR", "number": "BIGINT", "step_id": "VARCHAR",
            "position": "BIGINT", "display_name": "VARCHAR", "display_description": "VARCHAR",
            "state": "VARCHAR", "result": "VARCHAR", "start_time": "TIMESTAMPTZ", "duration_ms": "BIGINT",
        },
    ),
    "run_logs": (
        RUN_KEY,
        {
            "instance": "VARCHAR", "job_full_name": "VARCHAR", "number": "BIGINT", "text": "VARCHAR",
            "text_size": "BIGINT", "truncated": "BOOLEAN",
        },
    ),
    "change_sets": (
        RUN_KEY,
        {
            "instance": "VARCHAR", "job_full_name": "VARCHAR", "number": "BIGINT", "position": "BIGINT",
            "commit_id": "VARCHAR", "author_id": "VARCHAR", "author_name": "VARCHAR", "message": "VARCHAR",
            "timestamp": "TIMESTAMPTZ", "affected_paths": "JSON",
        },
    ),
    "test_summaries": (
        RUN_KEY,
        {
            "instance": "VARCHAR", "job_full_name": "VARCHAR", "number": "BIGINT", "passed": "BIGINT",
            "failed": "BIGINT", "skipped": "BIGINT", "fixed": "BIGINT", "existing_failed": "BIGINT",
            "regressions": "BIGINT", "total": "BIGINT",
        },
    ),
}

DLT_COLUMNS = {"_dlt_load_id": "VARCHAR NOT NULL", "_dlt_id": "VARCHAR NOT NULL"}


class RawWarehouse:
    """A DuckDB file holding the raw tables; close it before dbt opens the file."""

    def __init__(self, path: Path, *, sparse: bool = False) -> None:
        self.sparse = sparse
        self.con = duckdb.connect(str(path))
        self.con.execute(f"create schema if not exists {SCHEMA}")
        self.con.execute(LOADS_TABLE)
        if not sparse:
            for table, (_, columns) in TABLES.items():
                self._create(table, columns)

    def load(self, rows: dict[str, list[dict]], *, load_id: str, committed_at: datetime | None) -> None:
        """Merge `rows` (table -> rows) as one dlt load, then record it as committed; `committed_at=None`
        leaves it pending, as a sync that failed before dlt's commit does."""
        for table, table_rows in rows.items():
            if table_rows:
                self._merge(table, table_rows, load_id)
        if committed_at is not None:
            self.commit(load_id, committed_at)

    def commit(self, load_id: str, committed_at: datetime) -> None:
        """Record a load as committed, as dlt does once every table of the package is loaded."""
        self.con.execute(
            f"insert into {SCHEMA}._dlt_loads values (?, 'blueocean', 0, ?, 'fixture')", [load_id, committed_at]
        )

    def close(self) -> None:
        self.con.close()

    def _create(self, table: str, columns: dict[str, str]) -> None:
        spec = ", ".join(f'"{name}" {data_type}' for name, data_type in {**columns, **DLT_COLUMNS}.items())
        self.con.execute(f"create table if not exists {SCHEMA}.{table} ({spec})")

    def _merge(self, table: str, rows: list[dict], load_id: str) -> None:
        key, columns = TABLES[table]
        unknown = {name for row in rows for name in row} - set(columns)
        if unknown:
            raise ValueError(f"{table}: no such raw columns {sorted(unknown)}")
        if self.sparse:
            self._evolve(table, columns, rows)
        present = [name for name in self._columns(table) if name in columns]
        for key_values in {tuple(row[name] for name in key) for row in rows}:
            condition = " and ".join(f'"{name}" = ?' for name in key)
            self.con.execute(f"delete from {SCHEMA}.{table} where {condition}", list(key_values))
        names = ", ".join(f'"{name}"' for name in [*present, *DLT_COLUMNS])
        marks = ", ".join("?" for _ in [*present, *DLT_COLUMNS])
        self.con.executemany(
            f"insert into {SCHEMA}.{table} ({names}) values ({marks})",
            [
                [_value(row.get(name), columns[name]) for name in present] + [load_id, f"{load_id}.{table}.{index}"]
                for index, row in enumerate(rows)
            ],
        )

    def _columns(self, table: str) -> list[str]:
        return [name for (name,) in self.con.execute(
            "select column_name from information_schema.columns where table_schema = ? and table_name = ? "
            "order by ordinal_position", [SCHEMA, table],
        ).fetchall()]

    def _evolve(self, table: str, columns: dict[str, str], rows: list[dict]) -> None:
        """Like dlt: create the table, or add columns, only for values that are not null."""
        seen = {name for row in rows for name, value in row.items() if value is not None}
        present = set(self._columns(table))
        if not present:
            self._create(table, {name: data_type for name, data_type in columns.items() if name in seen})
            return
        for name in sorted(seen - present):
            self.con.execute(f'alter table {SCHEMA}.{table} add column "{name}" {columns[name]}')


def _value(value: object, data_type: str) -> object:
    if data_type == "JSON" and value is not None:
        return json.dumps(value)
    return value
