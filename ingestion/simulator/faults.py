"""Fault injection: a share of `/blue/rest` requests fails the way networks and proxies fail.

Kinds: HTTP 500 (Jenkins' own error body), 502 and 503 (a reverse proxy's HTML page), 429 with
`Retry-After: 1`, a stall longer than `fault_delay` then a close without a response (a client
timeout), a connection reset (RST, no response), and a truncated body (the full Content-Length
announced, half the body sent, then the connection closed). Faults never alter data otherwise.
"""

from __future__ import annotations

import random
import threading

KINDS = ("http500", "http502", "http503", "http429", "stall", "reset", "truncated")

PROXY_PAGE = ("<html>\r\n<head><title>{code} {reason}</title></head>\r\n<body>\r\n<center><h1>{code} {reason}</h1>"
              "</center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n")


class Faults:
    """Draws whether a request fails, and how; thread-safe and reproducible for a given request order."""

    def __init__(self, rate: float, delay: float, seed: int):
        self.rate, self.delay = rate, delay
        self._rng = random.Random(f"faults:{seed}")
        self._lock = threading.Lock()
        self.drawn: dict[str, int] = dict.fromkeys(KINDS, 0)

    def draw(self) -> str | None:
        if self.rate <= 0:
            return None
        with self._lock:
            if self._rng.random() >= self.rate:
                return None
            kind = self._rng.choice(KINDS)
            self.drawn[kind] += 1
            return kind


def canned_response(kind: str) -> tuple[int, dict[str, str], bytes] | None:
    """Status, headers and body of an HTTP-level fault; None for the socket-level ones."""
    if kind == "http500":
        body = b'{"message":"Internal Server Error","code":500,"errors":[]}'
        return 500, {"Content-Type": "application/json;charset=utf-8"}, body
    if kind in ("http502", "http503"):
        code, reason = (502, "Bad Gateway") if kind == "http502" else (503, "Service Temporarily Unavailable")
        return code, {"Content-Type": "text/html"}, PROXY_PAGE.format(code=code, reason=reason).encode()
    if kind == "http429":
        return 429, {"Content-Type": "text/html", "Retry-After": "1"}, PROXY_PAGE.format(
            code=429, reason="Too Many Requests").encode()
    return None
