"""Request and response bodies of /api/v1 (msgspec Structs; field names as in the contract).

Data objects are camelCase (`lastBuild`, `queueTime`); `meta` objects keep the contract's snake_case
(`per_page`, `group_by`). Nullable fields are always present, as `null`.
"""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

from buildbutler.store import Connection

Result = Literal["SUCCESS", "UNSTABLE", "FAILURE", "ABORTED", "NOT_BUILT"]
State = Literal["RUNNING", "PAUSED", "FINISHED"]
GroupBy = Literal["job", "folder", "label", "branch"]
Interval = Literal["hour", "day", "week"]
Compare = Literal["previous"]


class CamelStruct(msgspec.Struct, rename="camel"):
    pass


class PageMeta(msgspec.Struct):
    page: int
    per_page: int
    total: int


class Job(CamelStruct):
    id: str
    name: str
    instance: str
    folder: str
    last_build: int | None
    last_result: Result | None
    success_rate: float | None


class JobDetail(Job):
    full_name: str
    kind: str | None
    branch: str | None
    total_builds: int


class JobPage(msgspec.Struct):
    data: list[Job]
    meta: PageMeta


class Build(CamelStruct):
    id: str
    job_id: str
    number: int
    state: State
    result: Result | None
    duration: int | None
    queue_time: int | None
    timestamp: str
    branch: str | None
    commit: str | None
    failure_category: str | None
    # Beyond the contract's fields (docs/contract.md): the Pipeline's own waits for an executor after it
    # started (Metrics plugin), and the Jenkins API the build was read from.
    in_pipeline_queue_time: int | None = None
    source: str | None = None


class ParallelBranch(msgspec.Struct):
    name: str
    duration: int | None
    result: Result | None


class Stage(msgspec.Struct, omit_defaults=True):
    name: str
    duration: int | None
    result: Result | None
    # Only present on stages that ran parallel branches, like the contract's example shows plain stages.
    parallel: list[ParallelBranch] | msgspec.UnsetType = msgspec.UNSET


class BuildDetail(Build, kw_only=True):
    stages: list[Stage]
    # The stored log is the head and the tail of a log over the cap; null while no log is stored.
    log_truncated: bool | None


class BuildPage(msgspec.Struct):
    data: list[Build]
    meta: PageMeta


TestSort = Literal["failing", "slowest", "flaky"]
TestStatus = Literal["PASSED", "FAILED", "SKIPPED"]


class Test(CamelStruct):
    """A test (a case, class and name, of one job) over a window; durations in ms, of passed and failed runs."""

    id: str
    job_id: str
    instance: str
    suite: str | None
    class_name: str | None
    name: str
    runs: int  # results that passed or failed in the window
    failures: int
    failure_rate: float | None
    flaky_commits: int  # commits it failed and passed on, whose last build is in the window
    retry_cost: int  # ms: duration of the builds it failed on those commits
    p50_duration: int | None
    p95_duration: int | None
    last_status: str
    last_run: str  # start of the window's last build that ran it
    failing_since: str | None  # while its newest result (of all time) fails: the first failure of that streak


class TestPage(msgspec.Struct):
    data: list[Test]
    meta: PageMeta


class TestRun(CamelStruct):
    """One result of a test: its build, status and error."""

    build_id: str
    number: int
    status: str
    duration: int | None
    timestamp: str
    commit: str | None
    error_text: str | None


class TestHistory(msgspec.Struct):
    data: list[TestRun]
    meta: PageMeta


class TestDetail(Test, kw_only=True):
    """A test over the window, with its results in the window, newest first (paged)."""

    history: TestHistory


class BuildTest(CamelStruct):
    """A case of one build (its failed ones by default), with the error's first lines."""

    test_id: str
    suite: str | None
    class_name: str | None
    name: str
    status: str
    state: str | None
    duration: int | None
    age: int | None
    error_text: str | None


class BuildTestPage(msgspec.Struct):
    data: list[BuildTest]
    meta: PageMeta


