"""The PNG chart of a window: builds per day stacked by result, and the day's p95 duration as a line."""

from __future__ import annotations

import io
import threading
from datetime import date, datetime

import duckdb

from api.timerange import iso_z

COLORS = {"SUCCESS": "#2e7d32", "UNSTABLE": "#f9a825", "FAILURE": "#c62828", "ABORTED": "#757575",
          "NOT_BUILT": "#bdbdbd", "RUNNING": "#1565c0"}
DAILY_SQL = """
select started_at::date as day, coalesce(result, 'RUNNING') as result, count(*) as builds
from snap.marts.fct_builds
where started_at >= ? and started_at < ? and (? is null or job_id = ?)
group by all order by day
"""
P95_SQL = """
select started_at::date as day, quantile_cont(duration_ms, 0.95) filter (where is_counted) / 1000.0 as p95_s
from snap.marts.fct_builds
where started_at >= ? and started_at < ? and (? is null or job_id = ?)
group by all order by day
"""
# matplotlib's global state (font cache, rcParams) is not thread-safe; charts are rare, so draw one at a time.
_draw_lock = threading.Lock()


def render_chart(cur: duckdb.DuckDBPyConnection, start: datetime, end: datetime, job: str | None) -> bytes:
    params = [start, end, job, job]
    daily = cur.execute(DAILY_SQL, params).fetchall()
    p95 = [(day, value) for day, value in cur.execute(P95_SQL, params).fetchall() if value is not None]
    with _draw_lock:
        return _draw(daily, p95, f"{iso_z(start)} to {iso_z(end)}" + (f", job {job}" if job else ""))


def _draw(daily: list[tuple[date, str, int]], p95: list[tuple[date, float]], title: str) -> bytes:
    # Imported here: matplotlib takes long to import and only this endpoint needs it.
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    fig = Figure(figsize=(10, 4.5), dpi=100)
    ax = fig.subplots()
    days = sorted({day for day, _, _ in daily})
    bottom = dict.fromkeys(days, 0)
    for result, color in COLORS.items():
        counts = {day: n for day, r, n in daily if r == result}
        if counts:
            heights = [counts.get(day, 0) for day in days]
            ax.bar(days, heights, bottom=[bottom[d] for d in days], color=color, label=result, width=0.8)
            for day, h in zip(days, heights, strict=True):
                bottom[day] += h
    ax.set_ylabel("builds per day")
    ax.set_title(f"Builds by result and p95 duration, {title}", fontsize=10)
    if not days:
        ax.text(0.5, 0.5, "No builds in this window", ha="center", va="center", transform=ax.transAxes)
    if p95:
        line_ax = ax.twinx()
        line_ax.plot([d for d, _ in p95], [v for _, v in p95], color="black", marker="o", label="p95 duration")
        line_ax.set_ylabel("p95 duration (s)")
        line_ax.set_ylim(bottom=0)
        line_ax.legend(loc="upper right", fontsize=8)
    if days:
        ax.legend(loc="upper left", fontsize=8)
    fig.autofmt_xdate()
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()
