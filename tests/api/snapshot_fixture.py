"""Builds a published-snapshot DuckDB file with the marts of docs/architecture.md, from Python rows.

The rows (returned as a `Fixture`) are what the tests compute expected answers from, independently of
the API's SQL. Two instances, nested folders, a multibranch project with branch and PR jobs, running
and finished builds of every result, timeouts, stages with parallel branches, agent labels and logs.
Build times are relative to `now` and kept 15 minutes away from the 24h/7d/30d window edges, so that
a test computing "the last 7 days" a little later than the fixture was built gets the same builds.
"""

from __future__ import annotations

import hashlib
import os
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pyarrow as pa

from buildbutler.home import Home
from buildbutler.snapshot import swap_in

RESULTS = ["SUCCESS"] * 6 + ["FAILURE"] * 2 + ["UNSTABLE", "ABORTED", "NOT_BUILT"]
LABELS = ["linux", "docker", "windows"]
# (instance, full_name, name, folder, kind, branch)
JOBS = [
    ("Production", "pipelines/production-deploy", "production-deploy", "/pipelines", "pipeline", None),
    ("Production", "platform/api-tests", "api-tests", "/platform", "pipeline", None),
    ("Production", "platform/infra/infra-apply", "infra-apply", "/platform/infra", "pipeline", None),
    ("Production", "webapp/main", "main", "/webapp", "branch", "main"),
    ("Production", "webapp/feature%2Flogin-page", "feature/login-page", "/webapp", "branch", "feature/login-page"),
    ("Production", "webapp/PR-42", "PR-42", "/webapp", "pull_request", "PR-42"),
    ("Staging", "pipelines/production-deploy", "production-deploy", "/pipelines", "pipeline", None),
    ("Staging", "nightly", "nightly", "/", "freestyle", None),
    ("Staging", "platformx/lookalike", "lookalike", "/platformx", "pipeline", None),
]


def job_id(instance: str, full_name: str) -> str:
    return "j_" + hashlib.md5(f"{instance}|{full_name}".encode()).hexdigest()[:16]


def build_id(instance: str, full_name: str, number: int) -> str:
    return "b_" + hashlib.md5(f"{instance}|{full_name}|{number}".encode()).hexdigest()[:16]


@dataclass
class FixtureStage:
    stage_id: str
    parent_stage_id: str | None
    position: int
    name: str
    node_type: str
    result: str | None
    duration_ms: int | None


@dataclass
class FixtureTestResult:
    test_id: str
    position: int
    suite: str
    class_name: str
    name: str
    status: str
    duration_ms: int
    error_text: str | None


@dataclass
class FixtureBuild:
    build_id: str
    job_id: str
    instance: str
    job_name: str
    folder: str
    number: int
    state: str
    result: str | None
    duration_ms: int | None
    queue_time_ms: int | None
    started_at: datetime
    branch: str | None
    commit_sha: str | None
    failure_category: str | None
    labels: list[str]
    log: str | None
    truncated: bool = False
    stages: list[FixtureStage] = field(default_factory=list)
    in_pipeline_queue_ms: int | None = None
    source: str = "blueocean"
    tests: list[FixtureTestResult] = field(default_factory=list)

    @property
    def is_counted(self) -> bool:  # docs/contract.md section 4, written out independently of the API's SQL
        if self.state != "FINISHED":
            return False
        return self.result in ("SUCCESS", "UNSTABLE", "FAILURE") or (
            self.result == "ABORTED" and self.failure_category == "timeout"
        )

    @property
    def timestamp(self) -> str:
        return self.started_at.strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class FixtureJob:
    job_id: str
    instance: str
    full_name: str
    name: str
    folder: str
    kind: str
    branch: str | None
    builds: list[FixtureBuild]

    @property
    def last(self) -> FixtureBuild | None:
        return max(self.builds, key=lambda b: b.number, default=None)

    @property
    def success_rate(self) -> float | None:
        counted = [b for b in self.builds if b.is_counted]
        return sum(b.result == "SUCCESS" for b in counted) / len(counted) if counted else None


@dataclass
class Fixture:
    now: datetime
    jobs: list[FixtureJob]

    @property
    def builds(self) -> list[FixtureBuild]:
        return [b for j in self.jobs for b in j.builds]

    def job(self, instance: str, full_name: str) -> FixtureJob:
        return next(j for j in self.jobs if j.instance == instance and j.full_name == full_name)


