"""Test results as `test_results` rows, from either source: Blue Ocean's `runs/N/tests/` list or the JUnit
plugin's `{build}/testReport/api/json` (docs/architecture.md, "Raw tables").

Pure functions of the JSON and the run's key (`instance`, `job_full_name`, `number`), so that every source
makes the same rows: `status` is PASSED, FAILED or SKIPPED (other values stay as text), `state` REGRESSION or
FIXED when the source says so, `duration_ms` from the float seconds both APIs give, `error_text` the error's
first lines. Blue Ocean gives no suite and joins case and class as "<case> – <className>"; the JUnit report
gives suites, and REGRESSION/FIXED as statuses. A shape that cannot be read raises `TestReportError`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

ERROR_LINES = 12  # an error's message and the top of its stack trace: what a reader looks at first
ERROR_CHARS = 4000
BLUE_OCEAN_SEPARATOR = " – "  # an en dash between spaces (BlueJUnitTestResult.getName)
# JUnit's CaseResult.Status -> (status, state)
JUNIT_STATUSES = {
    "PASSED": ("PASSED", None), "FIXED": ("PASSED", "FIXED"), "SKIPPED": ("SKIPPED", None),
    "FAILED": ("FAILED", None), "REGRESSION": ("FAILED", "REGRESSION"),
}


class TestReportError(ValueError):
    """A test report that does not have the shape its API documents."""

    __test__ = False  # not a pytest class


def error_text(details: Any, stack_trace: Any) -> str | None:
    """The error's message, then the first lines of its stack trace (which often repeats the message)."""
    details = details.strip() if isinstance(details, str) else ""
    trace = stack_trace.strip() if isinstance(stack_trace, str) else ""
    if details and trace and details.splitlines()[0] in trace.split("\n", 1)[0]:
        details = ""
    text = "\n".join(part for part in (details, trace) if part)
    if not text:
        return None
    return "\n".join(text.splitlines()[:ERROR_LINES])[:ERROR_CHARS]


def duration_ms(seconds: Any, where: str) -> int | None:
    if seconds is None:
        return None
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
        raise TestReportError(f"{where}: duration is not a number: {seconds!r}")
    return max(0, round(seconds * 1000))


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _age(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def blueocean_rows(cases: list, run: dict) -> list[dict]:
    """`test_results` rows of a run's `tests/` list (all its pages, in Blue Ocean's order)."""
    rows = []
    for position, case in enumerate(cases):
        if not isinstance(case, dict):
            raise TestReportError(f"test result of build {run['number']}: expected a JSON object")
        full = case.get("name")
        if not isinstance(full, str) or not full:
            raise TestReportError(f"test result of build {run['number']}: no name")
        name, separator, class_name = full.rpartition(BLUE_OCEAN_SEPARATOR)
        if not separator:
            name, class_name = full, None
        state = _text(case.get("state"))
        rows.append({
            **run, "position": position, "suite": None, "class_name": class_name, "name": name,
            "status": _text(case.get("status")), "state": state if state in ("REGRESSION", "FIXED") else None,
            "duration_ms": duration_ms(case.get("duration"), full), "age": _age(case.get("age")),
            "error_text": error_text(case.get("errorDetails"), case.get("errorStackTrace")),
        })
    return rows


def _suites(report: dict) -> Iterator[dict]:
    """Suites of a TestResult, or of each child report of an aggregated one (matrix and multi-job builds)."""
    if isinstance(report.get("childReports"), list):
        for child in report["childReports"]:
            result = child.get("result") if isinstance(child, dict) else None
            if not isinstance(result, dict):
                raise TestReportError("testReport: a child report without its result")
            yield from _suites(result)
        return
    suites = report.get("suites")
    if not isinstance(suites, list):
        raise TestReportError("testReport: no suites list")
    for suite in suites:
        if not isinstance(suite, dict) or not isinstance(suite.get("cases", []), list):
            raise TestReportError("testReport: a suite is not an object with a cases list")
        yield suite


def parse_test_report(report: Any, run: dict) -> list[dict]:
    """`test_results` rows of the JUnit plugin's testReport JSON
    (`tree=suites[name,cases[className,name,status,duration,age,errorDetails,errorStackTrace]]`); None (a 404:
    the build recorded no report) gives none."""
    if report is None:
        return []
    if not isinstance(report, dict):
        raise TestReportError("testReport: expected a JSON object")
    rows = []
    for suite in _suites(report):
        for case in suite.get("cases") or []:
            if not isinstance(case, dict) or not isinstance(case.get("name"), str):
                raise TestReportError(f"testReport: a case of suite {suite.get('name')!r} has no name")
            raw_status = _text(case.get("status"))
            status, state = JUNIT_STATUSES.get(raw_status, (raw_status, None))
            rows.append({
                **run, "position": len(rows), "suite": _text(suite.get("name")),
                "class_name": _text(case.get("className")), "name": case["name"], "status": status, "state": state,
                "duration_ms": duration_ms(case.get("duration"), case["name"]), "age": _age(case.get("age")),
                "error_text": error_text(case.get("errorDetails"), case.get("errorStackTrace")),
            })
    return rows
