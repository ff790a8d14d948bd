"""Read access to the published snapshot (`Home.current_snapshot`, a symlink the publish step swaps atomically).

One read-only DuckDB database per snapshot file (a "generation"); every request gets its own cursor.
When the symlink points to a new file, new requests open the new generation and the old one is closed
once its last request is done. The snapshot is attached to an in-memory database as `snap`, so SQL
names tables `snap.marts.<table>`. Attaching (rather than `duckdb.connect(path)`) keeps DuckDB's
per-path instance cache from handing out an old file that was replaced under the same name.
The API never opens `warehouse.duckdb`.
"""

from __future__ import annotations

import logging
import os
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import duckdb

log = logging.getLogger("buildbutler.api")


class SnapshotUnavailable(Exception):
    """No snapshot has been published yet, or the one published cannot be opened."""


class _Generation:
    def __init__(self, path: Path, key: tuple[int, int, int]) -> None:
        self.path = path
        self.key = key
        self.users = 0
        self.retired = False
        self.db = duckdb.connect(":memory:")
        try:
            # GLOBAL so that every cursor formats and truncates timestamps in UTC.
            self.db.execute("SET GLOBAL TimeZone = 'UTC'")
            quoted = str(path).replace("'", "''")
            self.db.execute(f"ATTACH '{quoted}' AS snap (READ_ONLY)")
        except BaseException:
            self.db.close()
            raise

    def close(self) -> None:
        self.db.close()


class SnapshotReader:
    """Hands out cursors on the snapshot `link` points to; thread-safe."""

    def __init__(self, link: Path) -> None:
        self._link = link
        self._lock = threading.Lock()
        self._current: _Generation | None = None
        self._broken_key: tuple[int, int, int] | None = None

    @property
    def current_name(self) -> str | None:
        """File name of the snapshot in service (for /health), without opening anything."""
        try:
            return Path(os.path.realpath(self._link, strict=True)).name
        except OSError:
            return None

    @contextmanager
    def cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        generation = self._acquire()
        try:
            cursor = generation.db.cursor()
            try:
                yield cursor
            finally:
                cursor.close()
        finally:
            self._release(generation)

    def _acquire(self) -> _Generation:
        try:
            path = Path(os.path.realpath(self._link, strict=True))
            st = path.stat()
        except OSError:
            path = st = None
        with self._lock:
            if st is not None:
                key = (st.st_dev, st.st_ino, st.st_mtime_ns)
                if (self._current is None or self._current.key != key) and key != self._broken_key:
                    self._switch_to(path, key)
            # else: the link is missing or dangling (replaced by hand?): keep serving what is open, if anything.
            if self._current is None:
                raise SnapshotUnavailable(
                    "No snapshot has been published yet: run a sync first." if self._broken_key is None
                    else "The published snapshot cannot be opened; see the API log."
                )
            self._current.users += 1
            return self._current

    def _switch_to(self, path: Path, key: tuple[int, int, int]) -> None:
        try:
            new = _Generation(path, key)
        except duckdb.Error as exc:
            # A broken publish must not take the API down: keep the previous generation in service.
            log.error("cannot open snapshot %s: %s", path, exc)
            self._broken_key = key
            return
        self._broken_key = None
        self._retire(self._current)
        self._current = new
        log.info("serving snapshot %s", path.name)

    def _retire(self, generation: _Generation | None) -> None:
        if generation is not None:
            generation.retired = True
            if generation.users == 0:
                generation.close()

    def _release(self, generation: _Generation) -> None:
        with self._lock:
            generation.users -= 1
            if generation.retired and generation.users == 0:
                generation.close()

    def close(self) -> None:
        with self._lock:
            self._retire(self._current)
            self._current = None
