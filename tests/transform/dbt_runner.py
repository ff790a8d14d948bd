"""Runs the real dbt project (transform/) on a warehouse file as the orchestration does: the plain
`dbt` executable of this environment, a process per command."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from orchestration.dbt_project import DBT
from tests.support.paths import DBT_PROJECT as PROJECT


def dbt(warehouse: Path, work: Path, *args: str, project: Path = PROJECT) -> subprocess.CompletedProcess:
    """`dbt <args>` on `warehouse`, with target and logs under `work` so runs never collide."""
    command = [
        str(DBT), *args,
        "--project-dir", str(project), "--profiles-dir", str(project),
        "--target-path", str(work / "target"), "--log-path", str(work / "logs"),
    ]
    env = {**os.environ, "BUILDBUTLER_WAREHOUSE": str(warehouse), "DO_NOT_TRACK": "1"}
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)


def run_dbt(warehouse: Path, work: Path, *args: str, project: Path = PROJECT) -> str:
    """`dbt <args>`, which must succeed; its output."""
    done = dbt(warehouse, work, *args, project=project)
    if done.returncode != 0:
        raise AssertionError(f"dbt {' '.join(args)} failed:\n{done.stdout[-10_000:]}\n{done.stderr[-2_000:]}")
    return done.stdout


def failing_nodes(warehouse: Path, work: Path, *args: str, project: Path = PROJECT) -> set[str]:
    """`dbt <args>`, which must fail; the names of the nodes that failed or errored."""
    done = dbt(warehouse, work, *args, project=project)
    assert done.returncode != 0, f"dbt {' '.join(args)} succeeded:\n{done.stdout[-5_000:]}"
    results = json.loads((work / "target" / "run_results.json").read_text())["results"]
    return {result["unique_id"].split(".")[2] for result in results if result["status"] in ("fail", "error")}
