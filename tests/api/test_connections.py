"""Connections over the API: create, list, delete, test against a real local Blue Ocean stand-in; no token leaks."""

from __future__ import annotations

import base64
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from buildbutler.home import Home
from buildbutler.store import Store
from ingestion.simulator import CoreOptions, Simulator
from tests.support.api_clients import ADMIN, api_client
from tests.support.samples import SAMPLES
from tests.support.settings import settings_for

JENKINS_TOKEN = "11e8c0ffee-jenkins-token-never-shown"


@contextmanager
def fake_jenkins(username: str, token: str, redirect_to: str | None = None) -> Iterator[str]:
    """A local HTTP server answering Blue Ocean's organization endpoint with the recorded sample."""
    organization = (SAMPLES / "organization.json").read_bytes()
    expected = "Basic " + base64.b64encode(f"{username}:{token}".encode()).decode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's naming
            if redirect_to:
                self.send_response(302)
                self.send_header("Location", redirect_to)
                self.end_headers()
            elif self.headers.get("Authorization") != expected:
                self.send_response(401)
                self.end_headers()
                self.wfile.write(f"denied; you sent {self.headers.get('Authorization')}".encode())
            elif self.path == "/jenkins/blue/rest/organizations/jenkins/":
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(organization)
            else:
                self.send_response(404)
                self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/jenkins"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def client(fresh_home: Home):
    with api_client(fresh_home) as c:
        yield c


def create(client, **body):
    return client.post("/api/v1/connections", json=body, headers=ADMIN)


def test_create_list_delete(client):
    response = create(client, name="Production Jenkins", url="https://jenkins.example.com/", username="ci-bot",
                      token=JENKINS_TOKEN)
    assert response.status_code == 201
    created = response.json()
    assert created["id"].startswith("c_")
    assert {k: v for k, v in created.items() if k not in ("id", "createdAt")} == {
        "name": "Production Jenkins", "url": "https://jenkins.example.com", "username": "ci-bot", "hasToken": True,
        "lastSyncAt": None, "lastSyncStatus": "never", "lastSyncError": None, "caBundle": None, "tlsVerify": True,
        "source": None,
    }
    assert client.get("/api/v1/connections", headers=ADMIN).json() == {"data": [created]}
    assert client.delete(f"/api/v1/connections/{created['id']}", headers=ADMIN).status_code == 204
    assert client.get("/api/v1/connections", headers=ADMIN).json() == {"data": []}
    response = client.delete(f"/api/v1/connections/{created['id']}", headers=ADMIN)
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"


def test_duplicate_name_is_409_conflict(client):
    assert create(client, name="ci", url="https://a.example.com").status_code == 201
    response = create(client, name="ci", url="https://b.example.com")
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "conflict" and error["details"] == {"parameter": "name"}


@pytest.mark.parametrize(("body", "parameter"), [
    ({"name": "", "url": "https://a.example.com"}, "name"),
    ({"name": "  ", "url": "https://a.example.com"}, "name"),
    ({"name": "x\ny", "url": "https://a.example.com"}, "name"),
    ({"name": "ok", "url": "jenkins.example.com"}, "url"),
    ({"name": "ok", "url": "ftp://jenkins.example.com"}, "url"),
    ({"name": "ok", "url": "https://user:pw@jenkins.example.com"}, "url"),
    ({"name": "ok", "url": "http://169.254.169.254/latest/meta-data"}, "url"),
    ({"name": "ok", "url": "http://[fe80::1]:8080"}, "url"),
    ({"name": "ok", "url": "http://metadata.google.internal"}, "url"),
    ({"name": "ok", "url": "http://2852039166/"}, "url"),  # 169.254.169.254 written as one number
    ({"name": "ok", "url": "https://jenkins.example.com:99999"}, "url"),
    ({"name": 5, "url": "https://a.example.com"}, "name"),
    ({"url": "https://a.example.com"}, "name"),
    ({"name": "ok", "url": "https://a.example.com", "tokne": "typo"}, "tokne"),  # refused, not dropped
    ({"name": "ok", "url": "https://a.example.com", "caBundle": "relative/ca.pem"}, "caBundle"),
    ({"name": "ok", "url": "https://a.example.com", "caBundle": "/nowhere/ca.pem"}, "caBundle"),
    ({"name": "ok", "url": "https://a.example.com", "tlsVerify": "no"}, "tlsVerify"),
])
def test_invalid_connections_are_400_naming_the_field(client, body, parameter):
    response = client.post("/api/v1/connections", json=body, headers=ADMIN)
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["code"] == "bad_request" and error["details"]["parameter"] == parameter


def test_a_connection_keeps_its_ca_bundle_and_its_tls_opt_out(client, tmp_path):
    bundle = tmp_path / "corporate-ca.pem"
    bundle.write_text("-----BEGIN CERTIFICATE-----\n")
    own = create(client, name="own-ca", url="https://jenkins.corp.example", caBundle=str(bundle)).json()
    insecure = create(client, name="insecure", url="https://jenkins.lab.example", tlsVerify=False).json()
    assert (own["caBundle"], own["tlsVerify"]) == (str(bundle), True)
    assert (insecure["caBundle"], insecure["tlsVerify"]) == (None, False)
    listed = {c["name"]: c for c in client.get("/api/v1/connections", headers=ADMIN).json()["data"]}
    assert listed["own-ca"] == own and listed["insecure"] == insecure


