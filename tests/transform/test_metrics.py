"""The metrics of a window (docs/contract.md section 4), computed from the marts as the API or an analyst would,
equal an independent computation in Python on the scenario's own runs."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from . import expectations as expect
from .marts_reader import fetch
from .scenario import T0, at, runs_as_of

RUNS = runs_as_of(1)

METRICS_SQL = """
select
    count(*) filter (where b.is_success) / nullif(count(*) filter (where b.is_counted), 0) as success_rate,
    avg(b.duration_ms) filter (where b.is_counted) as avg_duration,
    quantile_cont(b.duration_ms, 0.95) filter (where b.is_counted) as p95_duration,
    avg(b.queue_time_ms) as avg_queue_time,
    count(*) as total_builds
from marts.fct_builds as b
where b.started_at >= ? and b.started_at < ? {extra}
"""

WINDOWS = {
    "first day": (T0.replace(hour=0), at(16)),
    "everything": (at(-48), at(48)),
    "a quiet week": (at(24 * 7), at(24 * 14)),
    "one hour": (at(1), at(2)),
}


def metrics(warehouse: Path, start: datetime, end: datetime, extra: str = "", params: list | None = None) -> dict:
    return fetch(warehouse, METRICS_SQL.format(extra=extra), [start, end, *(params or [])])[0]


def assert_same(got: dict, want: dict) -> None:
    assert got["total_builds"] == want["total_builds"]
    for name in ("success_rate", "avg_duration", "p95_duration", "avg_queue_time"):
        assert got[name] == (None if want[name] is None else pytest.approx(want[name], rel=1e-12)), name
        if want[name] is not None and name != "success_rate":  # the API rounds to integer ms
            assert round(got[name]) == expect.round_half_up(want[name])


@pytest.mark.parametrize("window", WINDOWS)
def test_window_metrics_match_python(built_warehouse: Path, window: str) -> None:
    start, end = WINDOWS[window]
    assert_same(metrics(built_warehouse, start, end), expect.window_metrics(RUNS, start, end))


def test_empty_window_gives_nulls_and_zero(built_warehouse: Path) -> None:
    got = metrics(built_warehouse, *WINDOWS["a quiet week"])
    assert got == {"success_rate": None, "avg_duration": None, "p95_duration": None, "avg_queue_time": None,
                   "total_builds": 0}


def test_metrics_of_one_job(built_warehouse: Path) -> None:
    start, end = WINDOWS["everything"]
    got = metrics(built_warehouse, start, end, "and b.job_id = ?", [expect.job_id("prod", "api-service")])
    api_runs = [run for run in RUNS if run.job == "api-service"]
    assert_same(got, expect.window_metrics(api_runs, start, end))


@pytest.mark.parametrize("label", ["linux-1", "linux-2", "Jenkins", "unknown"])
def test_metrics_by_label_count_a_build_for_each_agent(built_warehouse: Path, label: str) -> None:
    start, end = WINDOWS["everything"]
    extra = "and b.build_id in (select build_id from marts.bridge_build_labels where label = ?)"
    got = metrics(built_warehouse, start, end, extra, [label])
    assert_same(got, expect.window_metrics([run for run in RUNS if label in run.agents], start, end))
