"""`interval` and `compare=previous` on /analytics/metrics (additions beyond the contract, api/README.md): buckets
add up to the flat answer, and each bucket's p95 is DuckDB's quantile_cont over that bucket's own builds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import duckdb
import pytest

from api.timerange import iso_z
from tests.api.snapshot_fixture import Fixture
from tests.api.test_metrics import assert_metrics, expected_metrics, in_window, metrics
from tests.support.api_clients import ADMIN

RESULT_KEYS = {"SUCCESS": "SUCCESS", "UNSTABLE": "UNSTABLE", "FAILURE": "FAILURE", "ABORTED": "ABORTED",
               "NOT_BUILT": "NOT_BUILT", None: "unfinished"}


def parse(text: str) -> datetime:
    return datetime.fromisoformat(text)


def window(fixture: Fixture, days: int) -> tuple[datetime, datetime, str]:
    end = (fixture.now - timedelta(hours=3)).replace(microsecond=0, second=17)  # not on a bucket edge
    start = end - timedelta(days=days)
    return start, end, f"{iso_z(start)}/{iso_z(end)}"


@pytest.mark.parametrize("interval, step", [("hour", timedelta(hours=1)), ("day", timedelta(days=1)),
                                            ("week", timedelta(weeks=1))])
def test_buckets_tile_the_window_in_utc_and_add_up_to_the_flat_answer(client, fixture_data, interval, step):
    start, end, span = window(fixture_data, 20)
    body = metrics(client, range=span, interval=interval)
    assert body["meta"] == {"interval": interval, "from": iso_z(start), "to": iso_z(end)}
    buckets = body["data"]
    assert buckets[0]["from"] == iso_z(start) and buckets[-1]["to"] == iso_z(end)
    for before, after in zip(buckets, buckets[1:], strict=False):
        assert before["to"] == after["from"]
        edge = parse(after["from"])
        assert edge.minute == edge.second == 0 and (interval == "hour" or edge.hour == 0)
        assert interval != "week" or edge.weekday() == 0
    assert all(parse(b["to"]) - parse(b["from"]) <= step for b in buckets)
    flat = metrics(client, range=span)
    assert sum(b["totalBuilds"] for b in buckets) == flat["totalBuilds"] > 0
    assert all(sum(b["results"].values()) == b["totalBuilds"] for b in buckets)
    builds = in_window(fixture_data, start, end)
    for result, key in RESULT_KEYS.items():
        assert sum(b["results"][key] for b in buckets) == sum(x.result == result for x in builds), key


def test_each_bucket_is_its_own_builds_and_its_p95_is_duckdbs_quantile_cont(client, fixture_data, served_home):
    start, end, span = window(fixture_data, 30)
    buckets = metrics(client, range=span, interval="day")["data"]
    with duckdb.connect(str(served_home.current_snapshot.resolve()), read_only=True) as con:
        for bucket in buckets:
            lo, hi = parse(bucket["from"]), parse(bucket["to"])
            p95 = con.execute("select round(quantile_cont(duration_ms, 0.95))::bigint from marts.fct_builds "
                              "where is_counted and started_at >= ? and started_at < ?", [lo, hi]).fetchone()[0]
            assert bucket["p95Duration"] == p95, bucket
            # p95 by hand can differ by 1 ms where the interpolation lands on .5 (float error): DuckDB's is the truth.
            expected = expected_metrics(in_window(fixture_data, lo, hi))
            assert_metrics(bucket, {k: v for k, v in expected.items() if k != "p95Duration"})
    assert sum(b["p95Duration"] is not None for b in buckets) > 5


def test_an_empty_bucket_reads_as_an_empty_window(client):
    body = metrics(client, range="2001-01-01T00:00:00Z/2001-01-01T02:30:00Z", interval="hour")
    assert [(b["from"], b["to"]) for b in body["data"]] == [
        ("2001-01-01T00:00:00Z", "2001-01-01T01:00:00Z"), ("2001-01-01T01:00:00Z", "2001-01-01T02:00:00Z"),
        ("2001-01-01T02:00:00Z", "2001-01-01T02:30:00Z")]
    flat = metrics(client, range="2001-01-01T00:00:00Z/2001-01-01T02:30:00Z")
    for bucket in body["data"]:
        assert {k: bucket[k] for k in flat} == flat
        assert set(bucket["results"].values()) == {0}


def test_series_for_one_job(client, fixture_data):
    start, end, span = window(fixture_data, 10)
    job = fixture_data.job("Production", "webapp/main").job_id
    buckets = metrics(client, range=span, interval="day", job=job)["data"]
    assert sum(b["totalBuilds"] for b in buckets) == len(in_window(fixture_data, start, end, job)) > 0


def test_compare_previous_gives_the_window_before(client, fixture_data):
    start, end, span = window(fixture_data, 7)
    body = metrics(client, range=span, compare="previous")
    assert_metrics(body, expected_metrics(in_window(fixture_data, start, end)))
    assert (body["from"], body["to"]) == (iso_z(start), iso_z(end))
    previous = body["previous"]
    assert (previous["from"], previous["to"]) == (iso_z(start - timedelta(days=7)), iso_z(start))
    assert_metrics(previous, expected_metrics(in_window(fixture_data, start - timedelta(days=7), start)))
    assert sum(previous["results"].values()) == previous["totalBuilds"] > 0


def test_compare_previous_with_an_interval_gives_the_previous_series(client, fixture_data):
    start, end, span = window(fixture_data, 7)
    body = metrics(client, range=span, interval="day", compare="previous")
    previous = body["previous"]
    assert previous["meta"] == {"interval": "day", "from": iso_z(start - timedelta(days=7)), "to": iso_z(start)}
    assert sum(b["totalBuilds"] for b in previous["data"]) == len(
        in_window(fixture_data, start - timedelta(days=7), start))
    assert "previous" not in metrics(client, range=span, interval="day")


def test_relative_ranges_take_the_new_options(client):
    body = metrics(client, range="24h", interval="hour")
    assert len(body["data"]) in (24, 25)
    assert parse(body["meta"]["to"]) - parse(body["meta"]["from"]) == timedelta(hours=24)
    assert abs(parse(body["meta"]["to"]) - datetime.now(UTC)) < timedelta(seconds=5)


@pytest.mark.parametrize("params, parameter", [
    ({"interval": "month"}, "interval"),
    ({"compare": "next"}, "compare"),
    ({"interval": "day", "group_by": "job"}, "interval"),
    ({"compare": "previous", "group_by": "folder"}, "compare"),
    ({"interval": "hour", "range": "2001-01-01T00:00:00Z/2002-01-01T00:00:00Z"}, "interval"),
])
def test_bad_values_are_400_naming_the_parameter(client, params, parameter):
    response = client.get("/api/v1/analytics/metrics", params=params, headers=ADMIN)
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["code"] == "bad_request" and error["details"]["parameter"] == parameter, error


def test_the_flat_answer_is_unchanged_without_the_options(client):
    assert set(metrics(client, range="7d")) == {"successRate", "avgDuration", "p95Duration", "avgQueueTime",
                                                "totalBuilds"}
