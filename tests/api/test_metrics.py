"""Analytics metrics and export against an independent Python computation on the fixture rows (docs/contract.md
section 4)."""

from __future__ import annotations

import csv
import io
import json
import math
from datetime import UTC, datetime, timedelta

import pytest

from tests.api.snapshot_fixture import Fixture, FixtureBuild
from tests.support.api_clients import ADMIN

RANGES = {"24h": timedelta(hours=24), "7d": timedelta(days=7), "30d": timedelta(days=30)}


def linear_percentile(values: list[float], q: float) -> float:
    """Written out by hand: linear interpolation between closest ranks (numpy's default, DuckDB quantile_cont)."""
    ordered = sorted(values)
    position = (len(ordered) - 1) * q
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def round_half_up(value: float) -> int:
    return math.floor(value + 0.5)


def expected_metrics(builds: list[FixtureBuild]) -> dict:
    counted = [b for b in builds if b.is_counted]
    durations = [b.duration_ms for b in counted]
    queues = [b.queue_time_ms for b in builds if b.queue_time_ms is not None]
    return {
        "successRate": sum(b.result == "SUCCESS" for b in counted) / len(counted) if counted else None,
        "avgDuration": round_half_up(sum(durations) / len(durations)) if durations else None,
        "p95Duration": round_half_up(linear_percentile(durations, 0.95)) if durations else None,
        "avgQueueTime": sum(queues) / len(queues) if queues else None,
        "totalBuilds": len(builds),
    }


def in_window(fixture: Fixture, start: datetime, end: datetime, job: str | None = None) -> list[FixtureBuild]:
    return [b for b in fixture.builds if start <= b.started_at < end and (job is None or b.job_id == job)]


def assert_metrics(actual: dict, expected: dict) -> None:
    assert actual.keys() >= expected.keys()
    for key, value in expected.items():
        if isinstance(value, float):
            assert actual[key] == pytest.approx(value, rel=1e-12), key
        else:
            assert actual[key] == value, key


def metrics(client, **params) -> dict:
    response = client.get("/api/v1/analytics/metrics", params=params, headers=ADMIN)
    assert response.status_code == 200, response.text
    return response.json()


@pytest.mark.parametrize("range_", ["24h", "7d", "30d"])
def test_flat_metrics_for_relative_ranges(client, fixture_data, range_):
    now = datetime.now(UTC)
    builds = in_window(fixture_data, now - RANGES[range_], now)
    body = metrics(client, range=range_)
    assert set(body) == {"successRate", "avgDuration", "p95Duration", "avgQueueTime", "totalBuilds"}
    assert_metrics(body, expected_metrics(builds))
    assert body["totalBuilds"] > 0


def test_default_range_is_7d(client):
    assert metrics(client) == metrics(client, range="7d")


def test_iso_interval_range_and_job_filter(client, fixture_data):
    end = fixture_data.now - timedelta(days=2)
    start = end - timedelta(days=20)
    interval = f"{start.strftime('%Y-%m-%dT%H:%M:%SZ')}/{end.strftime('%Y-%m-%dT%H:%M:%SZ')}"
    start, end = start.replace(microsecond=0), end.replace(microsecond=0)
    assert_metrics(metrics(client, range=interval), expected_metrics(in_window(fixture_data, start, end)))
    job = fixture_data.job("Staging", "pipelines/production-deploy").job_id
    assert_metrics(metrics(client, range=interval, job=job), expected_metrics(in_window(fixture_data, start, end, job)))


def test_empty_window_gives_nulls_and_zero(client):
    body = metrics(client, range="2001-01-01T00:00:00Z/2001-02-01T00:00:00Z")
    assert body == {"successRate": None, "avgDuration": None, "p95Duration": None, "avgQueueTime": None,
                    "totalBuilds": 0}


def test_timeouts_count_as_failures_and_other_aborts_do_not(client, fixture_data):
    builds = in_window(fixture_data, fixture_data.now - timedelta(days=60), fixture_data.now + timedelta(days=1))
    assert any(b.result == "ABORTED" and b.failure_category == "timeout" for b in builds)
    assert any(b.result == "ABORTED" and b.failure_category == "aborted" for b in builds)
    span = f"{(fixture_data.now - timedelta(days=60)).isoformat()}/{(fixture_data.now + timedelta(days=1)).isoformat()}"
    assert_metrics(metrics(client, range=span), expected_metrics(builds))


