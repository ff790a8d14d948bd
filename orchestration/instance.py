"""The Dagster instance of in-process syncs: `$BUILDBUTLER_HOME/dagster` with its dagster.yaml.

The warehouse has one writer at a time: every step that writes it is in the `duckdb_writer`
pool (limit 1) and sync runs carry a tag limited to one run in progress. A run that crashed
(SIGKILL, power loss) can keep its pool slot; run monitoring frees the slots of finished runs,
and `reap_dead_runs` marks runs whose process is gone as failed so that their slots free too.
"""

from __future__ import annotations

import os
import socket

from dagster import DagsterInstance, DagsterRunStatus, RunsFilter

from buildbutler.home import Home

DAGSTER_YAML = """\
# Written by BuildButler. One writer on the DuckDB warehouse at a time.
concurrency:
  pools:
    default_limit: 1
  runs:
    tag_concurrency_limits:
      - key: buildbutler/writer
        limit: 1
run_monitoring:
  enabled: true
  free_slots_after_run_end_seconds: 0
telemetry:
  enabled: false
"""

PID_TAG = "buildbutler/pid"
HOST_TAG = "buildbutler/host"
ACTIVE = [DagsterRunStatus.STARTING, DagsterRunStatus.STARTED, DagsterRunStatus.CANCELING]


def open_instance(home: Home) -> DagsterInstance:
    home.ensure()
    config = home.dagster_home / "dagster.yaml"
    if not config.exists():
        config.write_text(DAGSTER_YAML)
    return DagsterInstance.from_config(str(home.dagster_home))


def process_tags() -> dict[str, str]:
    return {PID_TAG: str(os.getpid()), HOST_TAG: socket.gethostname()}


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def reap_dead_runs(instance: DagsterInstance) -> list[str]:
    """Fail in-process runs of this host whose process died, and free every finished run's slots."""
    reaped = []
    for run in instance.get_runs(RunsFilter(statuses=ACTIVE)):
        pid, host = run.tags.get(PID_TAG), run.tags.get(HOST_TAG)
        if pid and host == socket.gethostname() and not _alive(int(pid)):
            instance.report_run_failed(run, f"process {pid} is gone; its run cannot finish")
            reaped.append(run.run_id)
    for run in instance.get_runs(RunsFilter(statuses=[DagsterRunStatus.FAILURE, DagsterRunStatus.CANCELED]), limit=50):
        instance.event_log_storage.free_concurrency_slots_for_run(run.run_id)
    return reaped
