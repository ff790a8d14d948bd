"""`buildbutler sync`: the scheduled job, executed in-process, telling how it goes the way a command line does.

The terminal gets the lines of `sync_lines` (one per connection, the models, a summary last).
Dagster's own log, with the full trace of whatever failed, and dbt's console output go to
`$BUILDBUTLER_HOME/logs/sync.log` (replaced by each sync), or to the terminal with `--verbose`.
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from pathlib import Path
from typing import TextIO

from buildbutler.home import Home
from buildbutler.settings import Settings
from buildbutler.store import Store
from orchestration.instance import open_instance, process_tags, reap_dead_runs
from orchestration.jobs import SYNC_JOB, sync_run_config
from orchestration.progress import set_reporter
from orchestration.sync_lines import SyncLines, models_line, summary_line


def run_sync(settings: Settings, connection: str | None = None, full_refresh: bool = False, verbose: bool = False,
             out: TextIO | None = None) -> int:
    """Run the sync job once and print how it went; returns the exit code (0: every connection synced)."""
    out = out or sys.stdout
    home = settings.home.ensure()
    store = Store(settings)
    if connection is not None and store.get_connection(connection) is None:
        out.write(f"sync: no connection named {connection!r} (see `buildbutler connections list`)\n")
        return 2
    lines = SyncLines(out, live=out.isatty())
    log = home.sync_log
    stop_resource_tracker_at_exit()
    set_reporter(lines)
    try:
        with job_output(log, verbose):
            try:
                result = execute_sync_job(home, connection, full_refresh)
            except Exception as error:  # noqa: BLE001 - one line here, the trace in the log
                traceback.print_exc()
                if not verbose:
                    lines.print(f"details: {log}")
                lines.print(f"sync failed: {type(error).__name__}: {' '.join(str(error).split())}")
                return 1
    finally:
        set_reporter(None)
    lines.print(models_line(result))
    if not result.success and not verbose:
        lines.print(f"details: {log}")
    selected = [c for c in store.list_connections() if connection in (None, c.name, c.id)]
    lines.print(summary_line(result, selected, lines.changes))
    return 0 if result.success else 1


def stop_resource_tracker_at_exit() -> None:
    """At exit, wait for Python's multiprocessing resource tracker, so that it does not outlive the sync.

    dbt's manifest takes a lock of the spawn context, which starts the tracker, a process of its
    own; Python 3.11 leaves it to exit after us (CPython gh-88887; later versions stop it at exit).
    It is stopped after the locks' own exit finalizers (priority 0) have released them.
    """
    from multiprocessing import resource_tracker, util

    util.Finalize(None, resource_tracker._resource_tracker._stop, exitpriority=-100)


@contextmanager
def job_output(log: Path, verbose: bool) -> Iterator[None]:
    """Where the job's own output goes while it runs: Dagster's log lines and dbt's console."""
    if verbose:
        yield
        return
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "w", encoding="utf-8") as file, redirect_stdout(file), redirect_stderr(file):
        yield


def execute_sync_job(home: Home, connection: str | None, full_refresh: bool):
    """The Dagster execution result; a failed step does not raise."""
    from orchestration.definitions import defs  # heavy: loads dlt, dbt and Dagster

    with open_instance(home) as instance:
        reap_dead_runs(instance)
        run_config = sync_run_config(connection, full_refresh)
        run_config["loggers"] = {"console": {"config": {"log_level": "INFO"}}}
        return defs.resolve_job_def(SYNC_JOB).execute_in_process(
            run_config=run_config,
            instance=instance,
            raise_on_error=False,
            tags=process_tags(),
        )
