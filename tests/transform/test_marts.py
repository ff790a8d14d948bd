"""Every mart after the scenario's first sync, row by row, against what the scenario says."""

from __future__ import annotations

from pathlib import Path

from . import expectations as expect
from .marts_reader import fetch
from .scenario import JOBS, runs_as_of

RUNS = runs_as_of(1)
BUILDS = {expect.build_id(run): run for run in RUNS if run.is_build}
JOBS_BY_KEY = {(job.instance, job.full_name): job for job in JOBS}


def rows_by(warehouse: Path, sql: str, key: str) -> dict:
    return {row[key]: row for row in fetch(warehouse, sql)}


def test_builds_are_the_started_runs_with_contract_ids(built_warehouse: Path) -> None:
    rows = rows_by(built_warehouse, "select * from marts.fct_builds", "build_id")
    assert set(rows) == set(BUILDS)  # queue items and a run cancelled in the queue are not builds
    for build_id, run in BUILDS.items():
        row, job = rows[build_id], JOBS_BY_KEY[(run.instance, run.job)]
        assert row["job_id"] == expect.job_id(run.instance, run.job)
        assert (row["instance"], row["job_full_name"], row["number"]) == (run.instance, run.job, run.number)
        assert (row["job_name"], row["folder"], row["branch"]) == (job.name, job.folder, job.branch)
        assert row["state"] == ("RUNNING" if run.state == "QUEUED" else run.state)
        assert row["result"] == run.final_result
        assert row["duration_ms"] == (run.duration_ms if run.state == "FINISHED" else None)
        assert row["queue_time_ms"] == expect.queue_time_ms(run), build_id
        assert row["started_at"] == run.started and row["started_at"].utcoffset().total_seconds() == 0
        assert row["commit_sha"] == run.commit


def test_failure_categories_stages_and_counting(built_warehouse: Path) -> None:
    rows = rows_by(built_warehouse, "select * from marts.fct_builds", "build_id")
    for build_id, run in BUILDS.items():
        row = rows[build_id]
        category = None if run.final_result in (None, "SUCCESS") else run.category
        assert row["failure_category"] == category, (run.job, run.number)
        assert row["failing_stage"] == expect.failing_stage(run), (run.job, run.number)
        assert row["is_counted"] == run.is_counted, (run.job, run.number)
        assert row["is_success"] == (run.final_result == "SUCCESS")


def test_builds_are_stored_by_job_then_newest_first(built_warehouse: Path) -> None:
    rows = fetch(built_warehouse, "select job_id, started_at from marts.fct_builds order by rowid")
    keys = [(row["job_id"], -row["started_at"].timestamp()) for row in rows]
    assert keys == sorted(keys)


def test_jobs(built_warehouse: Path) -> None:
    rows = rows_by(built_warehouse, "select * from marts.dim_jobs", "job_id")
    assert set(rows) == {expect.job_id(job.instance, job.full_name) for job in JOBS}  # folders are not jobs
    for job in JOBS:
        row = rows[expect.job_id(job.instance, job.full_name)]
        assert (row["instance"], row["full_name"], row["name"], row["folder"]) == (
            job.instance, job.full_name, job.name, job.folder)
        assert (row["kind"], row["branch"], row["pull_request_id"]) == (job.kind, job.branch, job.pull_request_id)
        summary = expect.job_summary(job, RUNS)
        assert {name: row[name] for name in summary} == summary, job.full_name


def test_job_reliability_figures(built_warehouse: Path) -> None:
    rows = rows_by(built_warehouse, "select * from marts.dim_jobs", "full_name")
    api = rows["api-service"]
    # the only slow build (>= p90) of api-service is the timeout, stuck in Test
    assert api["slowest_stage"] == "Test"
    assert api["slowest_stage_share"] == 3_590_000 / 3_600_000
    assert api["flaky_commits"] == 2
    deploy_recoveries = [
        ms for first, (_, _, ms) in expect.recoveries(RUNS).items()
        if ms is not None and BUILDS[first].job == "platform/infra/deploy"
    ]
    assert rows["platform/infra/deploy"]["avg_recovery_ms"] == round(sum(deploy_recoveries) / len(deploy_recoveries))
    assert rows["platform/nightly-report"]["slowest_stage"] is None
    assert rows["legacy-nightly"]["slowest_stage"] is None  # freestyle: no stages


def test_instances(built_warehouse: Path) -> None:
    rows = rows_by(built_warehouse, "select * from marts.dim_instances", "instance")
    assert set(rows) == {"prod", "legacy"}
    for instance, row in rows.items():
        builds = [run for run in BUILDS.values() if run.instance == instance]
        assert row["job_count"] == sum(job.instance == instance for job in JOBS)
        assert row["build_count"] == len(builds)
        assert row["latest_build_at"] == max(run.started for run in builds)


def test_stages_are_the_nodes_that_ran(built_warehouse: Path) -> None:
    rows = fetch(built_warehouse, "select * from marts.fct_stages order by build_id, position")
    names = {(row["build_id"], row["stage_id"]): row["name"] for row in rows}
    got: dict[str, list] = {}
    for row in rows:
        parent = names[(row["build_id"], row["parent_stage_id"])] if row["parent_stage_id"] else None
        got.setdefault(row["build_id"], []).append((row["name"], parent, row["node_type"]))
    want = {build_id: expect.executed_stages(run) for build_id, run in BUILDS.items() if expect.executed_stages(run)}
    assert got == want  # future nodes and freestyle builds list nothing


def test_steps(built_warehouse: Path) -> None:
    sql = "select build_id, description, result from marts.fct_steps order by build_id, position"
    rows = fetch(built_warehouse, sql)
    got: dict[str, list] = {}
    for row in rows:
        got.setdefault(row["build_id"], []).append((row["description"], row["result"]))
    want = {
        build_id: [(f"./ci/{leaf.name.lower()}.sh", leaf.result) for leaf in expect.leaf_stages(run)]
        for build_id, run in BUILDS.items() if run.state == "FINISHED" and expect.leaf_stages(run)
    }
    assert got == want


def test_labels(built_warehouse: Path) -> None:
    rows = fetch(built_warehouse, "select build_id, label from marts.bridge_build_labels")
    got: dict[str, set] = {}
    for row in rows:
        got.setdefault(row["build_id"], set()).add(row["label"])
    assert got == {build_id: set(run.agents) for build_id, run in BUILDS.items()}


def test_build_logs(built_warehouse: Path) -> None:
    rows = rows_by(built_warehouse, "select * from marts.build_logs", "build_id")
    with_log = {build_id: run for build_id, run in BUILDS.items() if run.log and run.state == "FINISHED"}
    assert set(rows) == set(with_log)
    for build_id, run in with_log.items():
        assert rows[build_id]["log_text"] == run.log
        assert rows[build_id]["log_bytes"] == len(run.log.encode())
        assert rows[build_id]["truncated"] is False


def test_recoveries(built_warehouse: Path) -> None:
    rows = rows_by(built_warehouse, "select * from marts.fct_build_recoveries", "first_failed_build_id")
    got = {key: (row["failed_builds"], row["recovered_build_id"], row["recovery_ms"]) for key, row in rows.items()}
    assert got == expect.recoveries(RUNS)


def test_flaky_commits(built_warehouse: Path) -> None:
    rows = fetch(built_warehouse, "select job_id, commit_sha from marts.fct_flaky_commits")
    assert {(row["job_id"], row["commit_sha"]) for row in rows} == expect.flaky_commits(RUNS)
