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

from ingestion.blueocean.settings import DATASET_NAME as SCHEMA
from ingestion.blueocean.tables import LOAD_ID, RAW_TABLES, ensure_raw_tables
from tests.support.dlt_ledger import LOADS_TABLE

# table -> (merge key, column -> DuckDB type as dlt creates it), from the one declaration of the raw tables
TABLES: dict[str, tuple[tuple[str, ...], dict[str, str]]] = {
    table.name: (table.merge_key or table.primary_key, {
        name: ddl.removesuffix(" NOT NULL") for name, ddl in table.duckdb_columns().items()
        if name not in table.dlt_system_columns()
    })
    for table in RAW_TABLES
}
SYSTEM_COLUMNS = {table.name: table.dlt_system_columns() for table in RAW_TABLES}


class RawWarehouse:
    """A DuckDB file holding the raw tables; close it before dbt opens the file."""

    def __init__(self, path: Path, *, sparse: bool = False) -> None:
        self.sparse = sparse
        self.con = duckdb.connect(str(path))
        self.con.execute(f"create schema if not exists {SCHEMA}")
        self.con.execute(LOADS_TABLE)
        if not sparse:
            ensure_raw_tables(self.con)

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
        spec = ", ".join(f'"{name}" {data_type}' for name, data_type in {**columns, **SYSTEM_COLUMNS[table]}.items())
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
        system = list(SYSTEM_COLUMNS[table])  # _dlt_load_id, and _dlt_id where dlt adds it
        names = ", ".join(f'"{name}"' for name in [*present, *system])
        marks = ", ".join("?" for _ in [*present, *system])
        self.con.executemany(
            f"insert into {SCHEMA}.{table} ({names}) values ({marks})",
            [
                [_value(row.get(name), columns[name]) for name in present]
                + [load_id if name == LOAD_ID else f"{load_id}.{table}.{index}" for name in system]
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
