"""Fixtures of every suite: a fresh BUILDBUTLER_HOME, and no dbt daemon left behind (helpers: tests/support/)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from buildbutler.home import Home
from orchestration.dbt_daemon.client import stop_daemon
from tests.support.paths import BIN

# Should the session end abruptly, the tests' dbt daemon goes after two minutes, not half an hour.
os.environ.setdefault("BUILDBUTLER_DBT_DAEMON_IDLE", "120")


@pytest.fixture(scope="session", autouse=True)
def dbt_daemon_stopped_at_the_end():
    """No dbt daemon outlives the test session (CI waits for nothing it started)."""
    yield
    stop_daemon()


@pytest.fixture
def fresh_home(tmp_path: Path) -> Home:
    """An empty home, made, that the environment does not name (pass it on with `settings_for`)."""
    return Home(tmp_path / "home").ensure()


@pytest.fixture
def home_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty BUILDBUTLER_HOME for this test, also inherited by subprocesses."""
    home = tmp_path / "home"
    monkeypatch.setenv("BUILDBUTLER_HOME", str(home))
    monkeypatch.setenv("PATH", f"{BIN}{os.pathsep}{os.environ['PATH']}")
    return home
