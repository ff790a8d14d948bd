"""Shared test helpers: a fresh BUILDBUTLER_HOME and the project's own executables."""

from __future__ import annotations

import dataclasses
import os
import socket
import sys
from pathlib import Path

import pytest

from buildbutler.home import Home
from buildbutler.settings import Settings
from orchestration.dbt_daemon.client import stop_daemon

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
BIN = Path(sys.executable).parent

# Should the session end abruptly, the tests' dbt daemon goes after two minutes, not half an hour.
os.environ.setdefault("BUILDBUTLER_DBT_DAEMON_IDLE", "120")


@pytest.fixture(scope="session", autouse=True)
def dbt_daemon_stopped_at_the_end():
    """No dbt daemon outlives the test session (CI waits for nothing it started)."""
    yield
    stop_daemon()


def settings_for(home: Home) -> Settings:
    """The settings of the environment (as the test set it), for `home`."""
    return dataclasses.replace(Settings.from_env(), home=home)


@pytest.fixture
def fresh_home(tmp_path: Path) -> Home:
    """An empty home, made, that the environment does not name (pass it on with `settings_for`)."""
    return Home(tmp_path / "home").ensure()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def home_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty BUILDBUTLER_HOME for this test, also inherited by subprocesses."""
    home = tmp_path / "home"
    monkeypatch.setenv("BUILDBUTLER_HOME", str(home))
    monkeypatch.setenv("PATH", f"{BIN}{os.pathsep}{os.environ['PATH']}")
    return home
