"""`make demo`: the simulator, one full sync, the API, and the lines to try, until Ctrl-C."""

from __future__ import annotations

import socket
from datetime import UTC, datetime

from buildbutler.settings import Settings

DEMO_CONNECTION = "demo"


def _free_port(preferred: int) -> int:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", preferred))
            return preferred
        except OSError:
            s.bind(("127.0.0.1", 0))
            return s.getsockname()[1]


def run_demo(settings: Settings, api_port: int, simulator_port: int) -> int:
    import uvicorn

    from buildbutler.store import Store
    from ingestion.simulator import Simulator
    from orchestration.sync import run_sync

    home = settings.home.ensure()
    # History ending now, so that the default 7-day window of the API has builds in it.
    simulator = Simulator(seed=7, now=datetime.now(UTC)).start(port=_free_port(simulator_port))
    print(f"Blue Ocean simulator on {simulator.url}")
    store = Store(settings)
    store.remove_connection(DEMO_CONNECTION)  # the simulator's port may differ from last time
    store.add_connection(DEMO_CONNECTION, simulator.url)
    if run_sync(settings, DEMO_CONNECTION) != 0:
        simulator.stop()
        return 1
    token = settings.admin_token or store.create_api_token("admin", "demo")
    base = f"http://127.0.0.1:{api_port}"
    print(
        f"\nAPI on {base}  (admin token: {token})\n"
        f"  curl -H 'Authorization: Bearer {token}' {base}/api/v1/jobs\n"
        f"  curl -H 'Authorization: Bearer {token}' '{base}/api/v1/analytics/metrics?range=30d&group_by=folder'\n"
        f"  dashboard: {base}/   API docs: {base}/schema   analysts: open {home.current_snapshot} read-only (README)\n"
        "Ctrl-C stops it all.\n",
        flush=True,
    )
    try:
        uvicorn.run("api.app:create_app", factory=True, host="127.0.0.1", port=api_port, log_level="warning")
    finally:
        simulator.stop()
    return 0
