"""Builds: a job's builds (newest first), one build with its stages, and its console log.

Pages and builds are kept per snapshot generation (`Generation.answer`); logs are not (they can be large).
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

from api.errors import bad_parameter, error_responses
from api.parameters import Page, PerPage, Since, Until, offset, text_filter
from api.schemas import Build, BuildDetail, BuildPage, PageMeta, ParallelBranch, Result, Stage
from api.snapshot import SnapshotReader
from api.timerange import parse_instant

BUILD_COLUMNS = """build_id, job_id, number, state, result, duration_ms, queue_time_ms,
    strftime(started_at, '%Y-%m-%dT%H:%M:%SZ'), branch, commit_sha, failure_category, in_pipeline_queue_ms, source"""
BUILD_FILTERS = """
where job_id = ?
  and (? is null or result = ?)
  and (? is null or branch = ?)
  and (? is null or started_at >= ?)
  and (? is null or started_at < ?)
"""


def nest_stages(rows: list[tuple]) -> list[Stage]:
    """(stage_id, parent_stage_id, name, duration, result) rows in Blue Ocean order -> stages with parallels."""
    stages: dict[str, Stage] = {}
    for stage_id, parent_id, name, duration, result in rows:
        parent = stages.get(parent_id) if parent_id is not None else None
        if parent is None:
            # A branch whose stage is missing is shown as a stage rather than dropped.
            stages[stage_id] = Stage(name=name, duration=duration, result=result)
        else:
            if not parent.parallel:
                parent.parallel = []
            parent.parallel.append(ParallelBranch(name=name, duration=duration, result=result))
    return list(stages.values())


def build_page(cur: duckdb.DuckDBPyConnection, job_id: str, result: str | None, branch: str | None,
               since: datetime | None, until: datetime | None, page: int, per_page: int) -> BuildPage:
    params = [job_id, result, result, branch, branch, since, since, until, until]
    # The page and the total in one query; only an empty page needs to ask whether the job exists, and its total.
    rows = cur.execute(
        f"select {BUILD_COLUMNS}, count(*) over () from snap.marts.fct_builds {BUILD_FILTERS} "
        "order by started_at desc, number desc limit ? offset ?",
        [*params, per_page, offset(page, per_page)],
    ).fetchall()
    if rows:
        total = rows[0][-1]
    elif cur.execute("select 1 from snap.marts.dim_jobs where job_id = ?", [job_id]).fetchone() is None:
        raise NotFoundException(f"No job with id {job_id!r}.")
    else:
        total = cur.execute(f"select count(*) from snap.marts.fct_builds {BUILD_FILTERS}", params).fetchone()[0]
    return BuildPage(data=[Build(*row[:-1]) for row in rows], meta=PageMeta(page=page, per_page=per_page, total=total))


def build_detail(cur: duckdb.DuckDBPyConnection, build_id: str) -> BuildDetail:
    # build_logs is sorted by build_id in a snapshot: one row group is read for the flag
    row = cur.execute(
        f"select {BUILD_COLUMNS}, (select truncated from snap.marts.build_logs as logs "
        "where logs.build_id = builds.build_id) from snap.marts.fct_builds as builds where build_id = ?",
        [build_id],
    ).fetchone()
    if row is None:
        raise NotFoundException(f"No build with id {build_id!r}.")
    stage_rows = cur.execute(
        "select stage_id, parent_stage_id, name, duration_ms, result from snap.marts.fct_stages "
        "where build_id = ? order by position, stage_id",
        [build_id],
    ).fetchall()
    return BuildDetail(*row[:-1], stages=nest_stages(stage_rows), log_truncated=row[-1])


class BuildsController(Controller):
    path = "/"
    tags = ["builds"]

    @get("/jobs/{job_id:str}/builds", operation_id="listBuilds", responses=error_responses(404, 503))
    async def list_builds(
        self,
        snapshot: NamedDependency[SnapshotReader],
        job_id: FromPath[str],
        result: Annotated[Result | None, Parameter(description="Only builds with this result.")] = None,
        branch: Annotated[str | None, Parameter(description="Only builds of this branch.")] = None,
        since: Since = None,
        until: Until = None,
        page: Page = 1,
        per_page: PerPage = 25,
    ) -> Response[BuildPage]:
        """A job's builds, newest first."""
        since = parse_instant(since, "since") if since is not None else None
        until = parse_instant(until, "until") if until is not None else None
        if since and until and since > until:
            raise bad_parameter("until", "must not be before `since`")
        branch = text_filter(branch)
        with snapshot.generation() as generation:
            body = await generation.answer(
                ("builds", job_id, result, branch, since, until, page, per_page),
                lambda cur: msgspec.json.encode(build_page(cur, job_id, result, branch, since, until, page, per_page)),
            )
        return Response(body, media_type=MediaType.JSON)

    @get("/builds/{build_id:str}", operation_id="getBuild", responses=error_responses(404, 503))
    async def get_build(self, snapshot: NamedDependency[SnapshotReader],
                        build_id: FromPath[str]) -> Response[BuildDetail]:
        """One build with its executed stages (and their parallel branches) in Blue Ocean's order, and
        whether its stored log was cut to its head and tail (null while none is stored)."""
        with snapshot.generation() as generation:
            body = await generation.answer(("build", build_id),
                                           lambda cur: msgspec.json.encode(build_detail(cur, build_id)))
        return Response(body, media_type=MediaType.JSON)

    @get("/builds/{build_id:str}/log", operation_id="getBuildLog", sync_to_thread=True,
         media_type="text/plain", responses=error_responses(404, 503))
    def get_build_log(self, snapshot: NamedDependency[SnapshotReader], build_id: FromPath[str]) -> Response[bytes]:
        """The console text as of the last sync. `X-Log-Truncated: true` when it was capped."""
        with snapshot.cursor() as cur:
            row = cur.execute("select log_text, truncated from snap.marts.build_logs where build_id = ?",
                              [build_id]).fetchone()
            if row is None:
                exists = cur.execute("select 1 from snap.marts.fct_builds where build_id = ?", [build_id]).fetchone()
                raise NotFoundException(
                    f"Build {build_id!r} has no stored log yet (logs are fetched once a build finishes)."
                    if exists else f"No build with id {build_id!r}."
                )
        text, truncated = row
        return Response(
            (text or "").encode(),
            media_type="text/plain",  # Litestar adds "; charset=utf-8"
            headers={"X-Log-Truncated": "true" if truncated else "false"},
        )
