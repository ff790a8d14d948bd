"""Per-token rate limit (`Settings.rate_limit`, BUILDBUTLER_RATE_LIMIT requests a minute; 0 turns it off).

A token bucket per API token: it holds up to a minute's worth of requests and refills at limit/60
per second, so a client that paused may burst, and one that goes over waits only until the next
request is earned (`Retry-After`, whole seconds) rather than a full minute. Memory is per process,
one bucket per token that was used.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable

from litestar.connection import ASGIConnection
from litestar.exceptions import TooManyRequestsException
from litestar.handlers import BaseRouteHandler


class RateLimiter:
    def __init__(self, per_minute: int) -> None:
        self.capacity = float(per_minute)
        self.refill_per_second = per_minute / 60
        self._buckets: dict[str, tuple[float, float]] = {}  # key -> (tokens, monotonic time of last update)
        self._lock = threading.Lock()

    def retry_after(self, key: str) -> int | None:
        """Takes one request from the key's bucket; None if allowed, else seconds to wait."""
        now = time.monotonic()
        with self._lock:
            tokens, last = self._buckets.get(key, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - last) * self.refill_per_second)
            if tokens >= 1:
                self._buckets[key] = (tokens - 1, now)
                return None
            self._buckets[key] = (tokens, now)
        return max(1, math.ceil((1 - tokens) / self.refill_per_second))


def rate_limit_guard(per_minute: int) -> Callable[[ASGIConnection, BaseRouteHandler], None]:
    """A Litestar guard. Guards run after authentication, so `connection.auth` is the token's hash.

    A closure rather than a bound method: Litestar deep-copies routers, and the limiter must stay one.
    """
    limiter = RateLimiter(per_minute)

    def guard(connection: ASGIConnection, _: BaseRouteHandler) -> None:
        wait = limiter.retry_after(connection.auth)
        if wait is not None:
            raise TooManyRequestsException(
                f"Rate limit of {per_minute} requests a minute exceeded; retry in {wait} s.",
                headers={"Retry-After": str(wait)},
            )

    return guard
