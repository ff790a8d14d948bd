"""The HTTP side: a ThreadingHTTPServer (HTTP/1.1, keep-alive) serving Blue Ocean under `/blue/rest/`.

Under a context path (`prefix="/jenkins"`, Jenkins' `--prefix`) the API is at `/jenkins/blue/rest/`
and nothing answers outside it. Blue Ocean writes its `_links` hrefs from `/blue/rest/`, without the
context path (its own UI prepends the root URL unless an href already starts with it); with
`prefixed_links` they carry it, as some proxies and versions give them.

With `core` options the controller has no Blue Ocean: `/blue/rest/` is 404 and the classic paths
below the context path answer instead (core JSON, Pipeline Graph View, Stage View: core_routes.py).

Per request: count it, maybe inject a fault, check basic auth, resolve the path, page the result
(`start`/`limit`, and the `Link` header Blue Ocean always sends), prune with `tree=`, and write it.
Admin endpoints under `/__simulator__/` are neither counted, faulted nor authenticated.
"""

from __future__ import annotations

import base64
import hmac
import socket
import struct
import sys
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, unquote, urlsplit

from . import core_routes
from .controller import Controller
from .faults import Faults, canned_response
from .jsontext import dumps
from .routes import DEFAULT_LIMIT, BadRequest, Reply, Router, error, int_param, kind_of, tree_fields
from .truth import truth

JSON = "application/json;charset=utf-8"
API_PREFIX = "/blue/rest"


class State:
    """Everything the request handlers share."""

    def __init__(self, ctl: Controller, faults: Faults, username: str | None, password: str | None,
                 prefix: str = "", prefixed_links: bool = False, core: core_routes.CoreOptions | None = None):
        self.ctl, self.faults = ctl, faults
        self.prefix, self.prefixed_links = prefix, prefixed_links
        self.router = Router(ctl)
        # Core mode: the classic paths answer and Blue Ocean is not installed (core_routes.py).
        self.core = core_routes.CoreRouter(ctl, core) if core is not None else None
        self.scheme = "http"
        self.lock = threading.RLock()       # controller reads vs advance()
        self.stopping = threading.Event()   # cuts stalls short on stop()
        self._count_lock = threading.Lock()
        self.by_kind: Counter[str] = Counter()
        self._auth = None
        if username is not None:
            token = base64.b64encode(f"{username}:{password}".encode()).decode()
            self._auth = f"Basic {token}"

    def count(self, kind: str) -> None:
        with self._count_lock:
            self.by_kind[kind] += 1

    def counts(self) -> dict[str, int]:
        with self._count_lock:
            return dict(self.by_kind)

    def reset_counts(self) -> None:
        with self._count_lock:
            self.by_kind.clear()

    def authorized(self, header: str | None) -> bool:
        return self._auth is None or (header is not None and hmac.compare_digest(header, self._auth))

    def stats(self) -> dict:
        counts = self.counts()
        with self.lock:
            return {"requests": sum(counts.values()), "by_kind": counts, "jobs": len(self.ctl.jobs),
                    "builds": self.ctl.build_count(), "now_ms": self.ctl.now_ms, "generation": self.ctl.generation,
                    "faults": dict(self.faults.drawn)}


def prune(body, tree: str | None):
    """`tree=` keeps the named top-level fields of an object, or of each item of a list."""
    keep = tree_fields(tree)
    if keep is None:
        return body
    if isinstance(body, list):
        return [_prune_one(item, keep) for item in body]
    return _prune_one(body, keep)


def _prune_one(item, keep: set[str]):
    return {k: v for k, v in item.items() if k in keep} if isinstance(item, dict) else item


