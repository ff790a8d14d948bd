"""The dashboard's test bench: a published snapshot, the app served by uvicorn on 127.0.0.1, and a
headless Debian Chromium driven by Playwright.

`dashboard_data` is the one place that decides where the data comes from (today the fixture rows of
tests/api/snapshot_fixture.py; later a synced simulator). Everything else only needs its `home`.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode
from urllib.request import Request, urlopen

import pytest
import uvicorn
from litestar import Litestar

from api.app import create_app
from api.dashboard import dashboard_router
from orchestration.home import Home
from orchestration.store import Store
from tests.api.snapshot_fixture import make_fixture, publish, write_snapshot

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@dataclass(frozen=True)
class DashboardData:
    home: Home
    admin_token: str
    viewer_token: str


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
def dashboard_data(tmp_path_factory: pytest.TempPathFactory) -> DashboardData:
    """A home with a published snapshot and two API tokens (admin, viewer)."""
    home = Home(tmp_path_factory.mktemp("dashboard") / "home").ensure()
    snapshot = write_snapshot(home.serving_dir / "snapshot-20260101T000000Z.duckdb", make_fixture())
    publish(home, snapshot)
    store = Store(home)
    return DashboardData(home, store.create_api_token("admin", "dashboard-test"),
                         store.create_api_token("viewer", "dashboard-viewer"))


def app_with_dashboard(home: Home) -> Litestar:
    app = create_app(home)
    if not any(route.path == "/" for route in app.routes):  # once api/app.py mounts it itself
        app.register(dashboard_router)
    return app


@pytest.fixture(scope="package")
def server(dashboard_data: DashboardData) -> Iterator[Server]:
    config = uvicorn.Config(app_with_dashboard(dashboard_data.home), host="127.0.0.1", port=0,
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
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is missing: apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="package")
def fake_jenkins() -> Iterator[str]:
    """A loopback HTTP server answering Blue Ocean's organization endpoint with the recorded sample,
    for the connection check (POST /connections/{id}/test)."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    organization = (Path(__file__).resolve().parents[2] / ".." / "shared" / "blueocean-samples"
                    / "organization.json").read_bytes()

    class BlueOcean(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the http.server hook's name
            found = self.path == "/blue/rest/organizations/jenkins/"
            self.send_response(200 if found else 404)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(organization if found else b"{}")

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), BlueOcean)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()
