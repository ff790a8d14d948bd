"""A small HTTP client for one Blue Ocean controller: URLs, paging, retries, bounded parallelism.

It speaks urllib3 directly: per request, `requests` (what the bare-pool baseline uses) costs about
three times the CPU of the urllib3 call underneath it, and a sync makes hundreds of thousands of
requests on the cores the controller also needs. Retried with exponential backoff: HTTP 5xx, 429
(honouring Retry-After), timeouts, connection errors, bodies cut off against their Content-Length
or ending early without telling (invalid JSON), and streamed logs that break off. A semaphore keeps
at most `max_in_flight` requests in flight from all threads; they share one connection pool.
"""

from __future__ import annotations

import base64
import logging
import os
import ssl
import threading
import time
import warnings
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from email.utils import parsedate_to_datetime
from typing import Any, TypeVar
from urllib.parse import quote, urlencode, urljoin, urlsplit

import orjson
import requests
import urllib3
from urllib3.exceptions import HTTPError as Urllib3Error
from urllib3.exceptions import InsecureRequestWarning, NameResolutionError, NewConnectionError, ProxyError, SSLError
from urllib3.exceptions import TimeoutError as Urllib3Timeout

from buildbutler.connections import LINK_LOCAL_HINT, resolves_to_refused
from ingestion.blueocean import log_cap
from ingestion.blueocean.config import SourceConfig
from ingestion.blueocean.errors import (
    BlueOceanDataError,
    BlueOceanMissing,
    BlueOceanRequestError,
    InvalidResponse,
    LoginRedirect,
    NotJenkins,
    Unauthorized,
    Unreachable,
)
from ingestion.blueocean.settings import API_ROOT, MAX_REDIRECTS, MAX_RETRY_DELAY_S

T = TypeVar("T")
R = TypeVar("R")

# Characters left as they are when an href becomes a URL: '%' above all, so that the double-encoded
# branch segments (`feature%252Ffoo`) go out unchanged, while spaces and non-ASCII get encoded.
_HREF_SAFE = "/%:@!$&'()*+,;=-._~"
_MISSING = object()  # a 404 the caller accepts
# Every retry is ours (below), so that each has the same backoff; redirects are looked at before
# they are followed (`_follow`).
_NO_RETRIES = urllib3.Retry(total=None, connect=0, read=0, status=0, other=0, redirect=0)
_REDIRECT_STATUSES = (301, 302, 303, 307, 308)
log = logging.getLogger(__name__)


class _TryAgain(Exception):
    """This attempt failed in a way worth retrying; `wait_s` overrides the backoff (Retry-After).

    What to raise when no attempt is left follows from the cause: no connection (`unreachable`
    says why), an HTTP `status`, or else a body that was not JSON.
    """

    def __init__(self, detail: str, wait_s: float | None = None, *, unreachable: str | None = None,
                 status: int | None = None):
        super().__init__(detail)
        self.wait_s = wait_s
        self.unreachable = unreachable
        self.status = status

    def final_error(self, url: str, attempts: int) -> BlueOceanRequestError:
        if self.unreachable:
            return Unreachable(url, self.unreachable, str(self), attempts)
        if self.status:
            return BlueOceanRequestError(f"GET {url} failed after {attempts} attempts: {self}",
                                         f"Jenkins answered HTTP {self.status}, {attempts} times: check its health",
                                         self.status)
        return InvalidResponse(url, str(self), attempts)


def _same(value: T) -> T:
    return value


