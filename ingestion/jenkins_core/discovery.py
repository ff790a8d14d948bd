"""Walk a controller through the core JSON API: every job, through folders and multibranch projects.

One request reads `DEPTH` levels of `jobs[...]` at once (a no-change sync of most controllers is
that one request); a container at the last level whose children were not read is asked for its own
`jobs`, and so on down. Each job comes with its `lastBuild` number, which tells the incremental
step whether anything is new without asking the job.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple
from urllib.parse import quote

from ingestion.jenkins_core.client import CoreClient
from ingestion.jenkins_core.parse import BlueOceanDataError, expect_object, is_container, is_multibranch

DEPTH = 3  # levels of jobs[...] nested in one request below the one asked
JOB_FIELDS = "_class,name,url,displayName,fullName,actions[_class],lastBuild[number]"


def jobs_tree(depth: int = DEPTH) -> str:
    """`jobs[FIELDS,jobs[FIELDS,...,jobs[url]]]`: the last level only says whether there is more below."""
    inner = "url"
    for _ in range(depth + 1):
        inner = f"{JOB_FIELDS},jobs[{inner}]"
    return f"jobs[{inner}]"


class FoundJob(NamedTuple):
    item: dict  # the job's core JSON (JOB_FIELDS)
    parents: list[str]  # names of the folders (and multibranch project) above it
    href: str  # its path below the root URL, ending in '/'
    in_multibranch: bool

    @property
    def last_build(self) -> int | None:
        last = self.item.get("lastBuild")
        return int(last["number"]) if isinstance(last, dict) and last.get("number") is not None else None


def walk_jobs(client: CoreClient) -> Iterator[FoundJob]:
    """Every job below the root, depth first."""
    tree = jobs_tree()
    pending: list[tuple[str, list[str], bool]] = [("/", [], False)]
    while pending:
        href, parents, in_multibranch = pending.pop()
        answer = expect_object(client.get_json(f"{href}api/json", {"tree": tree}), f"{href}api/json")
        stack = [(answer.get("jobs") or [], parents, in_multibranch, DEPTH)]
        while stack:
            items, above, multibranch, depth = stack.pop()
            for item in items:
                item = expect_object(item, f"job of {href}")
                name = item.get("name")
                if not isinstance(name, str) or not name:
                    raise BlueOceanDataError(f"job of {href} without a name")
                item_href = _href(client, item, href, name)
                if not is_container(item):
                    yield FoundJob(item, above, item_href, multibranch)
                    continue
                below, children = [*above, name], item.get("jobs") or []
                if depth > 0:
                    stack.append((children, below, is_multibranch(item), depth - 1))
                elif children:  # read only down to here: ask the container itself
                    pending.append((item_href, below, is_multibranch(item)))


def _href(client: CoreClient, item: dict, parent_href: str, name: str) -> str:
    url = item.get("url")
    if isinstance(url, str) and url:
        href = client.api_href(url)
        return href if href.endswith("/") else href + "/"
    return f"{parent_href}job/{quote(name, safe='')}/"
