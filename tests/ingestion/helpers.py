"""Running a sync into a folder, and reading a warehouse back as comparable rows."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import duckdb

from ingestion.blueocean import (
    RAW_TABLES,
    SourceConfig,
    blueocean_pipeline,
    blueocean_source,
    run_sync,
)

# Columns that differ between two syncs of the same data.
VOLATILE = {"fetched_at", "_dlt_load_id", "_dlt_id"}


def sync(url: str, root: Path, instance: str = "prod", progress=None, **settings) -> None:
    """One sync of the controller at `url` into `root/warehouse.duckdb` (dlt folders in `root/dlt`)."""
    config = SourceConfig(instance=instance, base_url=url, **settings)
    pipeline = blueocean_pipeline(instance, root / "warehouse.duckdb", root / "dlt")
    run_sync(pipeline, blueocean_source(config, progress))


def dump(warehouse: Path, instance: str | None = None) -> dict[str, list[tuple]]:
    """Every raw table's rows (without volatile columns), sorted, optionally of one instance."""
    with duckdb.connect(str(warehouse)) as con:
        tables = {}
        for table in RAW_TABLES:
            columns = ", ".join(f'"{c}"' for c in table.columns if c not in VOLATILE)
            where = "where instance = ?" if instance else ""
            rows = con.execute(f"select {columns} from blueocean_raw.{table.name} {where}",
                               [instance] if instance else []).fetchall()
            tables[table.name] = sorted(rows, key=repr)
        return tables


def query(warehouse: Path, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(warehouse)) as con:
        return con.execute(sql, params or []).fetchall()


def differences(expected: dict[str, list[tuple]], actual: dict[str, list[tuple]]) -> dict[str, tuple[int, int]]:
    """Per table with differences: (rows only in expected, rows only in actual), counting duplicates."""
    out = {}
    for name in expected.keys() | actual.keys():
        want, got = Counter(expected.get(name, [])), Counter(actual.get(name, []))
        missing, extra = sum((want - got).values()), sum((got - want).values())
        if missing or extra:
            out[name] = (missing, extra)
    return out