class BlueOceanClient:
    def __init__(self, config: SourceConfig, on_request: Callable[[str], None] | None = None):
        """`on_request(url)` is called once per logical request (not per retry), e.g. to record URLs."""
        self.config = config
        self.base_url = config.base_url.rstrip("/")
        base = urlsplit(self.base_url)
        self._origin, self._context_path = f"{base.scheme}://{base.netloc}", base.path  # "/jenkins" or ""
        self._host, self._scheme = base.hostname, base.scheme
        self._on_request = on_request
        self._slots = threading.BoundedSemaphore(config.max_in_flight)
        self._pool: ThreadPoolExecutor | None = None
        self._pool_lock = threading.Lock()
        self._http, self._headers = _pool_manager(config)
        self._timeout = urllib3.Timeout(connect=config.timeout_s, read=config.timeout_s)

    # ------------------------------------------------------------ URLs

    def organization_href(self) -> str:
        return f"{API_ROOT}/organizations/{quote(self.config.organization, safe='')}/"

    def api_href(self, href: str) -> str:
        """An href as a path below the Jenkins root URL (`/blue/rest/...`).

        Blue Ocean writes hrefs from `/blue/rest/`, without Jenkins' context path; behind some
        proxies and in some versions they carry it (`/jenkins/blue/rest/...`), or are absolute.
        Either way the context path is taken off here, so that `url()` does not add it twice.
        """
        if href.startswith(self._origin + "/"):
            href = href[len(self._origin):]
        if self._context_path and href.startswith(self._context_path + API_ROOT + "/"):
            href = href[len(self._context_path):]
        return href

    def url(self, href: str, params: dict[str, Any] | None = None) -> str:
        """Absolute URL of an API href: illegal characters encoded, '%' never re-encoded."""
        url = self.base_url + quote(self.api_href(href), safe=_HREF_SAFE)
        return f"{url}?{urlencode(params)}" if params else url

    # ------------------------------------------------------------ requests

    def get_json(self, href: str, params: dict[str, Any] | None = None, *, missing_ok: bool = False) -> Any:
        """GET and decode JSON. A 404 gives None when `missing_ok`, any other failure raises."""
        url = self.url(href, params)
        result = self._get(url, lambda response: _read_json_body(response, url), lambda body: _decode_json(body, url),
                           missing_ok=missing_ok)
        return None if result is _MISSING else result

    def pages(self, href: str, limit: int, *, missing_ok: bool = False,
              params: dict[str, Any] | None = None) -> Iterator[list]:
        """Every page of a Blue Ocean list; the end is the first short page (the Link header never ends).

        With `missing_ok` a 404 (a run without nodes, say) is an empty list; `params` go with every page.
        """
        start = 0
        while True:
            items = self.get_json(href, {**(params or {}), "start": start, "limit": limit}, missing_ok=missing_ok)
            if items is None:
                return
            if not isinstance(items, list):
                raise BlueOceanDataError(f"GET {self.url(href)}: expected a JSON list")
            yield items
            if len(items) < limit:
                return
            start += limit

    def get_log(self, href: str, cap_bytes: int) -> tuple[str, int | None, bool] | None:
        """A console log within `cap_bytes`, its head and tail when longer (log_cap.py):
        (text, the whole log's bytes, truncated); None on 404."""
        head = self._get(self.url(href, {"start": 0}), lambda response: log_cap.read_head(response, cap_bytes),
                         missing_ok=True, stream=True)
        if head is _MISSING:
            return None
        if head.complete:
            log = log_cap.whole(head)
        else:
            tail = self._get(self.url(href, log_cap.tail_params(head.reported, cap_bytes)),
                             lambda response: log_cap.read_tail(response, cap_bytes), missing_ok=True, stream=True)
            log = log_cap.joined(head, *((None, None) if tail is _MISSING else tail))
        return log.text, log.size, log.truncated

    def _get(self, url: str, read: Callable[[urllib3.BaseHTTPResponse], Any], finish: Callable[[Any], T] = _same,
             *, missing_ok: bool, stream: bool = False) -> T | object:
        """GET `url`, `read` the response in a request slot, then `finish` it (out of the slot, so
        that decoding never keeps a request from going out); retry what may pass. `_MISSING` for an
        accepted 404."""
        if self._on_request:
            self._on_request(url)
        attempts = self.config.max_attempts
        for attempt in range(1, attempts + 1):
            try:
                with self._slots:
                    body = self._attempt(url, read, missing_ok, stream)
                return body if body is _MISSING else finish(body)
            except _TryAgain as failure:
                if attempt == attempts:
                    raise failure.final_error(url, attempts) from None
                time.sleep(min(self._backoff_s(attempt) if failure.wait_s is None else failure.wait_s,
                               MAX_RETRY_DELAY_S))
        raise AssertionError("unreachable")

    def _follow(self, url: str, stream: bool) -> urllib3.BaseHTTPResponse:
        """GET `url`, following redirects that stay on Blue Ocean's API (http to https, a proxy's
        path); one that leaves it is a login page (single sign-on) and is not followed."""
        target = url
        for _ in range(MAX_REDIRECTS + 1):
            try:
                response = self._http.request("GET", target, timeout=self._timeout, retries=_NO_RETRIES,
                                              redirect=False, preload_content=not stream,
                                              headers=self._headers if target is url else self._headers_for(target))
            except (Urllib3Error, OSError) as exc:
                raise _TryAgain(_describe(exc), unreachable=_why_unreachable(exc)) from None
            location = response.headers.get("Location")
            if response.status not in _REDIRECT_STATUSES or not location:
                return response
            response.drain_conn()
            response.release_conn()
            target = urljoin(target, location)
            parts = urlsplit(target)
            if not self._stays_on_api(url, parts.path):
                raise LoginRedirect(url, response.status)
            if parts.hostname != self._host and resolves_to_refused(
                    parts.hostname or "", parts.port or (443 if parts.scheme == "https" else 80),
                    allow_link_local=self.config.allow_link_local):  # the SSRF policy holds for redirects too
                raise BlueOceanRequestError(f"GET {url}: redirected to a link-local address",
                                            f"redirected to a link-local address: {LINK_LOCAL_HINT}", response.status)
        raise BlueOceanRequestError(f"GET {url}: more than {MAX_REDIRECTS} redirects",
                                    f"redirected more than {MAX_REDIRECTS} times: check the URL")

    def _stays_on_api(self, url: str, target_path: str) -> bool:
        """Whether a redirect's target is still the API (else it is a login page)."""
        return API_ROOT + "/" in target_path

    def _headers_for(self, url: str) -> dict[str, str]:
        """The credentials go to the connection's own host only, and never down from https to http."""
        parts = urlsplit(url)
        if parts.hostname == self._host and parts.scheme in ("https", self._scheme):
            return self._headers
        return {k: v for k, v in self._headers.items() if k != "Authorization"}

    def _attempt(self, url: str, read: Callable, missing_ok: bool, stream: bool) -> Any:
        response = self._follow(url, stream)
        try:
            status = response.status
            if status == 404 and missing_ok:
                return _MISSING
            if status == 429 or status >= 500:
                raise _TryAgain(f"HTTP {status} {response.reason}", _retry_after_s(response), status=status)
            if status in (401, 403):
                raise Unauthorized(url, status)
            if status == 404 and self._is_organization(url):
                raise BlueOceanMissing(url)
            if status >= 400:
                raise BlueOceanRequestError(f"GET {url}: HTTP {status} {response.reason}",
                                            f"Jenkins answered HTTP {status} {response.reason} to GET {url}", status)
            return read(response)
        except (Urllib3Error, OSError) as exc:  # the body broke off
            response.close()  # what is left of it must not be read as the next response
            raise _TryAgain(_describe(exc), unreachable="the connection broke off") from None
        finally:
            response.release_conn()

    def _is_organization(self, url: str) -> bool:
        """The organization or its pipelines list: where Blue Ocean always answers, if installed."""
        organization = self.url(self.organization_href())
        return url.split("?")[0] in (organization, organization + "pipelines/")

    def _backoff_s(self, attempt: int) -> float:
        return self.config.backoff_factor_s * 2 ** (attempt - 1)

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
        self._http.clear()


