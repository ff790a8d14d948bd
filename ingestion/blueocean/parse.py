"""Pure functions turning Blue Ocean JSON into raw-table rows (columns: `tables.py`).

They cope with the API's quirks (README.md beside this file, "Raw tables"): `-0700` offsets become
UTC; epoch-zero step times, the 0 duration of a running run and the -1 "no estimate" become null;
unknown enum values stay as text; future nodes keep a null state; random-UUID steps of blocked nodes
are skipped. Data that cannot be read raises `BlueOceanDataError` naming the field, never a bare crash.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote

from ingestion.test_results import TestReportError, blueocean_rows

SOURCE = "blueocean"  # the `source` column of the rows made here


class BlueOceanDataError(ValueError):
    """A response that does not have the shape the Blue Ocean API documents."""


class RunRow(dict):
    """A `runs` row. The attributes travel with it to the child transformers but are not columns."""

    __slots__ = ("href", "has_graph", "change_set", "tests")

    href: str  # the run's `_links.self.href`, ending in '/'
    has_graph: bool  # Pipeline runs have nodes/ and steps/; freestyle and other runs do not
    change_set: list | None  # the run's inline changeSet, None if the response left it out
    tests: dict | None  # core API: JUnit's TestResultAction of the build, None without a report


# ---------------------------------------------------------------- values


def parse_time(value: Any, field: str = "time") -> datetime | None:
    """Blue Ocean time (`2016-03-16T09:02:26.492-0700`, or epoch ms in old versions) -> aware UTC."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise BlueOceanDataError(f"{field}: not a time: {value!r}")
    if isinstance(value, (int, float)):
        return datetime.fromtimestamp(value / 1000, tz=UTC)
    if not isinstance(value, str):
        raise BlueOceanDataError(f"{field}: not a time: {value!r}")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        try:  # legacy change set `date`: 2016-03-15 00:35:58 +0100
            moment = datetime.strptime(value, "%Y-%m-%d %H:%M:%S %z")
        except ValueError:
            raise BlueOceanDataError(f"{field}: not a time: {value!r}") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def parse_step_time(value: Any, field: str = "startTime") -> datetime | None:
    """Like `parse_time`, but the epoch (Blue Ocean's `new Date(0)` for 'no timing') becomes null."""
    moment = parse_time(value, field)
    return None if moment is not None and moment.timestamp() <= 0 else moment


def to_int(value: Any, field: str) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise BlueOceanDataError(f"{field}: not a number: {value!r}")
    try:
        return int(value)
    except (TypeError, ValueError):
        raise BlueOceanDataError(f"{field}: not a number: {value!r}") from None


def to_text(value: Any) -> str | None:
    return None if value is None else str(value)


def href_of(item: dict) -> str | None:
    """`_links.self.href` of an item, or None."""
    link = (item.get("_links") or {}).get("self") or {}
    return link.get("href") if isinstance(link, dict) else None


def short_class(item: dict) -> str:
    return str(item.get("_class") or "").rsplit(".", 1)[-1]


def expect_object(item: Any, what: str) -> dict:
    if not isinstance(item, dict):
        raise BlueOceanDataError(f"{what}: expected a JSON object, got {type(item).__name__}")
    return item


# ---------------------------------------------------------------- pipelines


def item_role(item: dict) -> str:
    """What an entry of a `pipelines/` list is: 'folder', 'multibranch' or 'job'."""
    cls = short_class(item)
    links = item.get("_links") or {}
    if "MultiBranch" in cls or "branches" in links:
        return "multibranch"
    if "Folder" in cls or ("pipelines" in links and "runs" not in links):
        return "folder"
    return "job"


def job_kind(item: dict, in_branch_list: bool = False) -> str:
    cls = short_class(item)
    if cls == "BranchImpl" or in_branch_list:
        return "pull_request" if item.get("pullRequest") else "branch"
    if cls == "PipelineImpl":
        return "pipeline"
    if cls.startswith("FreeStyle"):
        return "freestyle"
    return "other"


def job_row(
    item: dict, *, instance: str, parents: list[str], href: str, in_branch_list: bool, fetched_at: datetime
) -> dict:
    """A `jobs` row. `parents`: names of the folders (and multibranch project) above the job;
    `in_branch_list`: it came from a multibranch project's branches/ list."""
    item = expect_object(item, "pipeline")
    raw_name = item.get("name")
    if not isinstance(raw_name, str) or not raw_name:
        raise BlueOceanDataError(f"pipeline at {href}: no name")
    kind = job_kind(item, in_branch_list)
    branch_info = item.get("branch") if isinstance(item.get("branch"), dict) else {}
    pull_request = item.get("pullRequest") if isinstance(item.get("pullRequest"), dict) else {}
    return named_job_row(item, raw_name, kind, instance=instance, parents=parents, href=href, fetched_at=fetched_at,
                         source=SOURCE, is_primary=bool(branch_info.get("isPrimary")),
                         pull_request_id=to_text(pull_request.get("id")))


