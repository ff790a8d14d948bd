"""Real console logs through the whole pipeline: simulator -> `buildbutler sync` (dlt, dbt) -> API.

`../shared/field-logs/` holds console logs of failed Jenkins builds from public projects, each with
the category a person gave it (`index.tsv`). The simulator serves them as the logs of builds
(`GivenBuild`); the sync fetches, models and publishes them like any controller's, and the API
must show the category a person gave at least 95% of the time. The same logs again as real
consoles write them (CRLF line ends, AnsiColor's colour codes, Timestamper's prefixes, hidden
console notes), served back byte for byte, and as HTML carries them (a bot's comment, a mail:
escaped, lines joined with `<br/>`) must get the same categories; cut before their evidence they
must stay `unknown`. Labels come from every kind of `Running on` line, and a log over the 10 MiB
cap keeps its head (the agent) and its tail (the evidence), the API saying it was cut.

The test writes docs/categories.md: the accuracy and the confusion table of this run.
`FIELD_LOGS_DIR=<folder>` runs it on another folder of the same shape (an `index.tsv` with `file`
and `category` columns beside the logs), printing its table instead of writing the doc.
"""

from __future__ import annotations

import csv
import os
import re
from collections import Counter
from pathlib import Path

import duckdb
import pytest

from ingestion.simulator import GivenBuild, Simulator
from tests.support.cli_server import api_get as get
from tests.support.cli_server import synced_and_served
from tests.support.console import NOTE, as_a_console, as_html
from tests.support.paths import REPO, SHARED

FIELD_LOGS = Path(os.environ.get("FIELD_LOGS_DIR") or SHARED / "field-logs")
REPORT = REPO / "docs" / "categories.md"
REQUIRED_ACCURACY = 0.95
CATEGORIES = ("test_failure", "compilation_error", "dependency_error", "infrastructure", "timeout", "scm_error",
              "aborted", "unknown")
# Label lines as controllers print them, and the agents a person reads in them.
AGENT_LOGS = [
    ("[Pipeline] node\nRunning on build-01.ci.example.com in /home/jenkins/workspace/app\n",
     ("build-01.ci.example.com",)),
    (f"[2026-11-15T09:00:00.120Z] [Pipeline] node\r\n[2026-11-15T09:00:00.250Z] Running on {NOTE}linux-7{NOTE} in "
     "/ws/app\r\n", ("linux-7",)),
    ("[Pipeline] parallel\n[unit] Running on win-01 in C:\\ws\\app\n[e2e] Running on mac.local in /Users/ci/app\n"
     "Running on win-01 in C:\\ws\\app@2\n", ("mac.local", "win-01")),
    ("[Pipeline] node\nRunning on k8s-agent-5x2lq\n[Pipeline] {\n", ("k8s-agent-5x2lq",)),
    ("10:00:01 Running on \x1b[1mold-agent\x1b[0m in /var/lib/jenkins/ws\n", ("old-agent",)),
    ("Running on Jenkins in /var/jenkins_home/workspace/app\n", ("Jenkins",)),
    ("Started by user bob[Pipeline] nodeRunning on agent-9 in /ws/app[Pipeline] {", ("agent-9",)),  # breaks lost
    ("Building remotely on legacy (linux) in workspace /ws\nThe tests mention Running on nothing\n", ()),
]


# Real logs cut before their evidence (file, lines kept): nothing in them says what went wrong, so
# `unknown`, whatever the noise (`# timeout=10` on git lines, configure's `checking for ... no`).
BEFORE_THE_EVIDENCE = [("009-compilation_error.txt", 100), ("011-compilation_error.txt", 17),
                       ("013-dependency_error.txt", 17), ("019-infrastructure.txt", 12),
                       ("021-infrastructure.txt", 8), ("035-scm_error.txt", 7)]


def cut(file: str, lines: int) -> str:
    return "".join((SHARED / "field-logs" / file).read_text().splitlines(keepends=True)[:lines])


# Over the default cap of 10 MiB: the agent is named at the start, the evidence is at the end.
BIG_LOG = ("Started by user alice\nRunning on build-01.ci.example.com in /home/jenkins/workspace/big\n"
           + "".join(f"[INFO] Downloaded from central: https://repo.example.com/m2/artifact-{i}.jar (12 kB)\n"
                     for i in range(150_000))
           + "ERROR: Error fetching remote repo 'origin'\nhudson.plugins.git.GitException: Failed to fetch\n"
           + "Finished: FAILURE\n")


