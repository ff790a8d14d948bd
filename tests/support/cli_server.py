"""`buildbutler serve` in a subprocess for a test, and the wait until it answers."""

from __future__ import annotations

import subprocess
import time

import requests

from tests.support.paths import BIN, REPO
from tests.support.ports import free_port


def start_serving(env: dict[str, str] | None = None) -> tuple[subprocess.Popen, str]:
    """The server process and its base URL, once /health answers (or after a minute)."""
    port = free_port()
    server = subprocess.Popen([str(BIN / "buildbutler"), "serve", "--port", str(port)], cwd=REPO, env=env)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{base}/health", timeout=1).ok:
                break
        except requests.ConnectionError:
            time.sleep(0.2)
    return server, base
