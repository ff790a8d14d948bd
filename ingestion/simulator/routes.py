"""Maps `/blue/rest/...` paths to replies, walking folders, multibranch projects, jobs and runs.

A reply is either a whole body, a text body (logs), or a paged listing: a function of
(start, limit) that builds only the requested slice, so long run lists stay cheap.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import quote

from . import resources as res
from .controller import Controller
from .layout import Folder, Job, MultiBranch
from .logs import Entry, console_bytes, log_entries
from .view import BuildView

MAX_MBP_BRANCHES, MAX_MBP_RUNS_ROWS = 100, 250  # MultibranchPipelineRunContainer's caps
DEFAULT_LOG_THRESHOLD_KB = 150
DEFAULT_LIMIT = 100  # PagedResponse.DEFAULT_LIMIT; there is no maximum


@dataclass
class Reply:
    status: int = 200
    body: object = None
    text: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)
    page: Callable[[int, int], list] | None = None


class BadRequest(Exception):
    """A query parameter Blue Ocean would fail to parse."""


def error(status: int, message: str) -> Reply:
    return Reply(status, {"message": message, "code": status, "errors": []})


def listing(items: list) -> Reply:
    return Reply(page=lambda start, limit: items[start:start + limit])


def int_param(query: dict[str, str], name: str, default: int | None) -> int | None:
    value = query.get(name)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError:
        raise BadRequest(f"Invalid value for {name}: {value!r} is not a number") from None


def tree_fields(tree: str | None) -> set[str] | None:
    """Top-level field names of `tree=a,b,c[d]` (plus `_class`, which Jenkins always writes)."""
    if not tree:
        return None
    keep, depth, name = {"_class"}, 0, ""
    for ch in tree + ",":
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
        elif ch == "," and depth == 0:
            keep.add(name.strip())
            name = ""
        elif depth == 0:
            name += ch
    return keep


def kind_of(segments: list[str]) -> str:
    """The kind of resource a path asks for, for request counting (works on unknown paths too)."""
    if not segments:
        return "root"
    if segments[0] == "search":
        return "search"
    names = {"pipelines": "pipelines", "branches": "branches", "runs": "runs", "nodes": "nodes", "steps": "steps",
             "log": "log", "changeSet": "changeSet", "blueTestSummary": "blueTestSummary", "tests": "tests",
             "artifacts": "artifacts", "queue": "queue", "organizations": "organizations"}
    last = segments[-1]
    if last in names and not (len(segments) >= 2 and segments[-2] in ("pipelines", "branches")):
        return names[last]
    single = {"pipelines": "pipeline", "branches": "pipeline", "runs": "run", "nodes": "node", "steps": "step",
              "queue": "queue_item", "organizations": "organization", "tests": "test"}
    return single.get(segments[-2], "other") if len(segments) >= 2 else "other"


class Router:
    def __init__(self, ctl: Controller):
        self.ctl = ctl

    def resolve(self, segments: list[str], query: dict[str, str]) -> Reply:
        if segments and segments[0] == "search":
            return self.search(query)
        if not segments or segments[0] != "organizations":
            return error(404, "Not found")
        if len(segments) == 1:
            return listing([res.organization()])
        if segments[1] != "jenkins":
            return error(404, f"Organization {segments[1]} not found")
        if len(segments) == 2:
            return Reply(body=res.organization())
        item, rest = self.ctl.root, segments[2:]
        while rest:
            head = rest[0]
            if head == "pipelines" and isinstance(item, Folder):
                children = item.children
            elif head == "branches" and isinstance(item, MultiBranch):
                children = item.branches
            elif isinstance(item, Job):
                return self.job(item, rest, query)
            elif isinstance(item, MultiBranch) and rest == ["runs"]:
                return self.multibranch_runs(item)
            elif isinstance(item, MultiBranch) and rest == ["queue"]:
                return self.queue(list(item.branches.values()))
            else:
                return error(404, f"Not found: {head}")
            if len(rest) == 1:
                return self.children(item, query)
            if rest[1] not in children:
                return error(404, f"Pipeline {rest[1]} not found")
            item, rest = children[rest[1]], rest[2:]
        if item is self.ctl.root:
            return error(404, "Not found")
        return Reply(body=res.pipeline_item(self.ctl, item))

    # --- containers -------------------------------------------------------------------------------

    def children(self, item, query: dict[str, str]) -> Reply:
        ctl, wanted = self.ctl, tree_fields(query.get("tree"))
        if isinstance(item, Folder):
            kids = [item.children[name] for name in sorted(item.children)]
            return Reply(page=lambda s, n: [res.pipeline_item(ctl, k, None, wanted) for k in kids[s:s + n]])
        branches = list(item.branches.values())
        if query.get("filter") == "origin":
            branches = [b for b in branches if not b.pr]
        elif query.get("filter") == "pull-requests":
            branches = [b for b in branches if b.pr]
        branches.sort(key=self._branch_order)
        return Reply(page=lambda s, n: [res.job_item(ctl, b, None, wanted) for b in branches[s:s + n]])

    def _branch_order(self, job: Job):
        """Primary first, then running ones, then by latest end time (newest first), then name."""
        if job.last < job.first:
            return (not job.primary, 2, 0, job.name)
        view = self.ctl.view(job, job.last)
        return (not job.primary, 0 if not view.finished else 1, -(view.start_ms + view.plan.duration), job.name)

    def search(self, query: dict[str, str]) -> Reply:
        terms = {}
        for pair in filter(None, query.get("q", "").split(";")):
            if pair.count(":") != 1:
                return error(400, f"Invalid query term: {pair!r}; expected key:value")
            key, value = pair.split(":")
            terms[key.lower()] = value
        if terms.get("type") != "pipeline":
            return error(400, "Only type:pipeline searches are supported")
        if terms.get("organization", "jenkins") != "jenkins":
            return error(400, f"Organization {terms['organization']} not found")
        excluded = terms.get("excludedfromflattening", "").split(",")
        no_folders = query.get("filter") == "no-folders"
        pattern = terms.get("pipeline")
        found: list[tuple[object, str | None]] = []

        def walk(folder: Folder) -> None:
            for name in sorted(folder.children):
                child = folder.children[name]
                if isinstance(child, Folder):
                    if not no_folders:
                        found.append((child, None))
                    walk(child)
                elif isinstance(child, MultiBranch):
                    found.append((child, None))
                    if "jenkins.branch.MultiBranchProject" not in excluded:
                        # Blue Ocean builds these hrefs from the org-level container: they are wrong
                        found.extend((b, f"{res.ORG}pipelines/{quote(b.name, safe='')}/")
                                     for b in child.branches.values())
                else:
                    found.append((child, None))

        walk(self.ctl.root)
        if pattern:
            found = [(i, h) for i, h in found if fnmatch.fnmatchcase("/".join(i.path), pattern)]
        ctl, wanted = self.ctl, tree_fields(query.get("tree"))
        return Reply(page=lambda s, n: [res.pipeline_item(ctl, i, h, wanted) for i, h in found[s:s + n]])

    def queue(self, jobs: list[Job]) -> Reply:
        items = sorted(((j, q) for j in jobs for q in j.queue), key=lambda jq: -jq[1].id)
        return listing([res.queue_item(j, q) for j, q in items])

    def multibranch_runs(self, project: MultiBranch) -> Reply:
        """Blue Ocean's merged list: first 100 branches, `start` applied per branch, 250 rows each."""
        ctl = self.ctl
        branches = sorted(project.branches.values(), key=self._branch_order)[:MAX_MBP_BRANCHES]

        def page(start: int, limit: int) -> list:
            rows = []
            for job in branches:
                top = job.last - start
                rows += [(ctl.view(job, n).start_ms, job, n)
                         for n in range(top, max(job.first - 1, top - MAX_MBP_RUNS_ROWS), -1)]
            rows.sort(key=lambda r: -r[0])
            return [res.run_body(ctl, job, n) for _, job, n in rows[:limit]]
        return Reply(page=page)

    # --- one job ------------------------------------------------------------------------------------

    def job(self, job: Job, rest: list[str], query: dict[str, str]) -> Reply:
        ctl = self.ctl
        if not rest:
            return Reply(body=res.job_item(ctl, job))
        if rest == ["runs"]:
            queued = [res.queued_run(job, q) for q in sorted(job.queue, key=lambda q: -q.expected)]

            def page(start: int, limit: int) -> list:
                top = job.last - start
                return queued + [res.run_body(ctl, job, n) for n in range(top, max(job.first - 1, top - limit), -1)]
            return Reply(page=page)
        if rest == ["queue"]:
            return self.queue([job])
        if rest[0] == "queue" and len(rest) == 2:
            item = next((q for q in job.queue if str(q.id) == rest[1]), None)
            return Reply(body=res.queue_item(job, item)) if item else error(404, f"Queue item {rest[1]} not found")
        if rest[0] != "runs":
            return error(404, f"Not found: {rest[0]}")
        run_id = rest[1]
        number = int(run_id) if run_id.isdigit() else -1
        if not job.exists(number):
            queued = next((q for q in job.queue if q.expected == number), None)
            if queued and len(rest) == 2:
                return Reply(body=res.queued_run(job, queued))
            return error(404, f"Run {run_id} not found in organization jenkins and pipeline {job.name}")
        return self.run(job, number, rest[2:], query)

    def run(self, job: Job, number: int, rest: list[str], query: dict[str, str]) -> Reply:
        ctl = self.ctl
        view = ctl.view(job, number)
        base = res.run_href(job, number)
        if not rest:
            return Reply(body=res.run_body(ctl, job, number))
        what, more = rest[0], rest[1:]
        if what == "log" and not more:
            return self.log(view, log_entries(ctl.seed, job, view.plan), query)
        if what == "changeSet" and not more:
            return listing(res.change_set(view))
        if what == "blueTestSummary" and not more:
            return Reply(body=res.test_summary(ctl, view))
        if what == "artifacts" and not more:
            return listing(res.artifacts(view))
        if what == "tests" and not more:
            return self.tests(view, query)
        if what in ("nodes", "steps") and not job.recipe.freestyle:
            return self.graph(view, what, more, query, base)
        return error(404, f"Not found: {what}")

    def tests(self, view: BuildView, query: dict[str, str]) -> Reply:
        """BlueTestResultContainerImpl: 404 "no tests" without a report; `status` and `state` take a
        comma-separated list, `!` excluding a value."""
        if not view.finished or not view.plan.tests:
            return error(404, "no tests")
        results = res.test_results(self.ctl, view)
        for name in ("status", "state"):
            if query.get(name):
                wanted = query[name].upper().split(",")
                keep = {w for w in wanted if not w.startswith("!")}
                drop = {w[1:] for w in wanted if w.startswith("!")}
                results = [r for r in results
                           if (not keep or getattr(r, name) in keep) and getattr(r, name) not in drop]
        return Reply(page=lambda s, n: [res.test_case(view, r) for r in results[s:s + n]])

    def graph(self, view: BuildView, what: str, rest: list[str], query: dict[str, str], base: str) -> Reply:
        ctl, job = self.ctl, view.job
        if what == "steps":
            return self.steps(view, None, rest, query, f"{base}steps/")
        union = ctl.union_with_last_success(job, view.plan.number, view)
        nodes = res.nodes_body(view, union, ctl.now_ms)
        if not rest:
            return listing(nodes)
        node = next((n for n in nodes if n["id"] == rest[0]), None)
        if node is None:
            return error(404, f"Stage {rest[0]} not found in pipeline {job.name}.")
        if len(rest) == 1:
            return Reply(body=node)
        if rest[1] == "steps":
            return self.steps(view, rest[0], rest[2:], query, f"{base}nodes/{rest[0]}/steps/")
        if rest[1] == "log" and len(rest) == 2:
            return self.node_log(view, rest[0])
        return error(404, f"Not found: {rest[1]}")

    def steps(self, view: BuildView, node_id: str | None, rest: list[str], query: dict[str, str],
              container: str) -> Reply:
        if not rest:
            steps = view.steps(node_id)
            return listing([res.step_body(view, s, container) for s in steps])
        step = next((s for s in view.steps() if s.t.id == rest[0]), None)
        if step is None:
            return error(404, f"Step {rest[0]} not found")
        if len(rest) == 1:
            return Reply(body=res.step_body(view, step, container))
        if rest[1] == "log" and len(rest) == 2:
            entries = [e for e in log_entries(self.ctl.seed, view.job, view.plan) if e.step == step.t.id]
            if not entries:
                return error(404, f"No log for step {rest[0]}")
            return self.log(view, entries, query)
        return error(404, f"Not found: {rest[1]}")

    # --- logs ---------------------------------------------------------------------------------------

    def log(self, view: BuildView, entries: list[Entry], query: dict[str, str]) -> Reply:
        """LogResource: `start` gives bytes from there (no cap); without it only the last 150 KB."""
        data = console_bytes(entries, view.cut)
        start = int_param(query, "start", None)
        threshold = int_param(query, "thresholdInKB", DEFAULT_LOG_THRESHOLD_KB) * 1024
        if start is not None:
            offset = max(0, start)
        else:
            offset = len(data) - threshold if len(data) > threshold else 0
        size = max(offset, len(data))
        headers = {"X-Text-Size": str(size), "X-Text-Delivered": str(size - offset)}
        if not view.finished:
            headers["X-More-Data"] = "true"
        if query.get("download", "").lower() == "true":
            headers["Content-Disposition"] = "attachment; filename=log.txt"
        return Reply(text=data[offset:], headers=headers)

    def node_log(self, view: BuildView, node_id: str) -> Reply:
        """NodeLogResource: the node's step logs concatenated; ignores `start`, only X-Text-Size."""
        ids = {s.t.id for s in view.steps(node_id)}
        data = console_bytes([e for e in log_entries(self.ctl.seed, view.job, view.plan) if e.step in ids], view.cut)
        return Reply(text=data, headers={"X-Text-Size": str(len(data))} if data else {})
