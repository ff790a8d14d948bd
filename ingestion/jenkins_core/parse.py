"""Pure functions from core JSON, Pipeline Graph View and Stage View answers to the raw rows Blue Ocean's give.

Same tables, keys and meanings as `ingestion.blueocean.parse` (whose helpers they share): job
`full_name` is core's `fullName` (a branch job's name encoded once, as in Blue Ocean), so ids match
across sources and a controller that loses or gains Blue Ocean keeps its history. What differs:
- A build is RUNNING while `building`, else FINISHED; core has no PAUSED (a run waiting at an
  `input` reads as RUNNING until it ends). `result` is null while building: stored as UNKNOWN, as
  Blue Ocean says.
- `timestamp` is the start. The enqueue time is known only from the Metrics plugin's
  TimeInQueueAction (start minus `queuingDurationMillis`), else null: no made-up queue time.
- The commit is git's BuildData `lastBuiltRevision.SHA1` (or a multibranch `SCMRevisionAction`).
- Test counts come inline from JUnit's TestResultAction (`totalCount`, `failCount`, `skipCount`);
  core has no fixed/regression counts (null).
- Stages: PGV states are lower case (`success`, `skipped`, ...); `totalDurationMillis` is the duration.
  A top-level `parallel` is PGV's `PARALLEL_BLOCK` "Parallel" stage (Blue Ocean's synthetic stage, under
  PGV's own id). Nested stages (a stage's STAGE children) are not stored. Stage View has no branches.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from urllib.parse import unquote

from ingestion.blueocean.parse import (
    BlueOceanDataError,
    RunRow,
    change_set_rows,
    expect_object,
    named_job_row,
    parse_step_time,
    parse_time,
    queue_actions,
    run_key,
    short_class,
    to_int,
    to_text,
)

SOURCE = "core"
MULTIBRANCH_CLASSES = ("WorkflowMultiBranchProject", "MultiBranchProject")
FOLDER_CLASSES = ("Folder", "OrganizationFolder", "WorkflowMultiBranchProject", "MultiBranchProject")
_PR_NAME = re.compile(r"^(?:PR|MR)-(\d+)$")

__all__ = ["BlueOceanDataError", "change_set_rows", "job_row", "run_row", "pgv_node_rows", "pgv_step_rows",
           "wfapi_rows", "summary_rows", "is_container"]


def is_container(item: dict) -> bool:
    """Folders, organization folders and multibranch projects: walked, never jobs."""
    return short_class(item) in FOLDER_CLASSES or "jobs" in item


def is_multibranch(item: dict) -> bool:
    return short_class(item) in MULTIBRANCH_CLASSES


def _action_classes(item: dict) -> set[str]:
    return {short_class(a) for a in item.get("actions") or () if isinstance(a, dict)}


def job_row(item: dict, *, instance: str, parents: list[str], href: str, in_multibranch: bool,
            fetched_at: datetime) -> dict:
    item = expect_object(item, "job")
    raw_name = item.get("name")
    if not isinstance(raw_name, str) or not raw_name:
        raise BlueOceanDataError(f"job at {href}: no name")
    cls = short_class(item)
    actions = _action_classes(item)
    pull_request = _PR_NAME.match(unquote(raw_name)) if in_multibranch else None
    if in_multibranch:
        kind = "pull_request" if pull_request or "ContributorMetadataAction" in actions else "branch"
    else:
        kind = {"WorkflowJob": "pipeline", "FreeStyleProject": "freestyle"}.get(cls, "other")
    return named_job_row(item, raw_name, kind, instance=instance, parents=parents, href=href, fetched_at=fetched_at,
                         source=SOURCE, is_primary="PrimaryInstanceMetadataAction" in actions,
                         pull_request_id=pull_request.group(1) if pull_request else None)


def build_number(build: dict) -> int:
    number = to_int(build.get("number"), "build number")
    if number is None or number < 1:
        raise BlueOceanDataError(f"build number: not a build number: {build.get('number')!r}")
    return number


def _commit(actions: list) -> str | None:
    for action in actions:
        revision = action.get("lastBuiltRevision") or {}
        if isinstance(revision, dict) and revision.get("SHA1"):
            return str(revision["SHA1"])
    for action in actions:  # a multibranch build's SCMRevisionAction
        revision = action.get("revision") or {}
        if isinstance(revision, dict) and revision.get("hash"):
            return str(revision["hash"])
    return None


def _minus_ms(moment: datetime | None, ms: int | None) -> datetime | None:
    return None if moment is None or ms is None else moment - timedelta(milliseconds=ms)


def run_row(build: dict, *, instance: str, job_full_name: str, href: str, fetched_at: datetime) -> RunRow:
    """A `runs` row of a core build; `href` is the build's path (ending in '/')."""
    build = expect_object(build, f"build of {job_full_name}")
    number = build_number(build)
    actions = [a for a in build.get("actions") or () if isinstance(a, dict)]
    building = bool(build.get("building"))
    start = parse_time(build.get("timestamp"), "timestamp")
    duration = to_int(build.get("duration"), "duration")
    queue = queue_actions(actions)
    estimate = to_int(build.get("estimatedDuration"), "estimatedDuration")
    causes = [c for a in actions for c in a.get("causes") or () if isinstance(c, dict)]
    display = to_text(build.get("displayName"))
    row = RunRow(
        instance=instance,
        job_full_name=job_full_name,
        number=number,
        state="RUNNING" if building else "FINISHED",
        result=to_text(build.get("result")) or "UNKNOWN",
        # core exports no enqueue time: only the Metrics plugin's wait gives it
        enqueue_time=_minus_ms(start, queue["queuing_duration_ms"]),
        start_time=start,
        end_time=None if building or duration is None else _minus_ms(start, -duration),
        duration_ms=None if building else duration,
        estimated_duration_ms=estimate if estimate is not None and estimate >= 0 else None,
        run_type=short_class(build) or None,
        run_name=None if display in (None, f"#{number}") else display,
        description=to_text(build.get("description")),
        commit_id=_commit(actions),
        run_summary=None,
        causes=causes or None,
        fetched_at=fetched_at,
        source=SOURCE,
        **queue,
    )
    row.href = href
    row.has_graph = short_class(build) == "WorkflowRun"
    sets = build.get("changeSets")
    if not isinstance(sets, list):
        sets = [build["changeSet"]] if isinstance(build.get("changeSet"), dict) else []
    row.change_set = [entry for s in sets if isinstance(s, dict) for entry in s.get("items") or ()]
    junit = next((a for a in actions if "totalCount" in a and "failCount" in a), None)
    # The hook for test results: a build whose JUnit report is at `{href}testReport/api/json`.
    row.tests = junit
    return row


