"""The import contract of pyproject.toml ([tool.importlinter]): nothing imports upward."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from tests.support.paths import BIN, REPO

PACKAGES = ("buildbutler", "api", "orchestration", "ingestion")


def lint_imports(cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "lint-imports"), "--no-cache"], cwd=cwd, capture_output=True, text=True,
                          timeout=300, env={"PYTHONPATH": str(cwd), "PATH": str(BIN)})


def test_the_code_keeps_the_contract():
    done = lint_imports(REPO)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2 kept, 0 broken" in done.stdout


def test_an_upward_import_breaks_it(tmp_path: Path):
    """A copy of the code where the store imports the API: the contract fails, naming itself and the import."""
    for package in PACKAGES:
        shutil.copytree(REPO / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__", "static"))
    shutil.copy(REPO / "pyproject.toml", tmp_path)
    store = tmp_path / "buildbutler" / "store.py"
    store.write_text(store.read_text().replace("import hashlib\n", "import hashlib\n\nimport api.app  # upward\n", 1))
    done = lint_imports(tmp_path)
    assert done.returncode != 0, done.stdout
    assert "api | orchestration above ingestion above the buildbutler core BROKEN" in done.stdout
    assert "buildbutler.store -> api.app" in done.stdout
