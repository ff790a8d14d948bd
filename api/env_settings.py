"""Reading the API's numeric settings from the environment, with one clear error for bad values."""

from __future__ import annotations

import os


def non_negative_int(name: str, default: int, unit: str) -> int:
    """`$name` as a whole number >= 0 (`default` when unset or blank); `unit` words the error."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = -1
    if value < 0:
        raise ValueError(f"{name} must be a whole number of {unit}, not {raw!r}")
    return value
