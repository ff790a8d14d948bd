"""Syncs of the bundled Blue Ocean simulator over real HTTP into real DuckDB files, against its truth."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
import requests
from dlt.pipeline.exceptions import PipelineStepFailed

from ingestion.blueocean import SourceConfig, blueocean_pipeline, blueocean_source, ensure_raw_tables
from ingestion.simulator import Simulator
from tests.ingestion.helpers import assert_runs_match, builds_of, differences, dump, query, stages_of, sync
from tests.support.ports import free_port

REPO = Path(__file__).resolve().parents[2]


@dataclass
class Synced:
    url: str
    root: Path
    requests: int
    progress: Counter
    tables: dict[str, list[tuple]]
    truth: dict

    @property
    def warehouse(self) -> Path:
        return self.root / "warehouse.duckdb"


@pytest.fixture(scope="module")
def sim():
    simulator = Simulator(seed=7, scale=1).start()
    yield simulator
    simulator.stop()


@pytest.fixture(scope="module")
def first(sim, tmp_path_factory) -> Synced:
    """A full sync of the (never advanced) module simulator."""
    root = tmp_path_factory.mktemp("first")
    progress: Counter = Counter()
    lock = threading.Lock()

    def count(kind: str, n: int) -> None:
        with lock:
            progress[kind] += n

    sim.reset_counts()
    sync(sim.url, root, progress=count)
    return Synced(sim.url, root, sim.request_count, progress, dump(root / "warehouse.duckdb"), sim.truth())


def test_every_job_build_stage_and_step_arrives(first):
    jobs = query(first.warehouse, "select full_name, name, folder, kind, branch from blueocean_raw.jobs")
    assert sorted(jobs) == sorted(
        (j["full_name"], j["name"], j["folder"], j["kind"], j["branch"]) for j in first.truth["jobs"])

    assert_runs_match(first.warehouse, first.truth)
    builds = builds_of(first.truth)
    stored = query(first.warehouse, "select job_full_name, number from blueocean_raw.runs")
    assert sorted(stored) == sorted(builds), "queued items are not builds; no build missing"
    finished = {key for key, b in builds.items() if b["state"] == "FINISHED"}
    stages = stages_of(first.warehouse)
    for key in finished:
        assert stages.get(key, []) == builds[key]["stages"], key

    # Logs, test summaries: one per finished build; every agent the truth names is in its log.
    logs = {(job, n): text for job, n, text in query(first.warehouse,
                                                     "select job_full_name, number, text from blueocean_raw.run_logs")}
    assert logs.keys() == finished
    for key in finished:
        for label in set(builds[key]["labels"]) - {"unknown"}:
            assert f"Running on {label}" in logs[key], key
    summaries = query(first.warehouse, "select job_full_name, number from blueocean_raw.test_summaries")
    assert set(summaries) == finished

    # Steps: the stored ones are exactly what the API lists (no page lost, no UUID step kept).
    for job, number, href in query(first.warehouse, """
            select r.job_full_name, r.number, j.rest_path from blueocean_raw.runs r
            join blueocean_raw.jobs j on j.full_name = r.job_full_name
            where r.state = 'FINISHED' and r.run_type = 'WorkflowRun' order by r.number desc limit 8"""):
        served = requests.get(f"{first.url}{href}runs/{number}/steps/", params={"limit": 100000}).json()
        stored = query(first.warehouse, """select step_id, display_name, result, duration_ms from blueocean_raw.steps
                                           where job_full_name = ? and number = ? order by position""", [job, number])
        assert stored == [(s["id"], s["displayName"], s["result"], s["durationInMillis"]) for s in served
                          if s["id"].isdigit()]

    assert first.progress == {"jobs": len(first.truth["jobs"]), "builds": len(builds), "logs": len(finished)}


def test_raw_tables_created_empty_have_the_loaded_types(first):
    with duckdb.connect() as con:
        ensure_raw_tables(con)
        ensure_raw_tables(con)  # idempotent
        created = con.execute(COLUMNS_SQL).fetchall()
    assert created == query(first.warehouse, COLUMNS_SQL)


COLUMNS_SQL = """select table_name, column_name, data_type, is_nullable from information_schema.columns
                 where table_schema = 'blueocean_raw' and table_name not like '\\_dlt%' escape '\\'
                 order by table_name, ordinal_position"""


def test_incremental_syncs(tmp_path):
    """On tables made by ensure_raw_tables: no change costs <= 3 requests a job; advance() is picked up."""
    sim = Simulator(seed=7, scale=1).start()
    try:
        with duckdb.connect(str(tmp_path / "warehouse.duckdb")) as con:
            ensure_raw_tables(con)
        sync(sim.url, tmp_path)
        before = dump(tmp_path / "warehouse.duckdb")
        jobs = len(sim.truth()["jobs"])

        sim.reset_counts()
        sync(sim.url, tmp_path)
        assert sim.request_count <= 3 * jobs, sim.requests_by_kind()
        assert dump(tmp_path / "warehouse.duckdb") == before

        was_open = {key for key, b in builds_of(sim.truth()).items() if b["state"] != "FINISHED"}
        sim.advance()
        # The controller is unreachable: the sync raises and leaves warehouse and checkpoints as they were.
        with pytest.raises(PipelineStepFailed, match="failed after 2 attempts"):
            sync(f"http://127.0.0.1:{free_port()}", tmp_path, max_attempts=2, backoff_factor_s=0.01)
        assert dump(tmp_path / "warehouse.duckdb") == before
        sync(sim.url, tmp_path)
        truth = sim.truth()
    finally:
        sim.stop()
    warehouse = tmp_path / "warehouse.duckdb"
    builds = builds_of(truth)
    assert_runs_match(warehouse, truth)
    stored = {(job, n) for job, n in query(warehouse, "select job_full_name, number from blueocean_raw.runs")}
    assert {key for key, b in builds.items() if not b["deleted"]} <= stored
    assert len(stored) > len(before["runs"]), "the advance should start new builds"

    # Builds that were running and have finished now have their final result, stages and log.
    finished_now = {key for key in was_open if builds[key]["state"] == "FINISHED"}
    assert finished_now, "the advance should finish a build that was running"
    stages = stages_of(warehouse)
    logs = {(j, n) for j, n in query(warehouse, "select job_full_name, number from blueocean_raw.run_logs")}
    for key in finished_now:
        assert stages.get(key, []) == builds[key]["stages"] and key in logs, key

    # Rotated builds are gone from Jenkins but stay in the warehouse with what was loaded before.
    rotated = {key for key, b in builds.items() if b["deleted"]}
    assert rotated, "the advance should rotate builds away"
    old_runs = {(r[1], r[2]): r for r in before["runs"]}
    now_runs = {(r[1], r[2]): r for r in dump(warehouse)["runs"]}
    for key in rotated:
        assert now_runs[key] == old_runs[key], key


def test_faults_end_equal_to_a_fault_free_sync(first, tmp_path):
    sim = Simulator(seed=7, scale=1, fault_rate=0.2, fault_delay=0.5).start()
    try:
        # Timeouts below the stall, and enough attempts that 0.2**attempts is negligible.
        sync(sim.url, tmp_path, timeout_s=0.4, max_attempts=10, backoff_factor_s=0.05)
        faults = sim.stats()["faults"]
    finally:
        sim.stop()
    assert all(faults.values()), f"every kind of fault should have happened: {faults}"
    assert differences(first.tables, dump(tmp_path / "warehouse.duckdb")) == {}


def run_module(root: Path, url: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "ingestion", "--instance", "prod", "--url", url,
         "--warehouse", str(root / "warehouse.duckdb"), "--pipelines-dir", str(root / "dlt")],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )


def test_sync_killed_halfway_then_rerun_ends_equal(sim, first, tmp_path):
    sim.reset_counts()
    process = run_module(tmp_path, sim.url)
    deadline = time.monotonic() + 120
    while sim.request_count < first.requests // 2 and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert process.returncode == -signal.SIGKILL, process.stdout.read()
    assert sim.request_count < first.requests

    rerun = run_module(tmp_path, sim.url)
    output, _ = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, output
    assert differences(first.tables, dump(tmp_path / "warehouse.duckdb")) == {}


def test_two_instances_side_by_side(sim, first, tmp_path):
    shutil.copytree(first.root, tmp_path, dirs_exist_ok=True)
    warehouse = tmp_path / "warehouse.duckdb"
    # A sync of the second instance that stops between extraction and load, as after a crash ...
    crashed = blueocean_pipeline("staging", warehouse, tmp_path / "dlt")
    crashed.extract(blueocean_source(SourceConfig(instance="staging", base_url=sim.url)))
    crashed.normalize()
    assert query(warehouse, "select count(*) from blueocean_raw.runs where instance = 'staging'") == [(0,)]
    # ... is completed by the next one, whose checkpoint came with the pending package: no new fetches.
    sim.reset_counts()
    sync(sim.url, tmp_path, instance="staging")
    assert sim.request_count <= 3 * len(first.truth["jobs"])

    def renamed(tables, instance):
        return {name: sorted(((instance, *row[1:]) for row in rows), key=repr) for name, rows in tables.items()}

    assert dump(warehouse, "prod") == first.tables
    assert dump(warehouse, "staging") == renamed(first.tables, "staging")
    # Each pipeline keeps its own checkpoint: a no-change sync of one stays cheap and changes nothing.
    sim.reset_counts()
    sync(sim.url, tmp_path, instance="prod")
    assert sim.request_count <= 3 * len(first.truth["jobs"])
    assert dump(warehouse, "staging") == renamed(first.tables, "staging")
