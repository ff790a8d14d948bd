"""The error envelope and its codes, authentication on every route, the rate limit, the body limit, 503."""

from __future__ import annotations

import re
import time

import pytest

from api.app import create_app
from buildbutler.home import Home
from buildbutler.store import Store
from tests.api.snapshot_fixture import Fixture
from tests.support.api_clients import ADMIN, api_client
from tests.support.settings import settings_for

OPEN_PATHS = re.compile(r"^/(health|schema(/.*)?|dashboard(/.*)?)?$")  # health, docs, the dashboard page and files


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["code"] == code and body["error"]["message"]
    return body["error"]


@pytest.mark.parametrize(("url", "parameter"), [
    ("/api/v1/jobs?page=0", "page"),
    ("/api/v1/jobs?page=abc", "page"),
    ("/api/v1/jobs?page=60061258930084937728", "page"),
    ("/api/v1/jobs/j_x/builds?page=10000001", "page"),
    ("/api/v1/jobs?per_page=101", "per_page"),
    ("/api/v1/jobs?per_page=0", "per_page"),
    ("/api/v1/analytics/metrics?range=12h", "range"),
    ("/api/v1/analytics/metrics?range=2026-02-01T00:00:00Z/2026-01-01T00:00:00Z", "range"),
    ("/api/v1/analytics/metrics?range=yesterday/today", "range"),
    ("/api/v1/analytics/metrics?group_by=day", "group_by"),
    ("/api/v1/analytics/export?format=xlsx", "format"),
    ("/api/v1/analytics/export?range=0001-01-01T00:00:00%2B05:00/2026-01-01T00:00:00Z", "range"),
])
def test_bad_parameters_are_400_naming_the_parameter(client, url, parameter):
    error = assert_error(client.get(url, headers=ADMIN), 400, "bad_request")
    assert error["details"]["parameter"] == parameter and parameter in error["message"]


@pytest.mark.parametrize(("query", "parameter"), [
    ("result=success", "result"), ("since=yesterday", "since"), ("until=2026-13-01T00:00:00Z", "until"),
    ("since=2026-02-01T00:00:00Z&until=2026-01-01T00:00:00Z", "until"), ("since=", "since"), ("until=0.5", "until"),
    ("page=0", "page"), ("per_page=101", "per_page"),
])
def test_bad_build_filters_are_400(client, fixture_data: Fixture, query, parameter):
    url = f"/api/v1/jobs/{fixture_data.jobs[0].job_id}/builds?{query}"
    error = assert_error(client.get(url, headers=ADMIN), 400, "bad_request")
    assert error["details"]["parameter"] == parameter


def test_unknown_enum_message_lists_the_allowed_values(client):
    error = assert_error(client.get("/api/v1/analytics/metrics?group_by=day", headers=ADMIN), 400, "bad_request")
    assert "job, folder, label, branch" in error["message"]


def test_unknown_routes_are_404_and_wrong_methods_405(client):
    assert_error(client.get("/api/v1/nothing-here", headers=ADMIN), 404, "not_found")
    assert_error(client.get("/nothing-here"), 404, "not_found")
    error = assert_error(client.delete("/api/v1/jobs", headers=ADMIN), 405, "bad_request")
    assert "Method Not Allowed" in error["message"]
    assert "GET" in client.put("/api/v1/jobs", headers=ADMIN).headers["allow"]


def test_missing_or_unknown_token_is_401(client):
    error = assert_error(client.get("/api/v1/jobs"), 401, "unauthorized")
    assert "Bearer" in error["message"]
    assert client.get("/api/v1/jobs").headers["www-authenticate"].startswith("Bearer")
    for header in ("Bearer wrong", "Basic dXNlcjpwYXNz", "Bearer", "bearer  ", ADMIN["Authorization"] + "x"):
        assert_error(client.get("/api/v1/jobs", headers={"Authorization": header}), 401, "unauthorized")
    lower_case_scheme = {"Authorization": "bearer " + ADMIN["Authorization"].removeprefix("Bearer ")}
    assert client.get("/api/v1/jobs", headers=lower_case_scheme).status_code == 200


def concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "x", path)


def test_every_route_of_the_app_refuses_a_missing_or_wrong_token_except_health_and_docs(served_home):
    with api_client(served_home) as client:
        routes = [(concrete(route.path), method) for route in client.app.routes for method in sorted(route.methods)]
        assert len(routes) > 20
        api_routes = [(p, m) for p, m in routes if not OPEN_PATHS.match(p)]
        assert {p for p, _ in api_routes} >= {"/api/v1/jobs", "/api/v1/connections", "/api/v1/analytics/export"}
        for path, method in api_routes:
            assert path.startswith("/api/v1/"), f"{path} is neither under /api/v1 nor a known open path"
            for headers in ({}, {"Authorization": "Bearer wrong-token"}):
                response = client.request(method, path, headers=headers)
                assert response.status_code == 401, (method, path, headers, response.status_code)
                if method != "HEAD":
                    assert response.json()["error"]["code"] == "unauthorized"
        open_pages = [p for p, m in routes if OPEN_PATHS.match(p) and m == "GET" and not p.endswith("/x")]
        assert {"/", "/health", "/schema", "/schema/openapi.json", "/schema/swagger"} <= set(open_pages)
        for path in open_pages:
            assert client.get(path).status_code == 200, path


