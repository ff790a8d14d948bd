"""Progress of a running sync, for `buildbutler sync` on a terminal.

The sync job runs in-process, so the CLI installs a reporter here and the assets call `report`.
Without a reporter (the schedule, `dagster dev`) reporting costs nothing.
"""

from __future__ import annotations

from collections.abc import Callable

Reporter = Callable[[str, str, int], None]  # (instance, event, count)

_reporter: Reporter | None = None


def set_reporter(reporter: Reporter | None) -> None:
    global _reporter
    _reporter = reporter


def report(instance: str, event: str, count: int) -> None:
    if _reporter is not None:
        _reporter(instance, event, count)
