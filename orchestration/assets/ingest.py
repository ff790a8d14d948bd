"""Ingestion: every connection's Jenkins (Blue Ocean, else the core JSON API) into the raw tables, one dlt
pipeline each. Which API a connection was read through is recorded with its sync (`connections.source`).

One pipeline per connection keeps their dlt states apart: a controller that fails does not
advance its own state and does not stop the others. The asset still materializes the raw tables
when some connections failed; `sync_report` then fails the run visibly after publishing.
A failed connection's short reason is stored as its last sync error; its full trace goes to the
run's event log (and so to the Dagster UI and `buildbutler sync`'s log file).
"""


import os
import tempfile
import traceback
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
from ingestion.blueocean.errors import failure_reason
from ingestion.blueocean.tables import TEST_RESULTS
from ingestion.sources import jenkins_source
from orchestration.assets.config import WRITER_POOL, SyncConfig
from orchestration.lineage import BlueOceanTranslator, raw_asset_key
from orchestration.progress import BuildChanges, reporter

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
# Tables loaded, whose row counts a sync records: the resources' and `test_results` (loaded by `test_summaries`).
LOADED_TABLES = (*RAW_TABLES, TEST_RESULTS.name)


def selected_connections(store: Store, wanted: str | None) -> list[Connection]:
    if wanted is None:
        return store.list_connections()
    connection = store.get_connection(wanted)
    if connection is None:
        raise dg.Failure(f"no connection named {wanted!r}")
    return [connection]


def sync_connection(settings: Settings, connection: Connection, credentials: tuple,
                    config: SyncConfig) -> tuple[Counter, str]:
    """Load one controller; returns rows loaded per table and the API it was read through. Raises when the
    controller fails."""
    home = settings.home
    username, token = credentials
    source, fetcher = jenkins_source(
        SourceConfig(
            instance=connection.name,
            base_url=connection.url,
            username=username,
            token=token,
            max_in_flight=config.max_in_flight,
            log_cap_bytes=config.log_cap_mib * 2**20,
            allow_link_local=settings.allow_link_local,
            ca_bundle=connection.ca_bundle,
            tls_verify=connection.tls_verify,
            timeout_s=settings.jenkins_timeout_s,
            max_attempts=settings.jenkins_attempts,
            test_results=settings.test_results,
        ),
        progress=partial(reporter().fetched, connection.name),
    )
    # Named after the connection's id: the name is a label, any text (buildbutler.connections).
    pipeline = blueocean_pipeline(pipeline_name(connection.id, connection.name, home.dlt_dir), home.warehouse,
                                  home.dlt_dir)
    try:
        run_sync(pipeline, source)  # a package left by a crash goes in first
    finally:
        fetcher.client.close()
    counts = pipeline.last_trace.last_normalize_info.row_counts if pipeline.last_trace else {}
    # The core API says whether PGV or wfapi serves stages only once a build needed them: a sync that
    # fetched none keeps what the store knows (as long as the controller is still read through core).
    label = fetcher.source
    if label == "core" and (connection.source or "").startswith("core+") and fetcher.stages.kind is None:
        label = connection.source
    return Counter({table: n for table, n in counts.items() if table in LOADED_TABLES}), label


def build_counts(warehouse: Path, instance: str) -> tuple[int, int]:
    """(builds, finished builds) of the instance in the raw tables: what a load changed is their difference."""
    try:
        with duckdb.connect(str(warehouse)) as con:
            return con.execute(
                "select count(*), count(*) filter (where state = 'FINISHED') from blueocean_raw.runs"
                " where instance = ?", [instance]).fetchone()
    except duckdb.CatalogException:  # before the first load
        return 0, 0


def log_failure(context: dg.AssetExecutionContext, name: str, reason: str, error: Exception, token: str | None):
    """The whole trace into the run's event log (the Dagster UI), the token masked should a message quote it."""
    text = f"connection {name} failed: {reason}\n" + "".join(traceback.format_exception(error))
    context.log.error(text.replace(token, "***") if token else text)


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
    changed = BuildChanges()
    failed: dict[str, str] = {}
    connections = selected_connections(store, config.connection)
    for connection in connections:
        store.record_sync_start(connection.name)
        credentials: tuple = (None, None)
        if not connection.tls_verify:  # the connection's explicit opt-out (connections add --insecure)
            context.log.warning(f"connection {connection.name}: TLS certificate verification is OFF ({connection.url})")
        try:
            credentials = store.credentials(connection.id)
            before = build_counts(home.warehouse, connection.name)
            rows, source = sync_connection(settings, connection, credentials, config)
        except Exception as error:  # noqa: BLE001 - one controller must not stop the others
            reason = failure_reason(error)
            failed[connection.name] = reason
            store.record_sync_end(connection.name, "failed", reason, {})
            log_failure(context, connection.name, reason, error, credentials[1])
            reporter().failed(connection.name, reason)
            continue
        after = build_counts(home.warehouse, connection.name)
        changes = BuildChanges(new=after[0] - before[0], finished=after[1] - before[1])
        changed += changes
        loaded.update(rows)
        store.record_sync_end(connection.name, "success", None, dict(rows), source=source)
        reporter().synced(connection.name, changes, source)
    if failed and len(failed) == len(connections):
        # Nothing new to build or publish: the previous snapshot stays in service (docs/contract.md section 8).
        raise dg.Failure(description="every connection failed: " + "; ".join(f"{n}: {e}" for n, e in failed.items()))
    # dbt must build even before the first successful load (or for a controller without pipelines).
    with duckdb.connect(str(home.warehouse)) as con:
        ensure_raw_tables(con)
    for table in RAW_TABLES:
        yield dg.MaterializeResult(
            asset_key=raw_asset_key(table),
            metadata={"rows_loaded": loaded.get(table, 0), "failed_connections": sorted(failed),
                      "new_builds": changed.new, "finished_builds": changed.finished},
        )


__all__ = ["RAW_TABLES", "blueocean_ingest"]
