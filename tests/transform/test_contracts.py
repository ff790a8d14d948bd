"""The marts' contracts and data tests stop a sync at bad rows: a build whose data breaks a mart's
declared rules fails that model (and skips what is built on it), a broken failure rule fails before
any build is classified with it, and an id that points nowhere fails its relationships test."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import duckdb

from .dbt_runner import PROJECT, failing_nodes
from .raw_fixture import RawWarehouse
from .scenario import PHASE_1, at, raw_rows

RUN = next(run for run in PHASE_1 if run.job == "api-service" and run.number == 2)


def test_a_build_breaking_a_check_fails_its_model(fork_built_warehouse: Callable[[str], Path]) -> None:
    warehouse = fork_built_warehouse("contract_check")
    raw = RawWarehouse(warehouse)
    # a finished build with a negative duration: fct_builds declares `duration_ms >= 0`
    raw.load(raw_rows([], [replace(RUN, duration_ms=-5)], fetched_at=at(80)), load_id="1741400000.000001",
             committed_at=at(80))
    raw.close()
    assert failing_nodes(warehouse, warehouse.parent, "build") == {"fct_builds"}


def test_a_broken_failure_rule_fails_before_any_build_is_classified(
        fork_built_warehouse: Callable[[str], Path], tmp_path: Path) -> None:
    warehouse = fork_built_warehouse("contract_rules")
    project = Path(shutil.copytree(PROJECT, tmp_path / "transform", ignore=shutil.ignore_patterns("target", "logs")))
    rules = project / "seeds" / "failure_patterns.csv"
    rules.write_text(rules.read_text() + "950,unknown,unclosed (group,,,,a typo\n")
    assert failing_nodes(warehouse, warehouse.parent, "build", project=project) == {"failure_patterns_are_re2"}


def test_a_dangling_id_fails_the_relationships_test(fork_built_warehouse: Callable[[str], Path]) -> None:
    warehouse = fork_built_warehouse("relationships")
    with duckdb.connect(str(warehouse)) as con:
        # a flaky commit of a job dim_jobs does not hold
        con.execute("insert into marts.fct_flaky_commits (job_id, commit_sha, passed_builds, failed_builds) "
                    "values ('j_missing', 'abc', 1, 1)")
    failed = failing_nodes(warehouse, warehouse.parent, "test", "--select", "fct_flaky_commits")
    assert failed == {"relationships_fct_flaky_commits_job_id__job_id__ref_dim_jobs_"}
