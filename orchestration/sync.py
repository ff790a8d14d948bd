"""`buildbutler sync`: the scheduled job, executed in-process, with progress for a terminal."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field

from buildbutler.home import Home
from buildbutler.settings import Settings
from buildbutler.store import Store
from orchestration.instance import open_instance, process_tags, reap_dead_runs
from orchestration.jobs import SYNC_JOB, sync_run_config
from orchestration.progress import set_reporter


@dataclass
class Progress:
    """Counts per connection, redrawn on one terminal line."""

    stream: object = sys.stderr
    counts: dict[str, dict[str, int]] = field(default_factory=dict)

    def __call__(self, instance: str, event: str, count: int) -> None:
        per = self.counts.setdefault(instance, {})
        per[event] = per.get(event, 0) + count
        line = " | ".join(
            f"{name}: {c.get('jobs', 0)} jobs, {c.get('builds', 0)} builds, {c.get('logs', 0)} logs"
            for name, c in self.counts.items()
        )
        self.stream.write(f"\r{line}\x1b[K")
        self.stream.flush()


def run_sync(home: Home, connection: str | None = None, full_refresh: bool = False, show_progress: bool = False):
    """Run the sync job once; returns the Dagster execution result (never raises on a failed step)."""
    from orchestration.definitions import defs  # heavy: loads dlt, dbt and Dagster

    set_reporter(Progress() if show_progress else None)
    try:
        with open_instance(home) as instance:
            reap_dead_runs(instance)
            # On a terminal the progress line speaks; Dagster's own log goes to its event log.
            run_config = sync_run_config(connection, full_refresh)
            run_config["loggers"] = {"console": {"config": {"log_level": "WARNING" if show_progress else "INFO"}}}
            return defs.resolve_job_def(SYNC_JOB).execute_in_process(
                run_config=run_config,
                instance=instance,
                raise_on_error=False,
                tags=process_tags(),
            )
    finally:
        set_reporter(None)
        if show_progress:
            sys.stderr.write("\n")


def summary(settings: Settings, result, connection: str | None = None) -> str:
    """One line: what each connection did, how many models were built, what was published."""
    store = Store(settings)
    connections = [c for c in store.list_connections() if connection in (None, c.name, c.id)]
    parts = []
    for c in connections:
        error = (c.last_sync_error or "").strip().splitlines()
        parts.append(f"{c.name} {c.last_sync_status}" + (f" ({error[0][:200]})" if error else ""))
    materialized = [e.asset_key.path for e in result.get_asset_materialization_events()] if result else []
    models = sum(1 for key in materialized if key[0] not in ("blueocean", "serving_snapshot", "sync_report"))
    published = ["serving_snapshot"] in materialized
    status = "ok" if result is not None and result.success else "FAILED"
    return (
        f"sync {status}: {', '.join(parts) or 'no connections'}; {models} models built; "
        + ("snapshot published" if published else "snapshot not published")
    )
