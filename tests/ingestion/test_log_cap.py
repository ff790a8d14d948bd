"""A log over the cap keeps its head and its tail, and the middle is never asked for.

Against the simulator (Blue Ocean's `start` and `thresholdInKB` semantics), and a scripted server
for a controller that leaves `X-Text-Size` out.
"""

from __future__ import annotations

import re

import pytest

from ingestion.blueocean import BlueOceanClient, SourceConfig
from ingestion.blueocean.log_cap import split
from ingestion.simulator import GivenBuild, Simulator
from ingestion.simulator.resources import run_href
from tests.ingestion.scripted_server import ScriptedServer

CAP = 64 * 1024
HEAD = "Started by user alice\nRunning on build-01.ci.example.com in /home/jenkins/workspace/app\n"
TAIL = "ERROR: Error fetching remote repo 'origin'\nFinished: FAILURE\n"
LEFT_OUT = re.compile(r"\n\[\.\.\. (?:about [\d,]+ bytes|a part) of this log left out: [^\n]*\]\n")


def big_log(lines: int) -> str:
    return HEAD + "".join(f"[INFO] step {i:06d}: compiling module-{i % 97} é\n" for i in range(lines)) + TAIL


@pytest.fixture(scope="module")
def served():
    logs = {"big": big_log(20_000), "small": big_log(100), "one line": "é" * 100_000}
    sim = Simulator(given_logs={name: [GivenBuild("FAILURE", text)] for name, text in logs.items()}).start()
    jobs = {job.name: job for job in sim.controller.jobs}
    yield sim, {name: (run_href(jobs[name], 1) + "log/", text) for name, text in logs.items()}
    sim.stop()


def fetch(sim: Simulator, href: str, cap: int = CAP) -> tuple[tuple, list[str]]:
    urls: list[str] = []
    client = BlueOceanClient(SourceConfig("t", sim.url), on_request=urls.append)
    try:
        return client.get_log(href, cap), urls
    finally:
        client.close()


def parts(text: str) -> tuple[str, str]:
    head, tail = LEFT_OUT.split(text)
    return head + "\n", tail


def test_a_log_within_the_cap_is_whole(served):
    sim, logs = served
    href, log = logs["small"]
    (text, size, truncated), urls = fetch(sim, href)
    assert (text, size, truncated) == (log, len(log.encode()), False)
    assert [url.split("?")[1] for url in urls] == ["start=0"]


def test_a_log_over_the_cap_keeps_its_head_and_its_tail_and_skips_the_middle(served):
    sim, logs = served
    href, log = logs["big"]
    raw = log.encode()
    (text, size, truncated), urls = fetch(sim, href)
    assert truncated and size == len(raw)
    head, tail = parts(text)
    assert log.startswith(head) and log.endswith(tail)
    assert head.startswith(HEAD) and tail.endswith(TAIL)  # the agent lines, and the failure's evidence
    head_bytes, tail_bytes = split(CAP)
    line = max(len(line.encode()) + 1 for line in log.splitlines())
    assert head_bytes - line < len(head.encode()) <= head_bytes and tail_bytes - line < len(tail.encode()) <= tail_bytes
    left_out = len(raw) - len(head.encode()) - len(tail.encode())
    assert f"about {left_out:,} bytes" in text
    # the tail is asked for from its offset: the middle never crosses the network
    assert [url.split("?")[1] for url in urls] == ["start=0", f"start={len(raw) - tail_bytes}"]


def test_a_cut_inside_one_long_line_keeps_whole_characters(served):
    sim, logs = served
    href, log = logs["one line"]
    (text, size, truncated), _ = fetch(sim, href, cap=10_001)  # both cuts fall inside a 2-byte character
    head, tail = text.split("\n[... ")[0], text.split("...]\n")[1]
    assert truncated and set(head) == set(tail) == {"é"} and "\ufffd" not in text


def test_without_x_text_size_the_tail_is_the_last_kib():
    body = big_log(5_000).encode()
    server = ScriptedServer()
    server.script["/run/log/"] = [(200, body, {})]  # no X-Text-Size: the size is unknown
    try:
        client = BlueOceanClient(SourceConfig("t", server.url))
        text, size, truncated = client.get_log("/run/log/", CAP)
    finally:
        server.shutdown()
    assert truncated and size is None and "a part of this log left out" in text
    head, tail = parts(text)
    assert body.decode().startswith(head) and body.decode().endswith(tail) and tail.endswith(TAIL)
    assert server.paths == ["/run/log/?start=0", f"/run/log/?thresholdInKB={split(CAP)[1] // 1024}"]
