"""Publishing: a complete read-only snapshot swapped in atomically, old ones cleaned up."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

import duckdb
import pytest

from buildbutler.home import Home
from buildbutler.snapshot import current_snapshot_file, publish_snapshot


def make_warehouse(home: Home, builds: int) -> None:
    home.ensure()
    with duckdb.connect(str(home.warehouse)) as con:
        con.execute("create schema if not exists marts")
        con.execute(
            "create or replace table marts.fct_builds "
            "(build_id varchar, job_id varchar, number int, started_at timestamptz)"
        )
        con.execute(
            "insert into marts.fct_builds "
            "select 'b_' || i, 'j_' || (i % 3), i, timestamptz '2026-01-01' + i * interval 1 hour "
            "from range(?) t(i)",
            [builds],
        )
        con.execute("create or replace view marts.not_copied as select 1")  # views are not published


def test_publish_copies_marts_sorted_and_points_current_at_it(tmp_path):
    home = Home(tmp_path)
    make_warehouse(home, 30)
    path = publish_snapshot(home)
    assert current_snapshot_file(home) == path
    assert os.readlink(home.current_snapshot) == path.name  # relative link, swapped by os.replace
    assert not list(home.serving_dir.glob("*.tmp")) and not list(home.serving_dir.glob("*.wal"))
    with duckdb.connect(str(home.current_snapshot), read_only=True) as con:
        rows = con.execute("select job_id, started_at from marts.fct_builds").fetchall()
        tables = {r[0] for r in con.execute("select table_name from information_schema.tables").fetchall()}
    assert len(rows) == 30 and tables == {"fct_builds"}
    assert rows == sorted(rows, key=lambda r: (r[0], -r[1].timestamp()))
    with pytest.raises(duckdb.Error):
        with duckdb.connect(str(path), read_only=True) as con:
            con.execute("insert into marts.fct_builds values ('x', 'y', 1, now())")


def test_reader_of_the_old_snapshot_keeps_its_data_across_publishes(tmp_path):
    home = Home(tmp_path)
    make_warehouse(home, 5)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    first = publish_snapshot(home, now=start)
    reader = duckdb.connect(str(home.current_snapshot), read_only=True)
    make_warehouse(home, 7)
    for minutes in range(1, 4):
        publish_snapshot(home, now=start + timedelta(minutes=minutes))
    assert reader.execute("select count(*) from marts.fct_builds").fetchone()[0] == 5  # still the old inode
    reader.close()
    assert not first.exists()  # removed once newer ones exist; the open reader did not notice
    left = sorted(p.name for p in home.serving_dir.glob("snapshot-*.duckdb"))
    assert len(left) == 2 and current_snapshot_file(home).name == left[-1]
    with duckdb.connect(str(home.current_snapshot), read_only=True) as con:
        assert con.execute("select count(*) from marts.fct_builds").fetchone()[0] == 7
