"""Runs the real dbt project (transform/) on a warehouse file, as a subprocess like the orchestration does."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2] / "transform"
DBT = Path(sys.executable).with_name("dbt")


def run_dbt(warehouse: Path, work: Path, *args: str) -> str:
    """`dbt <args>` on `warehouse`, with target and logs under `work` so runs never collide."""
    executable = str(DBT) if DBT.exists() else shutil.which("dbt")
    command = [
        executable, *args,
        "--project-dir", str(PROJECT), "--profiles-dir", str(PROJECT),
        "--target-path", str(work / "target"), "--log-path", str(work / "logs"),
    ]
    env = {**os.environ, "BUILDBUTLER_WAREHOUSE": str(warehouse), "DO_NOT_TRACK": "1"}
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        raise AssertionError(f"dbt {' '.join(args)} failed:\n{done.stdout[-10_000:]}\n{done.stderr[-2_000:]}")
    return done.stdout
