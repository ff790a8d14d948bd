"""Transport as real sites have it: HTTPS signed by a CA of their own, a proxy in the way, a TLS opt-out.

A real TLS server on loopback (the simulator, wrapped in a certificate the test makes) and a real
forward proxy on loopback; nothing is mocked.
"""

from __future__ import annotations

import logging

import pytest

from ingestion.blueocean import BlueOceanClient, SourceConfig
from ingestion.blueocean.errors import Unreachable, failure_reason
from ingestion.simulator import Simulator
from tests.ingestion.helpers import query, sync
from tests.support.proxy import LoopbackProxy
from tests.support.tls import make_certificates

ENVIRONMENT = ["REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "SSL_CERT_FILE", "SSL_CERT_DIR", "HTTPS_PROXY", "https_proxy",
               "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy", "NO_PROXY", "no_proxy"]


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch):
    for name in ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="module")
def certificates(tmp_path_factory):
    return make_certificates(tmp_path_factory.mktemp("tls"))


@pytest.fixture(scope="module")
def https_sim(certificates):
    sim = Simulator(seed=7, prefix="/jenkins").start(tls=certificates.server_context())
    assert sim.url.startswith("https://127.0.0.1:")
    yield sim
    sim.stop()


@pytest.fixture
def proxy():
    server = LoopbackProxy()
    yield server
    server.stop()


def organization(url: str, **settings) -> dict:
    client = BlueOceanClient(SourceConfig(instance="tls", base_url=url, max_attempts=1, timeout_s=5.0, **settings))
    try:
        return client.get_json(client.organization_href())
    finally:
        client.close()


def test_a_whole_sync_over_https_with_the_connections_own_ca_bundle(https_sim, certificates, tmp_path):
    sync(https_sim.url, tmp_path, ca_bundle=str(certificates.ca))
    truth = https_sim.truth()["jobs"]
    warehouse = tmp_path / "warehouse.duckdb"
    assert query(warehouse, "select count(*) from blueocean_raw.runs") == [(sum(len(j["builds"]) for j in truth),)]
    finished = sum(b["state"] == "FINISHED" for j in truth for b in j["builds"])
    assert query(warehouse, "select count(*) from blueocean_raw.run_logs") == [(finished,)]


def test_a_certificate_nobody_vouched_for_is_not_trusted(https_sim):
    with pytest.raises(Unreachable) as raised:
        organization(https_sim.url)
    assert failure_reason(raised.value) == (
        "not reachable (TLS certificate not trusted): check the URL and that Jenkins is up")


@pytest.mark.parametrize("variable", ["REQUESTS_CA_BUNDLE", "SSL_CERT_FILE"])
def test_the_usual_environment_variables_name_the_ca_bundle(https_sim, certificates, monkeypatch, variable):
    monkeypatch.setenv(variable, str(certificates.ca))
    assert organization(https_sim.url)["name"] == "jenkins"


def test_the_connections_bundle_wins_over_the_environment(https_sim, certificates, tmp_path, monkeypatch):
    other = make_certificates(tmp_path / "other", "Another CA")
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(other.ca))
    assert organization(https_sim.url, ca_bundle=str(certificates.ca))["name"] == "jenkins"
    with pytest.raises(Unreachable):
        organization(https_sim.url)


def test_turning_verification_off_works_and_is_logged(https_sim, caplog):
    with caplog.at_level(logging.WARNING, logger="ingestion.blueocean.client"):
        assert organization(https_sim.url, tls_verify=False)["name"] == "jenkins"
    (record,) = [r for r in caplog.records if "TLS certificate verification is OFF" in r.getMessage()]
    assert "connection tls" in record.getMessage() and https_sim.url in record.getMessage()


def test_https_goes_through_the_proxy_of_https_proxy(https_sim, certificates, proxy, monkeypatch):
    monkeypatch.setenv("HTTPS_PROXY", proxy.url)
    assert organization(https_sim.url, ca_bundle=str(certificates.ca))["name"] == "jenkins"
    port = https_sim.url.split(":")[2].split("/")[0]
    assert [line.rsplit(" ", 1)[0] for line in proxy.lines] == [f"CONNECT 127.0.0.1:{port}"]


def test_no_proxy_lets_a_host_bypass_it(https_sim, certificates, proxy, monkeypatch):
    monkeypatch.setenv("HTTPS_PROXY", proxy.url)
    monkeypatch.setenv("NO_PROXY", "localhost,127.0.0.1")
    assert organization(https_sim.url, ca_bundle=str(certificates.ca))["name"] == "jenkins"
    assert proxy.lines == []


def test_plain_http_goes_through_the_proxy_of_http_proxy(proxy, monkeypatch):
    with Simulator(seed=7) as sim:
        monkeypatch.setenv("HTTP_PROXY", proxy.url)
        assert organization(sim.url)["name"] == "jenkins"
        assert [line.rsplit(" ", 1)[0] for line in proxy.lines] == [f"GET {sim.url}/blue/rest/organizations/jenkins/"]