def field_cases() -> list[dict]:
    with open(FIELD_LOGS / "index.tsv", newline="") as index:
        return [{**row, "text": (FIELD_LOGS / row["file"]).read_text()}
                for row in csv.DictReader(index, delimiter="\t")]


def jenkins_result(text: str) -> str:
    """The result the log's `Finished:` line gives, else FAILURE: most copies stop before that line,
    and FAILURE makes the rules find the evidence (an ABORTED build is `aborted` without any)."""
    finished = re.findall(r"^Finished: ([A-Z_]+)", text, re.MULTILINE)
    return finished[-1] if finished else "FAILURE"


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    cases = field_cases()
    given = {
        "field-logs/as copied": [GivenBuild(jenkins_result(c["text"]), c["text"], c["category"]) for c in cases],
        "field-logs/as a console": [GivenBuild(jenkins_result(c["text"]), as_a_console(c["text"]), c["category"])
                                    for c in cases],
        "field-logs/as html": [GivenBuild(jenkins_result(c["text"]), as_html(c["text"]), c["category"])
                               for c in cases],
        "field-logs/before the evidence": [GivenBuild("FAILURE", cut(*head), "unknown")
                                           for head in BEFORE_THE_EVIDENCE],
        "agents": [GivenBuild("SUCCESS", text, None, labels) for text, labels in AGENT_LOGS],
        "big log": [GivenBuild("FAILURE", BIG_LOG, "scm_error", ("build-01.ci.example.com",))],
    }
    assert len(BIG_LOG.encode()) > 10 * 2**20
    sim = Simulator(seed=3, given_logs=given).start()
    with synced_and_served(tmp_path_factory.mktemp("field-logs") / "home", "field", sim.url) as world:
        yield {"sim": sim, "cases": cases, **world}
    sim.stop()


def builds_of(world, folder: str, name: str) -> dict[int, dict]:
    """The API's builds of a job, by number."""
    jobs = get(world, "/jobs", per_page=100).json()["data"]
    job = next(j for j in jobs if (j["folder"], j["name"]) == (folder, name))
    return {b["number"]: b for b in get(world, f"/jobs/{job['id']}/builds", per_page=100).json()["data"]}


def categories_of(world, name: str) -> list[str]:
    builds = builds_of(world, "/field-logs", name)
    return [builds[number]["failureCategory"] for number in range(1, len(world["cases"]) + 1)]


VARIANTS = {"as copied": "as copied", "as a console": "as a console writes them (CRLF, colour codes, "
             "Timestamper prefixes, console notes)", "as html": "as HTML carries them (escaped, `<b>`, `<br/>`)"}


def report(cases: list[dict], got: dict[str, list[str]]) -> str:
    """docs/categories.md: the accuracy of each variant, the confusion table and every log's category."""
    expected = [c["category"] for c in cases]
    pairs = Counter(zip(expected, got["as copied"], strict=True))
    shown = [c for c in CATEGORIES if any(c in pair for pair in pairs)]

    def right(variant: str) -> int:
        return sum(e == g for e, g in zip(expected, got[variant], strict=True))

    lines = [
        "# Failure categories on real logs",
        "",
        "Written by `tests/orchestration/test_field_logs.py` on each run (commit it when it changes).",
        f"The {len(cases)} logs of `../shared/field-logs/` (console logs of failed Jenkins builds from public",
        "projects, labelled by a person) are served by the simulator as the logs of builds, synced",
        "(`buildbutler sync`: dlt, dbt) and read back from the API. A build's result is its log's `Finished:`",
        "line, or FAILURE when the copy stops before it (an ABORTED build would be `aborted` without any",
        "evidence). The rules are `transform/seeds/failure_patterns.csv`; they read the log as",
        "`transform/macros/console_text.sql` cleans it.",
        "",
        *(f"- {VARIANTS[v]}: **{right(v)} of {len(cases)}** ({right(v) / len(cases):.1%})" for v in VARIANTS),
        "",
        f"The test requires {REQUIRED_ACCURACY:.0%} of the logs as copied, and the same categories for the",
        f"other two; cut before their evidence, {len(BEFORE_THE_EVIDENCE)} of them must stay `unknown`. The rules",
        "were written with these logs in view, so they also answer to logs written after them:",
        "`tests/failure_logs/` 64-74 (tools this corpus does not show; 8 of 11 right before any rule was",
        "added for them), held to the same 95%, as copied, as a console and as HTML, by",
        "`tests/transform/test_failure_categories.py`.",
        "",
        "Confusion table of the logs as copied (rows: the label; columns: the category the pipeline gave):",
        "",
        "| label \\ got | " + " | ".join(shown) + " |",
        "|---|" + "---|" * len(shown),
    ]
    lines += [f"| {e} | " + " | ".join(str(pairs[(e, g)] or "") for g in shown) + " |"
              for e in shown if any(pair[0] == e for pair in pairs)]
    lines += ["", "| file | label | " + " | ".join(VARIANTS) + " |", "|---|---|" + "---|" * len(VARIANTS)]
    for i, case in enumerate(cases):
        marks = [got[v][i] + ("" if got[v][i] == case["category"] else " ✗") for v in VARIANTS]
        lines.append(f"| {case['file']} | {case['category']} | " + " | ".join(marks) + " |")
    return "\n".join(lines) + "\n"


