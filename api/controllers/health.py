"""GET /health: open, cheap, says which snapshot is in service (none before the first publish)."""

from __future__ import annotations

from litestar import get
from litestar.di import NamedDependency

from api.schemas import Health
from api.snapshot import SnapshotReader


@get("/health", operation_id="health", tags=["system"], sync_to_thread=False, security=[])
def health(snapshot: NamedDependency[SnapshotReader]) -> Health:
    """Liveness; `snapshot` is null until a sync has published one."""
    return Health(status="ok", snapshot=snapshot.current_name)
