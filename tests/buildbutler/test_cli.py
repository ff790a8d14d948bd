"""The `buildbutler` command sits on top of everything, yet its store commands load neither Dagster nor the API."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.support.paths import REPO

LOADS = """
import sys
from buildbutler.cli import main
assert main(["connections", "add", "Production Jenkins", "https://jenkins.example.com"]) == 0
assert main(["tokens", "create", "--role", "viewer"]) == 0
assert main(["tokens", "list"]) == 0 and main(["connections", "list"]) == 0
heavy = sorted({name.split(".")[0] for name in sys.modules} & {"dagster", "dlt", "dbt", "litestar", "uvicorn", "api",
                                                              "orchestration", "duckdb"})
print("heavy:", heavy)
"""


def test_store_commands_load_neither_dagster_nor_the_api(home_env):
    done = subprocess.run([sys.executable, "-c", LOADS], cwd=REPO, capture_output=True, text=True, timeout=60,
                          env=os.environ)
    assert done.returncode == 0, done.stderr
    assert "added Production Jenkins (c_" in done.stdout and "\tProduction Jenkins\thttps://jenkins.example.com\t" \
        in done.stdout
    assert done.stdout.strip().splitlines()[-1] == "heavy: []"
