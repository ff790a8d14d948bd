"""Shared fixtures: one read-only simulator per session, and its client (helpers: tests/support/simulator_api.py).

Tests that change the controller (advance, counters, faults, auth) start their own simulator.
"""

from __future__ import annotations

import pytest

from ingestion.simulator import Simulator
from tests.support.simulator_api import Api


@pytest.fixture(scope="session")
def sim():
    simulator = Simulator(seed=7).start()
    yield simulator
    simulator.stop()


@pytest.fixture(scope="session")
def api(sim) -> Api:
    return Api(sim)


@pytest.fixture(scope="session")
def truth(sim) -> dict:
    return {job["full_name"]: job for job in sim.truth()["jobs"]}

