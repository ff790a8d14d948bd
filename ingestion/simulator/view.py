"""A build as seen at the controller's current time: cut from its plan at `now - start`.

While a build runs, stages and steps that have ended show their result, the current ones are
RUNNING (PAUSED on an `input`), a branch waiting for an executor is QUEUED with Blue Ocean's
synthetic blocked step, and stages not reached are missing, or "future" nodes (null state, ids of
the last successful build) when Blue Ocean unions the graph with the last successful build.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from .layout import Job
from .plan import BuildPlan, NodeRun, StepRun
from .recipes import StepSpec, pool_label
from .template import NodeT, StepT, graph_template


@dataclass(frozen=True)
class NodeState:
    t: NodeT
    state: str | None
    result: str | None
    start: int | None            # ms after the build's start; None for future and queued nodes
    duration: int
    blockage: str | None = None  # causeOfBlockage of a branch waiting for an executor


@dataclass(frozen=True)
class StepState:
    t: StepT
    state: str
    result: str
    start: int | None            # None: Blue Ocean prints the 1970 epoch
    duration: int
    synthetic: bool = False      # the blocked step Blue Ocean invents, with a random UUID id


@dataclass(frozen=True)
class BuildView:
    job: Job
    plan: BuildPlan
    start_ms: int
    enqueue_ms: int
    elapsed: int                 # now - start

    @property
    def finished(self) -> bool:
        return self.elapsed >= self.plan.duration

    @property
    def state(self) -> str:
        if self.finished:
            return "FINISHED"
        return "PAUSED" if any(self._waiting_for_input(n) for n in self.plan.nodes) else "RUNNING"

    @property
    def cut(self) -> int | None:
        """Elapsed ms to cut logs at; None once finished."""
        return None if self.finished else self.elapsed

    def _ended(self, run: NodeRun | StepRun) -> bool:
        return self.finished or run.end <= self.elapsed

    def _waiting_for_input(self, run: NodeRun) -> bool:
        return not self.finished and any(
            s.t.spec.output == "input" and s.start <= self.elapsed < s.end for s in run.steps)

    def _node(self, run: NodeRun) -> NodeState | None:
        if self._ended(run):
            return NodeState(run.t, "FINISHED", run.result, run.start, run.duration)
        if run.wait_from is not None and run.wait_from <= self.elapsed < run.start:
            label = pool_label(self.job.recipe, run.t.spec)
            return NodeState(run.t, "QUEUED", "UNKNOWN", None, 0,
                             f"Waiting for next available executor on ‘{label}’")
        if run.start > self.elapsed:
            return None
        state = "PAUSED" if self._waiting_for_input(run) else "RUNNING"
        return NodeState(run.t, state, "UNKNOWN", run.start, self.elapsed - run.start)

    def nodes(self, union: bool) -> list[NodeState]:
        """Stages and branches in Blue Ocean order; `union` adds future nodes for stages not reached."""
        shown: list[NodeState] = []
        executed = {n.t.id: n for n in self.plan.nodes}
        for t in graph_template(self.job.recipe):
            run = executed.get(t.id)
            stage = self._node(run) if run else None
            if stage is None:
                if union:
                    shown += [NodeState(n, None, None, None, 0) for n in (t, *t.branches)]
                continue
            shown.append(stage)
            for branch_t, branch in zip(t.branches, run.branches, strict=False):  # a run may not reach every branch
                state = self._node(branch)
                if state is not None:
                    shown.append(state)
                elif union:
                    shown.append(NodeState(branch_t, None, None, None, 0))
        return shown

    def steps(self, node_id: str | None = None) -> list[StepState]:
        """Steps of the run, or of one node (a stage's steps include its branches')."""
        out: list[StepState] = []
        for stage in self.plan.nodes:
            for node in (stage, *stage.branches):
                if node_id is not None and node_id not in (stage.t.id, node.t.id):
                    continue
                state = self._node(node)
                if state is not None and state.state == "QUEUED":
                    blocked = StepT(str(uuid.uuid4()), StepSpec(state.blockage, None, "blocked"))
                    out.append(StepState(blocked, "QUEUED", "UNKNOWN", None, 0, synthetic=True))
                    continue
                for step in node.steps:
                    if step.start > self.elapsed and not self.finished:
                        break
                    out.append(self._step(step))
        return out

    def _step(self, step: StepRun) -> StepState:
        start = None if step.t.spec.untimed else step.start
        if self._ended(step):
            return StepState(step.t, "FINISHED", step.result, start, step.duration)
        state = "PAUSED" if step.t.spec.output == "input" else "RUNNING"
        return StepState(step.t, state, "UNKNOWN", start, self.elapsed - step.start)

    def blockage(self) -> str | None:
        return next((n.blockage for n in self.nodes(False) if n.blockage), None)
