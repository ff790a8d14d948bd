"""Recoveries and flaky commits stay right when a job's history changes over several syncs.

fct_build_recoveries and fct_flaky_commits are incremental per job: a sync computes again only
the failure runs from a job's earliest changed build on, and the commits of its changed builds.
Three syncs of a new job `payments` after the scenario's first one:

1. #1 passes and #2 (commit c2) fails: a failure run not recovered yet; #4 is running.
2. #3 passes on c2: the run recovers and c2 becomes flaky; #5 fails.
3. #4 finishes as a failure before #5 (out of order): #5's run now starts at #4. The job was
   recreated and its #2 is a new run that passed on c9: the first failure run and c2's flakiness
   are gone.

After each sync both marts hold what a person reading the runs expects, and the last incremental
build equals a full refresh.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from . import expectations as expect
from .dbt_runner import run_dbt
from .marts_reader import fetch, snapshot
from .raw_fixture import RawWarehouse
from .scenario import PIPELINE_STAGES, Job, Run, at, pipeline_log, raw_rows, runs_as_of

PAYMENTS = Job("prod", "payments", "payments", "/", "pipeline")


def payments_run(number: int, result: str | None, commit: str, hours: float) -> Run:
    state = "FINISHED" if result else "RUNNING"
    log = pipeline_log(PAYMENTS.full_name, result, [("Build", "+ make")]) if result else None
    return Run("prod", PAYMENTS.full_name, number, state, result, at(hours), 600_000 if result else None, 1_000,
               commit, log, PIPELINE_STAGES if result else ())


SYNCS: list[list[Run]] = [
    [payments_run(1, "SUCCESS", "c1" * 20, 60), payments_run(2, "FAILURE", "c2" * 20, 61),
     payments_run(4, None, "c4" * 20, 62)],
    [payments_run(3, "SUCCESS", "c2" * 20, 63), payments_run(5, "FAILURE", "c5" * 20, 64)],
    [payments_run(4, "FAILURE", "c4" * 20, 62), payments_run(2, "SUCCESS", "c9" * 20, 65)],
]


def recoveries(warehouse: Path) -> dict[str, tuple[int, str | None, int | None]]:
    rows = fetch(warehouse, "select first_failed_build_id, failed_builds, recovered_build_id, recovery_ms "
                            "from marts.fct_build_recoveries")
    return {row["first_failed_build_id"]: (row["failed_builds"], row["recovered_build_id"], row["recovery_ms"])
            for row in rows}


def flaky_commits(warehouse: Path) -> set[tuple[str, str]]:
    return {(row["job_id"], row["commit_sha"])
            for row in fetch(warehouse, "select job_id, commit_sha from marts.fct_flaky_commits")}


@pytest.fixture(scope="module")
def history(fork_built_warehouse: Callable[[str], Path]) -> dict:
    warehouse = fork_built_warehouse("job_history")
    runs = {(run.instance, run.job, run.number): run for run in runs_as_of(1)}
    after_each_sync = []
    for index, changed in enumerate(SYNCS):
        committed_at = at(70 + index)
        raw = RawWarehouse(warehouse)
        raw.load(raw_rows([PAYMENTS], changed, committed_at), load_id=f"17415000{index}0.000001",
                 committed_at=committed_at)
        raw.close()
        run_dbt(warehouse, warehouse.parent, "build")
        runs.update({(run.instance, run.job, run.number): run for run in changed})
        after_each_sync.append({
            "recoveries": (recoveries(warehouse), expect.recoveries(list(runs.values()))),
            "flaky": (flaky_commits(warehouse), expect.flaky_commits(list(runs.values()))),
        })
    incremental = snapshot(warehouse)
    run_dbt(warehouse, warehouse.parent, "build", "--full-refresh")
    return {"after_each_sync": after_each_sync, "incremental": incremental, "full": snapshot(warehouse)}


@pytest.mark.parametrize("sync", range(len(SYNCS)))
def test_recoveries_after_each_sync(history: dict, sync: int) -> None:
    held, expected = history["after_each_sync"][sync]["recoveries"]
    assert held == expected


@pytest.mark.parametrize("sync", range(len(SYNCS)))
def test_flaky_commits_after_each_sync(history: dict, sync: int) -> None:
    held, expected = history["after_each_sync"][sync]["flaky"]
    assert held == expected


def test_the_syncs_change_what_they_should(history: dict) -> None:
    build = {number: expect.build_id(payments_run(number, None, "", 0)) for number in range(1, 6)}
    payments = [{key: value[:2] for key, value in sync["recoveries"][0].items() if key in build.values()}
                for sync in history["after_each_sync"]]
    assert payments == [{build[2]: (1, None)}, {build[2]: (1, build[3]), build[5]: (1, None)}, {build[4]: (2, None)}]
    c2 = (expect.job_id("prod", PAYMENTS.full_name), "c2" * 20)
    assert [c2 in sync["flaky"][0] for sync in history["after_each_sync"]] == [False, True, False]


def test_incremental_builds_equal_full_refresh(history: dict) -> None:
    assert history["incremental"] == history["full"]
