"""Test analytics benchmark: what fetching test results costs the controller, and the dbt build with them.

Requests: full syncs of one simulated controller with `BUILDBUTLER_TEST_RESULTS` = none (the baseline: the
summaries alone), failed and all; the requests by kind, the rows, the bytes of the tests/ answers (each of
a sample of builds fetched again both ways) and the sync's wall time.

dbt: the warehouse benchmark's raw tables (benchmarks/dbt.py) with ~200 test cases for every finished
Pipeline build that has a summary (a catalog of 200 cases per job; 3 fail in the builds whose log says tests
failed; one in 100 cases is skipped), a full `dbt build` as the sync runs it, and an incremental one after a
sync adding 1,000 builds, against the same builds without test results. Measured at 100k builds and at the
1M builds of the warehouse benchmark; the two scales show whether the growth is linear. Given only smaller
scales (`--builds`), the report extrapolates to 1M linearly from the larger and says so.

    python -m benchmarks.tests [--builds 50000,100000] [--scale 10]   # `make bench ONLY=tests` calls run(out)
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import duckdb
import requests

from benchmarks.dbt import GIB, NOW, DbtRunner, add_sync, generate_raw
from ingestion.blueocean import SourceConfig, blueocean_pipeline, blueocean_source, run_sync
from ingestion.simulator import Simulator
from ingestion.simulator.clock import DEFAULT_NOW
from ingestion.simulator.resources import run_href

CASES = 200
DEFAULT_SCALE = 10
DEFAULT_BUILDS = (100_000, 1_000_000)
TARGET_BUILDS = 1_000_000
MODES = ("none", "failed", "all")
BYTES_SAMPLE = 60  # builds whose tests/ answers are fetched again to weigh them

# ~200 cases for every summary that has none yet: the builds of the newest loads, or all at first.
TEST_RESULTS_INSERT = f"""
insert into blueocean_raw.test_results by name
select
    s.instance, s.job_full_name, s.number, c.i as position, null as suite,
    'com.acme.' || replace(split_part(s.job_full_name, '/', 1), '-', '_') || '.Suite' || (c.i // 20) as class_name,
    'case' || c.i as name,
    case when c.i % 100 = 7 then 'SKIPPED'
         when s.failed > 0 and (hash(s.job_full_name, s.number) + c.i) % {CASES} < s.failed then 'FAILED'
         else 'PASSED' end as status,
    null as state,
    case when c.i % 100 = 7 then 0 else 5 + hash(s.job_full_name, c.i) % 3000 + hash(s.number, c.i) % 300 end
        as duration_ms,
    0 as age,
    case when s.failed > 0 and (hash(s.job_full_name, s.number) + c.i) % {CASES} < s.failed
         then 'org.opentest4j.AssertionFailedError: expected: <200> but was: <500>' || chr(10)
              || chr(9) || 'at com.acme.Suite.case' || c.i || '(Suite.java:42)' end as error_text,
    s._dlt_load_id
from blueocean_raw.test_summaries as s
cross join range({CASES}) as c(i)
where s.total > 0
  and not exists (select 1 from blueocean_raw.test_results as r
                  where r.instance = s.instance and r.job_full_name = s.job_full_name and r.number = s.number)
"""


def add_test_results(path: Path) -> int:
    with duckdb.connect(str(path)) as con:
        con.execute("set enable_progress_bar = false")
        con.execute(TEST_RESULTS_INSERT)
        return con.execute("select count(*) from blueocean_raw.test_results").fetchone()[0]


# ---------- requests


def sync_mode(mode: str, scale: int, root: Path) -> dict:
    with Simulator(seed=7, scale=scale, now=DEFAULT_NOW) as sim:
        sim.reset_counts()
        config = SourceConfig(instance="bench", base_url=sim.url, test_results=mode)
        pipeline = blueocean_pipeline("bench_tests", root / mode / "warehouse.duckdb", root / mode / "dlt")
        started = time.perf_counter()
        run_sync(pipeline, blueocean_source(config))
        seconds = time.perf_counter() - started
        by_kind = Counter(sim.requests_by_kind())
        with duckdb.connect(str(root / mode / "warehouse.duckdb"), read_only=True) as con:
            summaries = con.execute("select count(*) filter (where total > 0), count(*) filter (where failed > 0) "
                                    "from blueocean_raw.test_summaries").fetchone()
            rows = con.execute("select count(*) from blueocean_raw.test_results").fetchone()[0] if mode != "none" else 0
            sample = con.execute(
                "select job_full_name, number, failed > 0 from blueocean_raw.test_summaries where total > 0 "
                "order by hash(job_full_name, number) limit ?", [BYTES_SAMPLE]).fetchall()
        weights = _weigh(sim, sample) if mode == "all" else None
    return {"seconds": seconds, "requests": sum(by_kind.values()), "by_kind": by_kind, "with_tests": summaries[0],
            "with_failures": summaries[1], "rows": rows, "weights": weights}


def _weigh(sim: Simulator, sample: list[tuple[str, int, bool]]) -> dict[str, float]:
    """Mean bytes of a tests/ answer, every case and failed ones only, over builds with tests."""
    session = requests.Session()
    all_bytes = failed_bytes = 0
    for full_name, number, _ in sample:
        job = next(j for j in sim.controller.jobs if j.full_name == full_name)
        href = f"{sim.url}{run_href(job, number)}tests/"
        all_bytes += len(session.get(href, params={"limit": 10_000}, timeout=30).content)
        failed_bytes += len(session.get(href, params={"limit": 10_000, "status": "FAILED"}, timeout=30).content)
    return {"all": all_bytes / len(sample), "failed": failed_bytes / len(sample)}


# ---------- dbt


def dbt_at(builds: int, root: Path) -> dict:
    """Full and incremental builds of one raw warehouse, without and with test results."""
    raw = root / f"raw-{builds}.duckdb"
    counts = generate_raw(raw, builds)
    out = {"runs": counts["runs"], "summaries": counts["test_summaries"]}
    for label in ("without", "with"):
        work = root / f"{label}-{builds}"
        warehouse = work / "warehouse.duckdb"
        work.mkdir()
        shutil.copyfile(raw, warehouse)
        if label == "with":
            out["test_rows"] = add_test_results(warehouse)
        dbt = DbtRunner(warehouse, work / "builds")
        full = dbt.build()
        add_sync(warehouse, NOW + timedelta(minutes=15), with_new_builds=True)
        if label == "with":
            out["test_rows_after_sync"] = add_test_results(warehouse)
        incremental = dbt.build()
        out[label] = {"full": full, "incremental": incremental, "gib": warehouse.stat().st_size / GIB}
        if label == "with":
            with duckdb.connect(str(warehouse), read_only=True) as con:
                out["marts"] = dict(con.execute(
                    "select 'fct_test_results', count(*) from marts.fct_test_results union all "
                    "select 'dim_tests', count(*) from marts.dim_tests union all "
                    "select 'fct_flaky_test_results', count(*) from marts.fct_flaky_test_results").fetchall())
        shutil.rmtree(work)
    raw.unlink()
    return out


def node_seconds(measure, names: tuple[str, ...]) -> str:
    found = {uid.split(".")[2]: s for uid, s in measure.node_seconds.items() if uid.split(".")[2] in names}
    return ", ".join(f"`{name}` {found[name]:.1f} s" for name in names if name in found)


TEST_MODELS = ("fct_test_results", "int_test_history", "fct_flaky_test_results", "dim_tests")


def run(out: list[str], scale: int = DEFAULT_SCALE, builds: tuple[int, ...] = DEFAULT_BUILDS) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-tests-") as tmp:
        root = Path(tmp)
        syncs = {mode: sync_mode(mode, scale, root) for mode in MODES}
        for mode, s in syncs.items():
            print(f"   sync {mode}: {s['requests']} requests, {s['seconds']:.1f} s", flush=True)
        scales = {}
        for n in builds:
            scales[n] = dbt_at(n, root)
            w, wo = scales[n]["with"], scales[n]["without"]
            print(f"   dbt at {n}: full {w['full'].seconds:.1f} s vs {wo['full'].seconds:.1f} s, incremental "
                  f"{w['incremental'].seconds:.1f} s vs {wo['incremental'].seconds:.1f} s", flush=True)
    out += report(scale, syncs, scales)


def report(scale: int, syncs: dict, scales: dict) -> list[str]:
    none, failed, every = syncs["none"], syncs["failed"], syncs["all"]
    weights = every["weights"]
    lines = [
        "## Test analytics",
        "",
        f"**Requests.** Full syncs of `Simulator(seed=7, scale={scale})` with `BUILDBUTLER_TEST_RESULTS` none "
        f"(the baseline: summaries only), failed and all. {every['with_tests']:,} finished builds have a test "
        f"report, {every['with_failures']:,} of them failures. A tests/ answer with every case weighs "
        f"{weights['all'] / 1024:,.0f} KiB on average, with failed cases only {weights['failed'] / 1024:,.1f} KiB "
        f"(a sample of {BYTES_SAMPLE} builds with tests, fetched again both ways).",
        "",
        "| mode | requests | tests/ requests | per build with tests | rows | sync wall time | vs none |",
        "|---|---|---|---|---|---|---|",
    ]
    for mode, s in syncs.items():
        lines.append(f"| {mode} | {s['requests']:,} | {s['by_kind'].get('tests', 0):,} | "
                     f"{s['by_kind'].get('tests', 0) / max(1, s['with_tests']):.2f} | {s['rows']:,} | "
                     f"{s['seconds']:.1f} s | {s['requests'] / none['requests']:.2f}x requests, "
                     f"{s['seconds'] / none['seconds']:.2f}x time |")
    lines += [
        "",
        f"Every case costs one request per build with tests ({every['by_kind'].get('tests', 0):,}: one page holds "
        f"them all), failed ones only one per build with failures ({failed['by_kind'].get('tests', 0):,}); each "
        "build's results are fetched once, when it has finished. **Default: `all`**: it costs "
        f"{every['requests'] / none['requests'] - 1:.0%} more requests than the summaries alone "
        f"({every['requests'] / failed['requests'] - 1:.0%} more than `failed`), and only it gives what the marts "
        "are for: the flaky rule needs the passes, durations and failure rates need every run. `failed` is there "
        "for a controller that cannot take it.",
        "",
        "**dbt.** The warehouse benchmark's raw tables (benchmarks/dbt.py) plus ~200 cases per finished Pipeline "
        "build with a summary, at two scales, one round each; `dbt build` as the sync runs it (full, then "
        "incremental after a sync adding 1,000 builds), with and without the test results.",
        "",
        "| builds | test rows | full build with / without | incremental with / without | peak memory full with "
        "/ without | warehouse file with / without | test models, full build |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in scales.values():
        w, wo = r["with"], r["without"]
        lines.append(
            f"| {r['runs']:,} | {r['test_rows']:,} | {w['full'].seconds:.1f} s / {wo['full'].seconds:.1f} s | "
            f"{w['incremental'].seconds:.1f} s / {wo['incremental'].seconds:.1f} s | "
            f"{w['full'].max_rss_gib:.2f} / {wo['full'].max_rss_gib:.2f} GiB | {w['gib']:.1f} / {wo['gib']:.1f} GiB | "
            f"{node_seconds(w['full'], TEST_MODELS)} |")
    smallest, largest = min(scales), max(scales)
    r, small = scales[largest], scales[smallest]
    factor = TARGET_BUILDS / r["runs"]
    extra_full = r["with"]["full"].seconds - r["without"]["full"].seconds
    extra_incremental = r["with"]["incremental"].seconds - r["without"]["incremental"].seconds
    small_extra = small["with"]["full"].seconds - small["without"]["full"].seconds
    growth = extra_full / small_extra if small_extra > 0 else float("nan")
    rows_growth = r["test_rows"] / small["test_rows"]
    marts = ", ".join(f"`{k}` {v:,}" for k, v in r["marts"].items())
    lines += [
        "",
        f"Test models in the incremental build at {r['runs']:,} builds: "
        f"{node_seconds(r['with']['incremental'], TEST_MODELS)}. The marts then held {marts}. "
        f"From {small['runs']:,} to {r['runs']:,} builds (×{rows_growth:.1f} the rows) the full build's extra "
        f"time grew ×{growth:.1f}" + (" (more than the rows: DuckDB spills beyond the profile's 3 GB "
                                      "`memory_limit`, which the full build reaches)" if growth > rows_growth * 1.15
                                      else "") + ". "
        + (f"**Measured at {r['runs']:,} builds**: the test models add {extra_full:.0f} s to a full build and "
           f"{extra_incremental:.1f} s to an incremental one. " if factor <= 1 else
           f"**Extrapolated to 1M builds** (×{factor:.1f} the rows, linearly from the larger scale, so a lower "
           f"bound where the growth is faster; not measured): the test models add at least "
           f"~{extra_full * factor:.0f} s to a full build (+{extra_full:.1f} s measured) and "
           f"~{max(extra_incremental, 0) * factor:.0f} s to an incremental one (+{extra_incremental:.1f} s measured). ")
        + "`fct_test_results`, `int_test_history` and "
        "`fct_flaky_test_results` take only the new results (and the commits they touch, whose column each sync "
        "scans once), but `dim_tests` reads the window's results whole (30 of 365 days here), so the incremental "
        "cost grows with the history too. Peak memory is the dbt process's max RSS.",
        "",
    ]
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=DEFAULT_SCALE)
    parser.add_argument("--builds", default=",".join(map(str, DEFAULT_BUILDS)))
    args = parser.parse_args()
    out: list[str] = []
    run(out, args.scale, tuple(int(n) for n in args.builds.split(",")))
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
