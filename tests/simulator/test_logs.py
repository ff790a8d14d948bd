"""Console logs: headers, the 150 KB tail without `start`, `start=N`, running logs, agents and evidence."""

from __future__ import annotations

import re

import pytest

from tests.support.simulator_api import builds_where, job_path

EVIDENCE = {
    "test_failure": r"Tests run: \d+, Failures: [1-9]|There were failing tests|(^|\s)[1-9]\d* failed"
                    r"|test result: FAILED|fails locally",
    "compilation_error": r"COMPILATION ERROR|Compilation error|error TS\d+|error\[E\d+\]|does not name a template",
    "dependency_error": r"Could not resolve (dependencies|all files)|npm ERR! code|No matching distribution"
                        r"|failed to select a version|Failed to query available provider",
    "infrastructure": r"hudson\.remoting\.ChannelClosedException|No space left on device",
    "timeout": r"Timeout has been exceeded|Build timed out \(after \d+ minutes\)\. Marking the build as aborted\.",
    "scm_error": r"hudson\.plugins\.git\.GitException",
    "aborted": r"Aborted by ",
}


def full_log(api, name: str, number: int) -> bytes:
    response = api.get(job_path(name) + f"runs/{number}/log/", start=0)
    assert response.status_code == 200
    return response.content


def test_finished_log_headers_and_last_line(api):
    response = api.get("pipelines/webapp/branches/main/runs/90/log/", start=0)
    assert response.headers["Content-Type"] == "text/plain;charset=UTF-8"
    assert int(response.headers["X-Text-Size"]) == len(response.content)
    assert "X-More-Data" not in response.headers
    text = response.content.decode()
    assert text.startswith(("Push event", "Branch indexing", "Started by")) and text.endswith("Finished: SUCCESS\n")
    assert "[Pipeline] stage" in text and "git checkout -f" in text
    download = api.get("pipelines/webapp/branches/main/runs/90/log/", download="true")
    assert download.headers["Content-Disposition"] == "attachment; filename=log.txt"


def test_without_start_only_the_last_150_kb(api, truth):
    big = [(n, b) for n, b in builds_where(truth, state="FINISHED") if n == "data-pipeline"]
    name, build = big[-1]
    full = full_log(api, name, build["number"])
    assert len(full) > 150 * 1024
    tail = api.get(job_path(name) + f"runs/{build['number']}/log/")
    assert tail.content == full[-150 * 1024:] and tail.headers["X-Text-Size"] == str(len(full))
    small = api.get(job_path(name) + f"runs/{build['number']}/log/", thresholdInKB=10)
    assert small.content == full[-10 * 1024:]
    rest = api.get(job_path(name) + f"runs/{build['number']}/log/", start=1000)
    assert rest.content == full[1000:] and rest.headers["X-Text-Delivered"] == str(len(full) - 1000)
    assert api.get(job_path(name) + f"runs/{build['number']}/log/", start="x").status_code == 400


def test_running_log_says_more_data_and_is_a_prefix(api):
    response = api.get("pipelines/api-gateway/runs/71/log/", start=0)
    assert response.headers["X-More-Data"] == "true"
    assert int(response.headers["X-Text-Size"]) == len(response.content)
    assert "Finished:" not in response.text and "Waiting for next available executor" in response.text
    after = api.get("pipelines/api-gateway/runs/71/log/", start=response.headers["X-Text-Size"])
    assert after.content == b"" and after.headers["X-More-Data"] == "true"


def test_agents_in_the_log_match_truth_labels(api, truth):
    for name, build in builds_where(truth, state="FINISHED")[::20]:
        text = full_log(api, name, build["number"]).decode()
        agents = sorted(set(re.findall(r"^Running on (\S+) in /", text, re.MULTILINE))) or ["unknown"]
        assert agents == build["labels"], (name, build["number"])
    docs = truth["docs-site"]["builds"][0]
    assert docs["labels"] == ["unknown"]


@pytest.mark.parametrize("category", sorted(EVIDENCE) + ["unknown"])
def test_failure_logs_carry_their_category_evidence_and_no_other(api, truth, category):
    builds = [(n, b) for n, b in builds_where(truth, state="FINISHED", failure_category=category)]
    assert builds, f"no {category} build in the controller"
    for name, build in builds[:6]:
        text = full_log(api, name, build["number"]).decode()
        assert text.endswith(f"Finished: {build['result']}\n")
        matched = {c for c, pattern in EVIDENCE.items() if re.search(pattern, text)}
        assert matched == ({category} if category != "unknown" else set()), (name, build["number"], matched)


def test_successful_logs_carry_no_failure_evidence(api, truth):
    for name, build in builds_where(truth, state="FINISHED", result="SUCCESS")[::15]:
        text = full_log(api, name, build["number"]).decode()
        assert not [c for c, p in EVIDENCE.items() if re.search(p, text)], (name, build["number"])


def test_step_and_node_logs(api):
    steps = api.json("pipelines/api-gateway/runs/70/steps/")
    build = next(s for s in steps if s["displayDescription"] == "mvn -B -DskipTests clean package")
    log = api.get(f"pipelines/api-gateway/runs/70/steps/{build['id']}/log/")
    assert log.status_code == 200 and "BUILD SUCCESS" in log.text and log.headers["X-Text-Size"]
    nodes = api.json("pipelines/api-gateway/runs/70/nodes/")
    node_log = api.get(f"pipelines/api-gateway/runs/70/nodes/{nodes[1]['id']}/log/", start=10)
    assert node_log.text.startswith("[Pipeline] sh") and node_log.headers["X-Text-Size"] == str(len(node_log.content))
