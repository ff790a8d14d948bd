"""Publishing the serving snapshot, and the step that reports failed connections."""


import dagster as dg

from buildbutler.settings import Settings
from buildbutler.snapshot import publish_snapshot
from buildbutler.store import Store
from orchestration.assets.config import WRITER_POOL, SyncConfig
from orchestration.assets.ingest import selected_connections
from orchestration.assets.warehouse import warehouse_models


@dg.asset(key="serving_snapshot", deps=[warehouse_models], group_name="serving", pool=WRITER_POOL)
def serving_snapshot(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    """The read-only copy of the marts that the API and analysts read (serving/current.duckdb)."""
    path = publish_snapshot(Settings.from_env().home)
    context.log.info(f"published {path.name}")
    return dg.MaterializeResult(metadata={"path": str(path), "bytes": path.stat().st_size})


@dg.asset(key="sync_report", deps=[serving_snapshot], group_name="serving")
def sync_report(config: SyncConfig) -> dg.MaterializeResult:
    """Fails the run, after the others' data is published, when any selected connection failed.

    It names each with its short reason; the traces are in the ingestion step's log.
    """
    connections = selected_connections(Store(Settings.from_env()), config.connection)
    failed = {c.name: c.last_sync_error for c in connections if c.last_sync_status == "failed"}
    if failed:
        raise dg.Failure(
            description=f"{len(failed)} of {len(connections)} connections failed: "
            + "; ".join(f"{name}: {error}" for name, error in sorted(failed.items())),
            metadata={"failed_connections": dg.MetadataValue.json(failed)},
            allow_retries=False,  # asking again changes nothing: the next sync tries those controllers again
        )
    return dg.MaterializeResult(metadata={"connections": len(connections)})
