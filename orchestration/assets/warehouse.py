"""The dbt models of transform/ as Dagster assets; dbt tests become asset checks."""


import json
import os
import shutil
from graphlib import TopologicalSorter

import dagster as dg
from dagster_dbt import DbtCliResource, dbt_assets
from dagster_dbt.errors import DagsterDbtCliRuntimeError

from buildbutler.settings import Settings
from orchestration.assets.config import WRITER_POOL, SyncConfig
from orchestration.dbt_project import SYNC_TARGET, build_args, dbt_project, ensure_manifest

UNIQUE_ID = "dagster_dbt/unique_id"  # the dbt node of an asset, in the metadata dagster-dbt gives it


def left_out_in_order(target, selected: dict[str, str]) -> list[str]:
    """The outputs (`selected`: dbt unique id -> output name) whose dbt node the build left out (the
    views and seeds it found unchanged), parents first: Dagster takes a multi-asset's outputs in
    topological order."""
    manifest = json.loads((target / "manifest.json").read_text())
    ran = {result["unique_id"] for result in json.loads((target / "run_results.json").read_text())["results"]}
    order = TopologicalSorter(manifest["parent_map"]).static_order()
    return [selected[node] for node in order if node not in ran and node in selected]


@dbt_assets(manifest=ensure_manifest(dbt_project), project=dbt_project, pool=WRITER_POOL)
def warehouse_models(context: dg.AssetExecutionContext, dbt: DbtCliResource, config: SyncConfig):
    home = Settings.from_env().home.ensure()
    # dbt runs as a process of its own (never in this one: that would keep the DuckDB file locked
    # here); it gets this variable, so the warehouse path is absolute whatever dbt's cwd.
    os.environ["BUILDBUTLER_WAREHOUSE"] = str(home.warehouse)
    state = home.dbt_state
    previous = state if (state / "manifest.json").exists() else None
    # one target folder, replaced by each sync: dagster-dbt's default, a new folder per run, kept
    # ~3 MB of artifacts for every sync forever
    invocation = dbt.cli(build_args(config.full_refresh, previous), context=context, target_path=SYNC_TARGET)
    # dbt's events are held until it ends: the views and seeds it left out must come first
    events, failure = [], None
    try:
        events.extend(invocation.stream())
    except DagsterDbtCliRuntimeError as error:
        failure = error
    if failure is None:
        # as the last build made them: they count as materialized, or every step after this one
        # (which depends on all the models) would be skipped
        assets = context.assets_def
        selected = {assets.specs_by_key[key].metadata[UNIQUE_ID]: assets.get_output_name_for_asset_key(key)
                    for key in context.selected_asset_keys}
        for output_name in left_out_in_order(invocation.target_path, selected):
            yield dg.Output(None, output_name=output_name, metadata={"dbt": "unchanged since the last build"})
    yield from events
    if failure is not None:
        raise failure
    # the next sync compares the project with the manifest of this successful build
    state.mkdir(exist_ok=True)
    shutil.copyfile(invocation.target_path / "manifest.json", state / "manifest.json")
