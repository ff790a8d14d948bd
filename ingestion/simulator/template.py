"""Flow-node ids of a recipe's graph, allocated once in the order Jenkins would create them.

Stages and steps get increasing numeric string ids; a stage takes two ids (start and body), a
`parallel` step one, its branches consecutive ids, each branch body one more. A top-level
`parallel` with no enclosing stage gets Blue Ocean's synthetic stage `<firstBranchId>-parallel-synthetic`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from .recipes import Recipe, StageSpec, StepSpec


@dataclass(frozen=True)
class StepT:
    id: str
    spec: StepSpec


@dataclass(frozen=True)
class NodeT:
    id: str
    spec: StageSpec
    type: str                      # STAGE or PARALLEL
    parent: str | None             # the stage a parallel branch belongs to
    steps: tuple[StepT, ...]
    branches: tuple[NodeT, ...]

    @property
    def name(self) -> str:
        return self.spec.name


class _Counter:
    def __init__(self, first: int):
        self.value = first

    def take(self, n: int = 1) -> int:
        first, self.value = self.value, self.value + n
        return first


def _steps(specs: tuple[StepSpec, ...], ids: _Counter) -> tuple[StepT, ...]:
    return tuple(StepT(str(ids.take()), spec) for spec in specs)


def _stage(spec: StageSpec, ids: _Counter) -> NodeT:
    if not spec.branches:
        stage_id = str(ids.take(2))
        node = NodeT(stage_id, spec, "STAGE", None, _steps(spec.steps, ids), ())
        ids.take()  # stage end
        return node
    stage_id = None if spec.synthetic else str(ids.take(2))
    ids.take()  # the parallel step itself
    branch_ids = [str(ids.take()) for _ in spec.branches]
    if stage_id is None:
        stage_id = f"{branch_ids[0]}-parallel-synthetic"
    branches = []
    for branch_id, branch in zip(branch_ids, spec.branches, strict=True):
        ids.take()  # branch body
        branches.append(NodeT(branch_id, branch, "PARALLEL", stage_id, _steps(branch.steps, ids), ()))
    ids.take()  # parallel end
    return NodeT(stage_id, spec, "STAGE", None, (), tuple(branches))


@cache
def graph_template(recipe: Recipe) -> tuple[NodeT, ...]:
    """The recipe's stages (with their branches and steps) and their flow-node ids."""
    ids = _Counter(3)  # 2 is the FlowStartNode
    return tuple(_stage(spec, ids) for spec in recipe.stages)
