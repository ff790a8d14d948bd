"""The Blue Ocean HTTP client against a scripted server on 127.0.0.1: URLs, retries, logs, parallelism."""

from __future__ import annotations

import base64
import json
import time

import pytest

from ingestion.blueocean import BlueOceanClient, BlueOceanRequestError, SourceConfig
from ingestion.blueocean.errors import LoginRedirect
from tests.ingestion.scripted_server import CUT, RESET, SHORT, ScriptedServer
from tests.support.samples import SAMPLES

OK = (200, b'[{"id": "1"}]', {"Content-Type": "application/json"})


@pytest.fixture
def server():
    server = ScriptedServer()
    yield server
    server.shutdown()


def make_client(server: ScriptedServer, **overrides) -> BlueOceanClient:
    settings = {"max_attempts": 4, "backoff_factor_s": 0.01, "timeout_s": 5.0, **overrides}
    return BlueOceanClient(SourceConfig(instance="t", base_url=server.url, **settings))


def test_href_becomes_url_without_reencoding_percent(server):
    href = "/blue/rest/organizations/jenkins/pipelines/Pipeline Editor/branches/feature%252Ffoo/"
    server.script["/blue/rest/organizations/jenkins/pipelines/Pipeline%20Editor/branches/feature%252Ffoo/"] = [OK]
    assert make_client(server).get_json(href) == [{"id": "1"}]
    assert server.paths == ["/blue/rest/organizations/jenkins/pipelines/Pipeline%20Editor/branches/feature%252Ffoo/"]


ENCODED = "/blue/rest/organizations/jenkins/pipelines/%C3%89quipe%20Donn%C3%A9es/pipelines/caf%C3%A9%20api/runs/3/"


@pytest.mark.parametrize("base", ["/jenkins", "/jenkins/"])
@pytest.mark.parametrize("href", [
    "/blue/rest/organizations/jenkins/pipelines/Équipe Données/pipelines/café api/runs/3/",  # as Blue Ocean writes it
    "/jenkins/blue/rest/organizations/jenkins/pipelines/Équipe Données/pipelines/café api/runs/3/",  # with the path
    ENCODED,  # every segment encoded already
    "{origin}/jenkins/blue/rest/organizations/jenkins/pipelines/Équipe Données/pipelines/café api/runs/3/",  # absolute
], ids=["plain", "context-path", "encoded", "absolute"])
def test_hrefs_reach_the_api_under_a_context_path_once(server, base, href):
    server.script["/jenkins" + ENCODED] = [OK]
    client = BlueOceanClient(SourceConfig(instance="t", base_url=server.url + base, max_attempts=1))
    assert client.get_json(href.format(origin=server.url)) == [{"id": "1"}]
    assert server.paths == ["/jenkins" + ENCODED]


@pytest.mark.parametrize("fault", [(500, b"boom", {}), (503, b"", {}), RESET, SHORT, CUT])
def test_faults_are_retried(server, fault):
    server.script["/x/"] = [fault, fault, OK]
    assert make_client(server).get_json("/x/") == [{"id": "1"}]
    assert len(server.paths) == 3


def test_429_waits_for_retry_after(server):
    server.script["/x/"] = [(429, b"", {"Retry-After": "1"}), OK]
    started = time.monotonic()
    assert make_client(server).get_json("/x/") == [{"id": "1"}]
    assert time.monotonic() - started >= 0.9


def test_failure_after_all_attempts_names_url_not_token(server):
    server.script["/x/"] = [(500, b"boom", {})]
    client = make_client(server, username="admin", token="s3cret-token")
    with pytest.raises(BlueOceanRequestError) as caught:
        client.get_json("/x/")
    assert "/x/" in str(caught.value) and "500" in str(caught.value)
    assert "s3cret-token" not in str(caught.value) and "s3cret-token" not in repr(client.config)
    assert len(server.paths) == 4


def test_broken_json_every_time_is_a_clear_error(server):
    server.script["/x/"] = [CUT]
    with pytest.raises(BlueOceanRequestError, match="failed after 4 attempts: invalid JSON"):
        make_client(server).get_json("/x/")


def test_basic_auth_in_utf8_and_redirects_within_the_api_followed(server):
    server.script["/blue/rest/old/"] = [(302, b"", {"Location": "/blue/rest/new/"})]
    server.script["/blue/rest/new/"] = [OK]
    client = make_client(server, username="jenkins", token="tökén")
    assert client.get_json("/blue/rest/old/") == [{"id": "1"}]
    assert server.paths == ["/blue/rest/old/", "/blue/rest/new/"]
    expected = "Basic " + base64.b64encode("jenkins:tökén".encode()).decode()
    assert [h["Authorization"] for h in server.headers] == [expected, expected]