def test_viewer_tokens_read_but_do_not_write_connections(fresh_home: Home):
    viewer = {"Authorization": f"Bearer {Store(settings_for(fresh_home)).create_api_token('viewer', 'dashboards')}"}
    with api_client(fresh_home) as client:
        assert client.get("/api/v1/connections", headers=viewer).status_code == 200
        body = {"name": "ci", "url": "https://ci.example.com"}
        assert_error(client.post("/api/v1/connections", json=body, headers=viewer), 403, "forbidden")
        created = client.post("/api/v1/connections", json=body, headers=ADMIN).json()
        assert_error(client.delete(f"/api/v1/connections/{created['id']}", headers=viewer), 403, "forbidden")
        assert_error(client.post(f"/api/v1/connections/{created['id']}/test", headers=viewer), 403, "forbidden")
        assert client.delete(f"/api/v1/connections/{created['id']}", headers=ADMIN).status_code == 204


def test_created_admin_token_works_and_the_env_admin_token_is_optional(fresh_home: Home):
    admin = {"Authorization": f"Bearer {Store(settings_for(fresh_home)).create_api_token('admin')}"}
    with api_client(fresh_home, BUILDBUTLER_ADMIN_TOKEN="") as client:
        body = {"name": "a", "url": "http://a.example"}
        assert client.post("/api/v1/connections", json=body, headers=admin).status_code == 201
        assert_error(client.get("/api/v1/connections", headers=ADMIN), 401, "unauthorized")


def test_rate_limit_is_per_token_with_retry_after_and_recovers(fresh_home: Home):
    other = {"Authorization": f"Bearer {Store(settings_for(fresh_home)).create_api_token('viewer')}"}
    with api_client(fresh_home, BUILDBUTLER_RATE_LIMIT="60") as client:  # one request a second after the burst
        statuses = [client.get("/api/v1/connections", headers=ADMIN).status_code for _ in range(60)]
        assert statuses == [200] * 60
        limited = client.get("/api/v1/connections", headers=ADMIN)
        error = assert_error(limited, 429, "rate_limited")
        assert limited.headers["retry-after"] == "1" and "60" in error["message"]
        assert client.get("/api/v1/connections", headers=other).status_code == 200  # another token is unaffected
        assert client.get("/health").status_code == 200  # open routes are not limited
        time.sleep(int(limited.headers["retry-after"]) + 0.05)
        assert client.get("/api/v1/connections", headers=ADMIN).status_code == 200


def test_rate_limit_setting_is_validated(fresh_home: Home, monkeypatch):
    monkeypatch.setenv("BUILDBUTLER_RATE_LIMIT", "lots")
    with pytest.raises(ValueError, match="BUILDBUTLER_RATE_LIMIT"):
        create_app(settings_for(fresh_home))


def test_request_bodies_are_limited(client):
    big = {"name": "x", "url": "https://ci.example.com", "username": "u" * 70_000}
    assert_error(client.post("/api/v1/connections", json=big, headers=ADMIN), 413, "bad_request")


def test_before_the_first_publish_data_routes_answer_503_and_health_says_so(fresh_home: Home):
    with api_client(fresh_home) as client:
        assert client.get("/health").json() == {"status": "ok", "snapshot": None}
        for url in ("/api/v1/jobs", "/api/v1/builds/b_x", "/api/v1/analytics/metrics", "/api/v1/analytics/export"):
            error = assert_error(client.get(url, headers=ADMIN), 503, "internal_error")
            assert "No snapshot has been published yet" in error["message"]
        assert client.get("/api/v1/connections", headers=ADMIN).status_code == 200  # not from the snapshot


def test_a_broken_snapshot_is_503_not_500(fresh_home: Home):
    broken = fresh_home.serving_dir / "snapshot-broken.duckdb"
    broken.write_bytes(b"this is not a duckdb file" * 100)
    fresh_home.current_snapshot.symlink_to(broken.name)
    with api_client(fresh_home) as client:
        error = assert_error(client.get("/api/v1/jobs", headers=ADMIN), 503, "internal_error")
        assert "cannot be opened" in error["message"]


def test_unexpected_errors_are_500_without_internals(fresh_home: Home):
    import duckdb

    path = fresh_home.serving_dir / "snapshot-empty.duckdb"
    duckdb.connect(str(path)).close()  # a valid file without the marts: queries fail inside the handler
    fresh_home.current_snapshot.symlink_to(path.name)
    with api_client(fresh_home) as client:
        error = assert_error(client.get("/api/v1/jobs", headers=ADMIN), 500, "internal_error")
        assert error == {"code": "internal_error", "message": "Internal server error.", "details": {}}
