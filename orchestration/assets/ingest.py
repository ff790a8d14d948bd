"""Ingestion: every connection's Blue Ocean API into the raw tables, one dlt pipeline each.

One pipeline per connection keeps their dlt states apart: a controller that fails does not
advance its own state and does not stop the others. The asset still materializes the raw tables
when some connections failed; `sync_report` then fails the run visibly after publishing.
"""


import os
import tempfile
from collections import Counter
from functools import partial
from pathlib import Path

import dagster as dg
import dlt
import duckdb
from dagster_dlt import dlt_assets

from buildbutler.connections import pipeline_name
from buildbutler.settings import Settings
from buildbutler.store import Connection, Store
from ingestion.blueocean import (
    SourceConfig,
    blueocean_pipeline,
    blueocean_source,
    ensure_raw_tables,
    run_sync,
)
from orchestration.assets.config import WRITER_POOL, SyncConfig
from orchestration.lineage import BlueOceanTranslator, raw_asset_key
from orchestration.progress import report

# No usage telemetry leaves the machine (and no time is spent trying).
os.environ.setdefault("RUNTIME__DLTHUB_TELEMETRY", "false")

# Only the resource graph matters for the asset specs; no request is made at definition time.
_TEMPLATE_SOURCE = blueocean_source(SourceConfig(instance="template", base_url="http://127.0.0.1"))
_TEMPLATE_PIPELINE = dlt.pipeline(
    pipeline_name="blueocean_template",
    destination="duckdb",
    dataset_name="blueocean_raw",
    pipelines_dir=str(Path(tempfile.gettempdir()) / "buildbutler-dlt-template"),
)
RAW_TABLES = tuple(_TEMPLATE_SOURCE.resources.keys())


def selected_connections(store: Store, wanted: str | None) -> list[Connection]:
    if wanted is None:
        return store.list_connections()
    connection = store.get_connection(wanted)
    if connection is None:
        raise dg.Failure(f"no connection named {wanted!r}")
    return [connection]


def describe_failure(error: BaseException) -> str:
    """The innermost cause in one line: dlt wraps the real error (HTTP, parsing) two levels deep."""
    for _ in range(10):  # bounded: a chain could loop
        inner = error.__cause__ or getattr(error, "exception", None)
        if not isinstance(inner, BaseException) or inner is error:
            break
        error = inner
    text = " ".join(str(error).split())
    return f"{type(error).__name__}: {text}"[:500]


def sync_connection(settings: Settings, store: Store, connection: Connection, config: SyncConfig) -> Counter:
    """Load one controller; returns rows loaded per table. Raises when the controller fails."""
    home = settings.home
    username, token = store.credentials(connection.id)
    source = blueocean_source(
        SourceConfig(
            instance=connection.name,
            base_url=connection.url,
            username=username,
            token=token,
            max_in_flight=config.max_in_flight,
            log_cap_bytes=config.log_cap_mib * 2**20,
            allow_link_local=settings.allow_link_local,
        ),
        progress=partial(report, connection.name),
    )
    # Named after the connection's id: the name is a label, any text (buildbutler.connections).
    pipeline = blueocean_pipeline(pipeline_name(connection.id, connection.name, home.dlt_dir), home.warehouse,
                                  home.dlt_dir)
    run_sync(pipeline, source)  # a package left by a crash goes in first
    counts = pipeline.last_trace.last_normalize_info.row_counts if pipeline.last_trace else {}
    return Counter({table: n for table, n in counts.items() if table in RAW_TABLES})


@dlt_assets(
    dlt_source=_TEMPLATE_SOURCE,
    dlt_pipeline=_TEMPLATE_PIPELINE,
    name="blueocean_ingest",
    group_name="ingestion",
    dagster_dlt_translator=BlueOceanTranslator(),
    pool=WRITER_POOL,
)
def blueocean_ingest(context: dg.AssetExecutionContext, config: SyncConfig):
    settings = Settings.from_env()
    home = settings.home.ensure()
    store = Store(settings)
    loaded: Counter = Counter()
    failed: dict[str, str] = {}
    connections = selected_connections(store, config.connection)
    for connection in connections:
        store.record_sync_start(connection.name)
        try:
            rows = sync_connection(settings, store, connection, config)
        except Exception as error:  # noqa: BLE001 - one controller must not stop the others
            message = describe_failure(error)
            failed[connection.name] = message
            store.record_sync_end(connection.name, "failed", message, {})
            context.log.error(f"connection {connection.name} failed: {message}")
            continue
        loaded.update(rows)
        store.record_sync_end(connection.name, "success", None, dict(rows))
        report(connection.name, "done", sum(rows.values()))
    if failed and len(failed) == len(connections):
        # Nothing new to build or publish: the previous snapshot stays in service (docs/contract.md section 8).
        raise dg.Failure(description="every connection failed: " + "; ".join(f"{n}: {e}" for n, e in failed.items()))
    # dbt must build even before the first successful load (or for a controller without pipelines).
    with duckdb.connect(str(home.warehouse)) as con:
        ensure_raw_tables(con)
    for table in RAW_TABLES:
        yield dg.MaterializeResult(
            asset_key=raw_asset_key(table),
            metadata={"rows_loaded": loaded.get(table, 0), "failed_connections": sorted(failed)},
        )


__all__ = ["RAW_TABLES", "blueocean_ingest"]
