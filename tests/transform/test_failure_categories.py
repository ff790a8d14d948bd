"""The failure rules against the labelled corpus in tests/failure_logs: a real `dbt build`
classifies every log, and at least 95% must get the category a person gave them. Each log is also
classified as a console writes it (CRLF, colour codes, Timestamper prefixes, console notes) and as
HTML carries it (escaped, `<br/>`): neither may change a category."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import duckdb
import pytest

from tests.support.console import as_a_console, as_html
from tests.support.paths import DBT_PROJECT, SHARED

from .dbt_runner import run_dbt
from .marts_reader import fetch
from .raw_fixture import RawWarehouse
from .scenario import Job, Run, Stage, at, raw_rows

CORPUS = Path(__file__).resolve().parents[1] / "failure_logs"
FIELD_LOGS = SHARED / "field-logs"
SEEDS = DBT_PROJECT / "seeds"
REQUIRED_ACCURACY = 0.95
VARIANTS = (lambda text: text, as_a_console, as_html)  # the same cases at numbers n, n + N, n + 2N


def labelled_cases() -> list[dict]:
    with open(CORPUS / "labels.csv", newline="") as labels:
        return list(csv.DictReader(labels))


def corpus_run(number: int, case: dict, written=VARIANTS[0]) -> Run:
    stages = ()
    if case["failing_stage"]:
        failed = "FAILURE" if case["result"] == "NOT_BUILT" else case["result"]
        stages = (Stage("Checkout", "SUCCESS", 3_000), Stage(case["failing_stage"], failed, 60_000))
    return Run("corpus", "corpus", number, "FINISHED", case["result"], at(number), 63_000, 1_000,
               log=written((CORPUS / case["file"]).read_text()), stages=stages, category=case["category"])


@pytest.fixture(scope="module")
def classified(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[dict], dict[int, str]]:
    cases = labelled_cases()
    runs = [corpus_run(number + i * len(cases), case, written)
            for i, written in enumerate(VARIANTS) for number, case in enumerate(cases, 1)]
    work = tmp_path_factory.mktemp("failure_corpus")
    warehouse = work / "warehouse.duckdb"
    raw = RawWarehouse(warehouse)
    raw.load(raw_rows([Job("corpus", "corpus", "corpus", "/", "pipeline")], runs, at(0)),
             load_id="1741000000.000001", committed_at=at(100))
    raw.close()
    run_dbt(warehouse, work, "build")
    rows = fetch(warehouse, "select number, failure_category from marts.fct_builds")
    return cases, {row["number"]: row["failure_category"] for row in rows}


def test_corpus_is_large_and_varied() -> None:
    cases = labelled_cases()
    assert len(cases) >= 40
    assert {case["category"] for case in cases} == {
        "test_failure", "compilation_error", "dependency_error", "infrastructure", "timeout", "scm_error", "aborted",
        "unknown"}
    assert {case["result"] for case in cases} == {"FAILURE", "UNSTABLE", "ABORTED", "NOT_BUILT"}
    assert all((CORPUS / case["file"]).is_file() for case in cases)


def test_rules_classify_the_corpus(classified: tuple[list[dict], dict[int, str]]) -> None:
    cases, categories = classified
    misses = [
        f"{case['file']}: expected {case['category']}, got {categories[number]} ({case['note']})"
        for number, case in enumerate(cases, 1) if categories[number] != case["category"]
    ]
    accuracy = 1 - len(misses) / len(cases)
    print(f"\nfailure rules: {accuracy:.1%} of {len(cases)} labelled logs", *misses, sep="\n  ")
    assert accuracy >= REQUIRED_ACCURACY, "\n".join(misses)


def test_colour_codes_crlf_timestamps_and_html_hide_no_evidence(classified: tuple[list[dict], dict[int, str]]) -> None:
    cases, categories = classified
    n = len(cases)
    changed = [(case["file"], [categories[number + i * n] for i in range(len(VARIANTS))])
               for number, case in enumerate(cases, 1)
               if len({categories[number + i * n] for i in range(len(VARIANTS))}) > 1]
    assert not changed, changed


def test_every_literal_is_in_every_match_of_its_pattern() -> None:
    """A rule's `literal` is looked for before its pattern: one that a match can lack hides the match."""
    texts = [(CORPUS / case["file"]).read_text() for case in labelled_cases()]
    texts += [(FIELD_LOGS / name).read_text() for name in sorted(os.listdir(FIELD_LOGS)) if name.endswith(".txt")]
    with open(SEEDS / "failure_patterns.csv", newline="") as seed:
        rules = [(int(r["priority"]), r["pattern"], r["literal"]) for r in csv.DictReader(seed) if r["literal"]]
    con = duckdb.connect()
    con.execute("create table texts (text varchar)")
    con.executemany("insert into texts values (?)", [[text] for text in texts])
    hidden = [priority for priority, pattern, literal in rules if con.execute(
        "select count(*) from texts where regexp_matches(text, ?) and not contains(text, ?)",
        [pattern, literal]).fetchone()[0]]
    assert len(rules) > 150 and not hidden, hidden
