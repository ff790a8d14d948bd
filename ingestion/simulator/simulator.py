"""`Simulator`: the public handle on a simulated Jenkins controller served over HTTP.

    sim = Simulator(seed=7).start()      # http://127.0.0.1:<port>, Blue Ocean under /blue/rest/
    ...                                  # sim.advance(), sim.truth(), sim.request_count
    sim.stop()
"""

from __future__ import annotations

import ssl
import threading
from datetime import datetime
from typing import Self

from .clock import DEFAULT_NOW, to_ms
from .controller import Controller
from .core_routes import CoreOptions
from .faults import Faults
from .layout import GivenBuild
from .server import SimulatorHTTPServer, State
from .truth import truth


class Simulator:
    def __init__(self, seed: int = 7, scale: int = 1, fault_rate: float = 0.0, fault_delay: float = 2.0,
                 username: str | None = None, password: str | None = None, now: datetime | None = None,
                 prefix: str = "", prefixed_links: bool = False, field_names: bool = False,
                 given_logs: dict[str, list[GivenBuild]] | None = None, core: CoreOptions | None = None):
        """`prefix`: Jenkins' context path (`/jenkins`), `prefixed_links`: hrefs carry it (server.py);
        `field_names`: add items named with accents, spaces, dots and slashes (layout._field_names);
        `given_logs`: a controller of only these freestyle jobs (full name -> builds, oldest first),
        each build's console log the given text (layout.GivenBuild);
        `core`: serve the core JSON API (with PGV, wfapi, Metrics as it says) instead of Blue Ocean."""
        if not isinstance(scale, int) or isinstance(scale, bool) or scale < 1:
            raise ValueError(f"scale must be an integer >= 1, got {scale!r}")
        if not 0.0 <= float(fault_rate) <= 1.0:
            raise ValueError(f"fault_rate must be within [0, 1], got {fault_rate!r}")
        if float(fault_delay) <= 0:
            raise ValueError(f"fault_delay must be > 0 seconds, got {fault_delay!r}")
        if (username is None) != (password is None):
            raise ValueError("give both username and password for basic auth, or neither")
        if given_logs and (scale != 1 or field_names):
            raise ValueError("given_logs make a controller of their own: no scale or field_names beside them")
        prefix = prefix.rstrip("/")
        if prefix and (not prefix.startswith("/") or any(c in prefix for c in "?#% ")):
            raise ValueError(f"prefix must be a path like /jenkins, got {prefix!r}")
        self.seed, self.scale, self.prefix = int(seed), scale, prefix
        self.controller = Controller(self.seed, scale, to_ms(now or DEFAULT_NOW), field_names, given_logs)
        self._state = State(self.controller, Faults(float(fault_rate), float(fault_delay), self.seed),
                            username, password, prefix, prefixed_links, core)
        self._server: SimulatorHTTPServer | None = None
        self._scheme = "http"
        self._thread: threading.Thread | None = None

    def start(self, host: str = "127.0.0.1", port: int = 0, tls: ssl.SSLContext | None = None) -> Self:
        """Serve in a background thread, over HTTPS with `tls` (a server context); returns self."""
        if self._server is not None:
            raise RuntimeError("simulator already started")
        self._state.stopping.clear()
        self._server = SimulatorHTTPServer((host, port), self._state)
        if tls is not None:
            self._server.socket = tls.wrap_socket(self._server.socket, server_side=True)
        self._scheme = self._state.scheme = "https" if tls is not None else "http"
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="blueocean-simulator", daemon=True)
        self._thread.start()
        return self

    @property
    def url(self) -> str:
        """The Jenkins root URL, e.g. http://127.0.0.1:8080 or http://127.0.0.1:8080/jenkins (the
        API is under it, at /blue/rest/)."""
        if self._server is None:
            raise RuntimeError("simulator not started")
        host, port = self._server.server_address[:2]
        return f"{self._scheme}://{host}:{port}{self.prefix}"

    @property
    def request_count(self) -> int:
        """`/blue/rest` requests since start or the last reset, faulted ones included."""
        return sum(self._state.counts().values())

    def requests_by_kind(self) -> dict[str, int]:
        """Requests by resource kind: pipelines, pipeline, branches, runs, run, nodes, steps, log, ..."""
        return self._state.counts()

    def reset_counts(self) -> None:
        self._state.reset_counts()

    def advance(self) -> None:
        """Move the controller on by one hour (see Controller.advance)."""
        with self._state.lock:
            self.controller.advance()

    def truth(self) -> dict:
        """What BuildButler should show for every build this controller ever had (see truth.py)."""
        with self._state.lock:
            return truth(self.controller)

    def stats(self) -> dict:
        return self._state.stats()

    def stop(self) -> None:
        if self._server is None:
            return
        self._state.stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self) -> Self:
        if self._server is None:
            self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
