"""Asset checks on the published snapshot (dbt's own tests arrive as checks on the models)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import dagster as dg
import duckdb

from buildbutler.settings import Settings
from buildbutler.snapshot import current_snapshot_file, published_snapshots

GROWING_TABLES = ("fct_builds", "dim_jobs")  # builds are never deleted: history is the point


def table_counts(path: Path) -> dict[str, int]:
    with duckdb.connect(str(path), read_only=True) as con:
        return {t: con.execute(f"select count(*) from marts.{t}").fetchone()[0] for t in GROWING_TABLES}


def shrunk_tables(previous: dict[str, int], current: dict[str, int]) -> dict[str, tuple[int, int]]:
    return {t: (previous[t], current[t]) for t in previous if current.get(t, 0) < previous[t]}


def stale_instances(latest: dict[str, datetime], now: datetime, max_age: timedelta) -> list[str]:
    return sorted(name for name, at in latest.items() if at is None or now - at > max_age)


@dg.asset_check(asset="serving_snapshot", description="Row counts of the marts never shrink between snapshots.")
def snapshot_never_shrinks() -> dg.AssetCheckResult:
    home = Settings.from_env().home
    current = current_snapshot_file(home)
    older = [p for p in published_snapshots(home) if p != current]
    if current is None or not older:
        return dg.AssetCheckResult(passed=True, metadata={"compared": "nothing to compare yet"})
    now, before = table_counts(current), table_counts(older[-1])
    shrunk = shrunk_tables(before, now)
    return dg.AssetCheckResult(passed=not shrunk, metadata={"now": now, "before": before, "shrunk": str(shrunk)})


@dg.asset_check(
    asset="serving_snapshot",
    description="Each instance's newest build is recent (BUILDBUTLER_FRESHNESS_HOURS, default 24).",
)
def instances_are_fresh() -> dg.AssetCheckResult:
    settings = Settings.from_env()
    current = current_snapshot_file(settings.home)
    if current is None:
        return dg.AssetCheckResult(passed=False, metadata={"reason": "no snapshot published"})
    with duckdb.connect(str(current), read_only=True) as con:
        latest = dict(con.execute("select instance, latest_build_at from marts.dim_instances").fetchall())
    max_age = timedelta(hours=settings.freshness_hours)
    stale = stale_instances(latest, datetime.now(UTC), max_age)
    return dg.AssetCheckResult(
        passed=not stale,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={"stale_instances": stale, "instances": len(latest)},
    )
