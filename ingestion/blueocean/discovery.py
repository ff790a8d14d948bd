"""Walk an organization: every job under it, through folders (`pipelines/`) and multibranch projects.

A multibranch project is walked through `branches/`, never through its `runs/`, which merges the
branches with caps (reference §4). Request URLs come from each item's `_links.self.href`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import NamedTuple
from urllib.parse import quote

from ingestion.blueocean.client import BlueOceanClient
from ingestion.blueocean.parse import BlueOceanDataError, expect_object, href_of, item_role
from ingestion.blueocean.settings import API_ROOT, CONTAINER_PAGE_LIMIT


class FoundJob(NamedTuple):
    item: dict  # the Blue Ocean pipeline or branch
    parents: list[str]  # names of the folders (and multibranch project) above it
    href: str
    in_branch_list: bool


def walk_jobs(client: BlueOceanClient) -> Iterator[FoundJob]:
    """Every job under the organization, depth first."""
    pending = [(client.organization_href() + "pipelines/", [], False)]
    while pending:
        list_href, parents, is_branch_list = pending.pop()
        for page in client.pages(list_href, CONTAINER_PAGE_LIMIT):
            for item in page:
                item = expect_object(item, f"entry of {list_href}")
                name = item.get("name")
                if not isinstance(name, str) or not name:
                    raise BlueOceanDataError(f"entry of {list_href} without a name")
                href = item_href(item, list_href, client)
                role = "job" if is_branch_list else item_role(item)
                if role == "folder":
                    pending.append((href + "pipelines/", [*parents, name], False))
                elif role == "multibranch":
                    pending.append((href + "branches/", [*parents, name], True))
                else:
                    yield FoundJob(item, parents, href, is_branch_list)


def item_href(item: dict, list_href: str, client: BlueOceanClient) -> str:
    """The item's own href (without a context path, `client.api_href`); rebuilt from the list it
    came from when missing or not an API path."""
    href = href_of(item)
    href = href and client.api_href(href)
    if href and href.startswith(API_ROOT + "/"):
        return href if href.endswith("/") else href + "/"
    # Encoding the name again reproduces Blue Ocean's double-encoded branch segments.
    return f"{list_href}{quote(item['name'], safe='')}/"
