"""How the page must print numbers, written out in Python from the spec (not from the page's code):
durations `3m 05s`, rates `94.1%`, counts `1,247`, times `Nov 15, 04:32` (the tests' browser is in
UTC). Halves round up, as JavaScript's toFixed does."""

from __future__ import annotations

import math
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

DASH = "—"


def half_up(value: float, places: int = 0) -> Decimal:
    return Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def duration(ms: float | None) -> str:
    if ms is None:
        return DASH
    if ms < 1000:
        return f"{half_up(ms)}ms"
    seconds = math.floor(ms / 1000 + 0.5)
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m {seconds % 60:02d}s"
    return f"{seconds // 3600}h {seconds // 60 % 60:02d}m"


def rate(value: float | None) -> str:
    return DASH if value is None else f"{half_up(value * 100, 1)}%"


def count(value: int | None) -> str:
    return DASH if value is None else f"{value:,}"


def date_time(iso: str | None) -> str:
    return DASH if iso is None else datetime.fromisoformat(iso).strftime("%b %-d, %H:%M")


RESULT_LABELS = {"SUCCESS": "Success", "UNSTABLE": "Unstable", "FAILURE": "Failure", "ABORTED": "Aborted",
                 "NOT_BUILT": "Not built", None: "Running"}


def change(kind: str, current: float | None, previous: float | None, better: str | None = None
           ) -> tuple[str, str] | None:
    """The change line of a KPI card and its tone: rates in percentage points, the rest in percent;
    `good` when it moved the way `better` ("up", "down") says, `flat` when unchanged or neutral."""
    if current is None or previous is None or (kind != "rate" and previous == 0):
        return None
    diff = (current - previous) * 100 if kind == "rate" else (current - previous) / previous * 100
    shown = half_up(abs(diff), 1 if kind == "rate" else 0)
    text = f"{shown} pts" if kind == "rate" else f"{shown}%"
    if shown == 0:
        return f"±{text}", "flat"
    tone = "flat" if better is None else "good" if (diff > 0) == (better == "up") else "bad"
    return f"{'▲' if diff > 0 else '▼'} {text}", tone
