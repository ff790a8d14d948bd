"""GET /api/v1/jobs and /api/v1/jobs/{job_id}: jobs from `marts.dim_jobs`, ordered by folder then name."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get
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


class JobsController(Controller):
    path = "/jobs"
    tags = ["jobs"]

    @get("/", operation_id="listJobs", sync_to_thread=True, responses=error_responses(503))
    def list_jobs(
        self,
        snapshot: NamedDependency[SnapshotReader],
        instance: Annotated[str | None, Parameter(description="Only jobs of this connection (instance name).")] = None,
        folder: Annotated[str | None, Parameter(description="Only jobs in this folder or below: `/platform`.")] = None,
        page: Page = 1,
        per_page: PerPage = 25,
    ) -> JobPage:
        """List jobs, by folder then name."""
        instance, folder = text_filter(instance), normalize_folder(folder)
        params = [instance, instance, folder, folder, folder]
        with snapshot.cursor() as cur:
            total = cur.execute(f"select count(*) from snap.marts.dim_jobs {FILTERS}", params).fetchone()[0]
            rows = []
            if offset(page, per_page) < total:
                rows = cur.execute(
                    f"select {JOB_COLUMNS} from snap.marts.dim_jobs {FILTERS} "
                    "order by folder, name, job_id limit ? offset ?",
                    [*params, per_page, offset(page, per_page)],
                ).fetchall()
        return JobPage(data=[Job(*row) for row in rows], meta=PageMeta(page=page, per_page=per_page, total=total))

    @get("/{job_id:str}", operation_id="getJob", sync_to_thread=True, responses=error_responses(404, 503))
    def get_job(self, snapshot: NamedDependency[SnapshotReader], job_id: FromPath[str]) -> JobDetail:
        """One job, with its kind, branch, Jenkins full name and build count."""
        with snapshot.cursor() as cur:
            row = cur.execute(
                f"select {JOB_COLUMNS}, full_name, kind, branch, coalesce(total_builds, 0) "
                "from snap.marts.dim_jobs where job_id = ?",
                [job_id],
            ).fetchone()
        if row is None:
            raise NotFoundException(f"No job with id {job_id!r}.")
        return JobDetail(*row)
