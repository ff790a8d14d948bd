"""`make bench`: run the benchmarks and write docs/benchmarks.md.

Each benchmark module exposes `run(out: list[str])` and appends a Markdown section (starting with
its `## ` heading) whose figures are ratios against a baseline measured in the same run.
`make bench ONLY=api` runs one of them and keeps the other sections of the file as they were.
"""

from __future__ import annotations

import importlib
import os
import platform
import sys
import time
from datetime import UTC, datetime

from tests.support.paths import REPO

# Benchmark module (benchmarks/<name>.py) -> the heading its section starts with.
BENCHMARKS = {"ingestion": "## Ingestion", "dbt": "## Warehouse", "api": "## API", "sources": "## Sources",
              "tests": "## Test analytics"}
TARGET = REPO / "docs" / "benchmarks.md"


def previous_sections(text: str) -> dict[str, list[str]]:
    """The sections of an earlier docs/benchmarks.md, by benchmark name."""
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in text.splitlines():
        if line.startswith("## "):
            name = next((n for n, h in BENCHMARKS.items() if line.startswith(h)), None)
            current = sections.setdefault(name, []) if name else None
        if current is not None:
            current.append(line)
    return sections


def main() -> int:
    only = os.environ.get("ONLY")
    if only and only not in BENCHMARKS:
        print(f"ONLY must be one of {', '.join(BENCHMARKS)}", file=sys.stderr)
        return 2
    kept = previous_sections(TARGET.read_text()) if TARGET.exists() else {}
    out = [
        "# Benchmarks",
        "",
        "Written by `make bench`; each section says when and on what it was measured. Every figure is a "
        "ratio against a baseline measured in the same run.",
        "",
    ]
    for name in BENCHMARKS:
        if only in (None, "", name):
            started = time.monotonic()
            print(f"== {name}", flush=True)
            section: list[str] = []
            importlib.import_module(f"benchmarks.{name}").run(section)
            section[1:1] = ["", f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; {os.cpu_count()} cores, "
                            f"Python {platform.python_version()}, load average {os.getloadavg()[0]:.1f} at the end."]
            out += section
            print(f"   {time.monotonic() - started:.0f} s", flush=True)
        else:
            out += kept.get(name, [])
        if out[-1] != "":
            out.append("")
    TARGET.write_text("\n".join(out).rstrip("\n") + "\n")
    print(f"wrote {TARGET}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
