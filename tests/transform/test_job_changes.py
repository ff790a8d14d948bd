"""Jobs that change under the warehouse keep correct dimensions after incremental builds:

- a branch whose runs arrive one sync before its job (the job listing missed it): named from its
  full name at first, then a branch job with its builds carrying the branch once the job arrives;
- a job moved to another folder (a new full name in Jenkins, its builds fetched again under it),
  while the builds of its old name stay (history is kept);
- a job deleted and recreated under the same name as a Pipeline, its build #1 a new run.
Each time the incremental build equals a full refresh.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from . import expectations as expect
from .dbt_runner import run_dbt
from .marts_reader import fetch, snapshot
from .raw_fixture import RawWarehouse
from .scenario import JOBS, PHASE_1, PIPELINE_STAGES, Job, Run, Stage, at, pipeline_log, raw_rows

PROD_JOBS = [job for job in JOBS if job.instance == "prod"]
DARK_MODE = Job("prod", "webapp/feature%2Fdark-mode", "feature/dark-mode", "/webapp", "branch", "feature/dark-mode",
                False)
DARK_MODE_RUN = Run("prod", DARK_MODE.full_name, 1, "FINISHED", "SUCCESS", at(59), 300_000, 1_000, "d1" * 20,
                    pipeline_log(DARK_MODE.full_name, "SUCCESS", [("Build", "+ npm run build")]), PIPELINE_STAGES,
                    agents=("linux-1",))
MOVED = Job("prod", "platform/ops/deploy", "deploy", "/platform/ops", "pipeline")
MOVED_RUNS = [replace(run, job=MOVED.full_name) for run in PHASE_1 if run.job == "platform/infra/deploy"]
RECREATED = Job("legacy", "tools/cleanup", "cleanup", "/tools", "pipeline")
RECREATED_RUN = Run("legacy", RECREATED.full_name, 1, "FINISHED", "FAILURE", at(60), 20_000, 500,
                    log=pipeline_log("tools/cleanup", "FAILURE", [("Clean", "No space left on device")], ("linux-3",)),
                    stages=(Stage("Clean", "FAILURE", 18_000),), category="infrastructure", agents=("linux-3",))
LEGACY_JOBS = [RECREATED if job.full_name == RECREATED.full_name else job for job in JOBS if job.instance == "legacy"]


def load(warehouse: Path, load_id: str, committed_at, jobs: list[Job], runs: list[Run]) -> None:
    raw = RawWarehouse(warehouse)
    raw.load(raw_rows(jobs, runs, committed_at), load_id=load_id, committed_at=committed_at)
    raw.close()


def job_row(warehouse: Path, job: Job) -> dict:
    return fetch(warehouse, "select name, folder, kind, branch, last_build, last_result, total_builds "
                            "from marts.dim_jobs where job_id = ?", [expect.job_id(job.instance, job.full_name)])[0]


def build_rows(warehouse: Path, runs: list[Run]) -> list[dict]:
    return fetch(warehouse, "select job_name, folder, branch, result, failure_category from marts.fct_builds "
                            "where build_id in ? order by number", [[expect.build_id(run) for run in runs]])


@pytest.fixture(scope="module")
def changed_jobs(fork_built_warehouse: Callable[[str], Path]) -> dict:
    warehouse = fork_built_warehouse("job_changes")
    work = warehouse.parent
    load(warehouse, "1741300000.000001", at(60), PROD_JOBS, [DARK_MODE_RUN])
    run_dbt(warehouse, work, "build")
    before_job = {"job": job_row(warehouse, DARK_MODE), "builds": build_rows(warehouse, [DARK_MODE_RUN])}

    load(warehouse, "1741300100.000002", at(61), [*PROD_JOBS, DARK_MODE, MOVED], MOVED_RUNS)
    load(warehouse, "1741300200.000003", at(61.1), LEGACY_JOBS, [RECREATED_RUN])
    run_dbt(warehouse, work, "build")
    incremental = snapshot(warehouse)
    run_dbt(warehouse, work, "build", "--full-refresh")
    return {"warehouse": warehouse, "before_job": before_job, "incremental": incremental, "full": snapshot(warehouse)}


def test_branch_known_only_from_its_runs_then_from_its_job(changed_jobs: dict) -> None:
    derived = {"name": "feature/dark-mode", "folder": "/webapp", "kind": "other", "branch": None, "last_build": 1,
               "last_result": "SUCCESS", "total_builds": 1}
    assert changed_jobs["before_job"]["job"] == derived
    assert changed_jobs["before_job"]["builds"] == [
        {"job_name": "feature/dark-mode", "folder": "/webapp", "branch": None, "result": "SUCCESS",
         "failure_category": None}]
    warehouse = changed_jobs["warehouse"]
    assert job_row(warehouse, DARK_MODE) == {**derived, "kind": "branch", "branch": "feature/dark-mode"}
    assert build_rows(warehouse, [DARK_MODE_RUN])[0]["branch"] == "feature/dark-mode"


def test_moved_job_has_its_builds_and_the_old_name_keeps_its_history(changed_jobs: dict) -> None:
    warehouse = changed_jobs["warehouse"]
    assert job_row(warehouse, MOVED) == {"name": "deploy", "folder": "/platform/ops", "kind": "pipeline",
                                         "branch": None, "last_build": 5, "last_result": "FAILURE",
                                         "total_builds": 5}
    assert {row["folder"] for row in build_rows(warehouse, MOVED_RUNS)} == {"/platform/ops"}
    old = next(job for job in JOBS if job.full_name == "platform/infra/deploy")
    assert job_row(warehouse, old)["total_builds"] == 5


def test_recreated_job_has_its_new_kind_and_build(changed_jobs: dict) -> None:
    warehouse = changed_jobs["warehouse"]
    assert job_row(warehouse, RECREATED) == {"name": "cleanup", "folder": "/tools", "kind": "pipeline",
                                             "branch": None, "last_build": 1, "last_result": "FAILURE",
                                             "total_builds": 1}
    assert build_rows(warehouse, [RECREATED_RUN]) == [
        {"job_name": "cleanup", "folder": "/tools", "branch": None, "result": "FAILURE",
         "failure_category": "infrastructure"}]
    labels = fetch(warehouse, "select label from marts.bridge_build_labels where build_id = ?",
                   [expect.build_id(RECREATED_RUN)])
    assert labels == [{"label": "linux-3"}]


def test_incremental_builds_equal_full_refresh(changed_jobs: dict) -> None:
    assert changed_jobs["incremental"] == changed_jobs["full"]
