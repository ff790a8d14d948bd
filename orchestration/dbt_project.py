"""The dbt project (transform/) as Dagster sees it, and how its commands are built.

`DbtProject` needs an absolute path (a relative one fails at run time) and a manifest before the
definitions load; `ensure_manifest` runs `dbt parse` when the manifest is missing or older than
the project's files, so a fresh clone works without a packaging step.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from dagster_dbt import DbtProject

from buildbutler.home import Home
from buildbutler.settings import Settings
from orchestration.dbt_daemon.paths import DBT, TRANSFORM_DIR, project_stamp


def dbt_env(home: Home) -> dict[str, str]:
    """The environment every dbt call gets: the warehouse path is absolute, whatever the cwd."""
    return {**os.environ, "BUILDBUTLER_WAREHOUSE": str(home.warehouse)}


def build_args(full_refresh: bool = False) -> list[str]:
    # Data tests run on every sync (they are the models' asset checks); unit tests check the SQL
    # logic itself, which only changes with the code, so `make test` runs them instead.
    # Dagster keeps dbt's stdout; the debug log file would only cost each sync about 0.5 s.
    args = ["build", "--exclude-resource-type", "unit_test", "--log-level-file", "none"]
    if full_refresh:
        args.append("--full-refresh")
    return args


def ensure_manifest(project: DbtProject) -> Path:
    manifest = Path(project.manifest_path)
    if not manifest.exists() or manifest.stat().st_mtime < project_stamp():
        subprocess.run(
            [DBT, "parse", "--quiet", "--project-dir", str(TRANSFORM_DIR), "--profiles-dir", str(TRANSFORM_DIR)],
            env=dbt_env(Settings.from_env().home),
            check=True,
            cwd=TRANSFORM_DIR,
        )
    return manifest


dbt_project = DbtProject(project_dir=TRANSFORM_DIR, profiles_dir=TRANSFORM_DIR)
