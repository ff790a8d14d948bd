"""Which runs of a job a sync fetches, and the per-job checkpoint that decides it.

The checkpoint, kept in the `runs` resource state (committed by dlt with the load package, so a
failed sync does not advance it), is `{"high": highest build number seen, "open": numbers not yet
FINISHED}`. A sync reads runs/ newest first until a page reaches a known number, then re-GETs the
open runs those pages did not show; a 404 there means the run was deleted (log rotation): it leaves
the open list and its stored row stays. With nothing new that is one small request per job.

A job whose newest build is below the checkpoint was deleted and recreated under the same name
(its numbers start again at 1), or lost its newest builds: its history is read again as a new
job's. Stored builds keep their rows until a new build of the same number replaces them.
"""

from __future__ import annotations

from collections.abc import Iterator

from ingestion.blueocean.client import BlueOceanClient
from ingestion.blueocean.parse import BlueOceanDataError, expect_object, is_queued_item, run_number
from ingestion.blueocean.settings import RUNS_FIRST_PAGE_LIMIT_KNOWN_JOB, RUNS_PAGE_LIMIT


def new_and_open_runs(client: BlueOceanClient, job_href: str, checkpoint: dict) -> Iterator[list[dict]]:
    """Yield pages of raw runs that are new or were open; update `checkpoint` once all are yielded."""
    high = int(checkpoint.get("high", 0))
    was_open = {int(n) for n in checkpoint.get("open", ())}
    seen: set[int] = set()
    still_open: set[int] = set()

    def take(run: dict) -> None:
        number = run_number(run)
        seen.add(number)
        if run.get("state") != "FINISHED":
            still_open.add(number)

    start, limit = 0, (RUNS_FIRST_PAGE_LIMIT_KNOWN_JOB if high else RUNS_PAGE_LIMIT)
    while True:
        items = client.get_json(f"{job_href}runs/", {"start": start, "limit": limit})
        if not isinstance(items, list):
            raise BlueOceanDataError(f"GET {job_href}runs/: expected a JSON list")
        runs = [expect_object(run, f"entry of {job_href}runs/") for run in items]
        builds = [run for run in runs if not is_queued_item(run)]
        if start == 0 and builds and max(map(run_number, builds)) < high:
            high, was_open = 0, set()  # a new history under the old name: read it all
        page, reached_known = [], False
        for run in builds:
            number = run_number(run)
            if number in seen:  # a new build shifted the pages by one
                continue
            if number <= high and number not in was_open:
                reached_known = True
                continue
            take(run)
            page.append(run)
        if page:
            yield page
        if reached_known or len(builds) < limit:
            break
        start, limit = start + limit, RUNS_PAGE_LIMIT

    for number in sorted(was_open - seen, reverse=True):
        run = client.get_json(f"{job_href}runs/{number}/", missing_ok=True)
        if run is None or is_queued_item(run):
            continue  # deleted in Jenkins: keep the stored row, stop asking
        take(run)
        yield [run]

    checkpoint["high"] = max([high, *seen])  # high is 0 after a recreation: the new history's newest
    checkpoint["open"] = sorted(still_open)
