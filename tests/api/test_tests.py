"""Test analytics endpoints, checked against the fixture rows the snapshot was written from."""

from __future__ import annotations

import math
from datetime import timedelta

import pytest

from tests.api.snapshot_fixture import Fixture, FixtureBuild, FixtureTestResult
from tests.support.api_clients import ADMIN


def get(client, url, **params):
    response = client.get(url, params=params, headers=ADMIN)
    assert response.status_code == 200, response.text
    return response.json()


def percentile(values: list[int], fraction: float) -> float | None:
    """Linear interpolation between closest ranks (numpy's default), written out."""
    if not values:
        return None
    ordered, at = sorted(values), fraction * (len(values) - 1)
    low = int(at)
    return ordered[low] + (at - low) * (ordered[min(low + 1, len(ordered) - 1)] - ordered[low])


def results_in(fixture: Fixture, days: int, **where) -> dict[str, list[tuple[FixtureBuild, FixtureTestResult]]]:
    start = fixture.now - timedelta(days=days)
    out: dict[str, list] = {}
    for build in sorted(fixture.builds, key=lambda b: (b.started_at, b.number)):
        if start <= build.started_at < fixture.now and all(getattr(build, k) == v for k, v in where.items()):
            for result in build.tests:
                out.setdefault(result.test_id, []).append((build, result))
    return out


def flaky_commits(fixture: Fixture, test_id: str, days: int) -> tuple[int, int]:
    """(commits it failed and passed on whose last build is in the window, duration of its failed builds there)."""
    start = fixture.now - timedelta(days=days)
    commits: dict[str, list] = {}
    for build in fixture.builds:
        for result in build.tests:
            if result.test_id == test_id and build.commit_sha:
                commits.setdefault(build.commit_sha, []).append((build, result))
    count = cost = 0
    for runs in commits.values():
        statuses = {r.status for _, r in runs}
        if {"FAILED", "PASSED"} <= statuses and start <= max(b.started_at for b, _ in runs) < fixture.now:
            count += 1
            cost += sum({b.build_id: b.duration_ms for b, r in runs if r.status == "FAILED"}.values())
    return count, cost


def expected_test(fixture: Fixture, test_id: str, runs: list, days: int) -> dict:
    counted = [r for _, r in runs if r.status in ("PASSED", "FAILED")]
    failures = sum(r.status == "FAILED" for r in counted)
    durations = [r.duration_ms for r in counted]
    flaky, cost = flaky_commits(fixture, test_id, days)
    return {
        "id": test_id, "runs": len(counted), "failures": failures,
        "failureRate": failures / len(counted) if counted else None, "flakyCommits": flaky, "retryCost": cost,
        # DuckDB rounds halves away from zero (Python's round to even)
        "p50Duration": math.floor(percentile(durations, 0.5) + 0.5) if durations else None,
        "p95Duration": math.floor(percentile(durations, 0.95) + 0.5) if durations else None,
        "lastStatus": runs[-1][1].status, "lastRun": runs[-1][0].timestamp,
    }


def test_most_failing_first_with_the_windows_figures(client, fixture_data):
    body = get(client, "/api/v1/tests", range="30d", per_page=100)
    window = results_in(fixture_data, 30)
    assert body["meta"] == {"page": 1, "per_page": 100, "total": len(window)}
    got = {t["id"]: t for t in body["data"]}
    assert set(got) == set(window)
    for test_id, runs in window.items():
        expected = expected_test(fixture_data, test_id, runs, 30)
        assert {k: got[test_id][k] for k in expected} == pytest.approx(expected), test_id
        build, result = runs[0]
        assert (got[test_id]["name"], got[test_id]["className"], got[test_id]["jobId"]) == (
            result.name, result.class_name, build.job_id)
    ranks = [(-t["failures"], t["failureRate"] is None, -(t["failureRate"] or 0), t["id"]) for t in body["data"]]
    assert ranks == sorted(ranks) and body["data"][0]["failures"] > 0


def test_slowest_and_flaky_orders(client, fixture_data):
    slowest = get(client, "/api/v1/tests", range="30d", sort="slowest", per_page=100)["data"]
    p95s = [t["p95Duration"] for t in slowest if t["p95Duration"] is not None]
    assert p95s == sorted(p95s, reverse=True) and slowest[-1]["p95Duration"] is None  # skipped-only last
    flaky = get(client, "/api/v1/tests", range="30d", sort="flaky", per_page=100)["data"]
    counts = [t["flakyCommits"] for t in flaky]
    assert counts == sorted(counts, reverse=True) and counts[0] > 0
    assert {t["id"] for t in flaky if t["flakyCommits"]} == {
        test_id for test_id in results_in(fixture_data, 30) if flaky_commits(fixture_data, test_id, 30)[0]}
    assert all(t["name"] == "case1" for t in flaky if t["flakyCommits"])  # only the retried case


