"""GET /api/v1/analytics/metrics and /api/v1/analytics/export over a time window (see api.timerange)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import duckdb
import msgspec
from litestar import Controller, MediaType, Response, get
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import Parameter
from litestar.response import Stream

from api.chart import render_chart
from api.errors import bad_parameter, error_responses
from api.export import csv_chunks, json_chunks
from api.metrics import flat_metrics, grouped_metrics
from api.parameters import JobFilter, Range, text_filter
from api.schemas import (
    Compare,
    ComparedMetrics,
    ExportRow,
    GroupBy,
    GroupedMetrics,
    GroupMeta,
    Interval,
    Metrics,
    MetricSeries,
    PreviousSeries,
    SeriesMeta,
)
from api.series import period_metrics, series
from api.snapshot import SnapshotReader
from api.timerange import iso_z, parse_range

MEDIA_TYPES = {"csv": "text/csv", "json": "application/json", "png": "image/png"}  # Litestar adds the charset to text/*
ExportFormat = Annotated[Literal["csv", "json", "png"], Parameter(description="csv, json (a row per build) or png.")]


def _check_job(cur: duckdb.DuckDBPyConnection, job: str | None) -> None:
    if job is not None and cur.execute("select 1 from snap.marts.dim_jobs where job_id = ?", [job]).fetchone() is None:
        raise NotFoundException(f"No job with id {job!r}.", extra={"parameter": "job"})


def _metrics_json(cur: duckdb.DuckDBPyConnection, group_by: GroupBy | None, start: datetime, end: datetime,
                  job: str | None) -> bytes:
    """The flat Metrics, or the groups (the `data` of GroupedMetrics)."""
    _check_job(cur, job)
    if group_by is None:
        return msgspec.json.encode(flat_metrics(cur, start, end, job))
    return msgspec.json.encode(grouped_metrics(cur, group_by, start, end, job))


def _over_time_json(cur: duckdb.DuckDBPyConnection, start: datetime, end: datetime, job: str | None,
                    interval: Interval | None, compare: Compare | None) -> bytes:
    """MetricSeries with `interval`, else ComparedMetrics; the previous window has the same length, right before."""
    _check_job(cur, job)
    before = start - (end - start)
    if interval is None:
        current = period_metrics(cur, start, end, job)
        return msgspec.json.encode(ComparedMetrics(**msgspec.structs.asdict(current),
                                                   previous=period_metrics(cur, before, start, job)))
    previous = msgspec.UNSET
    if compare is not None:
        previous = PreviousSeries(series(cur, before, start, job, interval),
                                  SeriesMeta(interval=interval, from_=iso_z(before), to=iso_z(start)))
    return msgspec.json.encode(MetricSeries(series(cur, start, end, job, interval),
                                            SeriesMeta(interval=interval, from_=iso_z(start), to=iso_z(end)), previous))


def _attachment(start: datetime, end: datetime, extension: str) -> dict[str, str]:
    stamps = "_".join(iso_z(t).replace("-", "").replace(":", "") for t in (start, end))  # file-name safe
    return {"Content-Disposition": f'attachment; filename="buildbutler-builds_{stamps}.{extension}"'}


class AnalyticsController(Controller):
    path = "/analytics"
    tags = ["analytics"]

    @get("/metrics", operation_id="getMetrics", responses=error_responses(404, 503))
    async def metrics(
        self,
        snapshot: NamedDependency[SnapshotReader],
        range: Range = "7d",  # noqa: A002 - the contract's parameter name
        job: JobFilter = None,
        group_by: Annotated[GroupBy | None, Parameter(description="Split by job, folder, label or branch.")] = None,
        interval: Annotated[Interval | None, Parameter(
            description="Addition beyond the contract: a time series, one bucket per UTC hour, day or ISO week "
                        "(from Monday) meeting the window, cut to it; not with `group_by`.")] = None,
        compare: Annotated[Compare | None, Parameter(
            description="Addition beyond the contract: `previous` adds the window of equal length right before "
                        "this one, as `previous`; not with `group_by`.")] = None,
    ) -> Response[Metrics | GroupedMetrics | ComparedMetrics | MetricSeries]:
        """successRate, avgDuration, p95Duration, avgQueueTime and totalBuilds of the builds started in the window.

        Without `group_by`, one flat object; with it, `{data: [{key, ...}], meta: {group_by, from, to}}`, the
        groups with the most builds first (`name` is added for `job`). With `interval`, `{data: [bucket],
        meta: {interval, from, to}}`, each bucket the five metrics of its `[from, to)` and `results` (builds by
        result); with `compare=previous` and no interval, the window's metrics, `from`, `to`, `results` and
        `previous`, the same for the window before.
        """
        start, end = parse_range(range)
        job = text_filter(job)
        if group_by is not None and (interval or compare):
            name = "interval" if interval else "compare"
            raise bad_parameter(name, f"{name} cannot be combined with group_by")
        if interval or compare:
            with snapshot.generation() as generation:
                # Bucket and window bounds are in the answer, so it is kept for these exact bounds.
                body = await generation.answer(("over time", interval, compare, job, start, end),
                                               lambda cur: _over_time_json(cur, start, end, job, interval, compare))
            return Response(body, media_type=MediaType.JSON)
        with snapshot.generation() as generation:
            # Keyed by the builds the window holds rather than its bounds, so that `30d` keeps its answer
            # while it moves (until a build enters or leaves it).
            window = await generation.window_positions(start, end)
            body = await generation.answer(("metrics", group_by, job, window),
                                           lambda cur: _metrics_json(cur, group_by, start, end, job))
        if group_by is not None:
            meta = msgspec.json.encode(GroupMeta(group_by=group_by, from_=iso_z(start), to=iso_z(end)))
            body = b'{"data":%s,"meta":%s}' % (body, meta)  # GroupedMetrics, with this request's own bounds
        return Response(body, media_type=MediaType.JSON)

    # The 200 response's csv and png media types are added in api.app.document_export_formats.
    @get("/export", operation_id="exportBuilds", sync_to_thread=True, responses={
        200: ResponseSpec(list[ExportRow], description="The builds (json shown; csv has the same columns) or a chart",
                          generate_examples=False),
        **error_responses(404, 503),
    })
    def export(
        self,
        snapshot: NamedDependency[SnapshotReader],
        format: ExportFormat = "csv",  # noqa: A002 - the contract's parameter name
        range: Range = "7d",  # noqa: A002
        job: JobFilter = None,
    ) -> Response:
        """The window's builds as a CSV or JSON file, or a PNG chart (builds per day by result, p95 duration)."""
        start, end = parse_range(range)
        job = text_filter(job)
        headers = _attachment(start, end, format)
        with snapshot.cursor() as cur:
            _check_job(cur, job)
            if format == "png":
                return Response(render_chart(cur, start, end, job), media_type=MEDIA_TYPES["png"], headers=headers)
        chunks = csv_chunks if format == "csv" else json_chunks
        return Stream(chunks(snapshot, start, end, job), media_type=MEDIA_TYPES[format], headers=headers)