def test_the_sync_succeeds(world):
    sync = world["sync"]
    assert sync.returncode == 0, sync.stdout + sync.stderr
    assert "field success" in sync.stdout.strip().splitlines()[-1]


def test_field_logs_get_the_category_a_person_gave(world):
    cases = world["cases"]
    got = {variant: categories_of(world, variant) for variant in VARIANTS}
    table = report(cases, got)
    if FIELD_LOGS == SHARED / "field-logs":
        REPORT.write_text(table)
    else:
        print(table)
    misses = [f"{c['file']}: {c['category']}, got {g}" for c, g in zip(cases, got["as copied"], strict=True)
              if g != c["category"]]
    accuracy = 1 - len(misses) / len(cases)
    print(f"\nfield logs: {accuracy:.1%} of {len(cases)}", *misses, sep="\n  ")
    assert cases and accuracy >= REQUIRED_ACCURACY, misses


def test_colour_codes_crlf_and_timestamps_hide_no_evidence(world):
    assert categories_of(world, "as a console") == categories_of(world, "as copied")


def test_a_log_without_evidence_stays_unknown(world):
    builds = builds_of(world, "/field-logs", "before the evidence")
    assert [builds[n]["failureCategory"] for n in sorted(builds)] == ["unknown"] * len(BEFORE_THE_EVIDENCE)


def test_html_escapes_and_br_line_breaks_hide_no_evidence(world):
    assert categories_of(world, "as html") == categories_of(world, "as copied")


def test_the_log_endpoint_serves_the_text_as_jenkins_gave_it(world):
    builds = builds_of(world, "/field-logs", "as a console")
    for number, case in enumerate(world["cases"], 1):
        log = get(world, f"/builds/{builds[number]['id']}/log")
        assert log.content == as_a_console(case["text"]).encode(), case["file"]  # CR and escapes kept


def labels(world) -> dict[str, list[str]]:
    """Every build's labels, from the published snapshot."""
    with duckdb.connect(str(world["home"] / "serving" / "current.duckdb"), read_only=True) as snapshot:
        rows = snapshot.execute("select build_id, label from marts.bridge_build_labels order by label").fetchall()
    found: dict[str, list[str]] = {}
    for build_id, label in rows:
        found.setdefault(build_id, []).append(label)
    return found


def test_every_running_on_line_gives_a_label(world):
    builds, found = builds_of(world, "/", "agents"), labels(world)
    truth = next(job for job in world["sim"].truth()["jobs"] if job["full_name"] == "agents")["builds"]
    for (text, _), build in zip(AGENT_LOGS, truth, strict=True):
        assert found[builds[build["number"]]["id"]] == build["labels"], text


def test_a_log_over_the_cap_keeps_its_head_and_its_tail(world):
    build = builds_of(world, "/", "big log")[1]
    assert get(world, f"/builds/{build['id']}").json()["logTruncated"] is True
    whole = builds_of(world, "/field-logs", "as copied")[1]
    assert get(world, f"/builds/{whole['id']}").json()["logTruncated"] is False
    log = get(world, f"/builds/{build['id']}/log")
    assert log.headers["X-Log-Truncated"] == "true" and len(log.content) <= 10 * 2**20 + 200
    head, left_out, tail = re.split(r"(?m)^(\[\.\.\. about [\d,]+ bytes of this log left out: .*\]\n)", log.text)
    assert BIG_LOG.startswith(head) and BIG_LOG.endswith(tail) and head and tail
    # the evidence at the end classifies it, the agent at the start labels it
    assert build["failureCategory"] == "scm_error" and labels(world)[build["id"]] == ["build-01.ci.example.com"]
