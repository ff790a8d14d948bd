"""Metrics per UTC bucket (`interval=hour|day|week`) and of a whole period with its builds counted by result.

An addition beyond the contract (docs/contract.md section 4 defines the five metrics; this splits them in time).
Buckets are UTC hours, days or ISO weeks (from Monday), half-open, cut to the window at both ends; every bucket
that meets the window is listed, an empty one as an empty window's flat answer (nulls and 0). Each bucket is one
SQL group over build rows, so its p95 is `quantile_cont` of its own builds, never an average of percentiles.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import duckdb

from api.errors import bad_parameter
from api.metrics import FIVE, WINDOW
from api.schemas import Interval, PeriodMetrics, ResultCounts
from api.timerange import iso_z

STEPS = {"hour": timedelta(hours=1), "day": timedelta(days=1), "week": timedelta(weeks=1)}
MAX_BUCKETS = 2000  # 83 days of hours, 5 years of days: a longer series is a 400 naming `interval`
COUNTS = """
    count(*) filter (where result = 'SUCCESS'), count(*) filter (where result = 'UNSTABLE'),
    count(*) filter (where result = 'FAILURE'), count(*) filter (where result = 'ABORTED'),
    count(*) filter (where result = 'NOT_BUILT'), count(*) filter (where result is null)
"""
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# A bucket's start in epoch microseconds, by integer arithmetic on `epoch_us`: DuckDB's `date_trunc` on
# a timestamptz goes through the ICU calendar and cost 10x the rest of the series query (api/README.md, "Where the
# time goes"). UTC has no offset, so hours and days are multiples of their length since the epoch; ISO weeks start on
# Mondays, and 1970-01-01 was a Thursday, so weeks are counted from 3 days before it. Builds start after 1970.
BUCKET_US = {
    "hour": "epoch_us(b.started_at) // 3600000000 * 3600000000",
    "day": "epoch_us(b.started_at) // 86400000000 * 86400000000",
    "week": "(epoch_us(b.started_at) + 259200000000) // 604800000000 * 604800000000 - 259200000000",
}
EMPTY = (None, None, None, None, 0, 0, 0, 0, 0, 0, 0)


def bucket_start(value: datetime, interval: Interval) -> datetime:
    """The start of the UTC hour, day or ISO week holding `value` (as DuckDB's `date_trunc` in UTC)."""
    day = value.replace(minute=0, second=0, microsecond=0)
    if interval == "hour":
        return day
    day = day.replace(hour=0)
    return day if interval == "day" else day - timedelta(days=day.weekday())


def buckets(start: datetime, end: datetime, interval: Interval) -> list[tuple[datetime, datetime]]:
    """The `[from, to)` of each bucket meeting `[start, end)`, cut to it."""
    step = STEPS[interval]
    first = bucket_start(start, interval)
    if (end - first) / step > MAX_BUCKETS:
        raise bad_parameter("interval", f"the window would have more than {MAX_BUCKETS} {interval} buckets")
    bounds, at = [], first
    while at < end:
        bounds.append((max(at, start), min(at + step, end)))
        at += step
    return bounds


def _period(row: tuple, start: datetime, end: datetime) -> PeriodMetrics:
    *five, success, unstable, failure, aborted, not_built, unfinished = row
    return PeriodMetrics(*five, from_=iso_z(start), to=iso_z(end),
                         results=ResultCounts(success, unstable, failure, aborted, not_built, unfinished))


def period_metrics(cur: duckdb.DuckDBPyConnection, start: datetime, end: datetime, job: str | None) -> PeriodMetrics:
    row = cur.execute(f"select {FIVE}, {COUNTS} from snap.marts.fct_builds b where {WINDOW}",
                      [start, end, job, job]).fetchone()
    return _period(row, start, end)


def series(cur: duckdb.DuckDBPyConnection, start: datetime, end: datetime, job: str | None,
           interval: Interval) -> list[PeriodMetrics]:
    bounds = buckets(start, end, interval)
    # `interval` is one of three literals, so its expression may be written into the SQL.
    rows = cur.execute(
        f"select {BUCKET_US[interval]} as bucket, {FIVE}, {COUNTS} "
        f"from snap.marts.fct_builds b where {WINDOW} group by 1",
        [start, end, job, job],
    ).fetchall()
    by_start = {bucket: rest for bucket, *rest in rows}
    return [_period(by_start.get(_epoch_us(bucket_start(lo, interval)), EMPTY), lo, hi) for lo, hi in bounds]


def _epoch_us(value: datetime) -> int:
    return (value - EPOCH) // timedelta(microseconds=1)
