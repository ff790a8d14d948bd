"""Ingestion benchmark: a full sync of a large simulated controller vs. a bare thread pool.

The baseline makes exactly the requests the sync made (same URLs, same number of workers, one
pooled session) and only downloads. Simulator, sync and baseline each run in their own process
(so neither side shares its interpreter lock with the server), timed inside that process.
Also measured: the sync's peak memory (ru_maxrss) and the requests a no-change sync makes.

    python -m tests.bench_ingestion [--scale 200]      # `make bench` calls run(out)
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parents[1]
DEFAULT_SCALE = 200
MAX_IN_FLIGHT = 8
SIMULATOR_NOW = "2026-11-15T18:00:00+00:00"  # fixed, so that two simulators serve the same builds


def run(out: list[str], scale: int = DEFAULT_SCALE) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-ingestion-") as tmp:
        root, urls = Path(tmp), Path(tmp) / "urls.txt"
        with simulator(scale) as url:
            full = child("sync", "--url", url, "--root", str(root), "--urls", str(urls))
            requests.post(f"{url}/__simulator__/reset", timeout=30)
            unchanged = child("sync", "--url", url, "--root", str(root))
            stats = requests.get(f"{url}/__simulator__/stats", timeout=30).json()
        # A fresh simulator at the same clock, so the baseline meets the same cold caches.
        with simulator(scale) as url:
            base = child("baseline", "--urls", str(urls), "--url", url)
    ratio = full["seconds"] / base["seconds"]
    load = os.getloadavg()[0]
    out += [
        "## Ingestion",
        "",
        f"Full sync of `Simulator(scale={scale})` ({stats['jobs']} jobs, {stats['builds']} builds) against a bare "
        f"`ThreadPoolExecutor({MAX_IN_FLIGHT})` downloading the same {full['requests']} URLs "
        "(no parsing, no loading). Target: at most 1.3x.",
        "",
        "| figure | sync | baseline | ratio |",
        "|---|---|---|---|",
        f"| wall time of a full sync | {full['seconds']:.1f} s (extract {full['extract_seconds']:.1f} s) "
        f"| {base['seconds']:.1f} s | **{ratio:.2f}x** |",
        f"| requests per second | {full['requests'] / full['seconds']:.0f} | {full['requests'] / base['seconds']:.0f} "
        f"| {base['seconds'] / full['seconds']:.2f}x |",
        f"| peak memory (ru_maxrss) | {full['max_rss_mib']:.0f} MiB | {base['max_rss_mib']:.0f} MiB "
        f"| {full['max_rss_mib'] / base['max_rss_mib']:.1f}x |",
        f"| requests of a no-change sync | {stats['requests']} ({stats['requests'] / stats['jobs']:.2f} per job) "
        "| - | - |",
        "",
        f"The sync's time covers extract, normalize and load (extract alone is in brackets). No-change sync "
        f"by kind: {json.dumps(stats['by_kind'], sort_keys=True)}; it took {unchanged['seconds']:.1f} s. "
        f"Load average when done: {load:.1f} on {os.cpu_count()} cores (other work on the machine skews both sides).",
        "",
    ]


@contextmanager
def simulator(scale: int):
    """`buildbutler simulate` equivalent in a subprocess; yields its URL."""
    code = ("from datetime import datetime; from ingestion.simulator import serve_forever; "
            f"serve_forever(port=0, scale={scale}, now=datetime.fromisoformat('{SIMULATOR_NOW}'))")
    process = subprocess.Popen([sys.executable, "-c", code], cwd=REPO, stdout=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline()
        match = re.search(r"(http://[\d.]+:\d+)", line)
        if not match:
            raise RuntimeError(f"simulator did not start: {line!r}")
        yield match.group(1)
    finally:
        process.terminate()
        process.wait(timeout=30)


def child(mode: str, *args: str) -> dict:
    env = {**os.environ, "RUNTIME__DLTHUB_TELEMETRY": "false"}
    done = subprocess.run([sys.executable, "-m", "tests.bench_ingestion", "--child", mode, *args],
                          cwd=REPO, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{mode} failed:\n{done.stdout}\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def child_sync(url: str, root: Path, urls_file: Path | None) -> dict:
    from ingestion.blueocean import BlueOceanClient, SourceConfig, blueocean_pipeline, blueocean_source

    urls: list[str] = []
    config = SourceConfig(instance="bench", base_url=url, max_in_flight=MAX_IN_FLIGHT)
    client = BlueOceanClient(config, on_request=urls.append)
    pipeline = blueocean_pipeline("bench", root / "warehouse.duckdb", root / "dlt")
    started = time.perf_counter()
    pipeline.extract(blueocean_source(config, client=client))
    extracted = time.perf_counter()
    pipeline.normalize()
    pipeline.load()
    seconds = time.perf_counter() - started
    if urls_file:
        urls_file.write_text("\n".join(urls))
    return {"seconds": seconds, "extract_seconds": extracted - started, "requests": len(urls),
            "max_rss_mib": max_rss_mib()}


def child_baseline(urls_file: Path, url: str) -> dict:
    recorded = urls_file.read_text().split("\n")
    origin = re.match(r"https?://[^/]+", recorded[0]).group(0)
    urls = [url + u[len(origin):] for u in recorded]  # same requests, to the fresh simulator
    session = requests.Session()
    session.mount("http://", requests.adapters.HTTPAdapter(pool_maxsize=MAX_IN_FLIGHT))

    pending = iter(urls)
    lock = threading.Lock()

    def worker(_: int) -> int:  # each worker takes the next URL until none is left
        size = 0
        while True:
            with lock:
                url = next(pending, None)
            if url is None:
                return size
            size += len(session.get(url, timeout=60).content)

    started = time.perf_counter()
    with ThreadPoolExecutor(MAX_IN_FLIGHT) as pool:
        size = sum(pool.map(worker, range(MAX_IN_FLIGHT)))
    return {"seconds": time.perf_counter() - started, "bytes": size, "max_rss_mib": max_rss_mib()}


def max_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=int, default=DEFAULT_SCALE)
    parser.add_argument("--child", choices=("sync", "baseline"), help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--root", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--urls", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child == "sync":
        print(json.dumps(child_sync(args.url, args.root, args.urls)))
    elif args.child == "baseline":
        print(json.dumps(child_baseline(args.urls, args.url)))
    else:
        out: list[str] = []
        run(out, args.scale)
        print("\n".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
