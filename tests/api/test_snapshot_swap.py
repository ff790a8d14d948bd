"""Publishing a new snapshot while clients keep querying a real uvicorn: new answers, no errors, old file closed."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import httpx

from api.app import create_app
from buildbutler.home import Home
from tests.api.snapshot_fixture import make_fixture, publish, write_snapshot
from tests.support.api_clients import ADMIN, ADMIN_TOKEN
from tests.support.servers import serve
from tests.support.settings import settings_for


def open_files() -> set[str]:
    return {os.path.realpath(f"/proc/self/fd/{fd}") for fd in os.listdir("/proc/self/fd")}


def wait_until(condition, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def test_publish_while_clients_query(fresh_home: Home, monkeypatch):
    monkeypatch.setenv("BUILDBUTLER_ADMIN_TOKEN", ADMIN_TOKEN)
    monkeypatch.setenv("BUILDBUTLER_RATE_LIMIT", "0")
    first, second = make_fixture(seed=1, builds_per_job=40), make_fixture(seed=2, builds_per_job=30)
    old = write_snapshot(fresh_home.serving_dir / "snapshot-1.duckdb", first)
    new = write_snapshot(fresh_home.serving_dir / "snapshot-2.duckdb", second)
    publish(fresh_home, old)
    job = first.jobs[1].job_id  # same job in both: its build count tells the snapshots apart
    counts = {len(first.jobs[1].builds), len(second.jobs[1].builds)}
    assert len(counts) == 2

    seen: list[int] = []
    failures: list[str] = []
    stop = threading.Event()

    def query(base: str) -> None:
        with httpx.Client(base_url=base, headers=ADMIN, timeout=10) as http:
            while not stop.is_set():
                for url in (f"/api/v1/jobs/{job}", "/api/v1/analytics/metrics?range=30d&group_by=label",
                            f"/api/v1/jobs/{job}/builds?per_page=100"):
                    response = http.get(url)
                    if response.status_code != 200:
                        failures.append(f"{url}: {response.status_code} {response.text}")
                    elif url.endswith(job):
                        seen.append(response.json()["totalBuilds"])

    with serve(create_app(settings_for(fresh_home))) as base:
        clients = [threading.Thread(target=query, args=(base,)) for _ in range(4)]
        for thread in clients:
            thread.start()
        wait_until(lambda: len(seen) >= 10)
        assert str(old) in open_files()
        publish(fresh_home, new)
        wait_until(lambda: len(second.jobs[1].builds) in seen)
        first_new = seen.index(len(second.jobs[1].builds))
        wait_until(lambda: len(seen) >= first_new + 10)
        stop.set()
        for thread in clients:
            thread.join()
        assert failures == []
        assert seen[first_new:] == [len(second.jobs[1].builds)] * (len(seen) - first_new)  # never back to the old one
        assert first_new > 0 and set(seen[:first_new]) == {len(first.jobs[1].builds)}
        assert httpx.get(f"{base}/health").json()["snapshot"] == Path(new).name
        # The old generation was closed once its last request finished (only the new file is open).
        assert str(old) not in open_files() and str(new) in open_files()