def _start_times(rng: random.Random, now: datetime, count: int) -> list[datetime]:
    """Spread over ~40 days, clear of the 24h/7d/30d edges by 15 minutes, oldest first."""
    edges = [timedelta(hours=24), timedelta(days=7), timedelta(days=30)]
    times = []
    while len(times) < count:
        age = timedelta(minutes=rng.randint(20, 40 * 24 * 60))
        if all(abs(age - edge) > timedelta(minutes=15) for edge in edges):
            times.append(now - age)
    return sorted(times)


def _category(rng: random.Random, result: str | None) -> str | None:
    if result in (None, "SUCCESS"):
        return None
    if result == "ABORTED":
        return rng.choice(["timeout", "aborted"])
    if result == "NOT_BUILT":
        return "unknown"
    return rng.choice(["test_failure", "compilation_error", "infrastructure", "dependency_error", "scm_error"])


def _stages(rng: random.Random, bid: str, result: str | None, running: bool) -> list[FixtureStage]:
    names = ["Checkout", "Build", "Test", "Deploy"]
    executed = names[:2] if running else names
    stages, position = [], 0
    for name in executed:
        position += 1
        last_running = running and name == executed[-1]
        stage_result = None if last_running else ("FAILURE" if result == "FAILURE" and name == "Test" else "SUCCESS")
        stage = FixtureStage(f"{bid}-{position}", None, position, name, "STAGE", stage_result,
                             None if last_running else rng.randint(1_000, 90_000))
        stages.append(stage)
        if name == "Test":
            for branch in ("unit", "integration"):
                position += 1
                failed = result == "FAILURE" and branch == "integration"
                stages.append(FixtureStage(f"{bid}-{position}", stage.stage_id, position, branch, "PARALLEL",
                                           "FAILURE" if failed else "SUCCESS", rng.randint(500, 60_000)))
    return stages


def test_id(instance: str, full_name: str, class_name: str, name: str) -> str:
    return "t_" + hashlib.md5(f"{instance}|{full_name}|{class_name}|{name}".encode()).hexdigest()[:16]


def _test_results(rng: random.Random, job: FixtureJob, build: FixtureBuild, index: int) -> list[FixtureTestResult]:
    """Six cases a build: one fails when the build failed, one is always skipped; every 4th build of every
    other job fails `case1` and passes it on a retry within the build (flaky on that build's commit)."""
    if build.state != "FINISHED" or build.result not in ("SUCCESS", "UNSTABLE", "FAILURE"):
        return []
    results = []

    def add(case: int, status: str) -> None:
        suite = f"com.acme.{job.name.replace('-', '_')}.Suite{case % 2}"
        error = f"java.lang.AssertionError: case{case} of #{build.number}\n\tat {suite}" if status == "FAILED" else None
        results.append(FixtureTestResult(test_id(job.instance, job.full_name, suite, f"case{case}"), len(results),
                                         suite, suite, f"case{case}", status,
                                         0 if status == "SKIPPED" else rng.randint(5, 5_000), error))

    failing = build.number % 5 if build.result != "SUCCESS" else None
    retried = index % 2 == 0 and build.number % 4 == 0
    for case in range(6):
        add(case, "SKIPPED" if case == 5 else "FAILED" if case == failing or (retried and case == 1) else "PASSED")
    if retried:
        add(1, "PASSED")
    return results


def make_fixture(now: datetime | None = None, seed: int = 7, builds_per_job: int = 45) -> Fixture:
    rng = random.Random(seed)
    now = now or datetime.now(UTC)
    jobs = []
    for index, (instance, full_name, name, folder, kind, branch) in enumerate(JOBS):
        jid = job_id(instance, full_name)
        count = max(3, builds_per_job - 3 * index)
        builds = []
        for number, started in enumerate(_start_times(rng, now, count), start=1):
            running = number == count and index % 3 == 0  # some jobs' newest build is still running
            result = None if running else rng.choice(RESULTS)
            bid = build_id(instance, full_name, number)
            labels = ["unknown"] if result == "NOT_BUILT" else rng.sample(LABELS, rng.choice([1, 1, 1, 2]))
            agents = "".join(f"Running on {label}-agent-{number % 3} in /work/{name}\n" for label in labels
                             if label != "unknown")
            builds.append(FixtureBuild(
                build_id=bid, job_id=jid, instance=instance, job_name=name, folder=folder, number=number,
                state="RUNNING" if running else "FINISHED", result=result,
                duration_ms=None if running else rng.randint(5_000, 900_000),
                queue_time_ms=None if rng.random() < 0.15 else rng.randint(0, 120_000),
                started_at=started.replace(microsecond=rng.randint(0, 999) * 1000), branch=branch,
                commit_sha=None if kind == "freestyle" else hashlib.sha1(bid.encode()).hexdigest(),
                failure_category=_category(rng, result), labels=labels,
                log=None if running else f"Started by user admin\n{agents}Finished: {result}\n",
                truncated=number == 2,
                stages=[] if kind == "freestyle" else _stages(rng, bid, result, running),
                # the Staging controller has no Blue Ocean: read through the core API with the Metrics plugin
                in_pipeline_queue_ms=rng.randint(0, 30_000) if instance == "Staging" else None,
                source="core" if instance == "Staging" else "blueocean",
            ))
        jobs.append(FixtureJob(jid, instance, full_name, name, folder, kind, branch, builds))
    tests_rng = random.Random(seed + 1)  # its own draws: the builds above stay as they were
    for index, job in enumerate(jobs):
        for build in job.builds:
            build.tests = _test_results(tests_rng, job, build, index)
    return Fixture(now=now, jobs=jobs)


