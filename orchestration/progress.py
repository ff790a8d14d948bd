"""Progress of a running sync: what the ingestion asset tells as it goes, for `buildbutler sync`.

The sync job runs in-process, so the CLI installs a reporter here and the asset calls `reporter()`.
Without one (the schedule, `dagster dev`) the silent reporter costs nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class BuildChanges:
    """What one sync changed in a controller's builds."""

    new: int = 0  # builds the warehouse did not have
    finished: int = 0  # builds that are FINISHED now and were not (new ones included)

    def __add__(self, other: BuildChanges) -> BuildChanges:
        return BuildChanges(self.new + other.new, self.finished + other.finished)


class Reporter(Protocol):
    def fetched(self, connection: str, kind: str, count: int) -> None:
        """`count` more items of `kind` ("jobs", "builds", "logs") fetched; called from several threads."""

    def synced(self, connection: str, changes: BuildChanges, source: str) -> None: ...

    def failed(self, connection: str, reason: str) -> None: ...


class _Silent:
    def fetched(self, connection: str, kind: str, count: int) -> None:
        pass

    def synced(self, connection: str, changes: BuildChanges, source: str) -> None:
        pass

    def failed(self, connection: str, reason: str) -> None:
        pass


_SILENT = _Silent()
_reporter: Reporter = _SILENT


def set_reporter(reporter: Reporter | None) -> None:
    global _reporter
    _reporter = reporter or _SILENT


def reporter() -> Reporter:
    return _reporter
