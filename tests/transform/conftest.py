"""One `dbt build` of the scenario's first sync, shared by every test that only reads the marts."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from .dbt_runner import run_dbt
from .raw_fixture import RawWarehouse
from .scenario import load_phase


def build_scenario_warehouse(folder: Path, phases: int = 1) -> Path:
    """Raw tables after `phases` syncs of the scenario, not yet transformed."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "warehouse.duckdb"
    raw = RawWarehouse(path)
    for phase in range(1, phases + 1):
        load_phase(raw, phase)
    raw.close()
    return path


@pytest.fixture(scope="session")
def built_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("scenario")
    warehouse = build_scenario_warehouse(work)
    started = time.monotonic()
    run_dbt(warehouse, work, "build")
    print(f"dbt build of the scenario: {time.monotonic() - started:.1f} s")
    return warehouse


@pytest.fixture(scope="session")
def fork_built_warehouse(built_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Path]:
    """Makes a copy of the built warehouse, in a folder of its own, for a test to load more syncs into.
    (dbt parses again there: its partial parse is tied to the profile, hence to the warehouse path.)"""

    def fork(name: str) -> Path:
        return Path(shutil.copy(built_warehouse, tmp_path_factory.mktemp(name) / "warehouse.duckdb"))

    return fork
