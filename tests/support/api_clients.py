"""The API in process: Litestar's TestClient on a home, with a known admin token."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from litestar.testing import TestClient

from api.app import create_app
from buildbutler.home import Home
from tests.support.settings import settings_for

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