def grouped_expectation(fixture: Fixture, group_by: str, builds: list[FixtureBuild]) -> dict:
    groups: dict = {}
    for build in builds:
        keys = {"job": [build.job_id], "folder": [build.folder], "branch": [build.branch], "label": build.labels}
        for key in keys[group_by]:
            groups.setdefault(key, []).append(build)
    return {key: expected_metrics(members) for key, members in groups.items()}


@pytest.mark.parametrize("group_by", ["job", "folder", "label", "branch"])
def test_grouped_metrics_are_computed_per_group_from_build_rows(client, fixture_data, group_by):
    body = metrics(client, range="30d", group_by=group_by)
    start, end = datetime.fromisoformat(body["meta"]["from"]), datetime.fromisoformat(body["meta"]["to"])
    assert body["meta"]["group_by"] == group_by and end - start == timedelta(days=30)
    assert abs(end - datetime.now(UTC)) < timedelta(seconds=5)
    expected = grouped_expectation(fixture_data, group_by, in_window(fixture_data, start, end))
    assert {item["key"] for item in body["data"]} == set(expected)
    for item in body["data"]:
        assert_metrics(item, expected[item["key"]])
    totals = [item["totalBuilds"] for item in body["data"]]
    assert totals == sorted(totals, reverse=True)
    if group_by == "job":
        names = {j.job_id: j.name for j in fixture_data.jobs}
        assert all(item["name"] == names[item["key"]] for item in body["data"])
    else:
        assert all("name" not in item for item in body["data"])
    if group_by == "label":  # a build on two agents counts for both
        assert sum(totals) > len(in_window(fixture_data, start, end))


def test_group_by_branch_keeps_builds_without_branch_under_null(client):
    keys = {item["key"] for item in metrics(client, range="30d", group_by="branch")["data"]}
    assert None in keys and {"main", "PR-42"} <= keys


def test_metrics_for_an_unknown_job_are_404(client):
    response = client.get("/api/v1/analytics/metrics", params={"job": "j_nope"}, headers=ADMIN)
    assert response.status_code == 404 and response.json()["error"]["details"] == {"parameter": "job"}


EXPORT_COLUMNS = ["id", "jobId", "jobName", "folder", "instance", "branch", "number", "result", "duration",
                  "queueTime", "timestamp", "commit", "failureCategory"]


def export(client, **params):
    response = client.get("/api/v1/analytics/export", params=params, headers=ADMIN)
    assert response.status_code == 200, response.text
    assert response.headers["content-disposition"].startswith('attachment; filename="buildbutler-builds_')
    return response


def export_row(build: FixtureBuild) -> dict:
    return {"id": build.build_id, "jobId": build.job_id, "jobName": build.job_name, "folder": build.folder,
            "instance": build.instance, "branch": build.branch, "number": build.number, "result": build.result,
            "duration": build.duration_ms, "queueTime": build.queue_time_ms, "timestamp": build.timestamp,
            "commit": build.commit_sha, "failureCategory": build.failure_category}


def test_export_json_has_one_row_per_build_in_the_window(client, fixture_data):
    now = datetime.now(UTC)
    response = export(client, format="json", range="30d")
    assert response.headers["content-type"] == "application/json"
    assert response.headers["content-disposition"].endswith('.json"')
    expected = sorted(in_window(fixture_data, now - RANGES["30d"], now), key=lambda b: (b.started_at, b.build_id))
    assert json.loads(response.content) == [export_row(b) for b in expected]


def test_export_csv_matches_json(client, fixture_data):
    job = fixture_data.job("Production", "webapp/main").job_id
    response = export(client, format="csv", range="7d", job=job)
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0] == EXPORT_COLUMNS
    as_text = [["" if v is None else str(v) for v in row.values()] for row in
               json.loads(export(client, format="json", range="7d", job=job).content)]
    assert rows[1:] == as_text and len(as_text) > 0


def test_export_defaults_to_csv_and_empty_windows_are_valid_files(client):
    empty = "2001-01-01T00:00:00Z/2001-01-02T00:00:00Z"
    assert export(client, range=empty).text == ",".join(EXPORT_COLUMNS) + "\r\n"
    assert json.loads(export(client, format="json", range=empty).content) == []
    assert export(client, format="png", range=empty).content.startswith(b"\x89PNG\r\n\x1a\n")


def test_export_png_is_a_chart(client):
    response = export(client, format="png", range="30d")
    assert response.headers["content-type"] == "image/png"
    assert response.content.startswith(b"\x89PNG\r\n\x1a\n") and len(response.content) > 10_000
    width, height = int.from_bytes(response.content[16:20], "big"), int.from_bytes(response.content[20:24], "big")
    assert (width, height) == (1000, 450)
