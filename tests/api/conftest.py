"""Fixtures of the API tests: a published fixture snapshot, API clients (in-process and real uvicorn)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import uvicorn
from litestar import Litestar
from litestar.testing import TestClient

from api.app import create_app
from buildbutler.home import Home
from tests.api.snapshot_fixture import Fixture, make_fixture, publish, write_snapshot
from tests.conftest import settings_for

ADMIN_TOKEN = "test-admin-token"
ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


@contextmanager
def api_client(home: Home, **env: str) -> Iterator[TestClient]:
    """A started app (lifespan run) for `home`; `env` is in force while the app reads it (creation, startup)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("BUILDBUTLER_ADMIN_TOKEN", ADMIN_TOKEN)
        mp.setenv("BUILDBUTLER_RATE_LIMIT", "0")
        for key, value in env.items():
            mp.setenv(key, value)
        client = TestClient(create_app(settings_for(home)))
        client.__enter__()
    try:
        yield client
    finally:
        client.__exit__(None, None, None)


@contextmanager
def serve(app: Litestar) -> Iterator[str]:
    """Runs `app` under a real uvicorn on 127.0.0.1, a free port; yields the base URL."""
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def fixture_data() -> Fixture:
    return make_fixture()


@pytest.fixture(scope="session")
def served_home(tmp_path_factory: pytest.TempPathFactory, fixture_data: Fixture) -> Home:
    """A home whose current snapshot holds `fixture_data`. Tests must not write to it (use `fresh_home`)."""
    home = Home(tmp_path_factory.mktemp("served") / "home").ensure()
    publish(home, write_snapshot(home.serving_dir / "snapshot-20260101T000000Z.duckdb", fixture_data))
    return home


@pytest.fixture(scope="module")
def client(served_home: Home) -> Iterator[TestClient]:
    with api_client(served_home) as c:
        yield c