def test_filters_and_paging(client, fixture_data):
    job = fixture_data.job("Production", "platform/api-tests")
    body = get(client, "/api/v1/tests", range="30d", job=job.job_id, per_page=100)
    assert {t["id"] for t in body["data"]} == set(results_in(fixture_data, 30, job_id=job.job_id)) != set()
    staging = get(client, "/api/v1/tests", range="7d", instance="Staging", per_page=100)
    assert {t["id"] for t in staging["data"]} == set(results_in(fixture_data, 7, instance="Staging"))
    assert {t["instance"] for t in staging["data"]} <= {"Staging"}
    everything = get(client, "/api/v1/tests", range="30d", per_page=100)["data"]
    pages = [get(client, "/api/v1/tests", range="30d", page=p, per_page=20)["data"] for p in range(1, 5)]
    assert [t for page in pages for t in page] == everything
    assert get(client, "/api/v1/tests", job="j_nothing")["data"] == []


@pytest.mark.parametrize(("params", "parameter"), [
    ({"range": "1y"}, "range"), ({"sort": "alphabetical"}, "sort"), ({"per_page": 0}, "per_page"),
    ({"range": "2026-02-01T00:00:00Z/2026-01-01T00:00:00Z"}, "range"),
])
def test_bad_parameters_are_400_in_the_envelope(client, params, parameter):
    response = client.get("/api/v1/tests", params=params, headers=ADMIN)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "bad_request" and error["details"]["parameter"] == parameter


def test_one_test_with_its_history_newest_first(client, fixture_data):
    window = results_in(fixture_data, 30)
    test_id = max(window, key=lambda t: sum(r.status == "FAILED" for _, r in window[t]))
    runs = window[test_id]
    body = get(client, f"/api/v1/tests/{test_id}", range="30d", per_page=100)
    expected = expected_test(fixture_data, test_id, runs, 30)
    assert {k: body[k] for k in expected} == pytest.approx(expected)
    newest_first = sorted(runs, key=lambda br: (br[0].started_at, br[0].number, -br[1].position), reverse=True)
    assert body["history"]["data"] == [
        {"buildId": b.build_id, "number": b.number, "status": r.status, "duration": r.duration_ms,
         "timestamp": b.timestamp, "commit": b.commit_sha, "errorText": r.error_text} for b, r in newest_first]
    assert body["history"]["meta"] == {"page": 1, "per_page": 100, "total": len(runs)}
    paged = get(client, f"/api/v1/tests/{test_id}", range="30d", page=2, per_page=2)["history"]
    assert paged["data"] == body["history"]["data"][2:4]


def test_a_test_that_did_not_run_in_the_window_and_an_unknown_one(client, fixture_data):
    recent = results_in(fixture_data, 1)
    older = next(t for t in results_in(fixture_data, 30) if t not in recent)
    body = get(client, f"/api/v1/tests/{older}", range="24h")
    assert (body["runs"], body["history"]["data"], body["history"]["meta"]["total"]) == (0, [], 0)
    missing = client.get("/api/v1/tests/t_nothing", headers=ADMIN)
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"


def test_a_builds_failed_tests_with_their_errors(client, fixture_data):
    build = next(b for b in fixture_data.builds if any(t.status == "FAILED" for t in b.tests))
    body = get(client, f"/api/v1/builds/{build.build_id}/tests")
    assert body["data"] == [
        {"testId": t.test_id, "suite": t.suite, "className": t.class_name, "name": t.name, "status": "FAILED",
         "state": None, "duration": t.duration_ms, "age": 1, "errorText": t.error_text}
        for t in build.tests if t.status == "FAILED"]
    assert all(t["errorText"] for t in body["data"])
    passed = get(client, f"/api/v1/builds/{build.build_id}/tests", status="PASSED")
    assert passed["meta"]["total"] == sum(t.status == "PASSED" for t in build.tests)


def test_a_build_without_tests_and_an_unknown_build(client, fixture_data):
    bare = next(b for b in fixture_data.builds if not b.tests)
    assert get(client, f"/api/v1/builds/{bare.build_id}/tests") == {
        "data": [], "meta": {"page": 1, "per_page": 25, "total": 0}}
    missing = client.get("/api/v1/builds/b_nothing/tests", headers=ADMIN)
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