def ca_bundle(config: SourceConfig) -> str | bool:
    """The certificates that verify the controller's, or False when the connection turned that off.

    In order: the connection's own bundle, REQUESTS_CA_BUNDLE or CURL_CA_BUNDLE (as `requests` reads
    them), SSL_CERT_FILE or SSL_CERT_DIR (as OpenSSL does), then certifi's bundle.
    """
    if not config.tls_verify:
        return False
    if config.ca_bundle:
        return config.ca_bundle
    verify = requests.Session().merge_environment_settings(config.base_url, {}, None, None, None)["verify"]
    if isinstance(verify, str):
        return verify
    return os.environ.get("SSL_CERT_FILE") or os.environ.get("SSL_CERT_DIR") or requests.utils.DEFAULT_CA_BUNDLE_PATH


def _pool_manager(config: SourceConfig) -> tuple[urllib3.PoolManager, dict[str, str]]:
    """One pool of `max_in_flight` connections, with the environment's proxy and the CA bundle (read
    once), and the headers every request carries.

    The proxy is read from the environment the way `requests` reads it (HTTPS_PROXY, HTTP_PROXY,
    NO_PROXY); the certificates are `ca_bundle`'s.
    """
    environment = requests.Session().merge_environment_settings(config.base_url, {}, None, None, None)
    bundle = ca_bundle(config)
    headers = urllib3.make_headers(keep_alive=True, accept_encoding=True, user_agent="buildbutler")
    headers["Accept"] = "application/json, text/plain, */*"
    if config.token:
        # RFC 7617: UTF-8 credentials (urllib3's basic_auth helper would encode them as latin-1).
        credentials = base64.b64encode(f"{config.username}:{config.token}".encode()).decode()
        headers["Authorization"] = f"Basic {credentials}"
    options: dict[str, Any] = {"maxsize": config.max_in_flight, "headers": headers}
    if bundle is False:
        # Asked for per connection (docs/architecture.md): said once per sync, not once per request.
        log.warning("TLS certificate verification is OFF for connection %s (%s): anyone on the way can "
                    "read and change what it fetches", config.instance, config.base_url)
        warnings.filterwarnings("ignore", category=InsecureRequestWarning)  # urllib3's, once per request
        options["cert_reqs"] = "CERT_NONE"
        options["assert_hostname"] = False
    else:
        options["cert_reqs"] = "CERT_REQUIRED"
        options["ca_cert_dir" if os.path.isdir(bundle) else "ca_certs"] = bundle
    proxy = requests.utils.select_proxy(config.base_url, environment["proxies"])
    if not proxy:
        return urllib3.PoolManager(2, **options), headers
    proxy = requests.utils.prepend_scheme_if_needed(proxy, "http")
    username, password = requests.utils.get_auth_from_url(proxy)
    proxy_headers = urllib3.make_headers(proxy_basic_auth=f"{username}:{password}") if username else None
    return urllib3.ProxyManager(proxy, num_pools=2, proxy_headers=proxy_headers, **options), headers


