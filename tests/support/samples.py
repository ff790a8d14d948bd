"""Real Blue Ocean responses recorded from Jenkins, kept in the shared folder beside the repository."""

from __future__ import annotations

import json

from tests.support.paths import SHARED

SAMPLES = SHARED / "blueocean-samples"


def sample(name: str):
    """The decoded JSON of one recorded response."""
    return json.loads((SAMPLES / name).read_text())
