"""The lines `buildbutler sync` prints: one per connection as it goes, the models built, a summary last.

On a terminal the connection being fetched redraws its line in place; anywhere else (a pipe, a
log, cron) each connection gets one plain line when it is done.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from typing import TextIO

from buildbutler.store import Connection
from orchestration.progress import BuildChanges

WAREHOUSE_STEP = "warehouse_models"  # the dbt build's step in the sync job
SNAPSHOT_KEY = ("serving_snapshot",)
REDRAW_EVERY_S = 0.1  # logs are reported one by one: thousands a second


class SyncLines:
    """The reporter of `orchestration.progress` that `buildbutler sync` installs."""

    def __init__(self, out: TextIO, live: bool):
        self.out = out
        self.live = live
        self.changes = BuildChanges()
        self._fetched: dict[str, Counter] = {}
        self._lock = threading.Lock()  # the source reports from its worker threads
        self._drawn_at = 0.0

    def fetched(self, connection: str, kind: str, count: int) -> None:
        with self._lock:
            self._fetched.setdefault(connection, Counter())[kind] += count
            if self.live and time.monotonic() - self._drawn_at >= REDRAW_EVERY_S:
                self._drawn_at = time.monotonic()
                self.out.write(f"\r{self._fetch_line(connection)}\x1b[K")
                self.out.flush()

    def synced(self, connection: str, changes: BuildChanges, source: str) -> None:
        with self._lock:
            self.changes += changes
            self._line(f"{self._fetch_line(connection)} ({changes.new} new builds, {changes.finished} finished; "
                       f"via {source})")

    def failed(self, connection: str, reason: str) -> None:
        with self._lock:
            self._line(f"{connection} failed: {reason}")

    def print(self, line: str) -> None:
        with self._lock:
            self._line(line)

    def _fetch_line(self, connection: str) -> str:
        c = self._fetched.get(connection, Counter())
        return f"{connection}: {c['jobs']} jobs, {c['builds']} builds, {c['logs']} logs fetched"

    def _line(self, text: str) -> None:
        # On a terminal the line replaces the one being redrawn.
        self.out.write(f"\r{text}\x1b[K\n" if self.live else f"{text}\n")
        self.out.flush()


def models_built(result) -> int:
    return sum(1 for event in result.get_asset_materialization_events() if event.step_key == WAREHOUSE_STEP)


def models_line(result) -> str:
    if WAREHOUSE_STEP in {event.step_key for event in result.get_step_failure_events()}:
        return "models: the dbt build failed"
    return f"models: {models_built(result)} built"


def summary_line(result, connections: list[Connection], changes: BuildChanges) -> str:
    """The last line: how it went for each connection, and what changed."""
    published = any(tuple(e.asset_key.path) == SNAPSHOT_KEY for e in result.get_asset_materialization_events())
    statuses = ", ".join(f"{c.name} {c.last_sync_status}" for c in connections) or "no connections"
    return (
        f"sync {'ok' if result.success else 'failed'}: {statuses}; "
        f"{changes.new} new builds, {changes.finished} finished builds; {models_built(result)} models built; "
        + ("snapshot published" if published else "snapshot not published")
    )
