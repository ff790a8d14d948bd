"""Read access to the published snapshot, `Home.current_snapshot` (`buildbutler.snapshot` says what a
snapshot is and how it is swapped and recognized).

One read-only DuckDB database per snapshot file (a `Generation`); every query gets its own cursor.
When the symlink points to a new file (a new `resolve_current` key), new requests open the new
generation and the old one is closed once its last request is done. The snapshot is attached to an
in-memory database as `snap`, so SQL names tables `snap.marts.<table>`. Attaching (rather than
`duckdb.connect(path)`) keeps DuckDB's per-path instance cache from handing out an old file that was
replaced under the same name.
The API never opens `warehouse.duckdb`.

A snapshot never changes, so a generation also keeps the answers computed from it (`answer`): a
repeated request costs no query, and a publish starts afresh with the new generation.
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
from collections.abc import Callable, Hashable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TypeVar

import duckdb
import numpy as np

from api.answer_cache import AnswerCache
from buildbutler.snapshot import current_key, resolve_current

log = logging.getLogger("buildbutler.api")
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
T = TypeVar("T")
# Queries run in this many threads, first come first served (api/README.md, "Where the time goes"): DuckDB
# already spreads one query over the cores, so more threads than cores only make every query wait longer.
QUERY_THREADS = max(2, os.cpu_count() or 2)


class SnapshotUnavailable(Exception):
    """No snapshot has been published yet, or the one published cannot be opened."""


class Generation:
    """One snapshot file, open read-only; closed once retired and no longer in use."""

    def __init__(self, path: Path, key: tuple[int, int, int], cache_bytes: int, queries: ThreadPoolExecutor) -> None:
        self.path = path
        self._queries = queries
        self.key = key
        self.answers = AnswerCache(cache_bytes)
        self._users = 0
        self._retired = False
        self._lock = threading.Lock()
        self._build_times: np.ndarray | None = None
        self.db = duckdb.connect(":memory:")
        try:
            # GLOBAL so that every cursor formats and truncates timestamps in UTC.
            self.db.execute("SET GLOBAL TimeZone = 'UTC'")
            quoted = str(path).replace("'", "''")
            self.db.execute(f"ATTACH '{quoted}' AS snap (READ_ONLY)")
        except BaseException:
            self.db.close()
            raise

    def hold(self) -> None:
        with self._lock:
            self._users += 1

    def release(self) -> None:
        with self._lock:
            self._users -= 1
            if self._retired and self._users == 0:
                self.db.close()

    def retire(self) -> None:
        with self._lock:
            self._retired = True
            if self._users == 0:
                self.db.close()

    @contextmanager
    def cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        cursor = self.db.cursor()
        try:
            yield cursor
        finally:
            cursor.close()

    async def run(self, query: Callable[[duckdb.DuckDBPyConnection], T]) -> T:
        """`query(cursor)` in a query thread, holding this generation open until it returns (even if the
        caller is cancelled: the thread releases it)."""
        self.hold()
        try:
            future = self._queries.submit(self._run, query)
        except BaseException:
            self.release()
            raise
        return await asyncio.wrap_future(future)

    def _run(self, query: Callable[[duckdb.DuckDBPyConnection], T]) -> T:
        try:
            with self.cursor() as cur:
                return query(cur)
        finally:
            self.release()

    async def answer(self, key: Hashable, query: Callable[[duckdb.DuckDBPyConnection], bytes]) -> bytes:
        """The encoded answer for `key`: computed by `query(cursor)` once, then kept with this generation."""
        return await self.answers.get(key, lambda: self.run(query))

    async def window_positions(self, start: datetime, end: datetime) -> tuple[int, int]:
        """Where [start, end) cuts the sorted build start times: windows with the same positions hold exactly
        the same builds, so they share their answers (a relative window like `30d` moves every second)."""
        if self._build_times is None:
            self._build_times = await self.answers.shared("build start times", lambda: self.run(_build_times))
        first, last = np.searchsorted(self._build_times, [_epoch_us(start), _epoch_us(end)])
        return int(first), int(last)


def _build_times(cur: duckdb.DuckDBPyConnection) -> np.ndarray:
    return cur.execute(
        "select epoch_us(started_at) as t from snap.marts.fct_builds where started_at is not null order by t"
    ).fetchnumpy()["t"]


def _epoch_us(value: datetime) -> int:
    return (value - EPOCH) // timedelta(microseconds=1)


class SnapshotReader:
    """Hands out the generation `link` points to (and cursors on it); thread-safe."""

    def __init__(self, link: Path, cache_bytes: int = 0) -> None:
        self._link = link
        self._cache_bytes = cache_bytes
        self._lock = threading.Lock()
        self._current: Generation | None = None
        self._broken_key: tuple[int, int, int] | None = None
        self._queries = ThreadPoolExecutor(QUERY_THREADS, thread_name_prefix="query")

    @property
    def current_name(self) -> str | None:
        """File name of the snapshot in service (for /health), without opening anything."""
        current = resolve_current(self._link)
        return current.path.name if current else None

    @contextmanager
    def generation(self) -> Iterator[Generation]:
        """The current generation, held open until the block ends."""
        generation = self._acquire()
        try:
            yield generation
        finally:
            generation.release()

    @contextmanager
    def cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        with self.generation() as generation, generation.cursor() as cursor:
            yield cursor

    def _acquire(self) -> Generation:
        # One stat per request; the link's path is resolved only when it points to a new file (resolving it on
        # every request was the largest cost on the event loop after the response writes: api/README.md).
        key = current_key(self._link)
        with self._lock:
            if key is not None and (self._current is None or self._current.key != key) and key != self._broken_key:
                published = resolve_current(self._link)
                if published is not None:
                    self._switch_to(published.path, published.key)
            # else: the link is missing or dangling (replaced by hand?): keep serving what is open, if anything.
            if self._current is None:
                raise SnapshotUnavailable(
                    "No snapshot has been published yet: run a sync first." if self._broken_key is None
                    else "The published snapshot cannot be opened; see the API log."
                )
            self._current.hold()
            return self._current

    def _switch_to(self, path: Path, key: tuple[int, int, int]) -> None:
        try:
            new = Generation(path, key, self._cache_bytes, self._queries)
        except duckdb.Error as exc:
            # A broken publish must not take the API down: keep the previous generation in service.
            log.error("cannot open snapshot %s: %s", path, exc)
            self._broken_key = key
            return
        self._broken_key = None
        if self._current is not None:
            self._current.retire()
        self._current = new
        log.info("serving snapshot %s", path.name)

    def close(self) -> None:
        with self._lock:
            if self._current is not None:
                self._current.retire()
            self._current = None
        # The query threads stay: idle, they cost nothing, and an app started again (tests) still needs them.
