"""`buildbutler serve` in a subprocess for a test, and the wait until it answers."""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

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


def buildbutler(*args: str) -> subprocess.CompletedProcess:
    """`buildbutler <args>` as a user runs it, in the environment of the test."""
    return subprocess.run([str(BIN / "buildbutler"), *args], capture_output=True, text=True, cwd=REPO, timeout=900)


@contextmanager
def synced_and_served(home: Path, connection: str, url: str) -> Iterator[dict]:
    """A home with one connection added and synced, and `buildbutler serve` on it: the sync's
    result, the API's base URL and a viewer token's headers. The environment is restored after."""
    saved = dict(os.environ)
    os.environ["BUILDBUTLER_HOME"] = str(home)
    os.environ["PATH"] = f"{BIN}{os.pathsep}{os.environ['PATH']}"
    os.environ["BUILDBUTLER_RATE_LIMIT"] = "0"  # tests read every build, and each one's log
    server = None
    try:
        added = buildbutler("connections", "add", connection, url)
        assert added.returncode == 0, added.stderr
        sync = buildbutler("sync")
        server, base = start_serving()
        token = buildbutler("tokens", "create", "--role", "viewer").stdout.strip()
        yield {"sync": sync, "api": base, "home": home, "headers": {"Authorization": f"Bearer {token}"}}
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=20)
        os.environ.clear()
        os.environ.update(saved)


def api_get(world: dict, path: str, **params) -> requests.Response:
    """GET an API path (below /api/v1) of `synced_and_served`'s server; it must answer 200."""
    response = requests.get(world["api"] + "/api/v1" + path, params=params, headers=world["headers"], timeout=30)
    assert response.status_code == 200, (path, response.status_code, response.text[:300])
    return response
