"""SQL of the five metrics of docs/contract.md section 4, flat or grouped, over `marts.fct_builds` in a window.

Counted builds are `is_counted` (FINISHED SUCCESS/UNSTABLE/FAILURE, and ABORTED by timeout); the
percentile is DuckDB's `quantile_cont` over build rows of each group, never an average of averages.
"""

from __future__ import annotations

from datetime import datetime

import duckdb

from api.schemas import GroupBy, GroupMetrics, Metrics

FIVE = """
    avg(case when is_success then 1.0 else 0.0 end) filter (where is_counted) as success_rate,
    round(avg(duration_ms) filter (where is_counted))::bigint as avg_duration,
    round(quantile_cont(duration_ms, 0.95) filter (where is_counted))::bigint as p95_duration,
    avg(queue_time_ms)::double as avg_queue_time,
    count(*) as total_builds
"""
WINDOW = "b.started_at >= ? and b.started_at < ? and (? is null or b.job_id = ?)"
# key expression, extra column, join — per group_by. A build on several agents counts once per label;
# one whose log named none (or that has no label row) is `unknown`.
GROUPINGS: dict[str, tuple[str, str, str]] = {
    "job": ("b.job_id", ", any_value(b.job_name) as name", ""),
    "folder": ("b.folder", "", ""),
    "branch": ("b.branch", "", ""),
    "label": ("coalesce(l.label, 'unknown')", "",
              "left join snap.marts.bridge_build_labels l on l.build_id = b.build_id"),
}


def flat_metrics(cur: duckdb.DuckDBPyConnection, start: datetime, end: datetime, job: str | None) -> Metrics:
    row = cur.execute(f"select {FIVE} from snap.marts.fct_builds b where {WINDOW}", [start, end, job, job]).fetchone()
    return Metrics(*row)


def grouped_metrics(cur: duckdb.DuckDBPyConnection, group_by: GroupBy, start: datetime, end: datetime,
                    job: str | None) -> list[GroupMetrics]:
    """Groups that have builds in the window, the busiest first."""
    key, extra, join = GROUPINGS[group_by]
    rows = cur.execute(
        f"select {key} as key {extra}, {FIVE} from snap.marts.fct_builds b {join} where {WINDOW} "
        "group by 1 order by total_builds desc, key nulls last",
        [start, end, job, job],
    ).fetchall()
    if group_by == "job":
        return [GroupMetrics(*metrics, key=key, name=name) for key, name, *metrics in rows]
    return [GroupMetrics(*metrics, key=key) for key, *metrics in rows]
