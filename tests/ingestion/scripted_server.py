"""A real HTTP server on 127.0.0.1 that plays scripted answers, for the client's fault handling.

`server.script[path]` is a list of answers used in turn (the last one repeats). An answer is a
tuple `(status, body, headers)` or one of the faults: `RESET` closes the connection without an
answer, `SHORT` promises more bytes than it sends, `CUT` sends half a JSON body without a
Content-Length and closes. Every request's raw path is recorded in `server.paths`, its headers in
`server.headers`; `server.connections` counts the TCP connections accepted.
"""

from __future__ import annotations

import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

RESET, SHORT, CUT = "reset", "short", "cut"
# a body cut off: shorter than its Content-Length, or closed mid-JSON without one
CUT_OFF = {SHORT: (("Content-Length", "1000"), b'[{"id": "1"'), CUT: (("Connection", "close"), b'[{"id": "1"}, {"id"')}


class ScriptedServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, delay_s: float = 0.0):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.script: dict[str, list] = {}
        self.paths: list[str] = []
        self.headers: list[dict[str, str]] = []
        self.connections = 0
        self.delay_s = delay_s
        self.in_flight = 0
        self.max_in_flight = 0
        self._lock = threading.Lock()
        threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def handle_error(self, request, client_address) -> None:
        """A client that hangs up on an answer (a capped log read) is no error to print."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def next_answer(self, path: str, headers: dict[str, str]):
        with self._lock:
            self.paths.append(path)
            self.headers.append(headers)
            answers = self.script.get(path.split("?")[0]) or [(404, b'{"message":"not found"}', {})]
            return answers.pop(0) if len(answers) > 1 else answers[0]

    def enter(self) -> None:
        with self._lock:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)

    def leave(self) -> None:
        with self._lock:
            self.in_flight -= 1


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def setup(self) -> None:
        super().setup()
        with self.server._lock:  # type: ignore[attr-defined]
            self.server.connections += 1  # type: ignore[attr-defined]

    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:
        server: ScriptedServer = self.server  # type: ignore[assignment]
        server.enter()
        try:
            time.sleep(server.delay_s)
            self._answer(server.next_answer(self.path, dict(self.headers)))
        finally:
            server.leave()

    def _answer(self, answer) -> None:
        if answer == RESET:
            self.close_connection = True
            return
        if answer in (SHORT, CUT):
            header, body = CUT_OFF[answer]
            self.send_response(200)
            self.send_header(*header)
            self.end_headers()
            self.wfile.write(body)
            self.close_connection = True
            return
        status, body, headers = answer
        self.send_response(status)
        for name, value in {"Content-Length": str(len(body)), **headers}.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)
