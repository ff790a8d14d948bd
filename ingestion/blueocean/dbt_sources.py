"""dbt's source YAML for the raw tables, generated from their one declaration (tables.py).

    python -m ingestion.blueocean.dbt_sources     # rewrites transform/models/staging/blueocean/_blueocean__sources.yml

tests/transform/test_raw_sources.py checks that the committed file is what this writes.
"""

from __future__ import annotations

import json
from pathlib import Path

from ingestion.blueocean.settings import DATASET_NAME, SOURCE_NAME
from ingestion.blueocean.tables import LOADS_LEDGER, LOADS_LEDGER_COLUMNS, LOADS_LEDGER_DESCRIPTION, RAW_TABLES

SOURCES_YML = Path(__file__).resolve().parents[2] / "transform/models/staging/blueocean/_blueocean__sources.yml"

HEADER = f"""\
# GENERATED from ingestion/blueocean/tables.py by `python -m ingestion.blueocean.dbt_sources`: edit that file.
version: 2

sources:
  - name: {SOURCE_NAME}
    description: >
      Jenkins Blue Ocean REST data, loaded by dlt (one pipeline per connection, merge disposition)
      into one dataset. Every table carries `instance` (the connection name) plus dlt's
      `_dlt_load_id`. The ingestion creates every table and column below, empty, before dbt runs.
    schema: {DATASET_NAME}
    tables:
"""


def _table(name: str, description: str, columns: dict[str, str]) -> str:
    lines = [f"      - name: {name}", f"        description: {json.dumps(description)}", "        columns:"]
    for column, ddl in columns.items():
        lines += [f"          - name: {column}", f"            data_type: {ddl.removesuffix(' NOT NULL').lower()}"]
    return "\n".join(lines) + "\n"


def sources_yaml() -> str:
    tables = [_table(table.name, table.description, table.duckdb_columns()) for table in RAW_TABLES]
    tables.append(_table(LOADS_LEDGER, LOADS_LEDGER_DESCRIPTION, LOADS_LEDGER_COLUMNS))
    return HEADER + "".join(tables)


def main() -> None:
    SOURCES_YML.write_text(sources_yaml())
    print(f"wrote {SOURCES_YML}")


if __name__ == "__main__":
    main()
