"""Answers of one snapshot generation, computed once: a snapshot never changes, so neither do its answers.

`AnswerCache` keeps encoded response bodies by key, least recently used first out past a byte budget,
and lets concurrent requests for the same key share one computation (a burst of identical requests
costs one query). Its budget is `Settings.api_cache_bytes` (BUILDBUTLER_API_CACHE_MB; the default 64 MiB
holds ~10,000 pages of 25 builds). It is used from the event loop only, so it needs no lock; the computations
themselves run wherever the caller's coroutine sends them (a worker thread).
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from typing import Any


class AnswerCache:
    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._answers: OrderedDict[Hashable, bytes] = OrderedDict()
        self._bytes = 0
        self._pending: dict[Hashable, asyncio.Future] = {}
        self.computations = 0  # answers computed rather than served as kept (tests and benchmarks read it)

    def __len__(self) -> int:
        return len(self._answers)

    @property
    def kept_bytes(self) -> int:
        return self._bytes

    async def get(self, key: Hashable, compute: Callable[[], Awaitable[bytes]]) -> bytes:
        """The answer for `key`, from the cache or from `compute()` (errors are not kept)."""
        body = self._answers.get(key)
        if body is not None:
            self._answers.move_to_end(key)
            return body
        body = await self.shared(key, compute)
        if key not in self._answers and len(body) <= self.max_bytes:
            self._answers[key] = body
            self._bytes += len(body)
            while self._bytes > self.max_bytes:
                self._bytes -= len(self._answers.popitem(last=False)[1])
        return body

    async def shared(self, key: Hashable, compute: Callable[[], Awaitable[Any]]) -> Any:
        """`await compute()`, run once for every caller that asks for `key` while it runs."""
        pending = self._pending.get(key)
        if pending is None:
            self.computations += 1
            pending = asyncio.ensure_future(compute())
            self._pending[key] = pending
            pending.add_done_callback(lambda done: self._finished(key, done))
        # A caller that goes away (client disconnect) must not cancel the others' computation.
        return await asyncio.shield(pending)

    def _finished(self, key: Hashable, done: asyncio.Future) -> None:
        self._pending.pop(key, None)
        if not done.cancelled():
            done.exception()  # retrieved, so that asyncio does not log it when every caller has gone