def _read_json_body(response: urllib3.BaseHTTPResponse, url: str) -> bytes:
    # A 200 HTML page is another server, or a single sign-on login page: asking again won't help.
    if response.headers.get("Content-Type", "").lower().startswith("text/html"):
        raise NotJenkins(url)
    return response.data


def _decode_json(body: bytes, url: str) -> Any:
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError:
        if body.lstrip()[:1] == b"<":  # HTML (or XML) without its content type
            raise NotJenkins(url) from None
        # A body that ended early without breaking its framing: ask again.
        raise _TryAgain(f"invalid JSON ({len(body)} bytes)") from None


def _retry_after_s(response: urllib3.BaseHTTPResponse) -> float | None:
    """Retry-After in seconds (a number or an HTTP date), None if absent or unreadable."""
    value = (response.headers.get("Retry-After") or "").strip()
    if value.isdigit():
        return float(value)
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time()) if value else None
    except (TypeError, ValueError):
        return None


def _why_unreachable(exc: BaseException) -> str:
    """Why no answer came, in a user's words, from urllib3's exception types (its reason when wrapped)."""
    reason = getattr(exc, "reason", None) or exc
    if isinstance(reason, NameResolutionError):  # before NewConnectionError, its base class
        return "host not found"
    if isinstance(reason, NewConnectionError):  # urllib3's subclass of its connect timeout
        return "connection refused" if isinstance(reason.__cause__, ConnectionRefusedError) else "cannot connect"
    if isinstance(reason, (Urllib3Timeout, TimeoutError)):
        return "timed out"
    if isinstance(reason, SSLError):
        cause = reason.__cause__ or (reason.args[0] if reason.args else None)
        return "TLS certificate not trusted" if isinstance(cause, ssl.SSLCertVerificationError) else "TLS failed"
    if isinstance(reason, ProxyError):
        return "the proxy failed"
    return "the connection failed"


def _describe(exc: BaseException) -> str:
    """What went wrong, from urllib3's wrapped reason when there is one."""
    reason = getattr(exc, "reason", None) or exc
    return f"{type(reason).__name__}: {reason}"