DDL = """
create schema marts;
create table marts.dim_instances (instance varchar, job_count bigint, build_count bigint, latest_build_at timestamptz);
create table marts.dim_jobs (job_id varchar, instance varchar, full_name varchar, name varchar, folder varchar,
    kind varchar, branch varchar, last_build integer, last_result varchar, success_rate double,
    total_builds bigint, counted_builds bigint);
create table marts.fct_builds (build_id varchar, job_id varchar, instance varchar, job_name varchar, folder varchar,
    number integer, state varchar, result varchar, duration_ms bigint, queue_time_ms bigint, started_at timestamptz,
    branch varchar, commit_sha varchar, failure_category varchar, is_counted boolean, is_success boolean,
    failing_stage varchar, in_pipeline_queue_ms bigint, source varchar);
create table marts.fct_stages (build_id varchar, stage_id varchar, parent_stage_id varchar, position integer,
    name varchar, node_type varchar, result varchar, duration_ms bigint, started_at timestamptz);
create table marts.fct_steps (build_id varchar, step_id varchar, position integer, name varchar, result varchar,
    duration_ms bigint, started_at timestamptz);
create table marts.bridge_build_labels (build_id varchar, label varchar);
create table marts.build_logs (build_id varchar, log_text varchar, log_bytes bigint, truncated boolean);
create table marts.fct_test_results (build_id varchar, test_id varchar, job_id varchar, instance varchar,
    number bigint, position bigint, suite varchar, class_name varchar, test_name varchar, status varchar,
    state varchar, duration_ms bigint, age bigint, error_text varchar, started_at timestamptz, commit_sha varchar,
    _loaded_at timestamptz);
create table marts.dim_tests (test_id varchar, job_id varchar, instance varchar, suite varchar, class_name varchar,
    test_name varchar, first_seen_at timestamptz, last_seen_at timestamptz, last_status varchar,
    failing_since_at timestamptz, window_runs bigint, window_failures bigint, window_failure_rate double,
    window_p50_duration_ms bigint, window_p95_duration_ms bigint, window_flaky_commits bigint,
    window_retry_cost_ms bigint);
create table marts.fct_flaky_test_results (test_id varchar, commit_sha varchar, job_id varchar, instance varchar,
    failed_builds bigint, passed_builds bigint, retry_cost_ms bigint, first_started_at timestamptz,
    last_started_at timestamptz, last_build_id varchar, _loaded_at timestamptz);
"""


def _insert(con: duckdb.DuckDBPyConnection, table: str, rows: list[tuple]) -> None:
    """Bulk insert through Arrow: `executemany` takes seconds for a few thousand rows."""
    if not rows:
        return
    columns = [d[0] for d in con.execute(f"select * from {table} limit 0").description]
    con.register("fixture_rows", pa.table({c: [row[i] for row in rows] for i, c in enumerate(columns)}))
    con.execute(f"insert into {table} select * from fixture_rows")
    con.unregister("fixture_rows")


