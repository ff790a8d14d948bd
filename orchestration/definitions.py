"""The one Dagster `Definitions` of BuildButler, loaded by workspace.yaml."""

from __future__ import annotations

import dagster as dg
from dagster_dbt import DbtCliResource

from orchestration.assets.ingest import blueocean_ingest
from orchestration.assets.snapshot import serving_snapshot, sync_report
from orchestration.assets.warehouse import warehouse_models
from orchestration.checks import instances_are_fresh, snapshot_never_shrinks
from orchestration.dbt_project import DBT, dbt_project
from orchestration.jobs import new_connection_sensor, sync_job, sync_schedule
from orchestration.lineage import LOADS_LEDGER_KEYS, TABLE_VARIANT_KEYS

defs = dg.Definitions(
    assets=[
        blueocean_ingest,
        warehouse_models.with_attributes(asset_key_replacements={**LOADS_LEDGER_KEYS, **TABLE_VARIANT_KEYS}),
        serving_snapshot,
        sync_report,
    ],
    # the plain `dbt` of this environment, a process per command
    resources={"dbt": DbtCliResource(project_dir=dbt_project, dbt_executable=str(DBT))},
    asset_checks=[snapshot_never_shrinks, instances_are_fresh],
    jobs=[sync_job],
    schedules=[sync_schedule],
    sensors=[new_connection_sensor],
)
