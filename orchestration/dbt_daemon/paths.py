"""Where the dbt project and its daemon live. Light on purpose: the client imports it on every call."""

from __future__ import annotations

import hashlib
import os
import stat
import sys
import tempfile
from importlib.metadata import version
from pathlib import Path

TRANSFORM_DIR = Path(__file__).resolve().parents[2] / "transform"
DBT = Path(sys.executable).with_name("dbt")  # dbt's own command line, a process per command
CLIENT = DBT.with_name("buildbutler-dbt")  # the same command line, served by the daemon
PROJECT_FILES = ("dbt_project.yml", "profiles.yml", "models", "macros", "seeds", "data-tests")
IDLE_ENV = "BUILDBUTLER_DBT_DAEMON_IDLE"
IDLE_SECONDS = 1800  # outlives the 15-minute schedule, so each sync finds the daemon warm


def project_stamp() -> float:
    """The newest modification time among the project's files and folders (a folder's changes when
    a file in it is added, removed or renamed)."""
    newest = 0.0
    for name in PROJECT_FILES:
        path = TRANSFORM_DIR / name
        if path.exists():
            newest = max([newest, path.stat().st_mtime, *(p.stat().st_mtime for p in path.rglob("*"))])
    return newest


def idle_seconds() -> int:
    """How long the daemon waits for the next command before it exits; 0 turns the daemon off."""
    raw = os.environ.get(IDLE_ENV, "").strip()
    if not raw:
        return IDLE_SECONDS
    if not raw.isdigit():  # (this daemon goes with issue 15; its setting stays out of `Settings`)
        raise ValueError(f"{IDLE_ENV} must be a whole number of seconds, not {raw!r}")
    return int(raw)


def runtime_dir() -> Path:
    """A folder only this user can enter: whoever reaches the socket can run dbt as this user."""
    path = Path(tempfile.gettempdir()) / f"buildbutler-{os.getuid()}"
    path.mkdir(mode=0o700, exist_ok=True)
    info = path.lstat()
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid() or stat.S_IMODE(info.st_mode) & 0o077:
        raise PermissionError(f"{path} must be a folder owned by uid {os.getuid()} with mode 0700")
    return path


def socket_path() -> Path:
    """One daemon per Python, project and version of dbt and of the daemon's own code, so that an
    upgrade or a second checkout never talks to a daemon that loaded something else."""
    server = Path(__file__).with_name("server.py")
    key = "|".join([sys.executable, str(TRANSFORM_DIR), version("dbt-core"), version("dbt-duckdb"),
                    str(server.stat().st_mtime_ns)])
    return runtime_dir() / f"dbt-{hashlib.sha256(key.encode()).hexdigest()[:16]}.sock"
