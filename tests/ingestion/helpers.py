"""Running a sync into a folder, and reading a warehouse back as comparable rows."""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path

import duckdb

from ingestion.blueocean import (
    RAW_TABLES,
    SourceConfig,
    blueocean_pipeline,
    blueocean_source,
    run_sync,
)
from ingestion.sources import jenkins_source

# Columns that differ between two syncs of the same data.
VOLATILE = {"fetched_at", "_dlt_load_id", "_dlt_id"}


def sync(url: str, root: Path, instance: str = "prod", progress=None, **settings) -> None:
    """One sync of the controller at `url` into `root/warehouse.duckdb` (dlt folders in `root/dlt`)."""
    config = SourceConfig(instance=instance, base_url=url, **settings)
    pipeline = blueocean_pipeline(instance, root / "warehouse.duckdb", root / "dlt")
    run_sync(pipeline, blueocean_source(config, progress))


def detected_sync(url: str, root: Path, instance: str = "prod", on_request=None, **settings) -> str:
    """One sync through the source detection the product uses; returns the source it used."""
    config = SourceConfig(instance=instance, base_url=url, **settings)
    source, fetcher = jenkins_source(config, on_request=on_request)
    try:
        run_sync(blueocean_pipeline(instance, root / "warehouse.duckdb", root / "dlt"), source)
    finally:
        fetcher.client.close()
    return fetcher.source


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


def builds_of(truth: dict) -> dict[tuple[str, int], dict]:
    return {(job["full_name"], b["number"]): b for job in truth["jobs"] for b in job["builds"]}


def ms(moment) -> int | None:
    return None if moment is None else round(moment.timestamp() * 1000)


def assert_runs_match(warehouse: Path, truth: dict, instance: str = "prod") -> None:
    runs = {
        (job, number): row
        for job, number, *row in query(warehouse, """
            select job_full_name, number, state, result, start_time, enqueue_time, duration_ms, commit_id
            from blueocean_raw.runs where instance = ?""", [instance])
    }
    for key, build in builds_of(truth).items():
        if build["deleted"]:
            continue  # gone from Jenkins before any sync saw it (rotated ones are checked elsewhere)
        state, result, start, enqueue, duration, commit = runs[key]
        finished = build["state"] == "FINISHED"
        assert (state, ms(start), ms(enqueue), commit) == (
            build["state"], build["start_ms"], build["enqueue_ms"], build["commit"]), key
        assert (result, duration) == ((build["result"], build["duration_ms"]) if finished else ("UNKNOWN", None)), key
        assert ms(start) - ms(enqueue) == build["queue_time_ms"], key


def stages_of(warehouse: Path, instance: str = "prod") -> dict[tuple[str, int], list[dict]]:
    """Executed stages per run, shaped like the simulator's truth."""
    nodes = defaultdict(list)
    for job, number, *node in query(warehouse, """
            select job_full_name, number, node_id, display_name, node_type, result, duration_ms, parent_id
            from blueocean_raw.nodes where instance = ? and state is not null order by position""", [instance]):
        nodes[(job, number)].append(node)
    stages = {}
    for key, graph in nodes.items():
        stages[key] = [
            {"name": name, "duration": duration, "result": result, "parallel": [
                {"name": b_name, "duration": b_duration, "result": b_result}
                for _, b_name, b_type, b_result, b_duration, b_parent in graph
                if b_type == "PARALLEL" and b_parent == node_id
            ]}
            for node_id, name, node_type, result, duration, _ in graph if node_type == "STAGE"
        ]
    return stages
