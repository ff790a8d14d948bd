"""`make bench`: run every benchmark and write docs/benchmarks.md.

Each benchmark module exposes `run(out: list[str])` and appends a Markdown section whose figures
are ratios against a baseline measured in the same run. `make bench ONLY=api` runs one of them.
"""

from __future__ import annotations

import importlib
import os
import platform
import sys
import time
from datetime import UTC, datetime

from tests.conftest import REPO

BENCHMARKS = ("ingestion", "dbt", "api")


def main() -> int:
    only = os.environ.get("ONLY")
    names = [n for n in BENCHMARKS if only in (None, "", n)]
    out = [
        "# Benchmarks",
        "",
        f"Written by `make bench` on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; "
        f"{os.cpu_count()} cores, Python {platform.python_version()}. "
        "Every figure is a ratio against a baseline measured in the same run.",
        "",
    ]
    for name in names:
        started = time.monotonic()
        print(f"== {name}", flush=True)
        importlib.import_module(f"tests.bench_{name}").run(out)
        print(f"   {time.monotonic() - started:.0f} s", flush=True)
    target = REPO / "docs" / "benchmarks.md"
    target.write_text("\n".join(out) + "\n")
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