def named_job_row(item: dict, raw_name: str, kind: str, *, instance: str, parents: list[str], href: str,
                  fetched_at: datetime, source: str, is_primary: bool, pull_request_id: str | None) -> dict:
    """The `jobs` row either API gives: names, folder and branch derived one way, so the ids agree."""
    is_branch = kind in ("branch", "pull_request")
    # Branch job names are URL-encoded once (`feature%2Flogin`); other Jenkins names cannot hold '%'.
    name = unquote(raw_name) if is_branch else raw_name
    return {
        "instance": instance,
        "full_name": item.get("fullName") or "/".join([*parents, raw_name]),
        "name": name,
        "display_name": to_text(item.get("displayName")),
        "folder": "/" + "/".join(unquote(p) for p in parents),
        "kind": kind,
        "class_name": to_text(item.get("_class")),
        "branch": name if is_branch else None,
        "is_primary_branch": is_primary if is_branch else None,
        "pull_request_id": pull_request_id,
        "rest_path": href,
        "fetched_at": fetched_at,
        "source": source,
    }


# ---------------------------------------------------------------- runs


def is_queued_item(run: dict) -> bool:
    """Queue entries in a runs/ list are not builds (and repeat on every page)."""
    return run.get("type") == "QueuedItem" or short_class(run).startswith("Queued")


def run_number(run: dict) -> int:
    number = to_int(run.get("id"), "run id")
    if number is None or number < 1:
        raise BlueOceanDataError(f"run id: not a build number: {run.get('id')!r}")
    return number


def run_row(run: dict, *, instance: str, job_full_name: str, job_href: str, fetched_at: datetime) -> RunRow:
    run = expect_object(run, f"run of {job_full_name}")
    number = run_number(run)
    state = to_text(run.get("state"))
    finished = state == "FINISHED"
    estimate = to_int(run.get("estimatedDurationInMillis"), "estimatedDurationInMillis")
    causes = run.get("causes")
    row = RunRow(
        instance=instance,
        job_full_name=job_full_name,
        number=number,
        state=state,
        result=to_text(run.get("result")),
        enqueue_time=parse_time(run.get("enQueueTime"), "enQueueTime"),
        start_time=parse_time(run.get("startTime"), "startTime"),
        end_time=parse_time(run.get("endTime"), "endTime"),
        # durationInMillis is 0 while a run goes on: only a finished run has a duration.
        duration_ms=to_int(run.get("durationInMillis"), "durationInMillis") if finished else None,
        estimated_duration_ms=estimate if estimate is not None and estimate >= 0 else None,
        run_type=to_text(run.get("type")),
        run_name=to_text(run.get("name")),
        description=to_text(run.get("description")),
        commit_id=to_text(run.get("commitId")),
        run_summary=to_text(run.get("runSummary")),
        causes=causes if isinstance(causes, list) else None,
        fetched_at=fetched_at,
        source=SOURCE,
        **queue_actions(run.get("actions")),
    )
    links = run.get("_links") or {}
    row.href = href_of(run) or f"{job_href}runs/{number}/"
    row.has_graph = "nodes" in links or run.get("type") == "WorkflowRun"
    change_set = run.get("changeSet")
    row.change_set = change_set if isinstance(change_set, list) else None
    return row


def queue_actions(actions) -> dict:
    """The Metrics plugin's TimeInQueueAction, where a run's actions carry it (both APIs list it), else nulls."""
    timing = next((a for a in actions or () if isinstance(a, dict) and "queuingDurationMillis" in a), {})
    return {"queuing_duration_ms": to_int(timing.get("queuingDurationMillis"), "queuingDurationMillis"),
            "queuing_time_ms": to_int(timing.get("queuingTimeMillis"), "queuingTimeMillis")}


def run_key(run: RunRow) -> dict:
    """The run's key columns, and its `source`, for the rows of its child tables."""
    return {"instance": run["instance"], "job_full_name": run["job_full_name"], "number": run["number"],
            "source": run["source"]}


# ---------------------------------------------------------------- nodes and steps


def _node_types_and_parents(nodes: list[dict]) -> tuple[dict[str, str], dict[str, str]]:
    """Node type and enclosing stage of each node id, from `type`/`firstParent` or from the edges.

    Old Blue Ocean versions give neither `type` nor `firstParent`: there a node that a stage fans out
    to (two or more edges) is a parallel branch of that stage.
    """
    types: dict[str, str] = {}
    parents: dict[str, str] = {}
    for node in nodes:
        edges = [e for e in node.get("edges") or [] if isinstance(e, dict) and e.get("id") is not None]
        for edge in edges:
            target = str(edge["id"])
            if edge.get("type") in ("STAGE", "PARALLEL"):
                types.setdefault(target, edge["type"])
            elif len(edges) > 1:
                types.setdefault(target, "PARALLEL")
            parents.setdefault(target, str(node.get("id")))
    return types, parents


