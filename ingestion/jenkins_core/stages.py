"""Stages and steps of finished Pipeline builds: Pipeline Graph View, or Stage View's `wfapi` without it.

Which one a controller has is probed once per sync, on the first finished Pipeline build it needs:
PGV's `tree` under `stages/` (since 2026-02), then `pipeline-overview/` (2025-05 to 2026-02), then
`pipeline-graph/` (with `allSteps` under `pipeline-console/`, before); then `wfapi/describe`; else
the controller has neither and builds get no stages. The probe's answer serves that build too.
A finished build's `tree` and `allSteps` never change (PGV caches them on disk, `immutable`): each is
fetched once, when the build is first seen finished, as the Blue Ocean source does for its nodes.
Stage View's `describe` holds both stages and steps: the nodes and steps transformers share one
request per build.
"""

from __future__ import annotations

import threading
from concurrent.futures import Future

from ingestion.blueocean.parse import RunRow
from ingestion.jenkins_core.client import CoreClient
from ingestion.jenkins_core.parse import pgv_node_rows, pgv_step_rows, wfapi_rows

# PGV generations, newest first: (label, segment of `tree`, segment of `allSteps`)
PGV_SEGMENTS = (("stages", "stages", "stages"), ("pipeline-overview", "pipeline-overview", "pipeline-overview"),
                ("pipeline-graph", "pipeline-graph", "pipeline-console"))
WFAPI = "wfapi/describe"


class Stages:
    """The controller's stage source, found at the first build that needs it; `kind` is `pgv`, `wfapi`,
    `none`, or None while no build has asked."""

    def __init__(self, client: CoreClient):
        self.client = client
        self.kind: str | None = None
        self._segments: tuple[str, str] | None = None
        self._lock = threading.Lock()
        self._probed: dict[str, object] = {}  # the probe's answer, for the build it was made on
        self._shared: dict[str, list] = {}  # wfapi: href -> [future of (nodes, steps), uses left]

    def _probe(self, run: RunRow) -> None:
        with self._lock:
            if self.kind is not None:
                return
            for _, tree, steps in PGV_SEGMENTS:
                answer = self.client.get_json(f"{run.href}{tree}/tree", missing_ok=True)
                if answer is not None:
                    self.kind, self._segments = "pgv", (tree, steps)
                    self._probed[run.href] = answer
                    return
            answer = self.client.get_json(f"{run.href}{WFAPI}", {"fullStages": "true"}, missing_ok=True)
            if answer is not None:
                self.kind, self._probed[run.href] = "wfapi", answer
            elif self.client.get_json(f"{run.href}api/json", {"tree": "number"}, missing_ok=True) is not None:
                self.kind = "none"  # the build is there: the controller has neither plugin
            # else the build was deleted meanwhile (log rotation): the next build probes again

    def _answer(self, run: RunRow, path: str, params: dict | None = None):
        with self._lock:
            probed = self._probed.pop(run.href, None)
        if probed is not None:
            return probed
        return self.client.get_json(f"{run.href}{path}", params, missing_ok=True)

    def nodes(self, run: RunRow) -> list[dict]:
        self._probe(run)
        if self.kind == "pgv":
            answer = self._answer(run, f"{self._segments[0]}/tree")
            return [] if answer is None else pgv_node_rows(answer, run)
        return self._wfapi(run)[0] if self.kind == "wfapi" else []

    def steps(self, run: RunRow) -> list[dict]:
        self._probe(run)
        if self.kind == "pgv":
            answer = self.client.get_json(f"{run.href}{self._segments[1]}/allSteps", missing_ok=True)
            return [] if answer is None else pgv_step_rows(answer, run)
        return self._wfapi(run)[1] if self.kind == "wfapi" else []

    def _wfapi(self, run: RunRow) -> tuple[list[dict], list[dict]]:
        """One `describe` per build for both transformers: the first to ask fetches, the second takes it."""
        with self._lock:
            shared = self._shared.get(run.href)
            mine = shared is None
            if mine:
                shared = self._shared[run.href] = [Future(), 2]
            shared[1] -= 1
            if shared[1] == 0:
                del self._shared[run.href]
        future: Future = shared[0]
        if mine:
            try:
                answer = self._answer(run, WFAPI, {"fullStages": "true"})
                future.set_result(([], []) if answer is None else wfapi_rows(answer, run))
            except BaseException as error:
                future.set_exception(error)
        return future.result()
