"""Maps classic Jenkins paths (`/job/a/job/b/12/api/json`, `consoleText`, `stages/tree`, `wfapi/describe`) to replies.

`api` ("core") serves the simulated world through the core JSON API instead of Blue Ocean (which
then answers 404), with Pipeline Graph View under `pgv` (`stages`, `pipeline-overview`, or `legacy`:
`pipeline-graph/tree` and `pipeline-console/allSteps`; None: not installed), Stage View's `wfapi` when
`wfapi`, and the Metrics plugin's TimeInQueueAction when `metrics`.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import pgv as pgv_views
from . import testcases
from .controller import Controller
from .core_resources import CoreResources
from .core_tree import TreeError, parse_tree, select
from .layout import Job, MultiBranch
from .logs import console_bytes, log_entries
from .resources import test_results
from .routes import Reply
from .view import BuildView

# Where each PGV generation serves `tree` and `allSteps` below a build (reference §2.2).
PGV_SEGMENTS = {
    "stages": {"tree": "stages", "allSteps": "stages"},
    "pipeline-overview": {"tree": "pipeline-overview", "allSteps": "pipeline-overview"},
    "legacy": {"tree": "pipeline-graph", "allSteps": "pipeline-console"},
}
IMMUTABLE = "private, immutable, max-age=86400"


@dataclass(frozen=True)
class CoreOptions:
    pgv: str | None = "stages"
    wfapi: bool = False
    metrics: bool = True

    def __post_init__(self) -> None:
        if self.pgv is not None and self.pgv not in PGV_SEGMENTS:
            raise ValueError(f"pgv must be one of {sorted(PGV_SEGMENTS)} or None, got {self.pgv!r}")


def not_found(what: str) -> Reply:
    # Jenkins answers unknown URLs with an HTML error page
    return Reply(404, text=f"<html><body><h2>HTTP ERROR 404 Not Found</h2><p>{what}</p></body></html>".encode(),
                 headers={"Content-Type": "text/html;charset=utf-8"})


def kind_of(segments: list[str]) -> str:
    """Request kind for counting: api_root, api_item, api_build, testReport, consoleText, progressiveText, tree,
    allSteps, wfapi, other."""
    rest = list(segments)
    depth = 0
    while len(rest) >= 2 and rest[0] == "job":
        rest, depth = rest[2:], depth + 1
    if rest == ["api", "json"]:
        return "api_item" if depth else "api_root"
    if rest and rest[0].isdigit():
        tail = rest[1:]
        if tail == ["api", "json"]:
            return "api_build"
        if tail == ["testReport", "api", "json"]:
            return "testReport"
        if tail and tail[-1] in ("consoleText", "progressiveText", "tree", "allSteps", "describe"):
            return "wfapi" if tail[-1] == "describe" else tail[-1]
    return "other"


class CoreRouter:
    def __init__(self, ctl: Controller, options: CoreOptions):
        self.ctl, self.options = ctl, options

    def resolve(self, segments: list[str], query: dict[str, str], root_url: str) -> Reply:
        resources = CoreResources(self.ctl, root_url, self.options.metrics)
        item, rest = self.ctl.root, list(segments)
        while len(rest) >= 2 and rest[0] == "job":
            children = item.branches if isinstance(item, MultiBranch) else getattr(item, "children", None)
            if children is None or rest[1] not in children:
                return not_found(f"no such job: {rest[1]}")
            item, rest = children[rest[1]], rest[2:]
        if rest == ["api", "json"]:
            body = resources.root() if item is self.ctl.root else resources.item(item)
            return self.json(body, query)
        if isinstance(item, Job) and rest and rest[0].isdigit():
            number = int(rest[0])
            if not item.exists(number):
                return not_found(f"no build {number}")
            return self.build(resources, item, number, rest[1:], query)
        return not_found("/".join(segments))

    def json(self, body, query: dict[str, str]) -> Reply:
        try:
            fields = parse_tree(query["tree"]) if query.get("tree") else None
        except TreeError as exc:
            return Reply(400, text=f"<html><body>{exc}</body></html>".encode(),
                         headers={"Content-Type": "text/html;charset=utf-8"})
        return Reply(body=select(body, fields))

    def build(self, resources: CoreResources, job: Job, number: int, rest: list[str], query: dict[str, str]) -> Reply:
        view = self.ctl.view(job, number)
        if rest == ["api", "json"]:
            return self.json(resources.build(job, number), query)
        if rest == ["testReport", "api", "json"]:  # the JUnit plugin's report, of the same cases as Blue Ocean's
            if not (view.finished and view.plan.tests):
                return not_found("no test report")
            return self.json(testcases.test_report(test_results(self.ctl, view), number), query)
        if rest == ["consoleText"]:
            return Reply(text=console_bytes(log_entries(self.ctl.seed, job, view.plan), view.cut))
        if rest == ["logText", "progressiveText"]:
            return self.progressive_text(job, view, query)
        pipeline = not job.recipe.freestyle
        cache = {"Cache-Control": IMMUTABLE if view.finished else "private, no-store"}
        segments = PGV_SEGMENTS.get(self.options.pgv or "", {})
        if pipeline and len(rest) == 2 and segments.get(rest[1]) == rest[0]:
            body = pgv_views.tree(view) if rest[1] == "tree" else pgv_views.all_steps(view)
            return Reply(body=body, headers=cache)
        if pipeline and self.options.wfapi and rest == ["wfapi", "describe"]:
            url = resources.root_url + f"{'/'.join(f'job/{p}' for p in job.path)}/{number}/"
            return Reply(body=pgv_views.describe(view, url))
        return not_found("/".join(rest))

    def progressive_text(self, job: Job, view: BuildView, query: dict[str, str]) -> Reply:
        """Core's AnnotatedLargeText (`logText/progressiveText`): the bytes from `start` on; `X-Text-Size` is
        where the next read starts (the log's length), `X-More-Data` while the build runs."""
        data = console_bytes(log_entries(self.ctl.seed, job, view.plan), view.cut)
        try:
            start = max(0, int(query.get("start", "0")))
        except ValueError:
            start = 0  # Stapler reads a bad number as 0
        headers = {"X-Text-Size": str(max(start, len(data)))}
        if not view.finished:
            headers["X-More-Data"] = "true"
        return Reply(text=data[start:], headers=headers)