def next_link(raw_path: str, raw_query: str, start: int, limit: int) -> str:
    """PagedResponse's header: other params kept (those with exactly one '='), start/limit moved on."""
    kept = [p for p in raw_query.split("&") if p.count("=") == 1 and p.split("=")[0].strip() not in ("start", "limit")]
    url = raw_path + ("?" + "&".join(kept) if kept else "")
    return f'<{url}{"&" if kept else "?"}start={start + limit}&limit={limit}>; rel="next"'


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "Jetty(10.0.20)"
    sys_version = ""

    def version_string(self) -> str:
        return self.server_version
    state: State  # set on the subclass made per server

    def setup(self) -> None:
        super().setup()
        # headers and body go out in two writes; without this, Nagle + delayed ACK add 40 ms per request
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format, *args) -> None:  # quiet: tests and the demo own the terminal
        pass

    def do_GET(self) -> None:
        self.dispatch("GET")

    def do_POST(self) -> None:
        self.dispatch("POST")

    def do_PUT(self) -> None:
        self.dispatch("PUT")

    def do_DELETE(self) -> None:
        self.dispatch("DELETE")

    # --- plumbing ----------------------------------------------------------------------------------

    def send(self, status: int, headers: dict[str, str], body: bytes, truncate: bool = False) -> None:
        """Write a response; `truncate` announces the full Content-Length, sends half, and hangs up."""
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body[: len(body) // 2] if truncate else body)
        if truncate:
            self.wfile.flush()
            self.drop_connection(reset=False)

    def send_json(self, status: int, body) -> None:
        self.send(status, {"Content-Type": JSON, "Cache-Control": "no-cache, no-store, no-transform"},
                  dumps(body).encode())

    def drop_connection(self, reset: bool) -> None:
        """Close without a response; with `reset`, abort it (RST) instead of a clean close."""
        if reset:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True
        try:
            self.connection.close()
        except OSError:
            pass

    def read_body(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)

    # --- dispatch ----------------------------------------------------------------------------------

    def dispatch(self, method: str) -> None:
        self.read_body()
        url = urlsplit(self.path)
        prefix = self.state.prefix
        path = url.path[len(prefix):] if prefix and url.path.startswith(prefix + "/") else url.path
        if path.startswith("/__simulator__/"):  # admin: under the context path or at the root
            return self.admin(method, path)
        api = prefix + API_PREFIX
        state = self.state
        in_api = url.path == api or url.path.startswith(api + "/")
        if state.core is not None and not in_api and (url.path + "/").startswith(prefix + "/"):
            segments = [unquote(s) for s in url.path[len(prefix):].split("/") if s]
            state.count(core_routes.kind_of(segments))
            api_call = self.core_api
        elif state.core is None and in_api:
            segments = [unquote(s) for s in url.path[len(api):].split("/") if s]
            state.count(kind_of(segments))
            api_call = self.api
        else:
            return self.send(404, {"Content-Type": "text/plain;charset=utf-8"}, b"Not found\n")
        fault = state.faults.draw()
        if fault and self.fail_early(fault):
            return
        if not state.authorized(self.headers.get("Authorization")):
            self.send(401, {"Content-Type": JSON, "WWW-Authenticate": 'Basic realm="Jenkins"'},
                      dumps({"message": "Unauthorized", "code": 401, "errors": []}).encode())
            return
        if method != "GET":
            return self.send_json(405, {"message": f"Method {method} not allowed", "code": 405, "errors": []})
        self.send(*api_call(segments, url), truncate=fault == "truncated")

    def fail_early(self, fault: str) -> bool:
        canned = canned_response(fault)
        if canned:
            self.send(*canned)
            return True
        if fault == "stall":
            self.state.stopping.wait(self.state.faults.delay + 0.5)
            self.drop_connection(reset=False)
            return True
        if fault == "reset":
            self.drop_connection(reset=True)
            return True
        return False  # truncation happens once the real body exists

    def api(self, segments: list[str], url) -> tuple[int, dict[str, str], bytes]:
        query = dict(parse_qsl(url.query, keep_blank_values=True))
        headers = {"Cache-Control": "no-cache, no-store, no-transform"}
        try:
            with self.state.lock:
                reply = self.state.router.resolve(segments, query)
                if reply.page is not None:
                    start = max(0, int_param(query, "start", 0))
                    limit = int_param(query, "limit", DEFAULT_LIMIT)
                    limit = DEFAULT_LIMIT if limit < 0 else limit
                    headers["Link"] = next_link(url.path, url.query, start, limit)
                    reply = Reply(body=reply.page(start, limit))
        except BadRequest as exc:
            reply = error(400, str(exc))
        except Exception as exc:  # noqa: BLE001 - a simulator bug must still answer like Jenkins, not hang up
            reply = error(500, f"Unexpected error: {exc.__class__.__name__}: {exc}")
        headers.update(reply.headers)
        if reply.text is not None:
            headers["Content-Type"] = "text/plain;charset=UTF-8"
            return reply.status, headers, reply.text
        headers["Content-Type"] = JSON
        body = prune(reply.body, query.get("tree")) if reply.status == 200 else reply.body
        text = dumps(body)
        if self.state.prefixed_links:
            text = text.replace('"href":"' + API_PREFIX + "/", f'"href":"{self.state.prefix}{API_PREFIX}/')
        return reply.status, headers, text.encode()

    def core_api(self, segments: list[str], url) -> tuple[int, dict[str, str], bytes]:
        """The core JSON API (and PGV, wfapi): no paging, no Link header; `tree=` applies inside."""
        query = dict(parse_qsl(url.query, keep_blank_values=True))
        root_url = f"{self.state.scheme}://{self.headers.get('Host', 'localhost')}{self.state.prefix}/"
        try:
            with self.state.lock:
                reply = self.state.core.resolve(segments, query, root_url)
        except Exception as exc:  # noqa: BLE001 - a simulator bug must still answer like Jenkins, not hang up
            reply = core_routes.not_found(f"{exc.__class__.__name__}: {exc}")
            reply.status = 500
        headers = {"X-Jenkins": "2.504.1", **reply.headers}
        if reply.text is not None:
            headers.setdefault("Content-Type", "text/plain;charset=UTF-8")
            return reply.status, headers, reply.text
        headers["Content-Type"] = JSON
        return reply.status, headers, dumps(reply.body).encode()

    def admin(self, method: str, path: str) -> None:
        state, action = self.state, path[len("/__simulator__/"):].strip("/")
        if (method, action) == ("GET", "stats"):
            return self.send_json(200, state.stats())
        if (method, action) == ("POST", "reset"):
            state.reset_counts()
            return self.send_json(200, state.stats())
        if (method, action) == ("POST", "advance"):
            with state.lock:
                state.ctl.advance()
            return self.send_json(200, state.stats())
        if (method, action) == ("GET", "truth"):
            with state.lock:
                body = truth(state.ctl)
            return self.send_json(200, body)
        self.send_json(404, {"message": f"Unknown admin endpoint {method} {path}", "code": 404, "errors": []})


class SimulatorHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], state: State):
        handler = type("BoundHandler", (Handler,), {"state": state})
        super().__init__(address, handler)
        self.state = state

    def handle_error(self, request, client_address) -> None:
        """A client that hangs up on an answer (a capped log read, left unread) is no error to print."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)
