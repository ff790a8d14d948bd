"""Asset keys shared by the dlt and dbt sides, so Dagster draws one lineage graph.

A dlt resource `runs` becomes `blueocean/runs`, which is exactly dagster-dbt's default key for
the dbt source table `blueocean.runs`: the two meet without any `meta` on the dbt side. The one dbt
source that is no dlt resource, dlt's load ledger `_dlt_loads`, is mapped onto an ingest asset
(`LOADS_LEDGER_KEYS`) so that no dbt model hangs off an asset nothing produces.
"""

from __future__ import annotations

import dagster as dg
from dagster_dlt import DagsterDltTranslator
from dagster_dlt.translator import DltResourceTranslatorData

SOURCE = "blueocean"


def raw_asset_key(resource_name: str) -> dg.AssetKey:
    return dg.AssetKey([SOURCE, resource_name])


# dlt appends to `_dlt_loads` in every load of the raw tables, so the ingest multi-asset is what
# produces it. dagster-dlt makes specs for resources only, so `jobs`, the root resource that every
# sync materializes, stands for it; the dbt side's dep keeps its table name in its metadata.
LOADS_LEDGER_KEYS = {raw_asset_key("_dlt_loads"): raw_asset_key("jobs")}
# `test_results` is loaded by the `test_summaries` resource (the summary decides which cases to fetch).
TABLE_VARIANT_KEYS = {raw_asset_key("test_results"): raw_asset_key("test_summaries")}


def raw_asset_deps(parent_name: str | None) -> list[dg.AssetKey]:
    """A transformer depends on the resource that feeds it; a root resource on nothing."""
    return [raw_asset_key(parent_name)] if parent_name else []


class BlueOceanTranslator(DagsterDltTranslator):
    def get_asset_spec(self, data: DltResourceTranslatorData) -> dg.AssetSpec:
        resource = data.resource
        # dagster-dlt itself reads the parent through this private attribute.
        parent = resource._pipe.parent.name if resource.is_transformer else None  # noqa: SLF001
        return (
            super()
            .get_asset_spec(data)
            .replace_attributes(key=raw_asset_key(resource.name), deps=raw_asset_deps(parent))
        )
