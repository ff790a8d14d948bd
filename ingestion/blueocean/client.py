"""A small HTTP client for one Blue Ocean controller: URLs, paging, retries, bounded parallelism.

dlt's `requests` helper `Client` already retries 5xx, 429 (honouring Retry-After), timeouts,
connection errors and bodies cut off against their Content-Length; this adds what it misses:
bodies that end early without telling (invalid JSON) and streamed logs that break off. A semaphore
keeps at most `max_in_flight` requests in flight from all threads; they share one connection pool.
"""

from __future__ import annotations

import codecs
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar
from urllib.parse import quote, urlencode

import orjson
import requests
from dlt.sources.helpers.requests import Client

from ingestion.blueocean.config import SourceConfig
from ingestion.blueocean.parse import BlueOceanDataError
from ingestion.blueocean.settings import API_ROOT, LOG_CHUNK_BYTES, MAX_RETRY_DELAY_S

T = TypeVar("T")
R = TypeVar("R")

# Characters left as they are when an href becomes a URL: '%' above all, so that the double-encoded
# branch segments (`feature%252Ffoo`) go out unchanged, while spaces and non-ASCII get encoded.
_HREF_SAFE = "/%:@!$&'()*+,;=-._~"
_BROKEN_BODY = (requests.exceptions.ChunkedEncodingError, requests.ConnectionError, requests.Timeout)


class BlueOceanRequestError(RuntimeError):
    """A request that still failed after every retry (the message names the URL, never credentials)."""


