"""The builds of a window as CSV or JSON (one row per build), streamed in batches so memory stays flat.

CSV cells are opened by spreadsheets, which run a cell that begins like a formula (a job named
`=HYPERLINK(...)`): such text cells get a leading `'`, as OWASP advises against CSV injection. Numbers
(a negative duration) are not text and stay numbers; JSON is data and is left as it is.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import datetime

import msgspec

from api.schemas import ExportRow
from api.snapshot import SnapshotReader

COLUMNS = [f.encode_name for f in msgspec.structs.fields(ExportRow)]
SQL = """
select build_id, job_id, job_name, folder, instance, branch, number, result, duration_ms, queue_time_ms,
       strftime(started_at, '%Y-%m-%dT%H:%M:%SZ'), commit_sha, failure_category
from snap.marts.fct_builds
where started_at >= ? and started_at < ? and (? is null or job_id = ?)
order by started_at, build_id
"""
BATCH = 5000
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(row: tuple) -> list:
    return [f"'{cell}" if isinstance(cell, str) and cell.startswith(FORMULA_STARTS) else cell for cell in row]


def _batches(snapshot: SnapshotReader, start: datetime, end: datetime, job: str | None) -> Iterator[list[tuple]]:
    # The cursor (and so the snapshot generation) stays leased until the last batch is sent.
    with snapshot.cursor() as cur:
        cur.execute(SQL, [start, end, job, job])
        while batch := cur.fetchmany(BATCH):
            yield batch


def csv_chunks(snapshot: SnapshotReader, start: datetime, end: datetime, job: str | None) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for batch in _batches(snapshot, start, end, job):
        writer.writerows(map(spreadsheet_safe, batch))
        yield buffer.getvalue().encode()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue().encode()


def json_chunks(snapshot: SnapshotReader, start: datetime, end: datetime, job: str | None) -> Iterator[bytes]:
    """A JSON array of `ExportRow` objects."""
    separator = b"["
    for batch in _batches(snapshot, start, end, job):
        yield separator + msgspec.json.encode([ExportRow(*row) for row in batch])[1:-1]
        separator = b","
    yield b"[]" if separator == b"[" else b"]"
