"""Pipeline Graph View (`{build}/stages/tree`, `allSteps`) and Stage View (`{build}/wfapi/describe`) of a build.

PGV wraps its JSON as `{"status": "ok", "data": ...}` and leaves null fields out (Jackson);
`totalDurationMillis` is absent while a node is in progress; states are lower case. A top-level
`parallel` (no enclosing stage) is a `PARALLEL_BLOCK` stage named "Parallel" (flagged `synthetic`)
whose children are its branches; a stage's parallel branches are its `children` of type `PARALLEL`.
Stage View knows top-level stages only: parallel branches fold into their stage, and a top-level
`parallel` has no stage at all.
"""

from __future__ import annotations

from .plan import NodeRun
from .view import BuildView, NodeState, StepState

# Stage View's StatusExt
WFAPI_STATUS = {"SUCCESS": "SUCCESS", "FAILURE": "FAILED", "UNSTABLE": "UNSTABLE", "ABORTED": "ABORTED",
                "NOT_BUILT": "NOT_EXECUTED"}


def ok(data) -> dict:
    return {"status": "ok", "data": data}


def _state(node: NodeState | StepState) -> str:
    if node.state == "FINISHED":
        return (node.result or "unknown").lower()
    return (node.state or "unknown").lower()


def _times(view: BuildView, node: NodeState | StepState, out: dict) -> dict:
    if node.start is not None:
        out["startTimeMillis"] = view.start_ms + node.start
    if node.state == "FINISHED":  # PGV: null (so absent) while in progress
        out["totalDurationMillis"] = node.duration
    out["pauseDurationMillis"] = 0
    return out


def tree(view: BuildView) -> dict:
    plan = view.plan
    agents = {b.t.id: b.agent for n in plan.nodes for b in n.branches}
    shown = view.nodes(False)
    stages = []
    for node in shown:
        if node.t.type != "STAGE":
            continue
        children = [_stage(view, b, "PARALLEL", agents.get(b.t.id), []) for b in shown if b.t.parent == node.t.id]
        if node.t.spec.synthetic:
            parallel_id = str(int(node.t.branches[0].id) - 1)  # the `parallel` step's own flow node
            stage = _stage(view, node, "PARALLEL_BLOCK", None, children, node_id=parallel_id)
            stage["synthetic"] = True
        else:
            stage = _stage(view, node, "STAGE", plan.agent, children)
        stages.append(stage)
    for before, after in zip(stages, stages[1:], strict=False):
        before["nextSibling"] = after["id"]
    return ok({"complete": view.finished, "stages": stages})


def _stage(view: BuildView, node: NodeState, kind: str, agent: str | None, children: list,
           node_id: str | None = None) -> dict:
    out = {"id": node_id or node.t.id, "name": node.t.name, "title": node.t.name, "type": kind,
           "state": _state(node), "children": children, "sequential": False, "synthetic": False,
           "placeholder": False, "url": f"?selected-node={node_id or node.t.id}"}
    if agent:
        out["agent"] = agent
    if node.blockage:
        out["causeOfBlockage"] = node.blockage
    return _times(view, node, out)


def all_steps(view: BuildView) -> dict:
    steps = []
    for stage in view.plan.nodes:
        for node in (stage, *stage.branches):
            for step in _node_steps(view, node):
                spec = step.t.spec
                out = {"id": step.t.id, "name": spec.description or spec.name, "title": spec.name, "type": "STEP",
                       "state": _state(step), "stageId": node.t.id}
                if step.state == "PAUSED":
                    out["inputStep"] = {"message": spec.description, "cancel": "Abort", "id": "Apply-approval",
                                        "ok": "Apply", "parameters": False}
                steps.append(_times(view, step, out))
    return ok({"steps": steps, "runIsComplete": view.finished})


def _node_steps(view: BuildView, node: NodeRun) -> list[StepState]:
    """The node's own steps as the run shows them now (PGV has no invented blocked step)."""
    return [s for s in view.steps(node.t.id) if not s.synthetic and any(s.t is r.t for r in node.steps)]


def describe(view: BuildView, base_url: str) -> dict:
    """`wfapi/describe?fullStages=true`: a run and its top-level stages with their flow nodes."""
    plan = view.plan
    stages = []
    for node in view.nodes(False):
        if node.t.type != "STAGE" or node.t.spec.synthetic:
            continue
        run = next(n for n in plan.nodes if n.t.id == node.t.id)
        flow_nodes = []
        for inner in (run, *run.branches):
            for step in _node_steps(view, inner):
                flow_nodes.append({
                    "id": step.t.id, "name": step.t.spec.name, "execNode": plan.agent or "",
                    "status": _wfapi_status(step), "parameterDescription": step.t.spec.description,
                    "startTimeMillis": view.start_ms + (step.start or 0), "durationMillis": step.duration,
                    "pauseDurationMillis": 0, "parentNodes": [inner.t.id]})
        stages.append({"id": node.t.id, "name": node.t.name, "execNode": plan.agent or "",
                       "status": _wfapi_status(node), "startTimeMillis": view.start_ms + (node.start or 0),
                       "durationMillis": node.duration, "pauseDurationMillis": 0, "stageFlowNodes": flow_nodes})
    done = view.finished
    elapsed = plan.duration if done else view.elapsed
    return {"_links": {"self": {"href": base_url + "wfapi/describe"}}, "id": str(plan.number),
            "name": f"#{plan.number}", "status": WFAPI_STATUS[plan.result] if done else
            ("PAUSED_PENDING_INPUT" if view.state == "PAUSED" else "IN_PROGRESS"),
            "startTimeMillis": view.start_ms, "endTimeMillis": view.start_ms + elapsed, "durationMillis": elapsed,
            "queueDurationMillis": view.start_ms - view.enqueue_ms, "pauseDurationMillis": 0, "stages": stages}


def _wfapi_status(node: NodeState | StepState) -> str:
    if node.state == "FINISHED":
        return WFAPI_STATUS.get(node.result, node.result)
    return "PAUSED_PENDING_INPUT" if node.state == "PAUSED" else "IN_PROGRESS"
