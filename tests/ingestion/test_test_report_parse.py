"""ingestion/test_results.py: the JUnit plugin's testReport and Blue Ocean's tests/ list make the same rows."""

from __future__ import annotations

import pytest

from ingestion.simulator import Simulator, testcases
from ingestion.simulator import resources as res
from ingestion.test_results import TestReportError, blueocean_rows, error_text, parse_test_report

RUN = {"instance": "prod", "job_full_name": "team/api", "number": 12}

# `{build}/testReport/api/json?tree=suites[name,cases[className,name,status,duration,age,failedSince,errorDetails,
# errorStackTrace]]` (jenkins-apis-beyond-blueocean.md, "Tests"), as the junit plugin exports it.
REPORT = {
    "_class": "hudson.tasks.junit.TestResult",
    "suites": [
        {"name": "com.acme.OrderServiceTest", "cases": [
            {"className": "com.acme.OrderServiceTest", "name": "createsOrder", "status": "PASSED",
             "duration": 0.012, "age": 0, "failedSince": 0, "errorDetails": None, "errorStackTrace": None},
            {"className": "com.acme.OrderServiceTest", "name": "refundsOrder", "status": "REGRESSION",
             "duration": 1.5, "age": 1, "failedSince": 12, "errorDetails": "expected: <200> but was: <500>",
             "errorStackTrace":
                 "org.opentest4j.AssertionFailedError: expected: <200> but was: <500>\n\tat a.b(C.java:1)"},
        ]},
        {"name": "pytest", "cases": [
            {"className": "tests.test_cart.TestCart", "name": "test_empty", "status": "FIXED", "duration": 0.2,
             "age": 0},
            {"className": "tests.test_cart.TestCart", "name": "test_slow", "status": "SKIPPED", "duration": 0},
            {"className": "tests.test_cart.TestCart", "name": "test_again", "status": "FAILED", "duration": 3,
             "age": 4, "errorDetails": "assert 1 == 2"},
        ]},
    ],
}


def test_a_junit_report_becomes_rows():
    rows = parse_test_report(REPORT, RUN)
    columns = ("position", "suite", "name", "status", "state", "duration_ms", "age")
    assert [tuple(r[c] for c in columns) for r in rows] == [
        (0, "com.acme.OrderServiceTest", "createsOrder", "PASSED", None, 12, 0),
        (1, "com.acme.OrderServiceTest", "refundsOrder", "FAILED", "REGRESSION", 1500, 1),
        (2, "pytest", "test_empty", "PASSED", "FIXED", 200, 0),
        (3, "pytest", "test_slow", "SKIPPED", None, 0, None),
        (4, "pytest", "test_again", "FAILED", None, 3000, 4),
    ]
    assert all(r["instance"] == "prod" and r["job_full_name"] == "team/api" and r["number"] == 12 for r in rows)
    # the trace repeats the message: said once
    assert rows[1]["error_text"] == REPORT["suites"][0]["cases"][1]["errorStackTrace"]
    assert rows[4]["error_text"] == "assert 1 == 2" and rows[0]["error_text"] is None


def test_aggregated_reports_and_404():
    aggregated = {"_class": "hudson.tasks.test.AggregatedTestResultAction$ChildReport",
                  "childReports": [{"child": {"number": 12}, "result": REPORT}, {"child": {}, "result": REPORT}]}
    rows = parse_test_report(aggregated, RUN)
    assert len(rows) == 10 and [r["position"] for r in rows] == list(range(10))
    assert parse_test_report(None, RUN) == []


@pytest.mark.parametrize("broken", [[], {"suites": {}}, {"suites": [{"cases": [{"status": "PASSED"}]}]},
                                    {"suites": [{"cases": [{"name": "x", "duration": "slow"}]}]},
                                    {"childReports": [{"child": {}}]}])
def test_a_broken_report_is_an_error_naming_it(broken):
    with pytest.raises(TestReportError, match="testReport|duration"):
        parse_test_report(broken, RUN)


def test_error_text_keeps_the_first_lines():
    trace = "java.lang.IllegalStateException: boom\n" + "\n".join(f"\tat frame{i}(X.java:{i})" for i in range(50))
    text = error_text("boom", trace)
    assert text.splitlines()[0] == "java.lang.IllegalStateException: boom" and len(text.splitlines()) == 12
    assert error_text("only the message", None) == "only the message" and error_text("", "  ") is None


def test_both_sources_of_one_simulated_build_make_the_same_rows():
    ctl = Simulator(seed=7).controller
    seen = 0
    for job in ctl.jobs:
        for number in range(job.first, job.last + 1):
            view = ctl.view(job, number)
            if not (view.finished and view.plan.tests and view.plan.tests[1]):
                continue
            results = res.test_results(ctl, view)
            run = {**RUN, "job_full_name": job.full_name, "number": number}
            blue = blueocean_rows([res.test_case(view, r) for r in results], run)
            junit = parse_test_report(testcases.test_report(results, number), run)
            key = ("class_name", "name", "status", "state", "duration_ms", "age", "error_text")

            def case(row: dict, key=key) -> tuple:
                return tuple(row[k] for k in key)

            assert sorted(map(case, blue)) == sorted(map(case, junit))
            assert all(r["suite"] for r in junit) and all(r["suite"] is None for r in blue)
            seen += 1
    assert seen > 10
