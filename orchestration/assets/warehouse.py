"""The dbt models of transform/ as Dagster assets; dbt tests become asset checks."""


import os
import shutil

import dagster as dg
from dagster_dbt import DbtCliResource, dbt_assets

from orchestration.assets.config import WRITER_POOL, SyncConfig
from orchestration.dbt_project import SYNC_TARGET, build_args, dbt_project, ensure_manifest, state_dir
from orchestration.home import Home


@dbt_assets(manifest=ensure_manifest(dbt_project), project=dbt_project, pool=WRITER_POOL)
def warehouse_models(context: dg.AssetExecutionContext, dbt: DbtCliResource, config: SyncConfig):
    home = Home.from_env().ensure()
    # dbt runs as a process of its own (never in this one: that would keep the DuckDB file locked
    # here); it gets this variable, so the warehouse path is absolute whatever dbt's cwd.
    os.environ["BUILDBUTLER_WAREHOUSE"] = str(home.warehouse)
    state = state_dir(home)
    previous = state if (state / "manifest.json").exists() else None
    # one target folder, replaced by each sync: dagster-dbt's default, a new folder per run, kept
    # ~3 MB of artifacts for every sync forever
    invocation = dbt.cli(build_args(config.full_refresh, previous), context=context, target_path=SYNC_TARGET)
    produced = set()
    for event in invocation.stream():
        if isinstance(event, dg.Output):
            produced.add(event.output_name)
        yield event
    # the views and seeds dbt left out as unchanged are as the last build made them: they count as
    # materialized, or every step after this one (which depends on all the models) would be skipped
    selected = {context.assets_def.get_output_name_for_asset_key(key) for key in context.selected_asset_keys}
    for output_name in sorted(selected - produced):
        yield dg.Output(None, output_name=output_name, metadata={"dbt": "unchanged since the last build, not rebuilt"})
    # reached only when the build succeeded: the next sync compares the project with this manifest
    state.mkdir(exist_ok=True)
    shutil.copyfile(invocation.target_path / "manifest.json", state / "manifest.json")
