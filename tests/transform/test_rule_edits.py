"""An analyst edits the failure rules (seeds/failure_patterns.csv): the next sync's incremental
`dbt build`, with no new data at all, classifies every old build again, exactly as a full refresh
with the edited rules does."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from . import expectations as expect
from .dbt_runner import PROJECT, run_dbt
from .marts_reader import fetch, snapshot
from .scenario import runs_as_of

# ahead of every other rule: the analyst decided that failures on agent linux-1 are its fault
BLAME_LINUX_1 = "5,infrastructure,Running on linux-1 in,Running on linux-1 in,,,agent linux-1 has a broken disk\n"


def edited_project(folder: Path) -> Path:
    """A copy of transform/ with BLAME_LINUX_1 added to the rules (the repository's stays as it is)."""
    project = Path(shutil.copytree(PROJECT, folder / "transform", ignore=shutil.ignore_patterns("target", "logs")))
    rules = project / "seeds" / "failure_patterns.csv"
    header, *lines = rules.read_text().splitlines(keepends=True)
    rules.write_text(header + BLAME_LINUX_1 + "".join(lines))
    return project


def expected_category(run) -> str | None:
    # aborts stay timeout/aborted (only timeout rules count for them); every other unsuccessful
    # build that ran on linux-1 is now an infrastructure failure
    blamed = run.final_result in ("FAILURE", "UNSTABLE", "NOT_BUILT") and "Running on linux-1 in" in (run.log or "")
    return "infrastructure" if blamed else run.category


@pytest.fixture(scope="module")
def edited_rules(fork_built_warehouse: Callable[[str], Path]) -> dict:
    warehouse = fork_built_warehouse("rule_edits")
    work = warehouse.parent
    project = edited_project(work)
    run_dbt(warehouse, work, "build", project=project)
    incremental = snapshot(warehouse)
    categories = {row["build_id"]: row["failure_category"]
                  for row in fetch(warehouse, "select build_id, failure_category from marts.fct_builds")}
    run_dbt(warehouse, work, "build", "--full-refresh", project=project)
    return {"categories": categories, "incremental": incremental, "full": snapshot(warehouse)}


def test_every_old_build_is_classified_again(edited_rules: dict) -> None:
    runs = [run for run in runs_as_of(1) if run.is_build]
    assert any(expected_category(run) != run.category for run in runs)  # the edit does change something
    assert edited_rules["categories"] == {expect.build_id(run): expected_category(run) for run in runs}


def test_incremental_build_equals_full_refresh_with_the_edited_rules(edited_rules: dict) -> None:
    assert edited_rules["incremental"] == edited_rules["full"]
