"""Syncs of controllers without Blue Ocean (the simulator's core JSON API, with PGV, Stage View or neither)
over real HTTP into real DuckDB files, against the same truth as the Blue Ocean source."""

from __future__ import annotations

import shutil

import duckdb
import pytest
import requests

from ingestion.blueocean import SourceConfig, ensure_raw_tables
from ingestion.blueocean.fetcher import BlueOceanFetcher
from ingestion.blueocean.parse import RunRow
from ingestion.jenkins_core import CoreClient, CoreFetcher
from ingestion.jenkins_core.stages import Stages
from ingestion.simulator import CoreOptions, Simulator
from ingestion.sources import NoJenkinsApi, detect
from tests.ingestion.helpers import builds_of, detected_sync, differences, dump, ms, query, stages_of
from tests.ingestion.scripted_server import ScriptedServer


@pytest.fixture(scope="module")
def core_sim():
    simulator = Simulator(seed=7, core=CoreOptions()).start()
    yield simulator
    simulator.stop()


@pytest.fixture(scope="module")
def first(core_sim, tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("core")
    urls: list[str] = []
    source = detected_sync(core_sim.url, root, on_request=urls.append)
    return {"root": root, "warehouse": root / "warehouse.duckdb", "source": source, "urls": urls,
            "truth": core_sim.truth()}


def truth_state(build: dict) -> str:
    return "RUNNING" if build["state"] == "PAUSED" else build["state"]  # core has no PAUSED (jenkins_core/parse.py)


def test_every_job_build_stage_step_and_log_arrives(core_sim, first):
    warehouse, truth = first["warehouse"], first["truth"]
    assert first["source"] == "core+pgv"
    jobs = query(warehouse, "select full_name, name, folder, kind, branch, source from blueocean_raw.jobs")
    assert sorted(jobs) == sorted((j["full_name"], j["name"], j["folder"], j["kind"], j["branch"], "core")
                                  for j in truth["jobs"])
    builds = builds_of(truth)
    runs = {(job, n): row for job, n, *row in query(warehouse, """
        select job_full_name, number, state, result, start_time, enqueue_time, duration_ms, commit_id, source
        from blueocean_raw.runs""")}
    assert runs.keys() == {key for key, b in builds.items() if not b["deleted"]}
    for key, (state, result, start, enqueue, duration, commit, source) in runs.items():
        build = builds[key]
        finished = build["state"] == "FINISHED"
        assert (state, ms(start), ms(enqueue), commit, source) == (
            truth_state(build), build["start_ms"], build["enqueue_ms"], build["commit"], "core"), key
        assert (result, duration) == ((build["result"], build["duration_ms"]) if finished else ("UNKNOWN", None)), key

    finished = {key for key, b in builds.items() if b["state"] == "FINISHED"}
    stages = stages_of(warehouse)
    for key in finished:
        assert stages.get(key, []) == builds[key]["stages"], key
    assert any(s["parallel"] for key in finished for s in builds[key]["stages"])
    assert query(warehouse, "select distinct source from blueocean_raw.nodes union all "
                            "select distinct source from blueocean_raw.steps") == [("pgv",), ("pgv",)]

    logs = {(j, n): text
            for j, n, text in query(warehouse, "select job_full_name, number, text from blueocean_raw.run_logs")}
    assert logs.keys() == finished
    for key in finished:
        assert logs[key].endswith(f"Finished: {builds[key]['result']}\n"), key
        for label in set(builds[key]["labels"]) - {"unknown"}:
            assert f"Running on {label}" in logs[key], key
    # Every stage's agent is one the log names.
    for job, number, agent in query(warehouse, "select job_full_name, number, agent from blueocean_raw.nodes "
                                               "where agent is not null"):
        assert agent in builds[(job, number)]["labels"], (job, number, agent)

    # Steps: exactly what PGV's allSteps lists, in its order.
    for job, number, href in query(warehouse, """
            select r.job_full_name, r.number, j.rest_path from blueocean_raw.runs r
            join blueocean_raw.jobs j using (instance) where j.full_name = r.job_full_name
            and r.state = 'FINISHED' and r.run_type = 'WorkflowRun' order by r.number desc limit 8"""):
        served = requests.get(f"{core_sim.url}{href}{number}/stages/allSteps").json()["data"]["steps"]
        stored = query(warehouse, """select step_id, display_name, result, duration_ms from blueocean_raw.steps
                                     where job_full_name = ? and number = ? order by position""", [job, number])
        assert stored == [(s["id"], s["title"], s["state"].upper(), s["totalDurationMillis"]) for s in served]

    # Test counts where JUnit's action is present, and only there.
    summaries = query(warehouse, "select job_full_name, number, passed + failed + skipped = total, fixed "
                                 "from blueocean_raw.test_summaries")
    assert summaries and {(j, n) for j, n, _, _ in summaries} <= finished
    assert all(consistent and fixed is None for _, _, consistent, fixed in summaries)


def test_full_sync_cost_per_build(first):
    """A request per finished build for its log, two more (tree, allSteps) for a Pipeline's, one for the test
    report of a build whose counts say it has tests; the rest inline."""
    builds = builds_of(first["truth"])
    finished = [key for key, b in builds.items() if b["state"] == "FINISHED" and not b["deleted"]]
    pipelines = [key for key in finished if builds[key]["commit"] is not None]
    jobs = len(first["truth"]["jobs"])
    reports = query(first["root"] / "warehouse.duckdb",
                    "select count(*) from blueocean_raw.test_summaries where total > 0")[0][0]
    assert sum("/testReport/" in u for u in first["urls"]) == reports > 0
    # + detection (2), discovery (1), one allBuilds page per job with builds
    assert len(first["urls"]) <= len(finished) + 2 * len(pipelines) + reports + 3 + jobs
    assert not [u for u in first["urls"] if "/builds" in u or "tree=builds" in u], "never `builds` (newest 100 only)"


def test_no_change_sync_costs_a_constant_and_changes_nothing(core_sim, first, tmp_path):
    shutil.copytree(first["root"], tmp_path, dirs_exist_ok=True)
    before = dump(tmp_path / "warehouse.duckdb")
    urls: list[str] = []
    detected_sync(core_sim.url, tmp_path, on_request=urls.append)
    open_builds = sum(b["state"] != "FINISHED" for b in builds_of(first["truth"]).values())
    # detection (2), one discovery request for the whole controller, and each still-running build
    assert len(urls) <= 3 + open_builds, urls
    assert dump(tmp_path / "warehouse.duckdb") == before


def test_advance_picks_up_new_finished_and_rotated_builds(tmp_path):
    with Simulator(seed=7, core=CoreOptions()) as sim:
        detected_sync(sim.url, tmp_path)
        was_open = {key for key, b in builds_of(sim.truth()).items() if b["state"] != "FINISHED"}
        before = {(j, n) for j, n in query(tmp_path / "warehouse.duckdb",
                                           "select job_full_name, number from blueocean_raw.runs")}
        sim.advance()
        detected_sync(sim.url, tmp_path)
        truth = sim.truth()
    warehouse = tmp_path / "warehouse.duckdb"
    builds = builds_of(truth)
    stored = {(j, n) for j, n in query(warehouse, "select job_full_name, number from blueocean_raw.runs")}
    assert {key for key, b in builds.items() if not b["deleted"]} <= stored and len(stored) > len(before)
    assert before <= stored, "rotated builds stay"
    finished_now = {key for key in was_open if builds[key]["state"] == "FINISHED"}
    assert finished_now
    stages = stages_of(warehouse)
    states = {(j, n): s for j, n, s in query(warehouse, "select job_full_name, number, state from blueocean_raw.runs")}
    for key in finished_now:
        assert states[key] == "FINISHED" and stages.get(key, []) == builds[key]["stages"], key


@pytest.mark.parametrize("pgv", ["pipeline-overview", "legacy"])
def test_every_pgv_url_generation_is_found(pgv, tmp_path):
    with Simulator(seed=7, core=CoreOptions(pgv=pgv)) as sim:
        assert detected_sync(sim.url, tmp_path) == "core+pgv"
        truth = sim.truth()
    stages = stages_of(tmp_path / "warehouse.duckdb")
    builds = builds_of(truth)
    assert {key: stages.get(key, []) for key in stages} == {key: builds[key]["stages"] for key in stages}
    assert len(stages) > 300


def test_stage_view_serves_top_level_stages_when_pgv_is_absent(tmp_path):
    with Simulator(seed=7, core=CoreOptions(pgv=None, wfapi=True)) as sim:
        assert detected_sync(sim.url, tmp_path) == "core+wfapi"
        truth = sim.truth()
    warehouse = tmp_path / "warehouse.duckdb"
    stages = stages_of(warehouse)
    builds = builds_of(truth)
    for key, stored in stages.items():
        # Stage View folds branches into their stage and has no stage for a top-level parallel
        expected = [{**s, "parallel": []} for s in builds[key]["stages"] if s["name"] != "Parallel"]
        assert stored == expected, key
    assert query(warehouse, "select distinct source from blueocean_raw.steps") == [("wfapi",)]
    assert query(warehouse, "select count(*) > 1000 from blueocean_raw.steps") == [(True,)]


def test_without_pgv_or_stage_view_builds_still_arrive_without_stages(tmp_path):
    with Simulator(seed=7, core=CoreOptions(pgv=None)) as sim:
        assert detected_sync(sim.url, tmp_path) == "core"
        builds = sum(not b["deleted"] for b in builds_of(sim.truth()).values())
    warehouse = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        ensure_raw_tables(con)  # as the sync does after every load
    assert query(warehouse, "select count(*) from blueocean_raw.runs") == [(builds,)]
    assert query(warehouse, "select count(*) from blueocean_raw.nodes") == [(0,)]
    assert query(warehouse, "select count(*) from blueocean_raw.run_logs") == [(builds - 2,)]  # 2 still run


def test_queue_time_with_and_without_the_metrics_plugin(first, tmp_path):
    with duckdb.connect(str(first["warehouse"]), read_only=True) as con:
        rows = con.execute("select queuing_duration_ms, queuing_time_ms, "
                           "epoch_ms(start_time) - epoch_ms(enqueue_time) from blueocean_raw.runs").fetchall()
    assert all(d is not None and t >= d and q == d for d, t, q in rows)
    assert any(t > d for d, t, _ in rows), "builds whose node {} blocks waited for an executor"
    with Simulator(seed=7, core=CoreOptions(metrics=False)) as sim:
        detected_sync(sim.url, tmp_path)
    nulls = query(tmp_path / "warehouse.duckdb", "select count(*), count(enqueue_time), count(queuing_time_ms), "
                                                "count(start_time) from blueocean_raw.runs")
    assert nulls == [(len(rows), 0, 0, len(rows))]


def test_detection_order(core_sim, tmp_path):
    with Simulator(seed=7) as blue:
        fetcher = detect(SourceConfig(instance="x", base_url=blue.url))
        assert isinstance(fetcher, BlueOceanFetcher) and fetcher.source == "blueocean"
        fetcher.client.close()
    fetcher = detect(SourceConfig(instance="x", base_url=core_sim.url))
    assert isinstance(fetcher, CoreFetcher) and fetcher.source == "core"  # stages not probed yet
    fetcher.client.close()
    nothing = ScriptedServer()  # answers 404 to everything
    try:
        with pytest.raises(NoJenkinsApi) as raised:
            detect(SourceConfig(instance="x", base_url=nothing.url, max_attempts=1))
        assert raised.value.reason.startswith("no Jenkins API found")
        assert [p.split("?")[0] for p in nothing.paths] == ["/blue/rest/organizations/jenkins/", "/api/json"]
    finally:
        nothing.shutdown()


def test_a_controller_that_loses_blue_ocean_keeps_its_history(tmp_path):
    """The same controller through Blue Ocean, then through core: same keys, no duplicate, `source` follows."""
    with Simulator(seed=7) as blue:
        assert detected_sync(blue.url, tmp_path) == "blueocean"
    warehouse = tmp_path / "warehouse.duckdb"
    keys = query(warehouse, "select job_full_name, number from blueocean_raw.runs order by all")
    with Simulator(seed=7, core=CoreOptions()) as core:
        assert detected_sync(core.url, tmp_path) == "core"  # nothing new: no stages were needed
        core.advance()
        assert detected_sync(core.url, tmp_path) == "core+pgv"
    after = query(warehouse, "select job_full_name, number from blueocean_raw.runs order by all")
    assert set(keys) <= set(after) and len(after) == len(set(after))
    assert dict(query(warehouse, "select source, count(*) > 0 from blueocean_raw.runs group by all")) == {
        "blueocean": True, "core": True}
    assert query(warehouse, "select count(*) from blueocean_raw.jobs where source = 'blueocean'") == [(0,)]


def test_a_build_deleted_before_the_stage_probe_does_not_decide_it(tmp_path):
    """Every PGV and wfapi URL of a rotated build is 404, and so is the build: the next build probes again."""
    server = ScriptedServer()
    tree = (200, b'{"status":"ok","data":{"complete":true,"stages":[]}}', {"Content-Type": "application/json"})
    server.script["/job/app/8/pipeline-overview/tree"] = [tree]
    try:
        stages = Stages(CoreClient(SourceConfig(instance="x", base_url=server.url, max_attempts=1)))
        gone, there = a_run(7), a_run(8)
        assert stages.nodes(gone) == [] and stages.kind is None
        assert stages.nodes(there) == [] and stages.kind == "pgv"
        assert [p.split("?")[0] for p in server.paths] == [
            "/job/app/7/stages/tree", "/job/app/7/pipeline-overview/tree", "/job/app/7/pipeline-graph/tree",
            "/job/app/7/wfapi/describe", "/job/app/7/api/json",
            "/job/app/8/stages/tree", "/job/app/8/pipeline-overview/tree"]  # the probe's answer serves build 8
    finally:
        server.shutdown()


def a_run(number: int) -> RunRow:
    run = RunRow(instance="x", job_full_name="app", number=number, source="core")
    run.href, run.has_graph, run.change_set, run.tests = f"/job/app/{number}/", True, [], None
    return run


def test_faults_end_equal_to_a_fault_free_sync(first, tmp_path):
    """5xx, 429, stalls, resets and cut-off bodies from the core API are retried like Blue Ocean's."""
    with Simulator(seed=7, core=CoreOptions(), fault_rate=0.2, fault_delay=0.5) as sim:
        assert detected_sync(sim.url, tmp_path, timeout_s=0.4, max_attempts=10, backoff_factor_s=0.05) == "core+pgv"
        faults = sim.stats()["faults"]
    assert all(faults.values()), f"every kind of fault should have happened: {faults}"
    assert differences(dump(first["warehouse"]), dump(tmp_path / "warehouse.duckdb")) == {}
