"""A sync authenticates with the connection's credentials, and the Jenkins token leaks nowhere."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from ingestion.simulator import Simulator
from tests.support.paths import BIN, REPO

TOKEN = "jenkins-api-token-5f3a9c0e1b7d"


def buildbutler(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(BIN / "buildbutler"), *args], input=stdin, capture_output=True, text=True, cwd=REPO, timeout=600
    )


@pytest.fixture(scope="module")
def locked_simulator():
    sim = Simulator(seed=5, username="ci-bot", password=TOKEN).start()
    yield sim
    sim.stop()


def test_sync_uses_the_stored_credentials_and_never_leaks_the_token(home_env, locked_simulator):
    added = buildbutler("connections", "add", "locked", locked_simulator.url, "--username", "ci-bot",
                        "--token-stdin", stdin=TOKEN + "\n")
    assert added.returncode == 0, added.stderr
    wrong = buildbutler("connections", "add", "wrong", locked_simulator.url, "--username", "ci-bot",
                        "--token-stdin", stdin="not-the-token\n")
    assert wrong.returncode == 0, wrong.stderr

    sync = buildbutler("sync")
    assert sync.returncode == 1  # `wrong` is refused by the controller (401), `locked` lands
    summary = sync.stdout.strip().splitlines()[-1]
    assert "locked success" in summary and "wrong failed" in summary and "snapshot published" in summary
    assert locked_simulator.request_count > 0

    listed = buildbutler("connections", "list")
    outputs = added.stdout + added.stderr + sync.stdout + sync.stderr + listed.stdout + listed.stderr
    assert TOKEN not in outputs
    leaking = [p for p in Path(home_env).rglob("*") if p.is_file() and TOKEN.encode() in p.read_bytes()]
    assert leaking == []
