"""Blocking entry point for `buildbutler simulate`: serve until Ctrl-C."""

from __future__ import annotations

from datetime import UTC, datetime

from .core_routes import CoreOptions
from .simulator import Simulator


def serve_forever(host: str = "127.0.0.1", port: int = 8080, scale: int = 1, fault_rate: float = 0.0,
                  seed: int = 7, username: str | None = None, password: str | None = None,
                  now: datetime | None = None, prefix: str = "", prefixed_links: bool = False,
                  field_names: bool = False, core: CoreOptions | None = None) -> None:
    """Print the URL and serve until interrupted.

    Unlike `Simulator`, whose default clock is a fixed instant (for reproducible tests), the CLI's
    controller ends at the current hour unless `now` is given, so "the last 7 days" has data.
    """
    now = now or datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    sim = Simulator(seed=seed, scale=scale, fault_rate=fault_rate, username=username, password=password,
                    now=now, prefix=prefix, prefixed_links=prefixed_links, field_names=field_names,
                    core=core).start(host, port)
    stats = sim.stats()
    if core is None:
        api = f"Blue Ocean simulator on {sim.url} (API under {sim.url}/blue/rest/)"
    else:
        plugins = [f"Pipeline Graph View ({core.pgv})" if core.pgv else "no Pipeline Graph View",
                   *(["Stage View"] if core.wfapi else []), "Metrics" if core.metrics else "no Metrics"]
        api = f"Jenkins core API simulator on {sim.url} (at {sim.url}/api/json; {', '.join(plugins)})"
    print(f"{api}: {stats['jobs']} jobs, {stats['builds']} builds. Ctrl-C to stop.", flush=True)
    try:
        sim._thread.join()
    except KeyboardInterrupt:
        pass
    finally:
        sim.stop()