def test_a_redirect_out_of_the_api_is_a_login_page_and_not_followed(server):
    server.script["/blue/rest/organizations/jenkins/"] = [
        (302, b"", {"Location": "/securityRealm/commenceLogin?from=%2Fblue%2Frest%2F"})]
    client = make_client(server, username="jenkins", token="secret-t")
    with pytest.raises(LoginRedirect) as raised:
        client.get_json("/blue/rest/organizations/jenkins/")
    assert server.paths == ["/blue/rest/organizations/jenkins/"]  # the login page is not asked for
    reason = raised.value.reason
    assert raised.value.status == 302 and "login page" in reason and "commenceLogin" not in reason


def test_a_redirect_to_a_link_local_address_is_refused(server):
    server.script["/blue/rest/x/"] = [(302, b"", {"Location": "http://169.254.169.254/blue/rest/x/"})]
    with pytest.raises(BlueOceanRequestError) as raised:
        make_client(server).get_json("/blue/rest/x/")
    assert "link-local" in raised.value.reason and raised.value.status == 302


def test_credentials_do_not_follow_a_redirect_to_another_host(server):
    other = ScriptedServer()
    try:
        other.script["/blue/rest/x/"] = [OK]
        server.script["/blue/rest/x/"] = [(307, b"", {"Location": other.url.replace("127.0.0.1", "localhost")
                                                      + "/blue/rest/x/"})]
        assert make_client(server, username="jenkins", token="secret-t").get_json("/blue/rest/x/") == [{"id": "1"}]
        assert "Authorization" in server.headers[0] and "Authorization" not in other.headers[0]
    finally:
        other.shutdown()


def test_404_is_none_only_when_allowed(server):
    client = make_client(server)
    assert client.get_json("/missing/", missing_ok=True) is None
    with pytest.raises(BlueOceanRequestError, match="404"):
        client.get_json("/missing/")
    assert len(server.paths) == 2  # a 404 is not retried


def test_pages_until_a_short_page(server):
    server.script["/list/"] = [
        (200, json.dumps([{"id": str(i)} for i in range(3)]).encode(), {}),
        (200, json.dumps([{"id": "3"}]).encode(), {"Link": '</list/?start=6&limit=3>; rel="next"'}),
    ]
    pages = list(make_client(server).pages("/list/", 3))
    assert [len(p) for p in pages] == [3, 1]
    assert server.paths == ["/list/?start=0&limit=3", "/list/?start=3&limit=3"]


def test_log_within_the_cap_is_read_whole_in_one_request(server):
    body = (SAMPLES / "run-log-sample.txt").read_bytes()
    server.script["/run/log/"] = [(200, body, {"X-Text-Size": str(len(body)), "Content-Type": "text/plain"})]
    assert make_client(server).get_log("/run/log/", 10 * 2**20) == (body.decode(), len(body), False)
    assert server.paths == ["/run/log/?start=0"]


def test_connection_kept_for_whole_logs_and_dropped_after_a_capped_one(server):
    body = b"x" * 200_000  # several chunks: a capped read leaves most of it unread
    server.script["/run/log/"] = [(200, body, {"X-Text-Size": str(len(body))})]
    client = make_client(server)
    for _ in range(3):
        assert client.get_log("/run/log/", 2**20) == (body.decode(), len(body), False)
    assert server.connections == 1
    assert client.get_log("/run/log/", 100)[1:] == (len(body), True)  # its head left unread, then the tail
    assert client.get_log("/run/log/", 2**20)[2] is False
    assert server.connections == 2


def test_log_retried_when_the_stream_breaks_and_missing_log_is_none(server):
    server.script["/run/log/"] = [SHORT, (200, b"all of it\n", {})]
    client = make_client(server)
    assert client.get_log("/run/log/", 1000) == ("all of it\n", 10, False)
    assert client.get_log("/queued/log/", 1000) is None


def test_at_most_max_in_flight_requests(server):
    server.delay_s = 0.05
    server.script["/x/"] = [OK]
    client = make_client(server, max_in_flight=3)
    results = list(client.map(lambda _: client.get_json("/x/"), range(24)))
    assert results == [[{"id": "1"}]] * 24
    assert server.max_in_flight == 3
    client.close()
