"""Where BuildButler keeps its state: the one module that knows the layout of $BUILDBUTLER_HOME.

See docs/architecture.md for who reads and writes each path. `Settings.from_env().home` is the home
of the environment. Nothing here imports Dagster, so the API and the CLI can use it cheaply.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Home:
    root: Path

    @property
    def warehouse(self) -> Path:
        """The working warehouse: only the sync job opens it."""
        return self.root / "warehouse.duckdb"

    @property
    def serving_dir(self) -> Path:
        return self.root / "serving"

    @property
    def current_snapshot(self) -> Path:
        """Stable path (a symlink) of the newest published snapshot, for analysts and the API."""
        return self.serving_dir / "current.duckdb"

    @property
    def operational_db(self) -> Path:
        return self.root / "operational.sqlite"

    @property
    def secret_key_file(self) -> Path:
        return self.root / "secret.key"

    @property
    def dlt_dir(self) -> Path:
        return self.root / "dlt"

    @property
    def dbt_state(self) -> Path:
        """dbt's manifest of the last successful build of this warehouse (the next sync's `--state`):
        beside the warehouse it describes, since the project's own target folder is shared by every home."""
        return self.root / "dbt_state"

    @property
    def sync_log(self) -> Path:
        """The last `buildbutler sync`'s own log: Dagster's lines with the traces, dbt's output."""
        return self.root / "logs" / "sync.log"

    @property
    def dagster_home(self) -> Path:
        return self.root / "dagster"

    def ensure(self) -> Home:
        for path in (self.root, self.serving_dir, self.dlt_dir, self.dagster_home):
            path.mkdir(parents=True, exist_ok=True)
        return self
