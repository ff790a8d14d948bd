"""Ingestion benchmark: a full sync of a large simulated controller vs. bare thread pools.

The baselines make exactly the requests the sync made (same URLs, same number of workers, one
connection pool) and only download: one with `requests` (the stack's HTTP library, what a bare
thread pool is usually written with) and one with urllib3 directly (the transport the sync's client
uses: the floor of any downloader). Simulator, sync and baselines each run in their own process,
timed inside that process; each baseline meets a fresh simulator at the same clock.
Also measured: each process's CPU time (on 2 cores every CPU second of the client is taken from the
server it waits for), the sync's peak memory (ru_maxrss) and the requests a no-change sync makes.
With several rounds the median ratios count; each round starts from an empty warehouse.

    python -m benchmarks.ingestion [--scale 200] [--repeat 1]   # `make bench` calls run(out)
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import requests
import urllib3

from tests.support.paths import REPO

DEFAULT_SCALE = 200
MAX_IN_FLIGHT = 8
BASELINES = ("requests", "urllib3")
SIMULATOR_NOW = "2026-11-15T18:00:00+00:00"  # fixed, so that two simulators serve the same builds


def run(out: list[str], scale: int = DEFAULT_SCALE, repeat: int = 1) -> None:
    rounds = [one_round(scale, no_change=i == 0) for i in range(repeat)]
    stats, unchanged, requests_made = rounds[0]["stats"], rounds[0]["unchanged"], rounds[0]["sync"]["requests"]
    ratio = {name: statistics.median(r["sync"]["seconds"] / r[name]["seconds"] for r in rounds) for name in BASELINES}
    out += [
        "## Ingestion",
        "",
        f"Full sync (extract, normalize, load into DuckDB) of `Simulator(scale={scale})` ({stats['jobs']:,} jobs, "
        f"{stats['builds']:,} builds) against a bare `ThreadPoolExecutor({MAX_IN_FLIGHT})` downloading the same "
        f"{requests_made:,} URLs and nothing else, written once with `requests` and once with urllib3 directly "
        f"(the sync's own transport). {repeat} round(s); median ratios: **{ratio['requests']:.2f}x** the `requests` "
        f"pool, **{ratio['urllib3']:.2f}x** the urllib3 pool (target: at most 1.3x).",
        "",
        "| round | sync (extract) | `requests` pool | urllib3 pool | ratios | CPU s: sync / requests / urllib3 / "
        "simulator during each | peak memory: sync | load average |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for i, r in enumerate(rounds, 1):
        sync, by_requests, by_urllib3 = r["sync"], r["requests"], r["urllib3"]
        out.append(
            f"| {i} | {sync['seconds']:.1f} s ({sync['extract_seconds']:.1f} s) | {by_requests['seconds']:.1f} s "
            f"| {by_urllib3['seconds']:.1f} s | {sync['seconds'] / by_requests['seconds']:.2f}x / "
            f"{sync['seconds'] / by_urllib3['seconds']:.2f}x | {sync['cpu_seconds']:.0f} / "
            f"{by_requests['cpu_seconds']:.0f} / {by_urllib3['cpu_seconds']:.0f} / "
            + " / ".join(f"{r['simulator_cpu'][name]:.0f}" for name in ("sync", *BASELINES))
            + f" | {sync['max_rss_mib']:,.0f} MiB | {r['load']:.1f} |")
    out += [
        "",
        f"No-change sync: {stats['requests']:,} requests ({stats['requests'] / stats['jobs']:.2f} per job; at most 3 "
        f"allowed), by kind {json.dumps(stats['by_kind'], sort_keys=True)}, {unchanged['seconds']:.1f} s. "
        "CPU seconds are each process's own over the timed part. Load average (1 min) at the end of each round on "
        f"{os.cpu_count()} cores: other work on the machine skews every side.",
        "",
    ]


def one_round(scale: int, no_change: bool) -> dict:
    result: dict = {"simulator_cpu": {}}
    with tempfile.TemporaryDirectory(prefix="bench-ingestion-") as tmp:
        root, urls = Path(tmp), Path(tmp) / "urls.txt"
        with simulator(scale) as (url, cpu):
            before = cpu()
            result["sync"] = child("sync", "--url", url, "--root", str(root), "--urls", str(urls))
            result["simulator_cpu"]["sync"] = cpu() - before
            if no_change:
                requests.post(f"{url}/__simulator__/reset", timeout=30)
                result["unchanged"] = child("sync", "--url", url, "--root", str(root))
                result["stats"] = requests.get(f"{url}/__simulator__/stats", timeout=30).json()
        for name in BASELINES:
            with simulator(scale) as (url, cpu):  # fresh, so each baseline meets the same cold caches
                before = cpu()
                result[name] = child("baseline", "--urls", str(urls), "--url", url, "--client", name)
                result["simulator_cpu"][name] = cpu() - before
    result["load"] = os.getloadavg()[0]
    return result


@contextmanager
def simulator(scale: int) -> Iterator[tuple[str, Callable[[], float]]]:
    """`buildbutler simulate` equivalent in a subprocess; yields its URL and a reader of its CPU seconds."""
    code = ("from datetime import datetime; from ingestion.simulator import serve_forever; "
            f"serve_forever(port=0, scale={scale}, now=datetime.fromisoformat('{SIMULATOR_NOW}'))")
    process = subprocess.Popen([sys.executable, "-c", code], cwd=REPO, stdout=subprocess.PIPE, text=True)

    def cpu_seconds() -> float:  # utime + stime from /proc/<pid>/stat (fields 14 and 15)
        fields = Path(f"/proc/{process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    try:
        line = process.stdout.readline()
        match = re.search(r"(http://[\d.]+:\d+)", line)
        if not match:
            raise RuntimeError(f"simulator did not start: {line!r}")
        yield match.group(1), cpu_seconds
    finally:
        process.terminate()
        process.wait(timeout=30)


def child(mode: str, *args: str) -> dict:
    env = {**os.environ, "RUNTIME__DLTHUB_TELEMETRY": "false"}
    done = subprocess.run([sys.executable, "-m", "benchmarks.ingestion", "--child", mode, *args],
                          cwd=REPO, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{mode} failed:\n{done.stdout}\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def child_sync(url: str, root: Path, urls_file: Path | None) -> dict:
    from ingestion.blueocean import BlueOceanClient, SourceConfig, blueocean_pipeline, blueocean_source, run_sync

    urls: list[str] = []
    config = SourceConfig(instance="bench", base_url=url, max_in_flight=MAX_IN_FLIGHT)
    client = BlueOceanClient(config, on_request=urls.append)
    pipeline = blueocean_pipeline("bench", root / "warehouse.duckdb", root / "dlt")
    started, cpu_started = time.perf_counter(), time.process_time()
    run_sync(pipeline, blueocean_source(config, client=client))  # as the sync runs it
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    extract = next(step for step in pipeline.last_trace.steps if step.step == "extract")
    if urls_file:
        urls_file.write_text("\n".join(urls))
    return {"seconds": seconds, "extract_seconds": (extract.finished_at - extract.started_at).total_seconds(),
            "cpu_seconds": cpu, "requests": len(urls), "max_rss_mib": max_rss_mib()}


def downloader(client: str) -> Callable[[str], bytes]:
    """One pooled GET per call, with `requests` or with urllib3 directly (same pool size, keep-alive)."""
    if client == "requests":
        session = requests.Session()
        session.mount("http://", requests.adapters.HTTPAdapter(pool_maxsize=MAX_IN_FLIGHT))
        return lambda url: session.get(url, timeout=60).content
    http = urllib3.PoolManager(maxsize=MAX_IN_FLIGHT, headers=urllib3.make_headers(keep_alive=True,
                                                                                   accept_encoding=True))
    return lambda url: http.request("GET", url, timeout=60).data


def child_baseline(urls_file: Path, url: str, client: str) -> dict:
    recorded = urls_file.read_text().split("\n")
    origin = re.match(r"https?://[^/]+", recorded[0]).group(0)
    pending = iter([url + u[len(origin):] for u in recorded])  # same requests, to the fresh simulator
    lock = threading.Lock()
    get = downloader(client)

    def worker(_: int) -> int:  # each worker takes the next URL until none is left
        size = 0
        while True:
            with lock:
                next_url = next(pending, None)
            if next_url is None:
                return size
            size += len(get(next_url))

    started, cpu_started = time.perf_counter(), time.process_time()
    with ThreadPoolExecutor(MAX_IN_FLIGHT) as pool:
        size = sum(pool.map(worker, range(MAX_IN_FLIGHT)))
    return {"seconds": time.perf_counter() - started, "cpu_seconds": time.process_time() - cpu_started,
            "bytes": size, "max_rss_mib": max_rss_mib()}


def max_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=int, default=DEFAULT_SCALE, help="20 is a quick run (~2 min)")
    parser.add_argument("--repeat", type=int, default=1, help="rounds; the median ratios are reported")
    parser.add_argument("--child", choices=("sync", "baseline"), help=argparse.SUPPRESS)
    parser.add_argument("--client", choices=BASELINES, help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--root", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--urls", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child == "sync":
        print(json.dumps(child_sync(args.url, args.root, args.urls)))
    elif args.child == "baseline":
        print(json.dumps(child_baseline(args.urls, args.url, args.client)))
    else:
        out: list[str] = []
        run(out, args.scale, args.repeat)
        print("\n".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
