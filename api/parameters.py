"""Query parameters shared by several endpoints, with their validation and OpenAPI descriptions."""

from __future__ import annotations

from typing import Annotated

from litestar.params import Parameter

from api.timerange import RANGE_HELP

# Bounded so that the row offset always fits DuckDB's BIGINT: a larger page is a 400, not a 500.
MAX_PAGE = 10_000_000
Page = Annotated[int, Parameter(ge=1, le=MAX_PAGE, description=f"Page number, from 1 to {MAX_PAGE}.")]
PerPage = Annotated[int, Parameter(ge=1, le=100, description="Items per page, 1 to 100.")]
Range = Annotated[str, Parameter(description=f"Time window: {RANGE_HELP}. Half-open [from, to).")]
JobFilter = Annotated[str | None, Parameter(description="Only this job (a job id, `j_...`).")]
# Strings parsed by api.timerange.parse_instant; the schema still says date-time.
DATE_TIME = {"format": "date-time"}
Since = Annotated[str | None, Parameter(schema_extra=DATE_TIME, description="Builds started at or after this time.")]
Until = Annotated[str | None, Parameter(schema_extra=DATE_TIME, description="Builds started before this time.")]


def offset(page: int, per_page: int) -> int:
    return (page - 1) * per_page


def text_filter(value: str | None) -> str | None:
    """An empty filter (`?branch=`) means no filter, as HTML forms send it."""
    return (value.strip() or None) if value is not None else None
