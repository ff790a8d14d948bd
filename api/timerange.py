"""Time windows of the analytics endpoints: `range` = 24h | 7d | 30d | ISO 8601 interval `START/END`.

Windows are half-open, `[from, to)`. Relative ranges end at the current wall clock (rounded up to the
whole second, so that `meta.to` prints exactly). Times without an offset are taken as UTC.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from api.errors import bad_parameter

RELATIVE = {"24h": timedelta(hours=24), "7d": timedelta(days=7), "30d": timedelta(days=30)}
RANGE_HELP = "24h, 7d, 30d, or an ISO 8601 interval START/END such as 2026-01-01T00:00:00Z/2026-02-01T00:00:00Z"


def as_utc(value: datetime, parameter: str) -> datetime:
    """An aware UTC datetime; naive input is UTC. Out-of-range offsets are a 400, not a crash."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise bad_parameter(parameter, "timestamp is out of range") from None


def parse_instant(text: str, parameter: str) -> datetime:
    """An ISO 8601 timestamp (`2026-01-15T10:32:00Z`, an offset, or none for UTC) -> aware UTC datetime.

    Parsed here rather than by msgspec, which would also take a bare number as epoch seconds.
    """
    try:
        value = datetime.fromisoformat(text.strip().upper())  # RFC 3339 allows `t` and `z`
    except ValueError:
        raise bad_parameter(parameter, f"{text!r} is not an ISO 8601 timestamp such as 2026-01-15T10:32:00Z") from None
    return as_utc(value, parameter)


def parse_range(value: str, now: datetime | None = None) -> tuple[datetime, datetime]:
    value = value.strip()
    if value in RELATIVE:
        now = now or datetime.now(UTC)
        end = now.replace(microsecond=0) + (timedelta(seconds=1) if now.microsecond else timedelta())
        return end - RELATIVE[value], end
    start_text, slash, end_text = value.partition("/")
    if not slash:
        raise bad_parameter("range", f"expected {RANGE_HELP}")
    start, end = parse_instant(start_text, "range"), parse_instant(end_text, "range")
    if start >= end:
        raise bad_parameter("range", "the start must be before the end")
    return start, end


def iso_z(value: datetime) -> str:
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="seconds") + "Z"
