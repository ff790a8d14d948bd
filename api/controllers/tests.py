"""Test analytics: tests over a window (most failing, slowest or flakiest first), one test with its history,
and a build's failed tests, from `marts.fct_test_results`, `dim_tests` and `fct_flaky_test_results`.

Answers are kept per snapshot generation (`Generation.answer`) as encoded JSON, like the other lists; a
window's answers are keyed by the builds it holds, as the metrics' are.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import duckdb
import msgspec
from litestar import Controller, MediaType, Response, get
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, Parameter

from api.errors import error_responses
from api.parameters import JobFilter, Page, PerPage, Range, offset, text_filter
from api.schemas import (
    BuildTest,
    BuildTestPage,
    PageMeta,
    Test,
    TestDetail,
    TestHistory,
    TestPage,
    TestRun,
    TestSort,
    TestStatus,
)
from api.snapshot import SnapshotReader
from api.timerange import parse_range

ISO = "'%Y-%m-%dT%H:%M:%SZ'"
ORDERS = {
    "failing": "failures desc, failure_rate desc nulls last, test_id",
    "slowest": "p95_duration desc nulls last, test_id",
    "flaky": "flaky_commits desc, retry_cost desc, failures desc, test_id",
}
# The tests that ran in the window [?, ?) (of a job, of an instance), with their figures over it. A flaky
# commit counts in the window of its last build, as in dim_tests.
WINDOW = f"""
with results as (
    select test_id, position, status, duration_ms, started_at
    from snap.marts.fct_test_results
    where started_at >= ? and started_at < ? and (? is null or job_id = ?) and (? is null or instance = ?)
      and (? is null or test_id = ?)
),
figures as (
    select
        test_id,
        count(*) filter (where status in ('PASSED', 'FAILED')) as runs,
        count(*) filter (where status = 'FAILED') as failures,
        percentile_cont([0.5, 0.95]) within group (order by duration_ms)
            filter (where status in ('PASSED', 'FAILED')) as durations,
        arg_max(status, {{'started_at': started_at, 'position': position}}) as last_status,
        max(started_at) as last_run
    from results
    group by test_id
),
flaky as (
    select test_id, count(*) as flaky_commits, sum(retry_cost_ms) as retry_cost
    from snap.marts.fct_flaky_test_results
    where last_started_at >= ? and last_started_at < ? and test_id in (select test_id from figures)
    group by test_id
),
tests as (
    select
        figures.test_id, tests.job_id, tests.instance, tests.suite, tests.class_name, tests.test_name,
        figures.runs, figures.failures, figures.failures / nullif(figures.runs, 0) as failure_rate,
        coalesce(flaky.flaky_commits, 0) as flaky_commits, coalesce(flaky.retry_cost, 0)::bigint as retry_cost,
        round(figures.durations[1])::bigint as p50_duration, round(figures.durations[2])::bigint as p95_duration,
        figures.last_status, strftime(figures.last_run, {ISO}) as last_run,
        strftime(tests.failing_since_at, {ISO}) as failing_since
    from figures
    inner join snap.marts.dim_tests as tests on tests.test_id = figures.test_id
    left join flaky on flaky.test_id = figures.test_id
)
"""
TEST_COLUMNS = """test_id, job_id, instance, suite, class_name, test_name, runs, failures, failure_rate, flaky_commits,
    retry_cost, p50_duration, p95_duration, last_status, last_run, failing_since"""


def _window_params(start: datetime, end: datetime, job: str | None, instance: str | None,
                   test_id: str | None = None) -> list:
    return [start, end, job, job, instance, instance, test_id, test_id, start, end]


def test_page(cur: duckdb.DuckDBPyConnection, start: datetime, end: datetime, job: str | None, instance: str | None,
              sort: TestSort, page: int, per_page: int) -> TestPage:
    params = _window_params(start, end, job, instance)
    rows = cur.execute(
        f"{WINDOW} select {TEST_COLUMNS}, count(*) over () from tests order by {ORDERS[sort]} limit ? offset ?",
        [*params, per_page, offset(page, per_page)],
    ).fetchall()
    total = rows[0][-1] if rows else cur.execute(f"{WINDOW} select count(*) from tests", params).fetchone()[0]
    return TestPage(data=[Test(*row[:-1]) for row in rows], meta=PageMeta(page=page, per_page=per_page, total=total))


def test_detail(cur: duckdb.DuckDBPyConnection, test_id: str, start: datetime, end: datetime, page: int,
                per_page: int) -> TestDetail:
    known = cur.execute(
        f"""select test_id, job_id, instance, suite, class_name, test_name, last_status,
                   strftime(last_seen_at, {ISO}), strftime(failing_since_at, {ISO})
            from snap.marts.dim_tests where test_id = ?""", [test_id]).fetchone()
    if known is None:
        raise NotFoundException(f"No test with id {test_id!r}.")
    figures = cur.execute(f"{WINDOW} select {TEST_COLUMNS} from tests",
                          _window_params(start, end, None, None, test_id)).fetchone()
    if figures is None:  # it did not run in the window: its name, and nothing counted
        tid, job_id, instance, suite, class_name, name, last_status, last_seen, failing_since = known
        figures = (tid, job_id, instance, suite, class_name, name, 0, 0, None, 0, 0, None, None, last_status,
                   last_seen, failing_since)
    where = "where test_id = ? and started_at >= ? and started_at < ?"
    rows = cur.execute(
        f"""select build_id, number, status, duration_ms, strftime(started_at, {ISO}), commit_sha, error_text,
                   count(*) over ()
            from snap.marts.fct_test_results {where}
            order by started_at desc, number desc, position limit ? offset ?""",
        [test_id, start, end, per_page, offset(page, per_page)],
    ).fetchall()
    total = rows[0][-1] if rows else cur.execute(
        f"select count(*) from snap.marts.fct_test_results {where}", [test_id, start, end]).fetchone()[0]
    history = TestHistory(data=[TestRun(*row[:-1]) for row in rows],
                          meta=PageMeta(page=page, per_page=per_page, total=total))
    return TestDetail(*figures, history=history)


def build_tests(cur: duckdb.DuckDBPyConnection, build_id: str, status: TestStatus, page: int,
                per_page: int) -> BuildTestPage:
    where = "where build_id = ? and status = ?"
    rows = cur.execute(
        f"""select test_id, suite, class_name, test_name, status, state, duration_ms, age, error_text, count(*) over ()
            from snap.marts.fct_test_results {where} order by position limit ? offset ?""",
        [build_id, status, per_page, offset(page, per_page)],
    ).fetchall()
    if rows:
        total = rows[0][-1]
    elif cur.execute("select 1 from snap.marts.fct_builds where build_id = ?", [build_id]).fetchone() is None:
        raise NotFoundException(f"No build with id {build_id!r}.")
    else:
        total = cur.execute(f"select count(*) from snap.marts.fct_test_results {where}",
                            [build_id, status]).fetchone()[0]
    return BuildTestPage(data=[BuildTest(*row[:-1]) for row in rows],
                         meta=PageMeta(page=page, per_page=per_page, total=total))


class TestsController(Controller):
    path = "/"
    tags = ["tests"]

    @get("/tests", operation_id="listTests", responses=error_responses(503))
    async def list_tests(
        self,
        snapshot: NamedDependency[SnapshotReader],
        range: Range = "7d",  # noqa: A002 - the contract's parameter name
        job: JobFilter = None,
        instance: Annotated[str | None, Parameter(description="Only tests of this connection (instance name).")] = None,
        sort: Annotated[TestSort, Parameter(
            description="failing: most failures first; slowest: highest p95 duration first; flaky: most commits "
                        "it failed and passed on first.")] = "failing",
        page: Page = 1,
        per_page: PerPage = 25,
    ) -> Response[TestPage]:
        """The tests that ran in the window, with their runs, failures, failure rate, flaky commits, the time
        their retries cost and p50/p95 duration over it."""
        start, end = parse_range(range)
        job, instance = text_filter(job), text_filter(instance)
        with snapshot.generation() as generation:
            # keyed by the builds the window holds (a test result starts with its build), as the metrics are
            window = await generation.window_positions(start, end)
            body = await generation.answer(
                ("tests", window, job, instance, sort, page, per_page),
                lambda cur: msgspec.json.encode(test_page(cur, start, end, job, instance, sort, page, per_page)),
            )
        return Response(body, media_type=MediaType.JSON)

    @get("/tests/{test_id:str}", operation_id="getTest", responses=error_responses(404, 503))
    async def get_test(
        self,
        snapshot: NamedDependency[SnapshotReader],
        test_id: FromPath[str],
        range: Range = "30d",  # noqa: A002
        page: Page = 1,
        per_page: PerPage = 25,
    ) -> Response[TestDetail]:
        """One test over the window, with its results in it (`history`), newest first."""
        start, end = parse_range(range)
        with snapshot.generation() as generation:
            window = await generation.window_positions(start, end)
            body = await generation.answer(
                ("test", test_id, window, page, per_page),
                lambda cur: msgspec.json.encode(test_detail(cur, test_id, start, end, page, per_page)),
            )
        return Response(body, media_type=MediaType.JSON)

    @get("/builds/{build_id:str}/tests", operation_id="listBuildTests", responses=error_responses(404, 503))
    async def list_build_tests(
        self,
        snapshot: NamedDependency[SnapshotReader],
        build_id: FromPath[str],
        status: Annotated[TestStatus, Parameter(description="Which of its cases: FAILED (the default), "
                                                            "PASSED or SKIPPED.")] = "FAILED",
        page: Page = 1,
        per_page: PerPage = 25,
    ) -> Response[BuildTestPage]:
        """A build's failed tests (or those of another status), in the order Jenkins listed them, with the
        error's first lines."""
        with snapshot.generation() as generation:
            body = await generation.answer(
                ("build tests", build_id, status, page, per_page),
                lambda cur: msgspec.json.encode(build_tests(cur, build_id, status, page, per_page)),
            )
        return Response(body, media_type=MediaType.JSON)
