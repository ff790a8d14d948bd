"""The raw tables (docs/architecture.md): columns, types and keys, declared once for dlt, Arrow, DuckDB and dbt.

The resources take their dlt column hints from here; `ensure_raw_tables` creates every table and
column that dlt has not created yet (a controller without Pipelines loads no nodes; an older
warehouse lacks a newer column), so dbt's staging reads every declared column of every table;
dbt's source YAML is generated from here (`python -m ingestion.blueocean.dbt_sources`). Every table
is merged on its key; nodes, steps and change sets also carry the run as merge key, so a run's new
set replaces the old.

`jobs` and `runs` go through dlt as Python rows (they also feed the transformers below them, and
get `_dlt_load_id` and `_dlt_id`). The big per-run tables go as Arrow tables, which dlt writes
straight to parquet without a row-by-row normalize step; they get `_dlt_load_id` from us.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyarrow as pa

from ingestion.blueocean.settings import DATASET_NAME

RUN_KEY = ("instance", "job_full_name", "number")
LOAD_ID = "_dlt_load_id"

# dlt data type -> the DuckDB type dlt creates for it, and the Arrow type of its values.
DUCKDB_TYPES = {
    "text": "VARCHAR",
    "bigint": "BIGINT",
    "bool": "BOOLEAN",
    "timestamp": "TIMESTAMP WITH TIME ZONE",
    "json": "JSON",
}
ARROW_TYPES = {"text": pa.string(), "bigint": pa.int64(), "bool": pa.bool_(), "timestamp": pa.timestamp("us", "UTC")}
# Arrow lists and structs land in DuckDB JSON columns; each JSON column says its shape.
EDGES = pa.list_(pa.struct([("id", pa.string()), ("type", pa.string())]))
PATHS = pa.list_(pa.string())


@dataclass(frozen=True)
class Table:
    name: str
    description: str
    columns: dict[str, str]  # column -> dlt data type, in table order
    primary_key: tuple[str, ...]
    merge_key: tuple[str, ...] | None = None
    json_shapes: dict[str, pa.DataType] = field(default_factory=dict)  # Arrow tables only
    as_arrow: bool = True

    def dlt_columns(self) -> dict[str, dict]:
        """dlt column hints: every column typed, key columns not nullable."""
        return {
            name: {"data_type": data_type, "nullable": name not in self.primary_key}
            for name, data_type in self.columns.items()
        }

    def arrow_schema(self) -> pa.Schema:
        fields = [
            pa.field(name, self.json_shapes.get(name) or ARROW_TYPES[data_type], nullable=name not in self.primary_key)
            for name, data_type in self.columns.items()
        ]
        return pa.schema([*fields, pa.field(LOAD_ID, pa.string(), nullable=False)])

    def arrow(self, rows: list[dict], load_id: str) -> pa.Table:
        """The rows as an Arrow table of this schema, stamped with the load id."""
        return pa.Table.from_pylist([{**row, LOAD_ID: load_id} for row in rows], schema=self.arrow_schema())

    def dlt_system_columns(self) -> dict[str, str]:
        """Columns dlt adds to the table (as DuckDB DDL)."""
        if self.as_arrow:
            return {LOAD_ID: "VARCHAR NOT NULL"}
        return {LOAD_ID: "VARCHAR NOT NULL", "_dlt_id": "VARCHAR NOT NULL"}

    def duckdb_columns(self) -> dict[str, str]:
        """Every column as DuckDB DDL, dlt's own included, as dlt creates the table."""
        declared = {
            name: DUCKDB_TYPES[data_type] + (" NOT NULL" if name in self.primary_key else "")
            for name, data_type in self.columns.items()
        }
        return {**declared, **self.dlt_system_columns()}


def _table(
    table_name: str, description: str, key: tuple[str, ...], merge_key: tuple[str, ...] | None = None, /,
    json_shapes: dict[str, pa.DataType] | None = None, as_arrow: bool = True, **columns: str,
) -> Table:
    return Table(table_name, " ".join(description.split()), columns, key, merge_key, json_shapes or {}, as_arrow)


