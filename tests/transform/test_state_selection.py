"""A sync builds the views and seeds only when they changed since the last successful build of its
warehouse: `build_args(previous_state=...)` (dbt's `state:unmodified` against that build's manifest)
leaves the unchanged ones out, builds a changed one, and still builds every table and test."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

from orchestration.dbt_project import build_args

from .dbt_runner import PROJECT, run_dbt


def built_nodes(work: Path) -> dict[str, str]:
    """unique id -> resource type of the nodes the last dbt command in `work` ran."""
    results = json.loads((work / "target" / "run_results.json").read_text())["results"]
    return {result["unique_id"]: result["unique_id"].split(".")[0] for result in results}


def materialized(work: Path, kind: str) -> set[str]:
    manifest = json.loads((work / "target" / "manifest.json").read_text())
    return {key for key, node in manifest["nodes"].items() if node["config"].get("materialized") == kind}


def test_unchanged_views_and_seeds_are_left_out(fork_built_warehouse: Callable[[str], Path], tmp_path: Path) -> None:
    warehouse = fork_built_warehouse("state_selection")
    first, second, third = tmp_path / "first", tmp_path / "second", tmp_path / "third"
    run_dbt(warehouse, first, *build_args())
    state = tmp_path / "state"
    state.mkdir()
    shutil.copy(first / "target" / "manifest.json", state)

    run_dbt(warehouse, second, *build_args(previous_state=state))
    ran = built_nodes(second)
    views = materialized(second, "view")
    assert views and not views & set(ran)
    assert "seed" not in ran.values()
    assert materialized(second, "incremental") | materialized(second, "table") <= set(ran)
    assert "test" in ran.values()

    # a view whose SQL changed is built again (in a copy of the project)
    project = Path(shutil.copytree(PROJECT, tmp_path / "transform", ignore=shutil.ignore_patterns("target", "logs")))
    view = project / "models" / "staging" / "blueocean" / "stg_blueocean__jobs.sql"
    view.write_text(view.read_text() + "\n-- edited\n")
    run_dbt(warehouse, third, *build_args(previous_state=state), project=project)
    assert {key for key in built_nodes(third) if key in views} == {"model.buildbutler.stg_blueocean__jobs"}
