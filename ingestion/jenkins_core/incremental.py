"""Which builds of a job a sync fetches from the core API, with the Blue Ocean source's checkpoint.

The checkpoint is the same `{"high": highest build number seen, "open": numbers not yet finished}`
(so a connection that moves between sources carries on). Discovery already read each job's
`lastBuild`: when it equals `high` and nothing is open, the job costs no request at all. Otherwise
`allBuilds[...]{M,N}` is paged newest first (never `builds`, which stops at the newest 100) until a
page reaches a known number; open builds those pages did not show are asked one by one, and a 404
there is a build deleted by log rotation (its stored row stays).
"""

from __future__ import annotations

from collections.abc import Iterator

from ingestion.jenkins_core.client import CoreClient
from ingestion.jenkins_core.parse import BlueOceanDataError, build_number, expect_object

PAGE = 100
CAUSE_FIELDS = "shortDescription,userId,userName,upstreamProject,upstreamBuild,upstreamUrl"
QUEUE_FIELDS = ("queuingDurationMillis,queuingTimeMillis,blockedTimeMillis,buildableTimeMillis,waitingTimeMillis,"
                "executingTimeMillis,executorUtilization,subTaskCount,totalDurationMillis")
CHANGE_FIELDS = "kind,items[commitId,id,msg,comment,timestamp,date,affectedPaths,author[id,fullName]]"
BUILD_FIELDS = (
    "number,url,building,result,timestamp,duration,estimatedDuration,description,displayName,"
    f"actions[causes[{CAUSE_FIELDS}],lastBuiltRevision[SHA1],revision[hash],totalCount,failCount,skipCount,"
    f"urlName,{QUEUE_FIELDS}],changeSets[{CHANGE_FIELDS}],changeSet[{CHANGE_FIELDS}]"
)


def new_and_open_builds(client: CoreClient, job_href: str, last_build: int | None,
                        checkpoint: dict) -> Iterator[list[dict]]:
    """Yield pages of core build JSON that are new or were open; update `checkpoint` once all are yielded."""
    high = int(checkpoint.get("high", 0))
    was_open = {int(n) for n in checkpoint.get("open", ())}
    last = last_build or 0
    if last < high:
        high, was_open = 0, set()  # deleted and made again under the same name, or lost its newest builds
    seen: set[int] = set()
    still_open: set[int] = set()

    def take(build: dict) -> None:
        number = build_number(build)
        seen.add(number)
        if build.get("building"):
            still_open.add(number)

    start, limit = 0, min(PAGE, max(1, last - high))
    while last > high:
        tree = f"allBuilds[{BUILD_FIELDS}]{{{start},{start + limit}}}"  # {M,N}: newest first, M to N-1
        answer = client.get_json(f"{job_href}api/json", {"tree": tree})
        builds = expect_object(answer, f"{job_href}api/json").get("allBuilds")
        if not isinstance(builds, list):
            raise BlueOceanDataError(f"GET {job_href}api/json: no allBuilds list")
        page, reached_known = [], False
        for build in (expect_object(b, f"build of {job_href}") for b in builds):
            number = build_number(build)
            if number in seen:  # a new build shifted the range by one
                continue
            if number <= high and number not in was_open:
                reached_known = True
                continue
            take(build)
            page.append(build)
        if page:
            yield page
        # build numbers only grow: once high + 1 is on the page, nothing new is left below it
        if reached_known or len(builds) < limit or min(map(build_number, builds), default=0) <= high + 1:
            break
        start, limit = start + limit, PAGE

    for number in sorted(was_open - seen, reverse=True):
        build = client.get_json(f"{job_href}{number}/api/json", {"tree": BUILD_FIELDS}, missing_ok=True)
        if build is None:
            continue  # deleted in Jenkins: keep the stored row, stop asking
        take(build)
        yield [build]

    checkpoint["high"] = max([high, *seen])
    checkpoint["open"] = sorted(still_open)
