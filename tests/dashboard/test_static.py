"""The page and its assets as the app serves them: open, typed, locked to this origin."""

from __future__ import annotations

import json
import re
from urllib.error import HTTPError
from urllib.request import urlopen

from api.dashboard.router import STATIC_DIR

# The only absolute URLs the assets may contain: the SVG namespace and a form placeholder.
ALLOWED_URLS = {"http://www.w3.org/2000/svg", "https://jenkins.example.com"}


def get(url: str):
    with urlopen(url, timeout=10) as response:
        return response.status, response.headers, response.read()


def test_page_is_open_and_allows_only_its_own_origin(server) -> None:
    status, headers, body = get(f"{server.url}/")
    assert status == 200
    assert headers["Content-Type"].startswith("text/html")
    policy = headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy and "unsafe" not in policy
    assert b'<script type="module" src="/dashboard/js/main.js">' in body


def test_every_asset_is_served_with_its_type(server) -> None:
    types = {".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml", ".html": "text/html"}
    files = [p for p in STATIC_DIR.rglob("*") if p.is_file()]
    assert len(files) > 10
    for path in files:
        status, headers, body = get(f"{server.url}/dashboard/{path.relative_to(STATIC_DIR).as_posix()}")
        assert status == 200 and body == path.read_bytes()
        assert headers["Content-Type"].startswith(types[path.suffix]), path


def test_a_missing_asset_is_a_404_in_the_api_envelope(server) -> None:
    try:
        get(f"{server.url}/dashboard/js/nope.js")
    except HTTPError as error:
        assert error.code == 404
        assert json.loads(error.read())["error"]["code"] == "not_found"
    else:
        raise AssertionError("expected a 404")


def test_nothing_is_fetched_from_elsewhere() -> None:
    for path in STATIC_DIR.rglob("*"):
        if path.is_file():
            urls = set(re.findall(r"https?://[^\s\"'`<>)]+", path.read_text()))
            assert urls <= ALLOWED_URLS, (path, urls - ALLOWED_URLS)
            assert "@import" not in path.read_text(), path


def test_every_module_import_resolves() -> None:
    for path in STATIC_DIR.rglob("*.js"):
        for target in re.findall(r'from "(\.[^"]+)";', path.read_text()):
            assert (path.parent / target).resolve().is_file(), (path, target)
