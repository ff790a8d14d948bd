"""The simulator's JUnit results over HTTP: names, paging, filters, and flaky tests its truth knows."""

from __future__ import annotations

from collections import defaultdict

import pytest

from ingestion.simulator import testcases
from tests.support.simulator_api import job_path


def finished_with_tests(api, truth, full_name: str) -> list[tuple[dict, dict]]:
    """(build truth, summary) of the job's finished builds that published a report."""
    found = []
    for build in truth[full_name]["builds"]:
        if build["state"] != "FINISHED" or build["deleted"]:
            continue
        summary = api.json(f"{job_path(full_name)}runs/{build['number']}/blueTestSummary/")
        if summary["total"]:
            found.append((build, summary))
    return found


def cases_of(api, full_name: str, number: int, **params) -> list[dict]:
    return api.json(f"{job_path(full_name)}runs/{number}/tests/", limit=10000, **params)


def test_cases_have_realistic_names_durations_and_errors(api, truth):
    builds = finished_with_tests(api, truth, "webapp/PR-42")
    build, summary = next((b, s) for b, s in builds if s["failed"])
    cases = cases_of(api, "webapp/PR-42", build["number"])
    assert len(cases) == summary["total"]
    assert [c["status"] for c in cases] == sorted((c["status"] for c in cases), key=["FAILED", "SKIPPED",
                                                                                      "PASSED"].index)
    for case in cases:
        name, dash, class_name = case["name"].partition(" – ")  # Blue Ocean's en dash
        assert dash and name and class_name and isinstance(case["duration"], float)
        assert case["id"].startswith("io.jenkins.blueocean.service.embedded.rest.junit.BlueJUnitTestResult:")
    failed = [c for c in cases if c["status"] == "FAILED"]
    assert failed and all(c["errorDetails"] and c["errorStackTrace"] and c["age"] >= 1 for c in failed)
    assert all(c["errorDetails"] is None and c["age"] == 0 for c in cases if c["status"] == "PASSED")
    # the same names every build: a catalog per repository
    other = next(b for b, s in builds if b["number"] != build["number"])
    names = {c["name"] for c in cases}
    assert len(names & {c["name"] for c in cases_of(api, "webapp/PR-42", other["number"])}) > 0.9 * len(names)


def test_paging_and_filters(api, truth):
    build, summary = next((b, s) for b, s in finished_with_tests(api, truth, "webapp/main") if s["failed"])
    base = f"{job_path('webapp/main')}runs/{build['number']}/tests/"
    every = api.json(base, limit=10000)
    pages = [api.json(base, start=start, limit=50) for start in range(0, len(every) + 50, 50)]
    assert [c for page in pages for c in page] == every
    assert len(api.json(base)) == min(100, len(every))  # Blue Ocean's default page
    assert [c["id"] for c in api.json(base, status="FAILED", limit=10000)] == \
        [c["id"] for c in every if c["status"] == "FAILED"]
    assert len(api.json(base, status="!PASSED,!SKIPPED", limit=10000)) == summary["failed"]
    assert len(api.json(base, status="PASSED,SKIPPED", limit=10000)) == summary["passed"] + summary["skipped"]
    regressions = api.json(base, state="REGRESSION", limit=10000)
    assert all(c["state"] == "REGRESSION" for c in regressions)
    assert len(regressions) + len(api.json(base, state="!REGRESSION", limit=10000)) == len(every)


@pytest.fixture(scope="module")
def outcomes(api, truth) -> dict[tuple[str, str, str], dict[str, set[str]]]:
    """(job, class, case) -> commit -> statuses it had on that commit, read over HTTP from every build."""
    seen: dict = defaultdict(lambda: defaultdict(set))
    for full_name, job in truth.items():
        if job["kind"] == "freestyle":
            continue
        for build, _ in finished_with_tests(api, truth, full_name):
            for case in cases_of(api, full_name, build["number"]):
                name, _, class_name = case["name"].partition(" – ")
                seen[(full_name, class_name, name)][build["commit"]].add(case["status"])
    return seen


def test_truth_lists_exactly_the_tests_that_failed_and_passed_on_one_commit(sim, outcomes):
    flaky_over_http = {
        test: sorted(commit for commit, statuses in commits.items() if {"FAILED", "PASSED"} <= statuses)
        for test, commits in outcomes.items()
    }
    flaky_over_http = {test: commits for test, commits in flaky_over_http.items() if commits}
    planted = {(t["job"], t["class_name"], t["name"]): t["commits"] for t in sim.truth()["flaky_tests"]}
    assert len(planted) >= 5
    assert flaky_over_http == planted


def test_only_planted_cases_fail_on_a_retried_commit(sim):
    ctl = sim.controller
    for job in ctl.jobs:
        if not job.recipe.tests:
            continue
        catalog = testcases.job_catalog(ctl.seed, job)
        for number in range(job.first, job.last + 1):
            plan = ctl.plan(job, number)
            if testcases.retried_commit(ctl.seed, job, number):
                assert set(testcases.failing(ctl.seed, job, plan)) <= set(catalog.flaky)
