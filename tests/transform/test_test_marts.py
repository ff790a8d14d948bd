"""The test marts on a small history written out by hand: a real `dbt build`, then what a reader expects.

Job `api` (pipeline): builds 1-2 on commit c1 (2 retries 1), 3 on c2, 4 on c3, 5 on c4, 6 on c5.
- `OrderTest.flaky` fails in 1, passes in 2: flaky on c1, its retry cost is build 1's duration.
- `OrderTest.broken` passes in 1-4, fails in 5 and 6 (different commits): failing since build 5, never flaky.
- `OrderTest.retried` fails then passes inside build 3 (a retry within the build): flaky on c2.
- `OrderTest.steady` passes everywhere with known durations.
Then a second load brings build 7 (c5 again) where `broken` passes: c5 makes it flaky, its streak ends
(the incremental models take only that load); a third brings build 8 (c6), where `broken` fails again: a
new streak. A full refresh then gives what the incremental runs gave.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.transform.dbt_runner import run_dbt
from tests.transform.marts_reader import fetch
from tests.transform.raw_fixture import RawWarehouse

T0 = datetime(2025, 5, 5, 9, 0, tzinfo=UTC)
JOB = "api"
COMMITS = {1: "c1", 2: "c1", 3: "c2", 4: "c3", 5: "c4", 6: "c5", 7: "c5", 8: "c6"}
DURATION_MS = 600_000
STEADY_MS = {1: 100, 2: 110, 3: 120, 4: 130, 5: 140, 6: 150, 7: 160, 8: 170}


def started(number: int) -> datetime:
    return T0 + timedelta(hours=number)


def cases(number: int) -> list[tuple[str, str, int]]:
    """(name, status, duration ms) of the build's cases."""
    out = [("steady", "PASSED", STEADY_MS[number])]
    out.append(("flaky", "FAILED" if number == 1 else "PASSED", 2000))
    out.append(("broken", "FAILED" if number in (5, 6, 8) else "PASSED", 50))
    if number == 3:
        out += [("retried", "FAILED", 900), ("retried", "PASSED", 800)]
    else:
        out.append(("retried", "PASSED", 800))
    out.append(("disabled", "SKIPPED", 0))
    return out


def rows_of(numbers: list[int]) -> dict[str, list[dict]]:
    rows: dict[str, list[dict]] = {"jobs": [{
        "instance": "prod", "full_name": JOB, "name": JOB, "display_name": JOB, "folder": "/", "kind": "pipeline",
        "class_name": "io.jenkins.blueocean.rest.impl.pipeline.PipelineImpl", "branch": None,
        "is_primary_branch": None, "pull_request_id": None,
        "rest_path": f"/blue/rest/organizations/jenkins/pipelines/{JOB}/", "fetched_at": T0,
    }], "runs": [], "test_summaries": [], "test_results": []}
    for number in numbers:
        key = {"instance": "prod", "job_full_name": JOB, "number": number}
        its = cases(number)
        failed = sum(status == "FAILED" for _, status, _ in its)
        rows["runs"].append({
            **key, "state": "FINISHED", "result": "UNSTABLE" if failed else "SUCCESS",
            "enqueue_time": started(number), "start_time": started(number),
            "end_time": started(number) + timedelta(milliseconds=DURATION_MS), "duration_ms": DURATION_MS,
            "estimated_duration_ms": DURATION_MS, "run_type": "WorkflowRun", "run_name": None, "description": None,
            "commit_id": COMMITS[number], "run_summary": "stable", "causes": [], "fetched_at": started(number),
        })
        rows["test_summaries"].append({**key, "passed": len(its) - failed - 1, "failed": failed, "skipped": 1,
                                       "fixed": 0, "existing_failed": 0, "regressions": failed, "total": len(its)})
        rows["test_results"] += [{
            **key, "position": position, "suite": "com.acme.OrderTest", "class_name": "com.acme.OrderTest",
            "name": name, "status": status, "state": None, "duration_ms": duration,
            "age": 1 if status == "FAILED" else 0,
            "error_text": "java.lang.AssertionError: boom\n\tat com.acme.OrderTest" if status == "FAILED" else None,
        } for position, (name, status, duration) in enumerate(its)]
    return rows


def dim_rows(warehouse) -> dict[str, dict]:
    return {row["test_name"]: row for row in fetch(warehouse, "select * from marts.dim_tests")}


