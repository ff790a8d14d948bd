"""Basic auth, request counting, and every fault kind at a high fault rate (data never corrupted)."""

from __future__ import annotations

import http.client

import pytest
import requests

from ingestion.simulator import Simulator

RUNS = "/blue/rest/organizations/jenkins/pipelines/api-gateway/runs/?limit=5"


@pytest.fixture
def make_sim():
    started = []

    def make(**kwargs) -> Simulator:
        started.append(Simulator(**kwargs).start())
        return started[-1]
    yield make
    for sim in started:
        sim.stop()


def test_basic_auth_guards_every_blue_rest_request(make_sim):
    sim = make_sim(username="ci-reader", password="s3cret")
    for path in ("/blue/rest/organizations/jenkins/pipelines/", RUNS, "/blue/rest/nope/"):
        response = requests.get(sim.url + path, timeout=5)
        assert response.status_code == 401 and response.json()["code"] == 401
        assert response.headers["WWW-Authenticate"].startswith("Basic")
    assert requests.get(sim.url + RUNS, auth=("ci-reader", "wrong"), timeout=5).status_code == 401
    assert requests.get(sim.url + RUNS, auth=("ci-reader", "s3cret"), timeout=5).status_code == 200
    assert requests.get(sim.url + "/__simulator__/stats", timeout=5).status_code == 200  # admin is open
    assert sim.request_count == 5


def test_requests_are_counted_by_kind_and_admin_calls_are_not(make_sim):
    sim = make_sim()
    s = requests.Session()
    s.get(sim.url + "/blue/rest/organizations/jenkins/pipelines/", timeout=5)
    s.get(sim.url + RUNS, timeout=5)
    s.get(sim.url + "/blue/rest/organizations/jenkins/pipelines/api-gateway/runs/70/nodes/", timeout=5)
    s.get(sim.url + "/blue/rest/organizations/jenkins/pipelines/api-gateway/runs/70/log/", timeout=5)
    s.get(sim.url + "/__simulator__/stats", timeout=5)
    assert sim.requests_by_kind() == {"pipelines": 1, "runs": 1, "nodes": 1, "log": 1}
    assert s.get(sim.url + "/__simulator__/stats", timeout=5).json()["requests"] == 4
    s.post(sim.url + "/__simulator__/reset", timeout=5)
    assert sim.request_count == 0
    s.get(sim.url + RUNS, timeout=5)
    sim.reset_counts()
    assert sim.request_count == 0 and sim.requests_by_kind() == {}


def observe(url: str, timeout: float) -> str:
    """What a client sees: a status, a timeout, a reset, or a short body."""
    host, port = url.split("//")[1].split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=timeout)
    try:
        conn.request("GET", RUNS)
        response = conn.getresponse()
        status = response.status
        response.read()
        if status == 429:
            assert response.getheader("Retry-After") == "1"
        return str(status)
    except TimeoutError:
        return "timeout"
    except ConnectionResetError:
        return "reset"
    except http.client.IncompleteRead:
        return "truncated"
    except http.client.RemoteDisconnected:
        return "closed"
    finally:
        conn.close()


def test_every_fault_kind_occurs_at_a_high_fault_rate(make_sim):
    sim = make_sim(fault_rate=1.0, fault_delay=0.1)  # stalls last 0.6 s, past the client's 0.3 s timeout
    seen = {observe(sim.url, timeout=0.3) for _ in range(30)}  # faults are drawn in request order from the seed
    assert seen >= {"500", "502", "503", "429", "timeout", "reset", "truncated"}, seen
    assert "200" not in seen and sim.request_count == 30


def test_faults_never_corrupt_the_responses_that_succeed(make_sim):
    clean = make_sim()
    faulty = make_sim(fault_rate=0.5, fault_delay=0.1)
    expected = requests.get(clean.url + RUNS, timeout=5).content
    good = 0
    for _ in range(30):
        try:
            response = requests.get(faulty.url + RUNS, timeout=0.3)
        except requests.RequestException:
            continue
        if response.status_code == 200:
            assert response.content == expected
            good += 1
    assert good > 5


def test_bad_arguments_are_refused_clearly():
    for kwargs, word in (({"scale": 0}, "scale"), ({"fault_rate": 1.5}, "fault_rate"),
                         ({"fault_delay": 0}, "fault_delay"), ({"username": "u"}, "password")):
        with pytest.raises(ValueError, match=word):
            Simulator(**kwargs)