def summary_rows(run: RunRow) -> list[dict]:
    """The `test_summaries` row of a build with JUnit's TestResultAction, none without it."""
    junit = run.tests
    if junit is None:
        return []
    total, failed = to_int(junit.get("totalCount"), "totalCount"), to_int(junit.get("failCount"), "failCount")
    skipped = to_int(junit.get("skipCount"), "skipCount")
    passed = None if None in (total, failed, skipped) else total - failed - skipped
    return [{**run_key(run), "passed": passed, "failed": failed, "skipped": skipped, "fixed": None,
             "existing_failed": None, "regressions": None, "total": total}]


# ---------------------------------------------------------------- stages and steps

# PGV's PipelineState (lower case) -> Blue Ocean's (state, result)
PGV_STATES = {
    "success": ("FINISHED", "SUCCESS"), "unstable": ("FINISHED", "UNSTABLE"), "failure": ("FINISHED", "FAILURE"),
    "aborted": ("FINISHED", "ABORTED"), "not_built": ("NOT_BUILT", "NOT_BUILT"), "skipped": ("SKIPPED", "NOT_BUILT"),
    "finished": ("FINISHED", "UNKNOWN"), "unknown": ("FINISHED", "UNKNOWN"), "running": ("RUNNING", "UNKNOWN"),
    "paused": ("PAUSED", "UNKNOWN"), "queued": ("QUEUED", "UNKNOWN"),
}
# Stage View's StatusExt -> (state, result)
WFAPI_STATES = {
    "SUCCESS": ("FINISHED", "SUCCESS"), "UNSTABLE": ("FINISHED", "UNSTABLE"), "FAILED": ("FINISHED", "FAILURE"),
    "ABORTED": ("FINISHED", "ABORTED"), "NOT_EXECUTED": ("NOT_BUILT", "NOT_BUILT"),
    "IN_PROGRESS": ("RUNNING", "UNKNOWN"), "PAUSED_PENDING_INPUT": ("PAUSED", "UNKNOWN"),
}


def pgv_data(answer, what: str):
    """The `data` of PGV's `{"status": "ok", "data": ...}`."""
    answer = expect_object(answer, what)
    if answer.get("status") != "ok" or not isinstance(answer.get("data"), dict):
        raise BlueOceanDataError(f"{what}: not Pipeline Graph View's {{status: ok, data}}")
    return answer["data"]


