"""The dbt models of transform/ as Dagster assets; dbt tests become asset checks."""


import os

import dagster as dg
from dagster_dbt import DbtCliResource, dbt_assets

from orchestration.assets.config import WRITER_POOL, SyncConfig
from orchestration.dbt_project import build_args, dbt_project, ensure_manifest
from orchestration.home import Home


@dbt_assets(manifest=ensure_manifest(dbt_project), project=dbt_project, pool=WRITER_POOL)
def warehouse_models(context: dg.AssetExecutionContext, dbt: DbtCliResource, config: SyncConfig):
    # dbt runs in a process of its own, a child of the dbt daemon (never in this process: that
    # would keep the DuckDB file locked here); it gets this variable, so the warehouse path is
    # absolute whatever dbt's cwd.
    os.environ["BUILDBUTLER_WAREHOUSE"] = str(Home.from_env().ensure().warehouse)
    yield from dbt.cli(build_args(config.full_refresh), context=context).stream()
