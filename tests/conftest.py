"""Fixtures of every suite: a fresh BUILDBUTLER_HOME (helpers: tests/support/)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from buildbutler.home import Home
from tests.support.paths import BIN


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
