"""The dbt project (transform/) as Dagster sees it, and how its commands are built.

`DbtProject` needs an absolute path (a relative one fails at run time) and a manifest before the
definitions load; `ensure_manifest` runs `dbt parse` when the manifest is missing or older than
the project's files, so a fresh clone works without a packaging step.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from dagster_dbt import DbtProject

from buildbutler.home import Home
from buildbutler.settings import Settings

TRANSFORM_DIR = Path(__file__).resolve().parents[1] / "transform"
DBT = Path(sys.executable).with_name("dbt")  # the dbt of this environment, whatever PATH says
PROJECT_FILES = ("dbt_project.yml", "profiles.yml", "models", "macros", "seeds", "data-tests")
SYNC_TARGET = Path("target", "sync")  # relative to the project: one folder, replaced by each sync

# Views and seeds hold no data a sync changes: one left as the previous sync built it is as good as
# a new one. They are built again only when dbt finds them modified against that sync's manifest.
# One value (selectors apart by a space, as dbt reads them): dagster-dbt takes a single value per --exclude.
UNCHANGED_VIEWS_AND_SEEDS = "config.materialized:view,state:unmodified resource_type:seed,state:unmodified"


def project_stamp() -> float:
    """The newest modification time among the project's files and folders (a folder's changes when
    a file in it is added, removed or renamed)."""
    newest = 0.0
    for name in PROJECT_FILES:
        path = TRANSFORM_DIR / name
        if path.exists():
            newest = max([newest, path.stat().st_mtime, *(p.stat().st_mtime for p in path.rglob("*"))])
    return newest


def dbt_env(home: Home) -> dict[str, str]:
    """The environment every dbt call gets: the warehouse path is absolute, whatever the cwd."""
    return {**os.environ, "BUILDBUTLER_WAREHOUSE": str(home.warehouse)}


def build_args(full_refresh: bool = False, previous_state: Path | None = None) -> list[str]:
    """`dbt build` as a sync runs it. `previous_state`: the folder of the manifest of the last
    successful build of this warehouse, if there is one."""
    # Data tests run on every sync (they are the models' asset checks); unit tests check the SQL
    # logic itself, which only changes with the code, so `make test` runs them instead.
    # Dagster keeps dbt's stdout; the debug log file would only cost each sync about 0.5 s.
    args = ["build", "--exclude-resource-type", "unit_test", "--log-level-file", "none"]
    if full_refresh:
        args.append("--full-refresh")
    elif previous_state is not None:
        args += ["--state", str(previous_state), "--exclude", UNCHANGED_VIEWS_AND_SEEDS]
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
