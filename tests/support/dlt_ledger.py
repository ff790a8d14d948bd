"""dlt's load ledger `_dlt_loads`, as dlt creates it. Fixtures and benchmarks that write the raw tables
themselves record their loads there too: the incremental marts pick new rows by their commit time."""

from __future__ import annotations

from ingestion.blueocean.settings import DATASET_NAME

LOADS_TABLE = (
    f"create table if not exists {DATASET_NAME}._dlt_loads (load_id VARCHAR NOT NULL, schema_name VARCHAR, "
    "status BIGINT NOT NULL, inserted_at TIMESTAMPTZ NOT NULL, schema_version_hash VARCHAR)"
)
