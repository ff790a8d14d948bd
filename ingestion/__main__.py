"""Standalone sync of one Jenkins controller (Blue Ocean, else the core JSON API) into a DuckDB warehouse
(no Dagster, no dbt).

    python -m ingestion --instance "Production Jenkins" --url http://127.0.0.1:8080 \\
        --warehouse .buildbutler/warehouse.duckdb --pipelines-dir .buildbutler/dlt --pipeline blueocean_prod

The Jenkins token is read from the environment variable JENKINS_TOKEN, never from the command line.
Exit status 0 when the load succeeded, 1 (with the reason on stderr) when it did not.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
from collections import Counter
from pathlib import Path

from buildbutler.connections import PIPELINE_PREFIX
from ingestion.blueocean import SourceConfig, blueocean_pipeline, run_sync
from ingestion.sources import jenkins_source


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m ingestion", description=__doc__.split("\n")[0])
    parser.add_argument("--instance", required=True, help="connection name, stamped on every row")
    parser.add_argument("--pipeline", help="dlt pipeline name, a folder name (default: blueocean_<instance>)")
    parser.add_argument("--url", required=True, help="Jenkins base URL")
    parser.add_argument("--warehouse", required=True, type=Path, help="DuckDB file")
    parser.add_argument("--pipelines-dir", required=True, type=Path, help="dlt working folders")
    parser.add_argument("--username")
    parser.add_argument("--organization", default="jenkins")
    parser.add_argument("--max-in-flight", type=int, default=8)
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds per request")
    parser.add_argument("--max-attempts", type=int, default=6)
    parser.add_argument("--log-cap-bytes", type=int, default=10 * 2**20)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("RUNTIME__DLTHUB_TELEMETRY", "false")  # no phoning home from a sync
    args = parse_args(argv)
    try:
        config = SourceConfig(
            instance=args.instance, base_url=args.url, username=args.username, token=os.environ.get("JENKINS_TOKEN"),
            max_in_flight=args.max_in_flight, timeout_s=args.timeout, max_attempts=args.max_attempts,
            log_cap_bytes=args.log_cap_bytes, organization=args.organization,
        )
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    counts: Counter[str] = Counter()
    lock = threading.Lock()

    def progress(kind: str, n: int) -> None:
        with lock:
            counts[kind] += n

    args.pipelines_dir.mkdir(parents=True, exist_ok=True)
    try:
        pipeline = blueocean_pipeline(args.pipeline or PIPELINE_PREFIX + config.instance, args.warehouse,
                                      args.pipelines_dir)
    except ValueError as exc:
        print(f"error: {exc} (pass --pipeline)", file=sys.stderr)
        return 2
    try:
        source, fetcher = jenkins_source(config, progress)
        try:
            run_sync(pipeline, source)
        finally:
            fetcher.client.close()
    except Exception as exc:  # the reason, not a traceback: dlt wraps the cause in its message
        print(f"sync of {config.instance} failed: {exc}", file=sys.stderr)
        return 1
    print(f"{config.instance}: {counts['jobs']} jobs, {counts['builds']} builds, {counts['logs']} logs loaded "
          f"(via {fetcher.source})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
