"""dlt source for Jenkins Blue Ocean: jobs, runs, nodes, steps, logs, change sets and test summaries.

`jobs` walks the organization; the transformer `runs` fetches each job's new and still-open runs
(incremental, see `incremental.py`); the transformers `nodes`, `steps`, `run_logs`, `change_sets`
and `test_summaries` fetch what a run has once it is FINISHED; `test_summaries` also fetches the
test cases of the runs whose summary counts some, into `test_results`. Resource names are the raw table
names of docs/architecture.md (schema `blueocean_raw`); README.md beside this file describes them.

    config = SourceConfig(instance="Production Jenkins", base_url="http://127.0.0.1:8080")
    pipeline = blueocean_pipeline("blueocean_c_1234", warehouse_path=..., pipelines_dir=...)
    run_sync(pipeline, blueocean_source(config))
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from pathlib import Path

import dlt
import pyarrow as pa
from dlt.destinations.impl.duckdb.configuration import DuckDbCredentials
from dlt.extract.source import DltSource

from buildbutler.connections import check_pipeline_name
from ingestion.blueocean.client import BlueOceanClient, BlueOceanRequestError
from ingestion.blueocean.collector import bulk_load_collector
from ingestion.blueocean.config import SourceConfig
from ingestion.blueocean.fetcher import BlueOceanFetcher
from ingestion.blueocean.parse import BlueOceanDataError, RunRow
from ingestion.blueocean.settings import (
    DATASET_NAME,
    JOBS_PER_ITEM,
    LOAD_DUCKDB_SETTINGS,
    LOAD_PARALLEL_JOBS,
    LOG_BATCH_BYTES,
    RUNS_PER_ITEM,
    SOURCE_NAME,
    TEST_RUNS_PER_ITEM,
)
from ingestion.blueocean.tables import (
    CHANGE_SETS,
    JOBS,
    NODES,
    RAW_TABLES,
    RUN_LOGS,
    RUNS,
    STEPS,
    TEST_RESULTS,
    TEST_SUMMARIES,
    Table,
    ensure_raw_tables,
)

__all__ = [
    "SourceConfig", "blueocean_source", "blueocean_pipeline", "run_sync", "ensure_raw_tables",
    "RAW_TABLES", "BlueOceanClient", "BlueOceanRequestError", "BlueOceanDataError",
]

Progress = Callable[[str, int], None]
Fetcher = BlueOceanFetcher  # or anything with its methods (ingestion.jenkins_core.fetcher.CoreFetcher)


def blueocean_source(
    config: SourceConfig, progress: Progress | None = None, *, client: BlueOceanClient | None = None,
    fetcher: Fetcher | None = None,
) -> DltSource:
    """The dlt source of one controller.

    Args:
        config: the controller and its limits.
        progress: called as `progress(kind, n)` with kind "jobs", "builds" or "logs" and `n` items
            just fetched (an increment). It may be called from several threads at once.
        client: the HTTP client to use; by default one made from `config`.
        fetcher: what gives each table's rows (`fetcher.py`); by default Blue Ocean's, through `client`.
            `ingestion.sources.jenkins_source` picks Blue Ocean or the core JSON API per controller.
    """
    fetcher = fetcher or BlueOceanFetcher(client or BlueOceanClient(config))
    client = fetcher.client
    report = progress or (lambda kind, n: None)

    def jobs() -> Iterator[list[dict]]:
        # Jobs go out in batches so that each `runs` call, and so each child item, covers many runs:
        # dlt spends a fixed effort per item, and most jobs have few builds.
        for found_jobs in batched(fetcher.jobs(), JOBS_PER_ITEM):
            yield found_jobs
            report("jobs", len(found_jobs))

    def runs(jobs_batch: list[dict]) -> Iterator[list[RunRow]]:
        checkpoints = dlt.current.resource_state(RUNS.name).setdefault("jobs", {})
        rows: list[RunRow] = []
        for job in jobs_batch:
            checkpoint = dict(checkpoints.get(job["full_name"]) or {})
            for page in fetcher.runs(job, checkpoint):
                rows += page
                if len(rows) >= RUNS_PER_ITEM:
                    yield rows
                    report("builds", len(rows))
                    rows = []
            # dlt commits this state only with a load package that holds every row yielded here.
            checkpoints[job["full_name"]] = checkpoint
        if rows:
            yield rows
            report("builds", len(rows))

    def rows_of(runs: list[RunRow], fetch: Callable[[RunRow], list[dict]]) -> list[dict]:
        """`fetch(run)` for every run, `max_in_flight` at a time."""
        return [row for rows in client.map(fetch, runs) for row in rows]

    def nodes(page: list[RunRow]) -> Iterator[pa.Table]:
        graphs = [run for run in finished(page) if run.has_graph]
        yield from arrow_page(NODES, rows_of(graphs, fetcher.nodes))

    def steps(page: list[RunRow]) -> Iterator[pa.Table]:
        graphs = [run for run in finished(page) if run.has_graph]
        yield from arrow_page(STEPS, rows_of(graphs, fetcher.steps))

    def change_sets(page: list[RunRow]) -> Iterator[pa.Table]:
        yield from arrow_page(CHANGE_SETS, rows_of(finished(page), fetcher.change_sets))

    def test_summaries(page: list[RunRow]) -> Iterator[pa.Table]:
        """Summaries, then the cases of the runs whose summary counts any (`config.test_results`). The cases go
        to `test_results` as a table variant of this resource: each summary is fetched once, and decides."""
        done = finished(page)
        found = list(zip(done, client.map(fetcher.test_summaries, done), strict=True))
        for table in arrow_page(TEST_SUMMARIES, [row for _, rows in found for row in rows]):
            yield dlt.mark.with_hints(table, TABLE_VARIANTS[TEST_SUMMARIES.name], create_table_variant=True)
        failed_only = config.test_results == "failed"
        counted = "failed" if failed_only else "total"
        wanted = [run for run, rows in found if config.test_results != "none" and rows and rows[0][counted]]
        for runs in batched(wanted, TEST_RUNS_PER_ITEM):  # up to thousands of cases a run: bounded items
            cases = rows_of(runs, lambda run: fetcher.test_results(run, failed_only=failed_only))
            for table in arrow_page(TEST_RESULTS, cases):
                yield dlt.mark.with_hints(table, TABLE_VARIANTS[TEST_RESULTS.name], create_table_variant=True)

    def run_logs(page: list[RunRow]) -> Iterator[pa.Table]:
        batch, batch_bytes = [], 0
        # Logs are the big rows: a batch goes out as soon as it holds LOG_BATCH_BYTES of text.
        for row in client.map(fetcher.log, finished(page)):
            if row is not None:
                batch.append(row)
                batch_bytes += len(row["text"])
                report("logs", 1)
            if batch_bytes >= LOG_BATCH_BYTES:
                yield from arrow_page(RUN_LOGS, batch)
                batch, batch_bytes = [], 0
        yield from arrow_page(RUN_LOGS, batch)

    @dlt.source(name=SOURCE_NAME, max_table_nesting=0)
    def blueocean():
        jobs_resource = dlt.resource(jobs, **_hints(JOBS))
        runs_resource = dlt.transformer(runs, data_from=jobs_resource, parallelized=True, **_hints(RUNS))
        children = [
            dlt.transformer(fn, data_from=runs_resource, parallelized=True, **_hints(table))
            for fn, table in ((nodes, NODES), (steps, STEPS), (run_logs, RUN_LOGS), (change_sets, CHANGE_SETS))
        ]
        # Its two tables each take their hints from their items (TABLE_VARIANTS).
        tests = dlt.transformer(test_summaries, data_from=runs_resource, parallelized=True, name=TEST_SUMMARIES.name,
                                write_disposition="merge", file_format="parquet")
        return [jobs_resource, runs_resource, *children, tests]

    return blueocean()


def batched(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def finished(page: list[RunRow]) -> list[RunRow]:
    return [run for run in page if run["state"] == "FINISHED"]


def arrow_page(table: Table, rows: list[dict]) -> list[pa.Table]:
    """The rows as one Arrow table stamped with the current load id, if there are any."""
    return [table.arrow(rows, dlt.current.load_package_state()["load_id"])] if rows else []


def _hints(table: Table) -> dict:
    return {
        "name": table.name,
        "write_disposition": "merge",
        "primary_key": list(table.primary_key),
        "merge_key": list(table.merge_key) if table.merge_key else None,
        "columns": table.dlt_columns(),
        "file_format": "parquet",
    }


# The `test_summaries` resource loads two tables (`test_results` is no resource of its own): a table variant
# starts from its resource's hints, so that resource has no columns and each table's hints travel with its items.
TABLE_VARIANTS = {
    table.name: dlt.mark.make_hints(table_name=table.name, **{k: v for k, v in _hints(table).items() if k != "name"})
    for table in (TEST_SUMMARIES, TEST_RESULTS)
}


def blueocean_pipeline(pipeline_name: str, warehouse_path: Path, pipelines_dir: Path) -> dlt.Pipeline:
    """The dlt pipeline `pipeline_name` (folder `pipelines_dir/<pipeline_name>`) loading into `warehouse_path`,
    dataset `blueocean_raw`. BuildButler names a connection's after its id (`buildbutler.connections`)."""
    check_pipeline_name(pipeline_name)
    # DuckDB would take up to 80% of RAM for the merges of a big first load; capped, it spills to disk.
    credentials = DuckDbCredentials(str(warehouse_path), global_config=dict(LOAD_DUCKDB_SETTINGS))
    return dlt.pipeline(
        pipeline_name=pipeline_name,
        destination=dlt.destinations.duckdb(credentials, max_parallel_load_jobs=LOAD_PARALLEL_JOBS),
        dataset_name=DATASET_NAME,
        pipelines_dir=str(pipelines_dir),
    )


def run_sync(pipeline: dlt.Pipeline, source: DltSource) -> None:
    """One sync: extract, normalize and load `source`, after what a crashed sync left.

    A crash between extract and load leaves a package holding its data and state; while it is
    pending, `pipeline.run(source)` would only load it and fetch nothing new, so it goes in first.
    """
    if pipeline.has_pending_data:
        pipeline.run()
    with bulk_load_collector():
        pipeline.run(source)