class BlueOceanClient:
    def __init__(self, config: SourceConfig, on_request: Callable[[str], None] | None = None):
        """`on_request(url)` is called once per logical request (not per retry), e.g. to record URLs."""
        self.config = config
        self.base_url = config.base_url.rstrip("/")
        self._on_request = on_request
        self._slots = threading.BoundedSemaphore(config.max_in_flight)
        self._pool: ThreadPoolExecutor | None = None
        self._pool_lock = threading.Lock()
        self._http = Client(
            request_timeout=config.timeout_s,
            max_connections=config.max_in_flight,
            raise_for_status=False,
            request_max_attempts=config.max_attempts,
            request_backoff_factor=config.backoff_factor_s,
            request_max_retry_delay=MAX_RETRY_DELAY_S,
            respect_retry_after_header=True,
            session_attrs=_session_attrs(config),
        )

    # ------------------------------------------------------------ URLs

    def organization_href(self) -> str:
        return f"{API_ROOT}/organizations/{quote(self.config.organization, safe='')}/"

    def url(self, href: str, params: dict[str, Any] | None = None) -> str:
        """Absolute URL of an API href: illegal characters encoded, '%' never re-encoded."""
        url = self.base_url + quote(href, safe=_HREF_SAFE)
        return f"{url}?{urlencode(params)}" if params else url

    # ------------------------------------------------------------ requests

    def get_json(self, href: str, params: dict[str, Any] | None = None, *, missing_ok: bool = False) -> Any:
        """GET and decode JSON. A 404 gives None when `missing_ok`, any other failure raises."""
        url = self.url(href, params)
        if self._on_request:
            self._on_request(url)
        for attempt in range(1, self.config.max_attempts + 1):
            with self._slots:
                response = self._send(url)
            if response.status_code == 404 and missing_ok:
                return None
            _raise_for_status(response, url)
            try:
                return orjson.loads(response.content)
            except orjson.JSONDecodeError:
                # A body that ended early without breaking its framing: ask again.
                if attempt == self.config.max_attempts:
                    raise BlueOceanRequestError(
                        f"GET {url}: invalid JSON after {attempt} attempts ({len(response.content)} bytes)"
                    ) from None
                self._back_off(attempt)
        raise AssertionError("unreachable")

    def pages(self, href: str, limit: int, *, missing_ok: bool = False) -> Iterator[list]:
        """Every page of a Blue Ocean list; the end is the first short page (the Link header never ends).

        With `missing_ok` a 404 (a run without nodes, say) is an empty list.
        """
        start = 0
        while True:
            items = self.get_json(href, {"start": start, "limit": limit}, missing_ok=missing_ok)
            if items is None:
                return
            if not isinstance(items, list):
                raise BlueOceanDataError(f"GET {self.url(href)}: expected a JSON list")
            yield items
            if len(items) < limit:
                return
            start += limit

    def get_log(self, href: str, cap_bytes: int) -> tuple[str, int | None, bool] | None:
        """Stream a console log, keeping at most `cap_bytes`: (text, X-Text-Size, truncated), None on 404."""
        url = self.url(href, {"start": 0})
        if self._on_request:
            self._on_request(url)
        for attempt in range(1, self.config.max_attempts + 1):
            with self._slots:
                response = self._send(url, stream=True)
                try:
                    if response.status_code == 404:
                        return None
                    _raise_for_status(response, url)
                    text, read, truncated = _read_capped(response, cap_bytes)
                    break
                except _BROKEN_BODY as exc:
                    if attempt == self.config.max_attempts:
                        raise BlueOceanRequestError(f"GET {url}: body broke off {attempt} times: {exc}") from exc
                finally:
                    response.close()
            self._back_off(attempt)
        reported = response.headers.get("X-Text-Size", "")
        size = int(reported) if reported.isdigit() else (None if truncated else read)
        return text, size, truncated

    def _send(self, url: str, stream: bool = False) -> requests.Response:
        try:
            return self._http.get(url, stream=stream)
        except requests.RequestException as exc:
            raise BlueOceanRequestError(
                f"GET {url} failed after {self.config.max_attempts} attempts: {type(exc).__name__}: {exc}"
            ) from exc

    def _back_off(self, attempt: int) -> None:
        time.sleep(min(self.config.backoff_factor_s * 2 ** (attempt - 1), MAX_RETRY_DELAY_S))

    # ------------------------------------------------------------ fan-out

    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        """`fn` over `items` on the client's threads, results in order, a bounded window ahead."""
        window: deque[Future] = deque()
        try:
            for item in items:
                window.append(self._executor().submit(fn, item))
                if len(window) >= 2 * self.config.max_in_flight:
                    yield window.popleft().result()
            while window:
                yield window.popleft().result()
        finally:
            for future in window:
                future.cancel()

    def _executor(self) -> ThreadPoolExecutor:
        with self._pool_lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(self.config.max_in_flight, thread_name_prefix="blueocean-http")
            return self._pool

    def close(self) -> None:
        with self._pool_lock:
            if self._pool is not None:
                self._pool.shutdown(wait=False, cancel_futures=True)
                self._pool = None


def _session_attrs(config: SourceConfig) -> dict[str, Any]:
    """Session settings: auth, and the environment's proxies and CA bundle read once, not per request.

    requests re-reads the environment (proxies, netrc, CA bundle) on every request when `trust_env`
    is on; at thousands of requests a second that is a good part of the client's CPU time.
    """
    environment = requests.Session().merge_environment_settings(config.base_url, {}, None, None, None)
    attrs = {"trust_env": False, "proxies": environment["proxies"], "verify": environment["verify"]}
    if config.token:
        attrs["auth"] = (config.username, config.token)
    return attrs


def _raise_for_status(response: requests.Response, url: str) -> None:
    if response.status_code >= 400:
        raise BlueOceanRequestError(f"GET {url}: HTTP {response.status_code} {response.reason}")


def _read_capped(response: requests.Response, cap_bytes: int) -> tuple[str, int, bool]:
    """Decode a streamed body as UTF-8 up to `cap_bytes` bytes; a character cut by the cap is dropped."""
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    parts: list[str] = []
    read = 0
    for chunk in response.iter_content(LOG_CHUNK_BYTES):
        if read + len(chunk) > cap_bytes:
            parts.append(decoder.decode(chunk[: cap_bytes - read]))
            return "".join(parts), cap_bytes, True
        parts.append(decoder.decode(chunk))
        read += len(chunk)
    parts.append(decoder.decode(b"", final=True))
    return "".join(parts), read, False
