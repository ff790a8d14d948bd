"""Fixtures of the API tests: a published fixture snapshot and an in-process client on it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from litestar.testing import TestClient

from buildbutler.home import Home
from tests.api.snapshot_fixture import Fixture, make_fixture, publish, write_snapshot
from tests.support.api_clients import api_client


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
