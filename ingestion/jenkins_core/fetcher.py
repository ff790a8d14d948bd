"""The core JSON API's rows for the dlt source: the same methods as `ingestion.blueocean.fetcher.BlueOceanFetcher`.

Per finished build: the console text, and for Pipeline builds PGV's `tree` and `allSteps` (or one
Stage View `describe`). Results, causes, change sets, the commit, test counts and queue timings come
inline with the build's page of `allBuilds`; a job with nothing new costs no request beyond
discovery.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

from ingestion.blueocean.parse import BlueOceanDataError, RunRow, change_set_rows, log_row, run_key
from ingestion.jenkins_core import parse
from ingestion.jenkins_core.client import CoreClient
from ingestion.jenkins_core.discovery import walk_jobs
from ingestion.jenkins_core.incremental import new_and_open_builds
from ingestion.jenkins_core.stages import Stages
from ingestion.test_results import TestReportError, parse_test_report

# The JUnit plugin's report of a build, only the fields the rows hold (jenkins-apis-beyond-blueocean.md).
TEST_REPORT_TREE = ("suites[name,cases[className,name,status,duration,age,errorDetails,errorStackTrace]],"
                    "childReports[result[suites[name,cases[className,name,status,duration,age,errorDetails,"
                    "errorStackTrace]]]]")


class CoreFetcher:
    def __init__(self, client: CoreClient):
        self.client = client
        self.instance = client.config.instance
        self.stages = Stages(client)
        self._last_build: dict[str, int | None] = {}

    @property
    def source(self) -> str:
        """`core+pgv`, `core+wfapi`, `core` (neither), or just `core` before any build needed stages."""
        kind = self.stages.kind
        return f"core+{kind}" if kind in ("pgv", "wfapi") else "core"

    def jobs(self) -> Iterator[dict]:
        for found in walk_jobs(self.client):
            row = parse.job_row(found.item, instance=self.instance, parents=found.parents, href=found.href,
                                in_multibranch=found.in_multibranch, fetched_at=datetime.now(UTC))
            self._last_build[row["full_name"]] = found.last_build
            yield row

    def runs(self, job: dict, checkpoint: dict) -> Iterator[list[RunRow]]:
        last = self._last_build.get(job["full_name"])
        for page in new_and_open_builds(self.client, job["rest_path"], last, checkpoint):
            fetched_at = datetime.now(UTC)
            yield [parse.run_row(build, instance=self.instance, job_full_name=job["full_name"],
                                 href=f"{job['rest_path']}{parse.build_number(build)}/", fetched_at=fetched_at)
                   for build in page]

    def nodes(self, run: RunRow) -> list[dict]:
        return self.stages.nodes(run)

    def steps(self, run: RunRow) -> list[dict]:
        return self.stages.steps(run)

    def change_sets(self, run: RunRow) -> list[dict]:
        return change_set_rows(run.change_set or [], run)

    def test_summaries(self, run: RunRow) -> list[dict]:
        return parse.summary_rows(run)

    def test_results(self, run: RunRow, failed_only: bool = False) -> list[dict]:
        """The build's cases from `testReport/api/json` (a 404: no report); the core API cannot filter by
        status, so `failed_only` keeps the failed ones of the whole report."""
        report = self.client.get_json(f"{run.href}testReport/api/json", {"tree": TEST_REPORT_TREE}, missing_ok=True)
        try:
            rows = parse_test_report(report, run_key(run))
        except TestReportError as error:
            raise BlueOceanDataError(f"{run.href}testReport: {error}") from None
        return [row for row in rows if row["status"] == "FAILED"] if failed_only else rows

    def log(self, run: RunRow) -> dict | None:
        # progressiveText, not consoleText: it takes `start` and says the size, so a log over the cap costs
        # its head and its tail only (log_cap.py), as Blue Ocean's log does
        log = self.client.get_log(f"{run.href}logText/progressiveText", self.client.config.log_cap_bytes)
        return None if log is None else log_row(run, *log)
