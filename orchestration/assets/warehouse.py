"""The dbt models of transform/ as Dagster assets; dbt tests become asset checks."""


import os
from pathlib import Path

import dagster as dg
from dagster_dbt import DbtCliResource, dbt_assets

from buildbutler.settings import Settings
from orchestration.assets.config import WRITER_POOL, SyncConfig
from orchestration.dbt_project import build_args, dbt_project, ensure_manifest

SYNC_TARGET = Path("target", "sync")  # relative to the dbt project


@dbt_assets(manifest=ensure_manifest(dbt_project), project=dbt_project, pool=WRITER_POOL)
def warehouse_models(context: dg.AssetExecutionContext, dbt: DbtCliResource, config: SyncConfig):
    # dbt runs in a process of its own, a child of the dbt daemon (never in this process: that
    # would keep the DuckDB file locked here); it gets this variable, so the warehouse path is
    # absolute whatever dbt's cwd.
    os.environ["BUILDBUTLER_WAREHOUSE"] = str(Settings.from_env().home.ensure().warehouse)
    # one target folder, replaced by each sync: dagster-dbt's default, a new folder per run, kept
    # ~3 MB of artifacts for every sync forever
    yield from dbt.cli(build_args(config.full_refresh), context=context, target_path=SYNC_TARGET).stream()