def node_rows(nodes: list, run: RunRow) -> list[dict]:
    """`nodes` rows of a run, in Blue Ocean's order. Future nodes keep state/result null."""
    nodes = [expect_object(n, f"node of {run.href}") for n in nodes]
    inferred_types, edge_parents = _node_types_and_parents(nodes)
    rows = []
    for position, node in enumerate(nodes):
        node_id = to_text(node.get("id"))
        if node_id is None:
            raise BlueOceanDataError(f"node of {run.href}: no id")
        node_type = to_text(node.get("type")) or inferred_types.get(node_id, "STAGE")
        state = to_text(node.get("state"))
        first_parent = to_text(node.get("firstParent"))
        rows.append({
            **run_key(run),
            "node_id": node_id,
            "position": position,
            "display_name": to_text(node.get("displayName")),
            "node_type": node_type,
            "state": state,
            "result": to_text(node.get("result")),
            "start_time": parse_step_time(node.get("startTime"), "node startTime"),
            "duration_ms": None if state is None else to_int(node.get("durationInMillis"), "node durationInMillis"),
            "first_parent": first_parent,
            "parent_id": (first_parent or edge_parents.get(node_id)) if node_type == "PARALLEL" else None,
            "edges": [
                {"id": to_text(edge.get("id")), "type": to_text(edge.get("type"))}
                for edge in node.get("edges") or [] if isinstance(edge, dict)
            ],
            "agent": None,
        })
    return rows


def step_rows(steps: list, run: RunRow) -> list[dict]:
    """`steps` rows of a run. Steps with a non-numeric id (random UUIDs of blocked steps) are skipped."""
    rows = []
    for step in steps:
        step = expect_object(step, f"step of {run.href}")
        step_id = to_text(step.get("id"))
        if step_id is None or not step_id.isdigit():
            continue
        rows.append({
            **run_key(run),
            "step_id": step_id,
            "position": len(rows),
            "display_name": to_text(step.get("displayName")),
            "display_description": to_text(step.get("displayDescription")),
            "state": to_text(step.get("state")),
            "result": to_text(step.get("result")),
            "start_time": parse_step_time(step.get("startTime")),
            "duration_ms": to_int(step.get("durationInMillis"), "step durationInMillis"),
        })
    return rows


# ---------------------------------------------------------------- change sets, tests, logs


def change_set_rows(entries: list, run: RunRow) -> list[dict]:
    """`change_sets` rows: one per commit, in the order Blue Ocean lists them (legacy fields too)."""
    rows = []
    for position, entry in enumerate(entries):
        entry = expect_object(entry, f"change set of {run.href}")
        author = entry.get("author")
        author = author if isinstance(author, dict) else {"id": author}
        paths = entry.get("affectedPaths")
        if paths is None and isinstance(entry.get("paths"), list):
            paths = [p.get("file") if isinstance(p, dict) else p for p in entry["paths"]]
        rows.append({
            **run_key(run),
            "position": position,
            "commit_id": to_text(entry.get("commitId") or entry.get("id")),
            "author_id": to_text(author.get("id")),
            "author_name": to_text(author.get("fullName")),
            "message": to_text(entry.get("msg") if entry.get("msg") is not None else entry.get("comment")),
            "timestamp": parse_time(entry.get("timestamp") or entry.get("date"), "change set timestamp"),
            "affected_paths": [str(p) for p in paths if p is not None] if isinstance(paths, list) else None,
        })
    return rows


_SUMMARY_FIELDS = {
    "passed": "passed", "failed": "failed", "skipped": "skipped", "fixed": "fixed",
    "existing_failed": "existingFailed", "regressions": "regressions", "total": "total",
}


def summary_rows(summary: dict | None, run: RunRow) -> list[dict]:
    """The `test_summaries` row of a run, none when it has no summary (404)."""
    if summary is None:
        return []
    summary = expect_object(summary, f"test summary of {run.href}")
    return [{**run_key(run), **{col: to_int(summary.get(key), key) for col, key in _SUMMARY_FIELDS.items()}}]


def test_result_rows(cases: list, run: RunRow) -> list[dict]:
    """`test_results` rows of a run's `tests/` list (ingestion/test_results.py, shared with the other sources)."""
    try:
        return blueocean_rows(cases, run_key(run))
    except TestReportError as error:
        raise BlueOceanDataError(f"{run.href}tests/: {error}") from None


def log_row(run: RunRow, text: str, text_size: int | None, truncated: bool) -> dict:
    return {**run_key(run), "text": text, "text_size": text_size, "truncated": truncated}
