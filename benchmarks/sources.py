"""Sources benchmark: what a sync costs a controller, by the API it is read through.

The same simulated controller served four ways: with Blue Ocean; with only the core JSON API plus
Pipeline Graph View; plus Stage View (`wfapi`) instead; with the core API alone (no stages). For
each, a full sync into an empty warehouse and then a sync with nothing new, counting every request
the sync's client makes (detection included, retries not: there are no faults). The figures are
requests per build (full sync) and per job (no-change sync), measured against the same builds and
jobs for every source. The simulator runs in this process on its own threads.

    python -m benchmarks.sources [--scale 10]   # `make bench ONLY=sources` calls run(out)
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from ingestion.blueocean import SourceConfig, blueocean_pipeline, run_sync
from ingestion.simulator import CoreOptions, Simulator
from ingestion.sources import jenkins_source

DEFAULT_SCALE = 10
MAX_IN_FLIGHT = 8
SOURCES = {  # label -> how the simulator serves the controller
    "Blue Ocean": None,
    "core + PGV": CoreOptions(pgv="stages"),
    "core + wfapi": CoreOptions(pgv=None, wfapi=True),
    "core only": CoreOptions(pgv=None),
}


def sync_once(url: str, root: Path) -> tuple[int, str, float]:
    """One sync as the product runs it (detection first); (requests made, source used, seconds)."""
    urls: list[str] = []
    config = SourceConfig(instance="bench", base_url=url, max_in_flight=MAX_IN_FLIGHT)
    started = time.perf_counter()
    source, fetcher = jenkins_source(config, on_request=urls.append)
    try:
        run_sync(blueocean_pipeline("bench", root / "warehouse.duckdb", root / "dlt"), source)
    finally:
        fetcher.client.close()
    return len(urls), fetcher.source, time.perf_counter() - started


def measure(scale: int, core: CoreOptions | None) -> dict:
    with Simulator(seed=7, scale=scale, core=core) as sim, tempfile.TemporaryDirectory(prefix="bench-src-") as tmp:
        stats = sim.stats()
        full, source, seconds = sync_once(sim.url, Path(tmp))
        unchanged, _, unchanged_seconds = sync_once(sim.url, Path(tmp))
    return {"jobs": stats["jobs"], "builds": stats["builds"], "full": full, "source": source, "seconds": seconds,
            "unchanged": unchanged, "unchanged_seconds": unchanged_seconds}


def run(out: list[str], scale: int = DEFAULT_SCALE) -> None:
    results = {label: measure(scale, core) for label, core in SOURCES.items()}
    first = next(iter(results.values()))
    out += [
        "## Sources",
        "",
        f"What a sync asks of one controller (`Simulator(scale={scale})`: {first['jobs']:,} jobs, "
        f"{first['builds']:,} builds, the same builds served through each API), counted at the sync's client, "
        "detection included. The baseline of each figure is the controller's own size: requests per build of a "
        "full sync into an empty warehouse, and per job of the sync after it, with nothing new (the open builds "
        "are asked again until they finish). `benchmarks/sources.py`.",
        "",
        "| served as | detected as | full sync: requests | per build | seconds | no-change sync: requests "
        "| per job | seconds |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for label, r in results.items():
        out.append(
            f"| {label} | `{r['source']}` | {r['full']:,} | {r['full'] / r['builds']:.2f} | {r['seconds']:.1f} "
            f"| {r['unchanged']:,} | {r['unchanged'] / r['jobs']:.2f} | {r['unchanged_seconds']:.1f} |")
    out += [
        "",
        "Blue Ocean: per finished build its nodes, steps, log and test summary (change sets come inline), and one "
        "`runs/` page per job even when nothing changed. Core: results, causes, change sets, commit, test counts "
        "and queue timings come inline with one `allBuilds{M,N}` page per job with new builds; per finished build "
        "its console text, plus PGV's `tree` and `allSteps` (or one `wfapi/describe`) for a Pipeline. Discovery "
        "reads the nested `jobs[...]` tree with each job's `lastBuild` in one request, so a job with nothing new "
        "costs no request of its own. Both: one request more per finished build with tests, for its cases "
        "(`BUILDBUTLER_TEST_RESULTS=all`, the default; \"Test analytics\" below), most of a full sync's time.",
        "",
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=int, default=DEFAULT_SCALE)
    args = parser.parse_args()
    out: list[str] = []
    run(out, args.scale)
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