JOBS = _table(
    "jobs", "Buildable Jenkins items (pipelines, freestyle jobs, multibranch branches and PRs).",
    ("instance", "full_name"), as_arrow=False,
    instance="text", full_name="text", name="text", display_name="text", folder="text", kind="text",
    class_name="text", branch="text", is_primary_branch="bool", pull_request_id="text", rest_path="text",
    fetched_at="timestamp", source="text",
)
RUNS = _table(
    "runs", """Runs of each job (queue entries skipped); `result` is Blue Ocean's raw value (UNKNOWN while
    running; the core API's null is stored as UNKNOWN too). A run is re-fetched until it is FINISHED. `source`
    (on every table) says which API gave the row: `blueocean` or `core`; for nodes and steps `blueocean`,
    `pgv` (Pipeline Graph View) or `wfapi` (Stage View). `queuing_duration_ms` and `queuing_time_ms` are the
    Metrics plugin's TimeInQueueAction (null without it): the top-level task's wait, and that plus every
    `node {}` block's.""", RUN_KEY, as_arrow=False,
    instance="text", job_full_name="text", number="bigint", state="text", result="text",
    enqueue_time="timestamp", start_time="timestamp", end_time="timestamp", duration_ms="bigint",
    estimated_duration_ms="bigint", run_type="text", run_name="text", description="text", commit_id="text",
    run_summary="text", causes="json", fetched_at="timestamp", source="text", queuing_duration_ms="bigint",
    queuing_time_ms="bigint",
)
NODES = _table(
    "nodes", """Stage and parallel-branch nodes of a finished run, replaced as a whole per run. "Future"
    nodes borrowed from an older successful build have a null state. `agent` is the node a stage ran on
    (Pipeline Graph View and Stage View say; Blue Ocean does not).""", (*RUN_KEY, "node_id"), RUN_KEY,
    json_shapes={"edges": EDGES},
    instance="text", job_full_name="text", number="bigint", node_id="text", position="bigint",
    display_name="text", node_type="text", state="text", result="text", start_time="timestamp",
    duration_ms="bigint", first_parent="text", parent_id="text", edges="json", source="text", agent="text",
)
STEPS = _table(
    "steps", "Steps of a finished run, replaced as a whole per run.", (*RUN_KEY, "step_id"), RUN_KEY,
    instance="text", job_full_name="text", number="bigint", step_id="text", position="bigint",
    display_name="text", display_description="text", state="text", result="text", start_time="timestamp",
    duration_ms="bigint", source="text",
)
RUN_LOGS = _table(
    "run_logs", "Console text of a finished run, capped in size (`truncated` says so).", RUN_KEY,
    instance="text", job_full_name="text", number="bigint", text="text", text_size="bigint", truncated="bool",
    source="text",
)
CHANGE_SETS = _table(
    "change_sets", "Commits of a run, in the order Jenkins lists them.", (*RUN_KEY, "position"), RUN_KEY,
    json_shapes={"affected_paths": PATHS},
    instance="text", job_full_name="text", number="bigint", position="bigint", commit_id="text",
    author_id="text", author_name="text", message="text", timestamp="timestamp", affected_paths="json",
    source="text",
)
TEST_SUMMARIES = _table(
    "test_summaries", "Test counts of a run (all zero when the run published no test report).", RUN_KEY,
    instance="text", job_full_name="text", number="bigint", passed="bigint", failed="bigint",
    skipped="bigint", fixed="bigint", existing_failed="bigint", regressions="bigint", total="bigint",
    source="text",
)

TEST_RESULTS = _table(
    "test_results", """Test cases of a finished run whose summary counts tests (ingestion/test_results.py makes
    the rows of every source), replaced as a whole per run. `status` PASSED, FAILED or SKIPPED; `state` REGRESSION
    or FIXED; `error_text` the error's first lines. With BUILDBUTLER_TEST_RESULTS=failed only failed cases.""",
    (*RUN_KEY, "position"), RUN_KEY,
    instance="text", job_full_name="text", number="bigint", position="bigint", suite="text", class_name="text",
    name="text", status="text", state="text", duration_ms="bigint", age="bigint", error_text="text",
    source="text",
)

RAW_TABLES = (JOBS, RUNS, NODES, STEPS, RUN_LOGS, CHANGE_SETS, TEST_SUMMARIES, TEST_RESULTS)


# dlt's record of its loads, which it creates on a pipeline's first run; the incremental models read
# when each load was committed (status 0) from it. Its columns as dlt creates them.
LOADS_LEDGER = "_dlt_loads"
LOADS_LEDGER_COLUMNS = {
    "load_id": "VARCHAR NOT NULL", "schema_name": "VARCHAR", "status": "BIGINT NOT NULL",
    "inserted_at": "TIMESTAMP WITH TIME ZONE NOT NULL", "schema_version_hash": "VARCHAR",
}
LOADS_LEDGER_DESCRIPTION = (
    "dlt's record of committed loads (status 0). Its `inserted_at` is the watermark of the incremental models."
)


def ensure_raw_tables(con) -> None:
    """Create the schema, every raw table and dlt's load ledger, and every declared column, that do not
    exist yet, as dlt would create them (a column added to a table dlt made is nullable).

    `con` is an open read-write DuckDB connection to the warehouse. What exists is left alone.
    """
    con.execute(f'CREATE SCHEMA IF NOT EXISTS "{DATASET_NAME}"')
    wanted = {table.name: table.duckdb_columns() for table in RAW_TABLES}
    wanted[LOADS_LEDGER] = LOADS_LEDGER_COLUMNS
    existing: dict[str, set[str]] = {}
    for table_name, column in con.execute(
        "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = ?", [DATASET_NAME]
    ).fetchall():
        existing.setdefault(table_name, set()).add(column)
    for table_name, columns in wanted.items():
        if table_name not in existing:
            ddl = ", ".join(f'"{name}" {ddl}' for name, ddl in columns.items())
            con.execute(f'CREATE TABLE "{DATASET_NAME}"."{table_name}" ({ddl})')
            continue
        for name, ddl in columns.items():
            if name not in existing[table_name]:
                data_type = ddl.removesuffix(" NOT NULL")  # rows already there have no value for it
                con.execute(f'ALTER TABLE "{DATASET_NAME}"."{table_name}" ADD COLUMN "{name}" {data_type}')