def write_snapshot(path: Path, fixture: Fixture) -> Path:
    """Writes the marts of `fixture` into a new DuckDB file at `path` (like the publish step, read-only)."""
    builds = sorted(fixture.builds, key=lambda b: (b.job_id, -b.started_at.timestamp()))
    with duckdb.connect(str(path)) as con:
        con.execute(DDL)
        by_instance: dict[str, list[FixtureJob]] = {}
        for job in fixture.jobs:
            by_instance.setdefault(job.instance, []).append(job)
        _insert(con, "marts.dim_instances", [
            (inst, len(jobs), sum(len(j.builds) for j in jobs), max(b.started_at for j in jobs for b in j.builds))
            for inst, jobs in by_instance.items()
        ])
        _insert(con, "marts.dim_jobs", [
            (j.job_id, j.instance, j.full_name, j.name, j.folder, j.kind, j.branch,
             j.last.number if j.last else None, j.last.result if j.last else None, j.success_rate,
             len(j.builds), sum(b.is_counted for b in j.builds))
            for j in sorted(fixture.jobs, key=lambda j: (j.folder, j.name, j.job_id))
        ])
        _insert(con, "marts.fct_builds", [
            (b.build_id, b.job_id, b.instance, b.job_name, b.folder, b.number, b.state, b.result, b.duration_ms,
             b.queue_time_ms, b.started_at, b.branch, b.commit_sha, b.failure_category, b.is_counted,
             b.result == "SUCCESS", "Test" if b.result == "FAILURE" and b.stages else None, b.in_pipeline_queue_ms,
             b.source)
            for b in builds
        ])
        _insert(con, "marts.fct_stages", [
            (b.build_id, s.stage_id, s.parent_stage_id, s.position, s.name, s.node_type, s.result, s.duration_ms,
             b.started_at) for b in builds for s in b.stages
        ])
        _insert(con, "marts.fct_steps", [
            (b.build_id, f"{s.stage_id}-step", s.position, f"sh: {s.name.lower()}", s.result, s.duration_ms,
             b.started_at) for b in builds for s in b.stages if s.node_type == "STAGE"
        ])
        _insert(con, "marts.bridge_build_labels", [(b.build_id, label) for b in builds for label in b.labels])
        _insert(con, "marts.build_logs", [
            (b.build_id, b.log, len(b.log.encode()) * (10 if b.truncated else 1), b.truncated)
            for b in builds if b.log is not None
        ])
        _write_tests(con, builds)
    os.chmod(path, 0o444)
    return path


def _write_tests(con: duckdb.DuckDBPyConnection, builds: list[FixtureBuild]) -> None:
    """The three test marts, from the builds' results (the dimension's window figures are left out: the API
    computes its own window)."""
    by_start = sorted(builds, key=lambda b: b.started_at)
    _insert(con, "marts.fct_test_results", [
        (b.build_id, t.test_id, b.job_id, b.instance, b.number, t.position, t.suite, t.class_name, t.name, t.status,
         None, t.duration_ms, 1 if t.status == "FAILED" else 0, t.error_text, b.started_at, b.commit_sha, None)
        for b in by_start for t in b.tests
    ])
    seen: dict[str, list[tuple[FixtureBuild, FixtureTestResult]]] = {}
    for b in by_start:
        for t in b.tests:
            seen.setdefault(t.test_id, []).append((b, t))
    dims, flaky = [], []
    for tid, runs in seen.items():
        first, (last, last_result) = runs[0][0], runs[-1]
        passes = [b.started_at for b, t in runs if t.status == "PASSED"]
        streak = [b for b, t in runs if t.status == "FAILED" and (not passes or b.started_at > max(passes))]
        since = streak[0] if last_result.status == "FAILED" else None
        dims.append((tid, first.job_id, first.instance, last_result.suite, last_result.class_name, last_result.name,
                     first.started_at, last.started_at, last_result.status, since and since.started_at,
                     0, 0, None, None, None, 0, 0))
        commits: dict[str, list[tuple[FixtureBuild, FixtureTestResult]]] = {}
        for b, t in runs:
            if b.commit_sha:
                commits.setdefault(b.commit_sha, []).append((b, t))
        for sha, on_commit in commits.items():
            failed = {b.build_id: b for b, t in on_commit if t.status == "FAILED"}
            passed = {b.build_id for b, t in on_commit if t.status == "PASSED"}
            if failed and passed:
                flaky.append((tid, sha, first.job_id, first.instance, len(failed), len(passed),
                              sum(b.duration_ms or 0 for b in failed.values()), on_commit[0][0].started_at,
                              on_commit[-1][0].started_at, on_commit[-1][0].build_id, None))
    _insert(con, "marts.dim_tests", dims)
    _insert(con, "marts.fct_flaky_test_results", flaky)


def publish(home: Home, snapshot: Path) -> None:
    """Points `current.duckdb` at `snapshot` as the publish step does."""
    home.serving_dir.mkdir(parents=True, exist_ok=True)
    swap_in(home, snapshot)
