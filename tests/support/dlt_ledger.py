"""dlt's load ledger `_dlt_loads`, as declared beside the raw tables. Fixtures and benchmarks that write the
raw tables themselves record their loads there too: the incremental marts pick new rows by their commit time."""

from __future__ import annotations

from ingestion.blueocean.settings import DATASET_NAME
from ingestion.blueocean.tables import LOADS_LEDGER, LOADS_LEDGER_COLUMNS

LOADS_TABLE = (
    f"create table if not exists {DATASET_NAME}.{LOADS_LEDGER} ("
    + ", ".join(f"{name} {ddl}" for name, ddl in LOADS_LEDGER_COLUMNS.items()) + ")"
)