def flaky(warehouse) -> dict[tuple[str, str], dict]:
    return {(row["test_name"], row["commit_sha"]): row for row in fetch(warehouse, """
        select tests.test_name, flaky.* from marts.fct_flaky_test_results as flaky
        inner join marts.dim_tests as tests using (test_id)""")}


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    work = tmp_path_factory.mktemp("test-marts")
    path = work / "warehouse.duckdb"
    raw = RawWarehouse(path)
    raw.load(rows_of([1, 2, 3, 4, 5, 6]), load_id="1000.1", committed_at=T0 + timedelta(days=1))
    raw.close()
    run_dbt(path, work, "build")
    first = {"dim": dim_rows(path), "flaky": flaky(path),
             "results": fetch(path, "select count(*) as n from marts.fct_test_results")[0]["n"]}
    raw = RawWarehouse(path)
    raw.load(rows_of([7]), load_id="1000.2", committed_at=T0 + timedelta(days=2))
    raw.close()
    run_dbt(path, work, "build")
    second = {"dim": dim_rows(path), "flaky": flaky(path)}
    raw = RawWarehouse(path)
    raw.load(rows_of([8]), load_id="1000.3", committed_at=T0 + timedelta(days=3))
    raw.close()
    run_dbt(path, work, "build")
    third = {"dim": dim_rows(path), "flaky": flaky(path)}
    run_dbt(path, work, "build", "--full-refresh")
    refreshed = {"dim": dim_rows(path), "flaky": flaky(path)}
    return {"path": path, "first": first, "second": second, "third": third, "refreshed": refreshed}


def test_one_row_per_result_with_the_builds_start_and_commit(warehouse):
    first = warehouse["first"]
    assert first["results"] == sum(len(cases(n)) for n in range(1, 7))
    rows = fetch(warehouse["path"], "select * from marts.fct_test_results where number = 3 order by position")
    assert [(r["test_name"], r["status"]) for r in rows] == [(n, s) for n, s, _ in cases(3)]
    assert {(r["commit_sha"], r["started_at"]) for r in rows} == {("c2", started(3))}
    assert rows[3]["error_text"].startswith("java.lang.AssertionError") and rows[0]["error_text"] is None
    again = fetch(warehouse["path"], "select count(*) as n, count(distinct build_id || '/' || position) as keys "
                                     "from marts.fct_test_results")[0]
    assert again["n"] == again["keys"] == sum(len(cases(n)) for n in range(1, 9))


def test_flaky_by_the_same_commit_rule(warehouse):
    first = warehouse["first"]["flaky"]
    assert set(first) == {("flaky", "c1"), ("retried", "c2")}  # `broken` failed on c4 and c5, passed on others
    assert (first[("flaky", "c1")]["failed_builds"], first[("flaky", "c1")]["passed_builds"]) == (1, 1)
    assert first[("flaky", "c1")]["retry_cost_ms"] == DURATION_MS
    assert (first[("retried", "c2")]["failed_builds"], first[("retried", "c2")]["passed_builds"]) == (1, 1)
    # build 7 retries c5 and passes `broken`: now flaky there too
    assert set(warehouse["second"]["flaky"]) == {("flaky", "c1"), ("retried", "c2"), ("broken", "c5")}


def test_dimension_first_and_last_seen_streak_and_window_stats(warehouse):
    first = warehouse["first"]["dim"]
    broken = first["broken"]
    assert (broken["first_seen_at"], broken["last_seen_at"], broken["last_status"]) == (started(1), started(6),
                                                                                          "FAILED")
    assert broken["failing_since_at"] == started(5)  # the first failure after its last pass
    assert (broken["window_runs"], broken["window_failures"]) == (6, 2)
    assert broken["window_failure_rate"] == pytest.approx(2 / 6)
    steady = first["steady"]
    assert steady["failing_since_at"] is None and steady["window_failure_rate"] == 0
    durations = sorted(STEADY_MS[n] for n in range(1, 7))
    assert steady["window_p50_duration_ms"] == round((durations[2] + durations[3]) / 2)
    # linear interpolation at rank 4.75
    assert steady["window_p95_duration_ms"] == round(durations[4] + 0.75 * (durations[5] - durations[4]))
    assert (first["flaky"]["window_flaky_commits"], first["flaky"]["window_retry_cost_ms"]) == (1, DURATION_MS)
    assert first["disabled"]["window_runs"] == 0 and first["disabled"]["last_status"] == "SKIPPED"
    assert first["steady"]["window_flaky_commits"] == 0
    later = warehouse["second"]["dim"]
    assert later["broken"]["last_status"] == "PASSED" and later["broken"]["failing_since_at"] is None
    assert later["broken"]["window_flaky_commits"] == 1
    assert len({row["test_id"] for row in later.values()}) == len(later) == 5
    assert (later["broken"]["first_seen_at"], later["broken"]["last_seen_at"]) == (started(1), started(7))


def test_a_new_streak_and_incremental_runs_equal_a_full_refresh(warehouse):
    third = warehouse["third"]
    assert third["dim"]["broken"]["last_status"] == "FAILED"
    assert third["dim"]["broken"]["failing_since_at"] == started(8)  # after its pass in build 7
    assert third["dim"]["broken"]["last_seen_at"] == started(8)
    assert third == warehouse["refreshed"]