def _state(value, table: dict) -> tuple[str | None, str | None]:
    """(state, result) of a PGV state (any case) or a Stage View status; an unknown one is kept as the state."""
    text = to_text(value)
    if not text:
        return None, None
    return table.get(text.lower(), table.get(text, (text.upper(), "UNKNOWN")))


def _node(run: RunRow, stage: dict, position: int, node_type: str, first_parent: str | None,
          parent_id: str | None, edges: list[dict], source: str, time_field: str = "totalDurationMillis") -> dict:
    state, result = _state(stage.get("state", stage.get("status")), PGV_STATES if source == "pgv" else WFAPI_STATES)
    return {
        **run_key(run), "source": source,
        "node_id": to_text(stage.get("id")),
        "position": position,
        "display_name": to_text(stage.get("name")),
        "node_type": node_type,
        "state": state,
        "result": result,
        "start_time": parse_step_time(stage.get("startTimeMillis"), "startTimeMillis"),
        "duration_ms": to_int(stage.get(time_field), time_field),
        "first_parent": first_parent,
        "parent_id": parent_id,
        "edges": edges,
        "agent": to_text(stage.get("agent", stage.get("execNode"))) or None,
    }


def pgv_node_rows(answer, run: RunRow) -> list[dict]:
    """`nodes` rows from PGV's `tree`: each top-level stage, then its parallel branches."""
    data = pgv_data(answer, f"{run.href} tree")
    stages = [expect_object(s, f"stage of {run.href}") for s in data.get("stages") or ()]
    rows: list[dict] = []
    for i, stage in enumerate(stages):
        branches = [expect_object(c, f"stage of {run.href}") for c in stage.get("children") or ()]
        branches = [b for b in branches if b.get("type") == "PARALLEL"]
        following = [{"id": to_text(stages[i + 1].get("id")), "type": "STAGE"}] if i + 1 < len(stages) else []
        previous = to_text(stages[i - 1].get("id")) if i else None
        edges = [{"id": to_text(b.get("id")), "type": "PARALLEL"} for b in branches] or following
        rows.append(_node(run, stage, len(rows), "STAGE", previous, None, edges, "pgv"))
        for branch in branches:
            rows.append(_node(run, branch, len(rows), "PARALLEL", to_text(stage.get("id")),
                              to_text(stage.get("id")), following, "pgv"))
    return rows


def pgv_step_rows(answer, run: RunRow) -> list[dict]:
    """`steps` rows from PGV's `allSteps`: `title` is the step's name ("Shell Script"), `name` its argument."""
    rows = []
    for step in pgv_data(answer, f"{run.href} allSteps").get("steps") or ():
        step = expect_object(step, f"step of {run.href}")
        title, name = to_text(step.get("title")), to_text(step.get("name"))
        state, result = _state(step.get("state"), PGV_STATES)
        rows.append({
            **run_key(run), "source": "pgv",
            "step_id": to_text(step.get("id")),
            "position": len(rows),
            "display_name": title or name,
            "display_description": name if title and name != title else None,
            "state": state,
            "result": result,
            "start_time": parse_step_time(step.get("startTimeMillis")),
            "duration_ms": to_int(step.get("totalDurationMillis"), "step totalDurationMillis"),
        })
    return rows


def wfapi_rows(describe, run: RunRow) -> tuple[list[dict], list[dict]]:
    """(`nodes`, `steps`) rows from Stage View's `wfapi/describe?fullStages=true`: top-level stages only."""
    describe = expect_object(describe, f"{run.href}wfapi/describe")
    stages = [expect_object(s, f"stage of {run.href}") for s in describe.get("stages") or ()]
    nodes, steps = [], []
    for i, stage in enumerate(stages):
        following = [{"id": to_text(stages[i + 1].get("id")), "type": "STAGE"}] if i + 1 < len(stages) else []
        nodes.append(_node(run, stage, i, "STAGE", to_text(stages[i - 1].get("id")) if i else None, None,
                           following, "wfapi", "durationMillis"))
        for flow_node in stage.get("stageFlowNodes") or ():
            flow_node = expect_object(flow_node, f"flow node of {run.href}")
            state, result = _state(flow_node.get("status"), WFAPI_STATES)
            steps.append({
                **run_key(run), "source": "wfapi",
                "step_id": to_text(flow_node.get("id")),
                "position": len(steps),
                "display_name": to_text(flow_node.get("name")),
                "display_description": to_text(flow_node.get("parameterDescription")),
                "state": state,
                "result": result,
                "start_time": parse_step_time(flow_node.get("startTimeMillis")),
                "duration_ms": to_int(flow_node.get("durationMillis"), "durationMillis"),
            })
    return nodes, steps