class Metrics(CamelStruct):
    success_rate: float | None
    avg_duration: int | None
    p95_duration: int | None
    avg_queue_time: float | None
    total_builds: int


class GroupMetrics(Metrics, kw_only=True, omit_defaults=True):
    key: str | None
    name: str | msgspec.UnsetType = msgspec.UNSET  # only with group_by=job: the job's name


class GroupMeta(msgspec.Struct, rename={"from_": "from"}):
    group_by: GroupBy
    from_: str
    to: str


class GroupedMetrics(msgspec.Struct):
    data: list[GroupMetrics]
    meta: GroupMeta


def _camel_with_from(name: str) -> str:
    """camelCase, and `from_` (a Python keyword) as `from`."""
    head, *rest = name.rstrip("_").split("_")
    return head + "".join(part.title() for part in rest)


class ResultCounts(msgspec.Struct, rename={"not_built": "NOT_BUILT", "success": "SUCCESS", "unstable": "UNSTABLE",
                                           "failure": "FAILURE", "aborted": "ABORTED"}):
    """Builds by result; `unfinished` are those without a result yet (running or paused). They add up to
    `totalBuilds`."""

    success: int
    unstable: int
    failure: int
    aborted: int
    not_built: int
    unfinished: int


class PeriodMetrics(Metrics, kw_only=True, rename=_camel_with_from):
    """The five metrics of a half-open period `[from, to)`, with its builds counted by result."""

    from_: str
    to: str
    results: ResultCounts


class ComparedMetrics(PeriodMetrics, kw_only=True, rename=_camel_with_from):
    """`compare=previous` (an addition beyond the contract): this window, and the one of equal length before it."""

    previous: PeriodMetrics


class SeriesMeta(msgspec.Struct, rename={"from_": "from"}):
    interval: Interval
    from_: str
    to: str


class PreviousSeries(msgspec.Struct):
    data: list[PeriodMetrics]
    meta: SeriesMeta


class MetricSeries(msgspec.Struct, omit_defaults=True):
    """`interval=hour|day|week` (an addition beyond the contract): one bucket per UTC hour, day or ISO week
    (from Monday) that meets the window, cut to the window; `previous` only with `compare=previous`."""

    data: list[PeriodMetrics]
    meta: SeriesMeta
    previous: PreviousSeries | msgspec.UnsetType = msgspec.UNSET


class ExportRow(CamelStruct):
    """One build in /analytics/export (csv columns in this order, json objects with these keys)."""

    id: str
    job_id: str
    job_name: str
    folder: str
    instance: str
    branch: str | None
    number: int
    result: Result | None
    duration: int | None
    queue_time: int | None
    timestamp: str
    commit: str | None
    failure_category: str | None


class ConnectionIn(msgspec.Struct, forbid_unknown_fields=True, rename="camel"):
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=100, description="Unique; the builds' `instance`")]
    url: Annotated[str, msgspec.Meta(min_length=1, max_length=2000, pattern="^[Hh][Tt][Tt][Pp][Ss]?://",
                                     description="The controller's absolute http(s) URL")]
    username: str | None = None
    token: str | None = None  # the Jenkins API token: stored encrypted, never returned
    ca_bundle: str | None = None  # absolute path of a PEM file (or folder) of the CAs of the controller's certificate
    tls_verify: bool = True  # false turns certificate verification off for this connection (logged at each sync)

    def __repr__(self) -> str:  # the token must not reach a log line through a repr
        return f"ConnectionIn(name={self.name!r}, url={self.url!r}, username={self.username!r}, token=<hidden>)"


class ConnectionList(msgspec.Struct):
    data: list[Connection]


class ConnectionCheck(msgspec.Struct):
    ok: bool
    status: int | None  # the controller's HTTP status, null when it could not be reached
    message: str


class Health(msgspec.Struct):
    status: Literal["ok"]
    snapshot: str | None  # file name of the snapshot in service, null before the first publish


class ErrorDetail(msgspec.Struct):
    code: str
    message: str
    details: dict[str, object]


class ErrorBody(msgspec.Struct):
    error: ErrorDetail
