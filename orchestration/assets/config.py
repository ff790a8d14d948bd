"""Run configuration shared by the sync job's steps."""

from __future__ import annotations

import dagster as dg

WRITER_POOL = "duckdb_writer"  # one step at a time may write the warehouse (limit set in dagster.yaml)


class SyncConfig(dg.Config):
    connection: str | None = None  # sync only this connection (name or id); all when unset
    max_in_flight: int = 8  # requests in flight per controller
    log_cap_mib: int = 10  # per build; the truncation is recorded
    full_refresh: bool = False  # rebuild every dbt model from the raw tables
