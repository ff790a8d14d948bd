"""Why a controller failed, told apart by type: each cause served for real on 127.0.0.1, through a whole dlt sync.

dlt wraps what the source raises; `failure_reason` must still find the typed cause and say it in
words a user can act on, without the token.
"""

from __future__ import annotations

import socket

import pytest

from ingestion.blueocean import errors
from tests.ingestion.helpers import sync
from tests.ingestion.scripted_server import CUT, ScriptedServer

PIPELINES = "/blue/rest/organizations/jenkins/pipelines/"
TOKEN = "tok-3f9a-never-shown"
JSON = {"Content-Type": "application/json"}
LOGIN_PAGE = b"<!DOCTYPE html><html><body><form action='/sso/login'>Sign in</form></body></html>"
FAST = {"max_attempts": 2, "backoff_factor_s": 0.01, "timeout_s": 5.0, "username": "bot", "token": TOKEN}


@pytest.fixture
def server():
    server = ScriptedServer()
    yield server
    server.shutdown()


def failed_sync(url: str, tmp_path, **settings) -> BaseException:
    with pytest.raises(Exception) as caught:
        sync(url, tmp_path, **{**FAST, **settings})
    return caught.value


def chain_has(error: BaseException, kind: type) -> bool:
    seen = 0
    while error is not None and seen < 20:
        if isinstance(error, kind):
            return True
        error, seen = error.__cause__ or getattr(error, "exception", None) or error.__context__, seen + 1
    return False


def assert_reason(error: BaseException, kind: type, *words: str) -> None:
    reason = errors.failure_reason(error)
    assert chain_has(error, kind), repr(error)
    assert all(word in reason for word in words), reason
    assert TOKEN not in reason and TOKEN not in str(error)
    assert "\n" not in reason and len(reason) <= 300


@pytest.mark.parametrize("status", [401, 403])
def test_refused_credentials_are_unauthorized(server, tmp_path, status):
    server.script[PIPELINES] = [(status, b'{"message":"Unauthorized"}', JSON)]
    assert_reason(failed_sync(server.url, tmp_path), errors.Unauthorized, "unauthorized", f"HTTP {status}",
                           "user name and API token")
    assert len(server.paths) == 1  # refused credentials are not retried


def test_an_html_page_is_not_jenkins(server, tmp_path):
    server.script[PIPELINES] = [(200, LOGIN_PAGE, {"Content-Type": "text/html;charset=utf-8"})]
    assert_reason(failed_sync(server.url, tmp_path), errors.NotJenkins, "not Jenkins", "login page")
    assert len(server.paths) == 1


def test_html_without_a_content_type_is_not_jenkins_either(server, tmp_path):
    server.script[PIPELINES] = [(200, LOGIN_PAGE, {})]
    assert_reason(failed_sync(server.url, tmp_path), errors.NotJenkins, "not Jenkins")


def test_404_on_the_organization_means_no_blue_ocean(server, tmp_path):
    # Nothing scripted: the server answers 404 everywhere, as Jenkins without the plugin does.
    assert_reason(failed_sync(server.url, tmp_path), errors.BlueOceanMissing, "Blue Ocean not found", "plugin")


def test_a_closed_port_is_not_reachable(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    assert_reason(failed_sync(f"http://127.0.0.1:{port}", tmp_path), errors.Unreachable, "not reachable",
                  "connection refused")


def test_an_unknown_host_is_not_reachable(tmp_path):
    assert_reason(failed_sync("http://buildbutler-test.invalid:8080", tmp_path), errors.Unreachable, "not reachable",
                  "host not found")


def test_a_silent_server_times_out(tmp_path):
    server = ScriptedServer(delay_s=3.0)
    try:
        error = failed_sync(server.url, tmp_path, timeout_s=0.3)
    finally:
        server.shutdown()
    assert_reason(error, errors.Unreachable, "not reachable", "timed out")


def test_tls_to_a_plain_http_server_is_not_reachable(server, tmp_path):
    assert_reason(failed_sync(server.url.replace("http://", "https://"), tmp_path), errors.Unreachable, "not reachable",
                  "TLS")


def test_a_json_body_of_the_wrong_shape_is_bad_data(server, tmp_path):
    server.script[PIPELINES] = [(200, b'{"not": "a list"}', JSON)]
    assert_reason(failed_sync(server.url, tmp_path), errors.BlueOceanDataError, "bad data", "expected a JSON list")


def test_json_broken_every_time_is_bad_data(server, tmp_path):
    server.script[PIPELINES] = [CUT]
    assert_reason(failed_sync(server.url, tmp_path), errors.InvalidResponse, "bad data", "not valid JSON")


def test_server_errors_after_every_retry_name_the_status(server, tmp_path):
    server.script[PIPELINES] = [(503, b"<html>503</html>", {"Content-Type": "text/html"})]
    error = failed_sync(server.url, tmp_path)
    assert_reason(error, errors.BlueOceanRequestError, "HTTP 503", "2 times")
    assert len(server.paths) == 2


def test_an_error_of_no_known_kind_keeps_its_own_words():
    try:
        try:
            raise OSError(28, "No space left on device")
        except OSError as disk:
            raise RuntimeError("load failed") from disk
    except RuntimeError as error:
        assert errors.failure_reason(error) == "unexpected error (OSError: [Errno 28] No space left on device)"
