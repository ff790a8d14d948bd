"""GET /api/v1/jobs and /api/v1/jobs/{job_id}: jobs from `marts.dim_jobs`, ordered by folder then name.

Answers are kept per snapshot generation (`Generation.answer`) as encoded JSON, served as they are;
`Response[JobPage]` keeps the body's schema in OpenAPI. The queries are plain functions of a cursor.
"""

from __future__ import annotations

from typing import Annotated

import duckdb
import msgspec
from litestar import Controller, MediaType, Response, get
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, Parameter

from api.errors import error_responses
from api.parameters import Page, PerPage, offset, text_filter
from api.schemas import Job, JobDetail, JobPage, PageMeta
from api.snapshot import SnapshotReader

JOB_COLUMNS = "job_id, name, instance, folder, last_build, last_result, success_rate"
# `folder` matches that folder and every folder below it; "/" matches everything.
FILTERS = """
where (? is null or instance = ?)
  and (? is null or folder = ? or starts_with(folder, ? || '/'))
"""


def normalize_folder(folder: str | None) -> str | None:
    """`platform/infra/` -> `/platform/infra`; `/` (the top) filters nothing."""
    folder = text_filter(folder)
    if folder is None:
        return None
    folder = "/" + folder.strip("/")
    return None if folder == "/" else folder


def job_page(cur: duckdb.DuckDBPyConnection, instance: str | None, folder: str | None, page: int,
             per_page: int) -> JobPage:
    params = [instance, instance, folder, folder, folder]
    # The page and the total in one query; an empty page (past the end) asks for the total alone.
    rows = cur.execute(
        f"select {JOB_COLUMNS}, count(*) over () from snap.marts.dim_jobs {FILTERS} "
        "order by folder, name, job_id limit ? offset ?",
        [*params, per_page, offset(page, per_page)],
    ).fetchall()
    total = rows[0][-1] if rows else cur.execute(
        f"select count(*) from snap.marts.dim_jobs {FILTERS}", params).fetchone()[0]
    return JobPage(data=[Job(*row[:-1]) for row in rows], meta=PageMeta(page=page, per_page=per_page, total=total))


def job_detail(cur: duckdb.DuckDBPyConnection, job_id: str) -> JobDetail:
    row = cur.execute(
        f"select {JOB_COLUMNS}, full_name, kind, branch, coalesce(total_builds, 0) from snap.marts.dim_jobs "
        "where job_id = ?",
        [job_id],
    ).fetchone()
    if row is None:
        raise NotFoundException(f"No job with id {job_id!r}.")
    return JobDetail(*row)


class JobsController(Controller):
    path = "/jobs"
    tags = ["jobs"]

    @get("/", operation_id="listJobs", responses=error_responses(503))
    async def list_jobs(
        self,
        snapshot: NamedDependency[SnapshotReader],
        instance: Annotated[str | None, Parameter(description="Only jobs of this connection (instance name).")] = None,
        folder: Annotated[str | None, Parameter(description="Only jobs in this folder or below: `/platform`.")] = None,
        page: Page = 1,
        per_page: PerPage = 25,
    ) -> Response[JobPage]:
        """List jobs, by folder then name."""
        instance, folder = text_filter(instance), normalize_folder(folder)
        with snapshot.generation() as generation:
            body = await generation.answer(
                ("jobs", instance, folder, page, per_page),
                lambda cur: msgspec.json.encode(job_page(cur, instance, folder, page, per_page)),
            )
        return Response(body, media_type=MediaType.JSON)

    @get("/{job_id:str}", operation_id="getJob", responses=error_responses(404, 503))
    async def get_job(self, snapshot: NamedDependency[SnapshotReader], job_id: FromPath[str]) -> Response[JobDetail]:
        """One job, with its kind, branch, Jenkins full name and build count."""
        with snapshot.generation() as generation:
            body = await generation.answer(("job", job_id), lambda cur: msgspec.json.encode(job_detail(cur, job_id)))
        return Response(body, media_type=MediaType.JSON)
