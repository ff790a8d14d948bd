"""Where things are: the repository, the shared folder beside it, this Python's executables."""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"  # beside the repository: recorded Blue Ocean responses some tests read
BIN = Path(sys.executable).parent  # the venv's `buildbutler`, `dbt`, `dagster`
DBT_PROJECT = REPO / "transform"
