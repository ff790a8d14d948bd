"""The sync job, its schedule, and the sensor that syncs a new connection at once."""

from __future__ import annotations

import dagster as dg

from buildbutler.settings import Settings
from buildbutler.store import Store

SYNC_JOB = "sync"
CONFIGURED_STEPS = ("blueocean_ingest", "warehouse_models", "sync_report")

sync_job = dg.define_asset_job(
    SYNC_JOB,
    selection=dg.AssetSelection.all(),  # the whole graph: never a transformer without its parent
    description="Ingest every connection, build the dbt models, publish the serving snapshot.",
    tags={"buildbutler/writer": "warehouse"},  # run-level limit of one (dagster.yaml)
)


def sync_run_config(connection: str | None = None, full_refresh: bool = False) -> dict:
    config = {"connection": connection, "full_refresh": full_refresh}
    return {"ops": {step: {"config": config} for step in CONFIGURED_STEPS}}


sync_schedule = dg.ScheduleDefinition(
    name="sync_schedule",
    job=sync_job,
    cron_schedule=Settings.from_env().sync_cron,  # when Dagster loads the definitions
    run_config=sync_run_config(),
    default_status=dg.DefaultScheduleStatus.RUNNING,
)


@dg.sensor(job=sync_job, minimum_interval_seconds=30, default_status=dg.DefaultSensorStatus.RUNNING)
def new_connection_sensor(context: dg.SensorEvaluationContext):
    """A connection that has never synced gets its first sync without waiting for the schedule."""
    del context
    settings = Settings.from_env()
    settings.home.ensure()
    for connection in Store(settings).list_connections():
        if connection.last_sync_status == "never":
            yield dg.RunRequest(run_key=f"first-sync-{connection.id}", run_config=sync_run_config(connection.id))
