"""Time on the simulated controller: its zone, Blue Ocean's timestamp format, and working hours.

The controller's JVM runs in America/Los_Angeles, so offsets are -0800 or -0700 depending on DST,
written without a colon (`yyyy-MM-dd'T'HH:mm:ss.SSSZ`), exactly as Blue Ocean prints them.
"""

from __future__ import annotations

import bisect
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

ZONE = ZoneInfo("America/Los_Angeles")
# Fixed default `now`: the 30 days before it cross the end of DST (2026-11-01), so both offsets occur.
DEFAULT_NOW = datetime(2026, 11, 15, 18, 0, tzinfo=UTC)
HOUR_MS = 3_600_000
DAY_MS = 24 * HOUR_MS


def to_ms(moment: datetime) -> int:
    """Epoch milliseconds of an aware datetime (naive ones are taken as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp() * 1000)


def jenkins_time(ms: int | None) -> str | None:
    """`2026-11-03T09:15:02.481-0800`, or None for None."""
    if ms is None:
        return None
    local = datetime.fromtimestamp(ms / 1000, tz=ZONE)
    return local.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}" + local.strftime("%z")


EPOCH_STEP_TIME = "1970-01-01T00:00:00.000+0000"  # Blue Ocean's start time of a step without timing


def _hour_weight(local: datetime) -> float:
    """How busy the controller is in this local hour: office hours on weekdays, little at night."""
    if local.weekday() >= 5:
        return 0.12
    if 9 <= local.hour < 18:
        return 1.0
    if 7 <= local.hour < 9 or 18 <= local.hour < 22:
        return 0.35
    return 0.06


class WorkClock:
    """Maps a fraction of 'work' in [0, 1] to a moment in [start_ms, end_ms], busy hours denser."""

    def __init__(self, start_ms: int, end_ms: int):
        self.start_ms, self.end_ms = start_ms, end_ms
        hours = max(1, (end_ms - start_ms) // HOUR_MS)
        self._cumulative = [0.0]
        for h in range(hours):
            local = datetime.fromtimestamp((start_ms + h * HOUR_MS) / 1000, tz=ZONE)
            self._cumulative.append(self._cumulative[-1] + _hour_weight(local))
        self._hour_ms = (end_ms - start_ms) / hours

    def at(self, fraction: float) -> int:
        """The moment by which `fraction` of the window's work has happened (monotonic)."""
        target = min(max(fraction, 0.0), 1.0) * self._cumulative[-1]
        i = max(1, bisect.bisect_left(self._cumulative, target))
        before, after = self._cumulative[i - 1], self._cumulative[i]
        within = (target - before) / (after - before) if after > before else 0.0
        return int(self.start_ms + (i - 1 + within) * self._hour_ms)


def local_midnight_ms(ms: int) -> int:
    """Start of the controller's local day containing `ms`."""
    local = datetime.fromtimestamp(ms / 1000, tz=ZONE)
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return to_ms(midnight)
