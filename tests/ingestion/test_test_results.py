"""Test results over real HTTP from the simulator into DuckDB: which builds are asked, in which mode, once."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import duckdb
import pytest

from ingestion.blueocean import SourceConfig, ensure_raw_tables
from ingestion.simulator import CoreOptions, Simulator
from tests.ingestion.helpers import detected_sync, dump, query, sync
from tests.support.simulator_api import Api, job_path


@pytest.fixture(scope="module")
def sim():
    simulator = Simulator(seed=5).start()
    yield simulator
    simulator.stop()


def summaries(warehouse: Path) -> dict[tuple[str, int], tuple[int, int]]:
    return {(job, number): (total, failed) for job, number, total, failed in query(
        warehouse, "select job_full_name, number, total, failed from blueocean_raw.test_summaries")}


def rows(warehouse: Path, where: str = "true") -> list[tuple]:
    return query(warehouse, f"""select job_full_name, number, position, class_name, name, status, state, duration_ms,
        age, error_text from blueocean_raw.test_results where {where} order by job_full_name, number, position""")


def synced(sim: Simulator, root: Path, mode: str) -> Counter:
    sim.reset_counts()
    sync(sim.url, root, test_results=mode)
    return Counter(sim.requests_by_kind())


def test_all_mode_fetches_every_case_of_builds_with_tests_once(sim, tmp_path):
    requests = synced(sim, tmp_path, "all")
    warehouse = tmp_path / "warehouse.duckdb"
    counts = summaries(warehouse)
    with_tests = {key for key, (total, _) in counts.items() if total}
    assert requests["tests"] == len(with_tests) > 50  # one request a build: a page holds every case
    per_build = Counter((job, number) for job, number, *_ in rows(warehouse))
    assert per_build == {key: counts[key][0] for key in with_tests}
    # the rows are the simulator's answer, case by case
    api = Api(sim)
    job, number = next(key for key in sorted(with_tests) if counts[key][1])
    cases = api.json(f"{job_path(job)}runs/{number}/tests/", limit=10000)
    got = rows(warehouse, f"job_full_name = '{job}' and number = {number}")
    assert [(r[4] + " – " + r[3], r[5], r[7]) for r in got] == \
        [(c["name"], c["status"], round(c["duration"] * 1000)) for c in cases]
    failed = [r for r in got if r[5] == "FAILED"]
    assert len(failed) == counts[(job, number)][1]
    failed_cases = cases[:len(failed)]  # Blue Ocean lists failures first
    assert all(r[9].startswith(c["errorStackTrace"].splitlines()[0]) for r, c in zip(failed, failed_cases, strict=True))
    # a second sync with nothing new asks for no test results again
    again = synced(sim, tmp_path, "all")
    assert again["tests"] == 0 and Counter((j, n) for j, n, *_ in rows(warehouse)) == per_build


def test_failed_mode_asks_only_builds_with_failures(sim, tmp_path):
    requests = synced(sim, tmp_path, "failed")
    warehouse = tmp_path / "warehouse.duckdb"
    counts = summaries(warehouse)
    failing = {key for key, (_, failed) in counts.items() if failed}
    assert requests["tests"] == len(failing) > 0
    assert {r[5] for r in rows(warehouse)} == {"FAILED"}
    assert Counter((j, n) for j, n, *_ in rows(warehouse)) == {key: counts[key][1] for key in failing}


def test_none_mode_asks_nothing_and_still_has_the_summaries(sim, tmp_path):
    requests = synced(sim, tmp_path, "none")
    assert requests["tests"] == 0 and requests["blueTestSummary"] > 0
    with duckdb.connect(str(tmp_path / "warehouse.duckdb")) as con:
        ensure_raw_tables(con)  # as the sync does: dlt made no table without a row
    assert rows(tmp_path / "warehouse.duckdb") == []


def test_new_builds_bring_their_results_and_old_ones_stay(tmp_path):
    with Simulator(seed=6) as sim:
        sync(sim.url, tmp_path)
        before = dump(tmp_path / "warehouse.duckdb")["test_results"]
        for _ in range(4):
            sim.advance()
        sim.reset_counts()
        sync(sim.url, tmp_path)
        after = dump(tmp_path / "warehouse.duckdb")["test_results"]
        counts = summaries(tmp_path / "warehouse.duckdb")
    assert set(before) < set(after)
    assert Counter((r[1], r[2]) for r in after) == {key: total for key, (total, _) in counts.items() if total}


def test_a_bad_mode_is_refused():
    with pytest.raises(ValueError, match="test_results must be one of all, failed, none"):
        SourceConfig(instance="prod", base_url="http://127.0.0.1:8080", test_results="some")


def test_the_core_api_gives_the_same_cases_as_blue_ocean(tmp_path):
    """The JUnit plugin's testReport of each build, read through the core JSON API, makes the rows Blue
    Ocean's tests/ make (and names the suite, which Blue Ocean does not give)."""
    with Simulator(seed=5) as blue, Simulator(seed=5, core=CoreOptions()) as core:
        sync(blue.url, tmp_path / "blue")
        detected_sync(core.url, tmp_path / "core")
    columns = "job_full_name, number, class_name, name, status, state, duration_ms, age, error_text"
    from_blue = sorted(query(tmp_path / "blue" / "warehouse.duckdb",
                             f"select {columns} from blueocean_raw.test_results"))
    from_core = sorted(query(tmp_path / "core" / "warehouse.duckdb",
                             f"select {columns} from blueocean_raw.test_results"))
    assert from_core == from_blue and len(from_blue) > 10_000
    assert query(tmp_path / "core" / "warehouse.duckdb",
                 "select count(*) from blueocean_raw.test_results where suite is null") == [(0,)]
