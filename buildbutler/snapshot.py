"""The snapshot protocol: what a published snapshot is, how it is swapped in, and how a reader recognizes it.

The API and analysts never open the working warehouse (a reader in another process would block the
sync's writer). They open `serving/current.duckdb`, a symlink to the newest `serving/snapshot-<UTC
stamp>.duckdb`: a read-only copy of the marts, sorted and indexed for the API's hot queries. Publishing
writes the new file whole, then replaces the link with one `os.replace`, so a reader sees either the old
snapshot or the new one, never half of either. A reader tells snapshots apart by `resolve_current`'s key
(device, inode, modification time of the file the link points to): a new key is a new generation.
(docs/contract.md section 8; docs/architecture.md, "State".)
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from buildbutler.home import Home

SCHEMA = "marts"
FILE_PREFIX, FILE_SUFFIX = "snapshot-", ".duckdb"
# Rows laid out so that the API's hot queries read one range (a job's builds, newest first).
ORDER_BY = {
    "fct_builds": "job_id, started_at desc, number desc",
    "dim_jobs": "folder, name, job_id",
    "fct_stages": "build_id, position",
    "fct_steps": "build_id, position",
    "build_logs": "build_id",
}
# A build's detail looks one build up by id: an index beats scanning 1M rows (measured 55 ms -> 3 ms).
INDEXES = {"fct_builds": "build_id"}
# Besides the current snapshot, keep the previous one: a request that resolved the old link a
# moment ago can still open it. Older files are deleted; readers that hold them open keep the inode.
KEEP_PREVIOUS = 1


@dataclass(frozen=True)
class Published:
    """The snapshot file the link points to now; `key` changes with every publish, even to the same name."""

    path: Path
    key: tuple[int, int, int]


def snapshot_path(home: Home, now: datetime | None = None) -> Path:
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%S%fZ")
    return home.serving_dir / f"{FILE_PREFIX}{stamp}{FILE_SUFFIX}"


def publish_snapshot(home: Home, now: datetime | None = None) -> Path:
    """Write `snapshot-<stamp>.duckdb` from the warehouse's marts, point `current.duckdb` at it."""
    home.ensure()
    final = snapshot_path(home, now)
    tmp = final.with_suffix(FILE_SUFFIX + ".tmp")
    tmp.unlink(missing_ok=True)
    with duckdb.connect(str(home.warehouse)) as con:
        tables = [r[0] for r in con.execute(
            "select table_name from information_schema.tables where table_schema = ? and table_type = 'BASE TABLE'",
            [SCHEMA],
        ).fetchall()]
        con.execute(f"attach '{tmp}' as snap")
        con.execute(f"create schema snap.{SCHEMA}")
        for table in sorted(tables):
            order = f" order by {ORDER_BY[table]}" if table in ORDER_BY else ""
            con.execute(f'create table snap.{SCHEMA}."{table}" as select * from {SCHEMA}."{table}"{order}')
            if table in INDEXES:
                column = INDEXES[table]
                con.execute(f'create index "{table}_{column}" on snap.{SCHEMA}."{table}" ({column})')
        # DETACH checkpoints: the file is complete and has no WAL beside it before it is renamed.
        con.execute("detach snap")
    os.chmod(tmp, 0o444)
    os.replace(tmp, final)
    swap_in(home, final)
    remove_old_snapshots(home)
    return final


def swap_in(home: Home, snapshot: Path) -> None:
    """Point `current.duckdb` at the complete, read-only file `snapshot` atomically."""
    link_tmp = home.serving_dir / ".current.duckdb.tmp"
    link_tmp.unlink(missing_ok=True)
    # Relative within the serving folder, so that it can move as a whole.
    link_tmp.symlink_to(snapshot.name if snapshot.parent == home.serving_dir else snapshot)
    os.replace(link_tmp, home.current_snapshot)


def resolve_current(link: Path) -> Published | None:
    """What `link` (a home's `current_snapshot`) points to now; None before the first publish or if dangling."""
    try:
        path = Path(os.path.realpath(link, strict=True))
        st = path.stat()
    except OSError:
        return None
    return Published(path, _key(st))


def current_key(link: Path) -> tuple[int, int, int] | None:
    """`resolve_current(link).key` with one `stat` (no path resolution): cheap enough to ask on every request."""
    try:
        return _key(os.stat(link))
    except OSError:
        return None


def _key(st: os.stat_result) -> tuple[int, int, int]:
    return st.st_dev, st.st_ino, st.st_mtime_ns


def current_snapshot_file(home: Home) -> Path | None:
    current = resolve_current(home.current_snapshot)
    return current.path if current else None


def published_snapshots(home: Home) -> list[Path]:
    """Every snapshot file in the serving folder, oldest first (the names sort by their stamp)."""
    return sorted(home.serving_dir.glob(f"{FILE_PREFIX}*{FILE_SUFFIX}"))


def remove_old_snapshots(home: Home) -> list[Path]:
    current = current_snapshot_file(home)
    snapshots = published_snapshots(home)[::-1]
    keep = set(snapshots[: KEEP_PREVIOUS + 1]) | ({current} if current else set())
    removed = [p for p in snapshots if p not in keep]
    for path in removed:
        path.unlink(missing_ok=True)
    return removed
