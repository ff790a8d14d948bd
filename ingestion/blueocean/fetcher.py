"""What the dlt source asks a controller, through Blue Ocean: the rows of each raw table.

The source (`__init__.py`) only walks and batches; a fetcher says how a controller gives each
table's rows. The core JSON API's fetcher (`ingestion.jenkins_core.fetcher`) has the same methods
and gives the same rows, so either source lands in the same tables with the same keys.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

from ingestion.blueocean import parse
from ingestion.blueocean.client import BlueOceanClient
from ingestion.blueocean.discovery import walk_jobs
from ingestion.blueocean.incremental import new_and_open_runs
from ingestion.blueocean.parse import RunRow
from ingestion.blueocean.settings import GRAPH_PAGE_LIMIT, TEST_RESULTS_PAGE_LIMIT


class BlueOceanFetcher:
    """Rows from `/blue/rest/`: nodes, steps, log and test summary cost a request each per finished run."""

    source = "blueocean"

    def __init__(self, client: BlueOceanClient):
        self.client = client
        self.instance = client.config.instance

    def jobs(self) -> Iterator[dict]:
        for found in walk_jobs(self.client):
            yield parse.job_row(found.item, instance=self.instance, parents=found.parents, href=found.href,
                                in_branch_list=found.in_branch_list, fetched_at=datetime.now(UTC))

    def runs(self, job: dict, checkpoint: dict) -> Iterator[list[RunRow]]:
        for page in new_and_open_runs(self.client, job["rest_path"], checkpoint):
            fetched_at = datetime.now(UTC)
            yield [parse.run_row(run, instance=self.instance, job_full_name=job["full_name"],
                                 job_href=job["rest_path"], fetched_at=fetched_at) for run in page]

    def _list_all(self, href: str) -> list:
        return [item for items in self.client.pages(href, GRAPH_PAGE_LIMIT, missing_ok=True) for item in items]

    def nodes(self, run: RunRow) -> list[dict]:
        return parse.node_rows(self._list_all(run.href + "nodes/"), run)

    def steps(self, run: RunRow) -> list[dict]:
        return parse.step_rows(self._list_all(run.href + "steps/"), run)

    def change_sets(self, run: RunRow) -> list[dict]:
        # Runs carry their change set inline; changeSet/ is asked only when a response left it out.
        entries = run.change_set if run.change_set is not None else self._list_all(run.href + "changeSet/")
        return parse.change_set_rows(entries, run)

    def test_summaries(self, run: RunRow) -> list[dict]:
        return parse.summary_rows(self.client.get_json(run.href + "blueTestSummary/", missing_ok=True), run)

    def test_results(self, run: RunRow, failed_only: bool = False) -> list[dict]:
        """The run's cases (`tests/`, failed ones asked with `status=FAILED`); a 404 ("no tests") is none."""
        params = {"status": "FAILED"} if failed_only else None
        cases = [case for items in self.client.pages(run.href + "tests/", TEST_RESULTS_PAGE_LIMIT, missing_ok=True,
                                                     params=params) for case in items]
        return parse.test_result_rows(cases, run)

    def log(self, run: RunRow) -> dict | None:
        log = self.client.get_log(run.href + "log/", self.client.config.log_cap_bytes)
        return None if log is None else parse.log_row(run, *log)
