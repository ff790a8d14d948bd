"""Reads a built warehouse the way analysts do: a short read-only connection per query."""

from __future__ import annotations

from pathlib import Path

import duckdb


def fetch(warehouse: Path, sql: str, params: list | None = None) -> list[dict]:
    """Rows of `sql` as dicts; the connection is closed at once so dbt can open the file again."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        con.execute("set TimeZone = 'UTC'")
        cursor = con.execute(sql, params or [])
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row)) for row in cursor.fetchall()]
