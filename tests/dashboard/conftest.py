"""The dashboard's test bench: a home synced from the bundled simulator, the app served by uvicorn on
127.0.0.1, and a headless Debian Chromium driven by Playwright.

`dashboard_data` is the one place that decides where the data comes from: two simulated controllers
(real HTTP on 127.0.0.1, two seeds with the same job names, so instances matter) registered in the
home's store and synced once by `buildbutler sync`, as a user would. The simulators and the browser
share one fixed `now` (`pages.NOW`), so the data is deterministic, recent relative to the page's
default range, and the screenshot reproducible.

No separate fixture data is needed for the edge cases: empty windows are the same snapshot seen from
a browser clock long after the controllers' history, and the errors the page must show plainly
(401, 403, 400, 404) are the API's own answers.
"""

from __future__ import annotations

import json
import os
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlencode
from urllib.request import Request, urlopen

import pytest
import uvicorn

from api.app import create_app
from buildbutler.home import Home
from buildbutler.store import Store
from ingestion.simulator import Simulator
from tests.dashboard.pages import NOW
from tests.support.paths import BIN, REPO
from tests.support.settings import settings_for

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
CONTROLLERS = {"ci-main": 7, "ci-edge": 12}  # connection name: simulator seed


@dataclass(frozen=True)
class DashboardData:
    home: Home
    admin_token: str
    viewer_token: str
    simulators: dict[str, Simulator]  # by connection name, still serving


@dataclass(frozen=True)
class Server:
    url: str
    admin_token: str
    viewer_token: str

    def api(self, path: str, token: str | None = None, **query: str) -> object:
        """GET /api/v1<path> as the page would, decoded from JSON (text for logs)."""
        qs = f"?{urlencode(query)}" if query else ""
        request = Request(f"{self.url}/api/v1{path}{qs}",
                          headers={"Authorization": f"Bearer {token or self.admin_token}"})
        with urlopen(request, timeout=30) as response:
            body = response.read()
            return json.loads(body) if "json" in response.headers.get("Content-Type", "") else body.decode()


@pytest.fixture(scope="package")
def dashboard_data(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DashboardData]:
    """A home synced from the simulated controllers, with two API tokens (admin, viewer)."""
    home = Home(tmp_path_factory.mktemp("dashboard") / "home").ensure()
    store = Store(settings_for(home))
    simulators = {name: Simulator(seed=seed, now=NOW).start() for name, seed in CONTROLLERS.items()}
    try:
        for name, simulator in simulators.items():
            store.add_connection(name, simulator.url)
        env = {**os.environ, "BUILDBUTLER_HOME": str(home.root), "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
        sync = subprocess.run([str(BIN / "buildbutler"), "sync"], cwd=REPO, env=env, capture_output=True,
                              text=True, timeout=600)
        if sync.returncode != 0:
            pytest.fail(f"buildbutler sync failed ({sync.returncode}):\n{sync.stdout[-3000:]}\n{sync.stderr[-3000:]}")
        yield DashboardData(home, store.create_api_token("admin", "dashboard-test"),
                            store.create_api_token("viewer", "dashboard-viewer"), simulators)
    finally:
        for simulator in simulators.values():
            simulator.stop()


@pytest.fixture(scope="package")
def server(dashboard_data: DashboardData) -> Iterator[Server]:
    config = uvicorn.Config(create_app(settings_for(dashboard_data.home)), host="127.0.0.1", port=0,
                            log_level="warning", lifespan="on")
    uv = uvicorn.Server(config)
    thread = threading.Thread(target=uv.run, name="dashboard-uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not uv.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    port = uv.servers[0].sockets[0].getsockname()[1]
    yield Server(f"http://127.0.0.1:{port}", dashboard_data.admin_token, dashboard_data.viewer_token)
    uv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="package")
def browser() -> Iterator[object]:
    if not os.path.exists(CHROMIUM):
        pytest.fail("Debian's chromium is missing: apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