def test_malformed_json_body_is_400(client):
    response = client.post("/api/v1/connections", content=b"{not json", headers=ADMIN)
    assert response.status_code == 400 and response.json()["error"]["details"] == {"parameter": "body"}


def test_link_local_can_be_allowed_explicitly(client, fresh_home: Home):
    assert create(client, name="imds", url="http://169.254.10.10:8080").status_code == 400
    with api_client(fresh_home, BUILDBUTLER_ALLOW_LINK_LOCAL="1") as allowing:  # read when the app starts
        assert create(allowing, name="imds", url="http://169.254.10.10:8080").status_code == 201


def test_connection_test_uses_the_stored_credentials(client):
    with fake_jenkins("ci-bot", JENKINS_TOKEN) as url:
        good = create(client, name="good", url=url, username="ci-bot", token=JENKINS_TOKEN).json()
        bad = create(client, name="bad", url=url, username="ci-bot", token="wrong").json()
        response = client.post(f"/api/v1/connections/{good['id']}/test", headers=ADMIN)
        assert response.status_code == 200
        assert response.json() == {"ok": True, "status": 200, "message": "Blue Ocean answered."}
        refused = client.post(f"/api/v1/connections/{bad['name']}/test", headers=ADMIN).json()  # by name works too
        assert refused["ok"] is False and refused["status"] == 401
        assert refused["message"] == "unauthorized (HTTP 401): check the connection's user name and API token"
        assert "denied" not in refused["message"]  # the controller's body is never passed back
    assert client.post("/api/v1/connections/c_missing/test", headers=ADMIN).status_code == 404


def test_connection_test_of_a_controller_without_blue_ocean(client):
    with Simulator(seed=3, core=CoreOptions()) as core, Simulator(seed=3) as blue:
        for name, url in (("core", core.url), ("blue", blue.url)):
            create(client, name=name, url=url)
        answers = {name: client.post(f"/api/v1/connections/{name}/test", headers=ADMIN).json()
                   for name in ("core", "blue")}
    assert answers["blue"] == {"ok": True, "status": 200, "message": "Blue Ocean answered."}
    assert answers["core"]["ok"] is True and answers["core"]["message"].startswith("Jenkins' core JSON API answered")


def test_connection_test_does_not_follow_redirects_or_reach_closed_ports(client):
    with fake_jenkins("u", "t", redirect_to="http://elsewhere.example/steal") as url:
        moved = create(client, name="moved", url=url, username="u", token="t").json()
        result = client.post(f"/api/v1/connections/{moved['id']}/test", headers=ADMIN).json()
        assert result["ok"] is False and result["status"] == 302 and "elsewhere" not in result["message"]
    down = create(client, name="down", url=url).json()  # the server is gone now
    result = client.post(f"/api/v1/connections/{down['id']}/test", headers=ADMIN).json()
    # the very line the sync prints for it (ingestion.blueocean.errors)
    assert result == {"ok": False, "status": None,
                      "message": "not reachable (connection refused): check the URL and that Jenkins is up"}


def test_jenkins_token_never_appears_in_responses_or_in_plaintext_under_home(fresh_home: Home):
    with api_client(fresh_home) as client, fake_jenkins("ci-bot", JENKINS_TOKEN) as url:
        responses = [create(client, name="prod", url=url, username="ci-bot", token=JENKINS_TOKEN)]
        connection_id = responses[0].json()["id"]
        store = client.app.state.store
        store.record_sync_start("prod")
        store.record_sync_end("prod", "failed", f"GET {url} with token {JENKINS_TOKEN} failed: 500", {"runs": 1})
        responses += [
            client.get("/api/v1/connections", headers=ADMIN),
            client.post(f"/api/v1/connections/{connection_id}/test", headers=ADMIN),
            create(client, name="prod", url=url, token=JENKINS_TOKEN),  # the 409 does not echo it either
        ]
        assert client.get("/api/v1/connections", headers=ADMIN).json()["data"][0]["lastSyncError"].count("***") == 1
        assert store.credentials(connection_id) == ("ci-bot", JENKINS_TOKEN)  # still usable by the sync
    for response in responses:
        assert JENKINS_TOKEN not in response.text
    files = [p for p in fresh_home.root.rglob("*") if p.is_file()]
    assert any(p.name.startswith("operational.sqlite") for p in files)
    for path in files:
        assert JENKINS_TOKEN.encode() not in path.read_bytes(), path
    assert JENKINS_TOKEN not in repr(Store(settings_for(fresh_home)).get_connection("prod"))


def test_connection_test_reports_a_changed_secret_key_instead_of_failing(fresh_home: Home, monkeypatch):
    monkeypatch.setenv("BUILDBUTLER_SECRET_KEY", "the key the token was stored with")
    Store(settings_for(fresh_home)).add_connection("ci", "https://ci.example.com", token=JENKINS_TOKEN)
    with api_client(fresh_home, BUILDBUTLER_SECRET_KEY="another key") as client:
        result = client.post("/api/v1/connections/ci/test", headers=ADMIN).json()
    assert result["ok"] is False and "cannot be decrypted" in result["message"]
