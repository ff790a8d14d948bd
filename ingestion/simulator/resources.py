"""Blue Ocean JSON objects, with the field names, `_class` values, links and quirks of the real plugin.

Field order follows Jenkins' export (alphabetical getters, subclass fields last), as in the samples.
`actions[]` items repeat `_class` (see jsontext.Pairs). Timestamps use the controller's zone.
"""

from __future__ import annotations

from urllib.parse import quote

from . import testcases
from .clock import EPOCH_STEP_TIME, jenkins_time
from .controller import Controller
from .jsontext import Pairs
from .layout import Folder, Job, MultiBranch, QueueItem
from .logs import repo_url
from .testcases import CaseResult
from .view import BuildView, NodeState, StepState

ORG = "/blue/rest/organizations/jenkins/"
PKG = "io.jenkins.blueocean.rest.impl.pipeline."
EMBEDDED = "io.jenkins.blueocean.service.embedded.rest."
PROXY = EMBEDDED + "ActionProxiesImpl"
PERMISSIONS = {"create": True, "configure": True, "read": True, "start": True, "stop": True}


def link(href: str | None) -> dict:
    return {"_class": "io.jenkins.blueocean.rest.hal.Link", "href": href}


def links(base: str, *rels: str) -> dict:
    return {"self": link(base), **{rel: link(f"{base}{rel}/") for rel in rels}}


def action(base: str, url_name: str | None, real_class: str, **fields) -> Pairs:
    """An action proxy: `_class` twice, as BlueActionProxy exports it."""
    self_link = link(f"{base}{url_name}/") if url_name else None
    return Pairs([("_class", PROXY), ("_links", {"self": self_link}), ("_class", real_class),
                  *sorted(fields.items()), ("urlName", url_name)])


def item_href(item) -> str:
    """`_links.self.href`: folders repeat `/pipelines/`; a branch job name is URL-encoded again."""
    if isinstance(item, Job) and item.branch is not None:
        return f"{ORG}pipelines/{'/pipelines/'.join(item.path[:-1])}/branches/{quote(item.name, safe='')}/"
    return f"{ORG}pipelines/{'/pipelines/'.join(item.path)}/"


def run_href(job: Job, number: int) -> str:
    return f"{item_href(job)}runs/{number}/"


def _full_display_name(item) -> str:
    names = list(item.path[:-1]) + [item.display_name if isinstance(item, Job) else item.name]
    return "/".join(quote(n, safe="") for n in names)


def organization() -> dict:
    return {"_class": EMBEDDED + "OrganizationImpl", "_links": links(ORG, "pipelines", "user", "users"),
            "displayName": "Jenkins", "name": "jenkins"}


# --- pipelines ---------------------------------------------------------------------------------------

def _weather(ctl: Controller, job: Job) -> int:
    """Health of the last five finished builds, 0-100 in steps of 20."""
    results = [r for r in (ctl.result_of(job, n) for n in range(job.last, max(job.first, job.last - 6) - 1, -1))
               if r is not None][:5]
    return 100 if not results else int(round(100 * results.count("SUCCESS") / len(results) / 20) * 20)


def _job_actions(base: str) -> list:
    return [action(base, "move", "com.cloudbees.hudson.plugins.folder.relocate.RelocationAction"),
            action(base, "pipeline-syntax", "org.jenkinsci.plugins.workflow.cps.Snippetizer$LocalAction")]


def branch_info(job: Job) -> dict:
    return {"isPrimary": job.primary, "issues": [],
            "url": f"https://git.example.com/acme/{job.repo}/tree/{quote(job.branch or '', safe='/')}"}


def pull_request(job: Job) -> dict:
    pr = job.pr
    return {"author": pr["author"], "id": pr["id"], "title": pr["title"],
            "url": f"https://git.example.com/acme/{job.repo}/pull/{pr['id']}"}


def job_item(ctl: Controller, job: Job, href: str | None = None, wanted: set[str] | None = None) -> dict:
    """A job; fields outside `wanted` (from `tree=`) that cost build lookups are left out early."""
    base = href or item_href(job)
    built = job.last >= job.first
    classes = {"freestyle": EMBEDDED + "FreeStylePipeline", "pipeline": PKG + "PipelineImpl"}
    cls = classes.get(job.kind, PKG + "BranchImpl")
    body = {
        "_class": cls, "_links": links(base, "scm", "actions", "runs", "trends", "queue"),
        "actions": _job_actions(base), "disabled": False, "displayName": job.display_name,
        "estimatedDurationInMillis": job.recipe.median_ms if built else -1,
        "fullDisplayName": _full_display_name(job), "fullName": job.full_name,
        "latestRun": None, "name": job.name, "organization": "jenkins", "parameters": [],
        "permissions": PERMISSIONS, "weatherScore": None,
    }
    if wanted is None or "latestRun" in wanted:
        body["latestRun"] = run_body(ctl, job, job.last, summary=True) if built else None
    if wanted is None or "weatherScore" in wanted:
        body["weatherScore"] = _weather(ctl, job)
    if job.branch is not None:
        body["branch"] = branch_info(job)
        if job.pr:
            body["pullRequest"] = pull_request(job)
    return body


def folder_item(folder: Folder) -> dict:
    base = item_href(folder)
    kids = folder.children.values()
    return {"_class": EMBEDDED + "PipelineFolderImpl", "_links": links(base, "pipelines", "actions", "queue"),
            "actions": [], "displayName": folder.name, "fullDisplayName": _full_display_name(folder),
            "fullName": "/".join(folder.path), "name": folder.name, "organization": "jenkins",
            "permissions": PERMISSIONS,
            "numberOfFolders": sum(isinstance(k, Folder) for k in kids),
            "numberOfPipelines": sum(not isinstance(k, Folder) for k in kids),
            "pipelineFolderNames": sorted(k.name for k in kids if isinstance(k, Folder))}


def multibranch_item(ctl: Controller, project: MultiBranch) -> dict:
    base = item_href(project)
    branches = list(project.branches.values())
    last = {j.name: ctl.result_of(j, j.last) if j.last >= j.first else None for j in branches}

    def count(prs: bool, results: tuple) -> int:
        return sum(1 for j in branches if bool(j.pr) == prs and last[j.name] in results)

    return {
        "_class": PKG + "MultiBranchPipelineImpl", "_links": links(base, "branches", "actions", "runs", "queue"),
        "actions": _job_actions(base), "displayName": project.name, "fullDisplayName": _full_display_name(project),
        "fullName": "/".join(project.path), "name": project.name, "organization": "jenkins",
        "permissions": PERMISSIONS, "estimatedDurationInMillis": project.recipe.median_ms,
        "numberOfFolders": 0, "numberOfPipelines": len(branches),
        "weatherScore": min((_weather(ctl, j) for j in branches), default=100),
        "branchNames": [j.name for j in branches][:100],
        "numberOfFailingBranches": count(False, ("FAILURE", "UNSTABLE")),
        "numberOfFailingPullRequests": count(True, ("FAILURE", "UNSTABLE")),
        "numberOfSuccessfulBranches": count(False, ("SUCCESS",)),
        "numberOfSuccessfulPullRequests": count(True, ("SUCCESS",)),
        "scriptPath": "Jenkinsfile",
        "totalNumberOfBranches": sum(1 for j in branches if not j.pr),
        "totalNumberOfPullRequests": sum(1 for j in branches if j.pr),
    }


def pipeline_item(ctl: Controller, item, href: str | None = None, wanted: set[str] | None = None) -> dict:
    if isinstance(item, Job):
        return job_item(ctl, item, href, wanted)
    if isinstance(item, MultiBranch):
        return multibranch_item(ctl, item)
    return folder_item(item)


# --- runs --------------------------------------------------------------------------------------------

def _run_summary_text(ctl: Controller, view: BuildView) -> str:
    if not view.finished:
        return "?"
    result, job = view.plan.result, view.job
    previous = ctl.result_of(job, view.plan.number - 1) if job.exists(view.plan.number - 1) else None
    if result == "SUCCESS":
        return "back to normal" if previous not in (None, "SUCCESS") else "stable"
    if result == "FAILURE":
        return "broken for a long time" if previous == "FAILURE" else "broken since this build"
    return {"UNSTABLE": "unstable", "ABORTED": "aborted", "NOT_BUILT": "not built"}[result]


def _run_actions(view: BuildView, base: str) -> list:
    plan, job = view.plan, view.job
    queue = view.start_ms - view.enqueue_ms
    actions = [action(base, "cause", "hudson.model.CauseAction", causes=[plan.cause])]
    if not job.recipe.freestyle:
        ref = f"refs/remotes/origin/{job.branch or 'main'}"
        head = {"SHA1": plan.commit, "branch": [{"SHA1": plan.commit, "name": ref}]}
        actions.append(action(base, "git", "hudson.plugins.git.util.BuildData", lastBuiltRevision=head,
                              remoteUrls=[repo_url(job)], scmName="",
                              buildsByBranchName={ref: {
                                  "_class": "hudson.plugins.git.util.Build", "buildNumber": plan.number,
                                  "buildResult": None, "marked": head, "revision": head}}))
    actions.append(action(base, "timings", "jenkins.metrics.impl.TimeInQueueAction", queuingDurationMillis=queue,
                          totalDurationMillis=queue + (plan.duration if view.finished else view.elapsed)))
    return actions


def change_set(view: BuildView) -> list[dict]:
    base = run_href(view.job, view.plan.number)
    return [{
        "_class": EMBEDDED + "ChangeSetResource", "_links": {"self": link(f"{base}changeset/{c['commitId']}/")},
        "affectedPaths": c["paths"],
        "author": {"_class": EMBEDDED + "UserImpl", "_links": {"self": link(f"/blue/rest/users/{c['author'][0]}/")},
                   "email": f"{c['author'][0]}@example.com", "fullName": c["author"][1], "id": c["author"][0]},
        "checkoutCount": 0, "commitId": c["commitId"], "issues": [], "msg": c["msg"],
        "timestamp": jenkins_time(view.enqueue_ms - c["before_ms"]),
        "url": f"https://git.example.com/acme/{view.job.repo}/commit/{c['commitId']}",
    } for c in view.plan.changes]


def run_body(ctl: Controller, job: Job, number: int, summary: bool = False) -> dict:
    """A run (`PipelineRunImpl`/`FreeStyleRunImpl`), or the run summary a pipeline shows as `latestRun`."""
    view = ctl.view(job, number)
    plan, base, pipeline = view.plan, run_href(job, number), not job.recipe.freestyle
    rels = ["parent", "actions", "artifacts", "changeSet", "tests", "blueTestSummary", "log"]
    if pipeline:
        rels += ["nodes", "steps"]
    run_links = links(base, *rels)
    run_links["parent"] = link(item_href(job))
    if job.exists(number - 1):
        run_links["prevRun"] = link(run_href(job, number - 1))
    if job.exists(number + 1):
        run_links["nextRun"] = link(run_href(job, number + 1))
    if pipeline:
        cls = PKG + ("PipelineImpl$PipelineRunSummary" if summary else "PipelineRunImpl")
    else:
        cls = EMBEDDED + ("FreeStylePipeline$FreeStyleRunSummary" if summary else "FreeStyleRunImpl")
    done = view.finished
    has_artifact = done and job.recipe.artifact and plan.result in ("SUCCESS", "UNSTABLE")
    body = {
        "_class": cls, "_links": run_links, "actions": _run_actions(view, base),
        "artifactsZipFile": f"/{_job_url(job)}{number}/artifact/*zip*/archive.zip" if has_artifact else None,
        "causeOfBlockage": view.blockage() if pipeline and not done else None,
        "causes": [plan.cause], "changeSet": change_set(view), "description": None,
        "durationInMillis": plan.duration if done else 0,
        "enQueueTime": jenkins_time(view.enqueue_ms),
        "endTime": jenkins_time(view.start_ms + plan.duration) if done else None,
        "estimatedDurationInMillis": job.recipe.median_ms, "id": str(number), "name": None,
        "organization": "jenkins", "pipeline": job.name, "replayable": pipeline,
        "result": plan.result if done else "UNKNOWN", "runSummary": _run_summary_text(ctl, view),
        "startTime": jenkins_time(view.start_ms), "state": view.state,
        "type": "WorkflowRun" if pipeline else "FreeStyleBuild",
    }
    if pipeline and not summary:
        body["branch"] = branch_info(job) if job.branch is not None else None
        body["commitId"] = plan.commit
        body["commitUrl"] = None
        body["pullRequest"] = pull_request(job) if job.pr else None
    return body


def _job_url(job: Job) -> str:
    """Jenkins' classic URL of a job: `job/a/job/b/`."""
    return "".join(f"job/{quote(name, safe='')}/" for name in job.path)


def queued_run(job: Job, item: QueueItem) -> dict:
    """`QueuedBlueRun`: a queue item shown in the runs list, with `type: QueuedItem`."""
    base = run_href(job, item.expected)
    user_id, full_name = item.user
    return {
        "_class": EMBEDDED + "QueuedBlueRun", "_links": {"self": link(base), "parent": link(item_href(job))},
        "actions": [], "artifactsZipFile": None, "causeOfBlockage": item.blockage,
        "causes": [_user_cause(user_id, full_name)], "changeSet": [], "description": None,
        "durationInMillis": None, "enQueueTime": None, "endTime": None, "estimatedDurationInMillis": None,
        "id": str(item.expected), "name": None, "organization": "jenkins", "pipeline": job.name,
        "queueId": str(item.id), "replayable": False, "result": "UNKNOWN", "runSummary": None,
        "startTime": None, "state": "QUEUED", "type": "QueuedItem",
    }


def _user_cause(user_id: str, full_name: str) -> dict:
    return {"_class": "hudson.model.Cause$UserIdCause", "shortDescription": f"Started by user {full_name}",
            "userId": user_id, "userName": full_name}


def queue_item(job: Job, item: QueueItem) -> dict:
    base = f"{item_href(job)}queue/{item.id}/"
    return {"_class": EMBEDDED + "QueueItemImpl", "_links": {"self": link(base), "parent": link(item_href(job))},
            "cause": [_user_cause(*item.user)], "causeOfBlockage": item.blockage,
            "expectedBuildNumber": item.expected, "id": str(item.id), "organization": "jenkins",
            "pipeline": job.name, "queuedTime": jenkins_time(item.queued_ms)}


# --- nodes and steps ---------------------------------------------------------------------------------

def nodes_body(view: BuildView, union: bool, now_ms: int) -> list[dict]:
    """The node graph: edges link each stage to its branches or the next stage, branches to the next stage."""
    shown = view.nodes(union)
    stages = [n for n in shown if n.t.type == "STAGE"]
    following = {s.t.id: (stages[i + 1] if i + 1 < len(stages) else None) for i, s in enumerate(stages)}
    previous = {s.t.id: (stages[i - 1].t.id if i else None) for i, s in enumerate(stages)}
    base = run_href(view.job, view.plan.number)
    out = []
    for node in shown:
        if node.t.type == "STAGE":
            branches = [n for n in shown if n.t.parent == node.t.id]
            targets = branches or ([following[node.t.id]] if following[node.t.id] else [])
            parent = previous[node.t.id]
        else:
            nxt = following[node.t.parent]
            targets, parent = ([nxt] if nxt else []), node.t.parent
        out.append(_node(view, node, targets, parent, base, now_ms))
    return out


def _node(view: BuildView, node: NodeState, targets: list[NodeState], parent: str | None, base: str,
          now_ms: int) -> dict:
    href = f"{base}nodes/{node.t.id}/"
    start = None if node.start is None else view.start_ms + node.start
    if node.t.spec.synthetic and node.state is not None:
        start = now_ms  # Blue Ocean stamps the synthetic Parallel node with the time of the request
    return {
        "_class": PKG + "PipelineNodeImpl", "_links": links(href, "actions", "steps"), "actions": [],
        "displayDescription": None, "displayName": node.t.name, "durationInMillis": node.duration,
        "id": node.t.id, "input": None, "result": node.result, "startTime": jenkins_time(start),
        "state": node.state, "type": node.t.type, "causeOfBlockage": node.blockage,
        "edges": [{"_class": PKG + "PipelineNodeImpl$EdgeImpl", "id": t.t.id, "type": t.t.type} for t in targets],
        "firstParent": parent, "restartable": False,
    }


def step_body(view: BuildView, step: StepState, container: str) -> dict:
    """A step; `container` is the href of the list it is reached from (run steps or a node's steps)."""
    href = f"{container}{step.t.id}/"
    spec = step.t.spec
    start = EPOCH_STEP_TIME if step.start is None else jenkins_time(view.start_ms + step.start)
    actions = [] if step.synthetic else [
        action(href, "log", "org.jenkinsci.plugins.workflow.support.actions.LogActionImpl")]
    pending = None
    if step.state == "PAUSED":
        pending = {"_class": PKG + "InputStepImpl", "_links": {"self": link(f"{href}input/")},
                   "id": "Apply-approval", "message": spec.description, "ok": "Apply", "parameters": [],
                   "submitter": "infra-leads"}
    return {
        "_class": PKG + "PipelineStepImpl", "_links": links(href, "actions"), "actions": actions,
        "displayDescription": None if spec.output == "blocked" else spec.description,
        "displayName": spec.name, "durationInMillis": step.duration, "id": step.t.id, "input": pending,
        "result": step.result, "startTime": start, "state": step.state, "type": "STEP",
    }


# --- tests and artifacts -----------------------------------------------------------------------------

def test_summary(ctl: Controller, view: BuildView) -> dict:
    counts = dict.fromkeys(("existingFailed", "failed", "fixed", "passed", "regressions", "skipped", "total"), 0)
    tests = view.plan.tests if view.finished else None
    if tests:
        total, failed, skipped = tests
        number, job = view.plan.number, view.job
        before = ctl.view(job, number - 1).plan.tests if job.exists(number - 1) else None
        failed_before = before[1] if before else 0
        counts.update(total=total, failed=failed, skipped=skipped, passed=total - failed - skipped,
                      regressions=failed if not failed_before else 0,
                      existingFailed=failed if failed_before else 0,
                      fixed=failed_before if not failed else 0)
    return {"_class": "io.jenkins.blueocean.rest.model.BlueTestSummary", **counts}


def test_results(ctl: Controller, view: BuildView) -> list[CaseResult]:
    """The build's JUnit results (testcases.py), failed first; its neighbours' plans give state and age."""
    job = view.job

    def plan_of(number: int):
        return ctl.plan(job, number) if job.exists(number) and ctl.view(job, number).finished else None

    return testcases.results(ctl.seed, job, view.plan, plan_of)


def test_case(view: BuildView, result: CaseResult) -> dict:
    """`BlueJUnitTestResult`: `name` is "<case> – <className>" (an en dash), duration in float seconds."""
    case = result.case
    case_id = f"{EMBEDDED}junit.BlueJUnitTestResult:{quote(case.class_name + ':' + case.name, safe='')}"
    return {
        "_class": EMBEDDED + "junit.BlueJUnitTestResult",
        "_links": {"self": link(f"{run_href(view.job, view.plan.number)}tests/{quote(case_id, safe='')}/")},
        "age": result.age, "duration": result.duration_s,
        "errorDetails": result.error_details, "errorStackTrace": result.error_stack_trace,
        "hasStdLog": False, "id": case_id, "name": f"{case.name} – {case.class_name}", "state": result.state,
        "status": result.status,
    }


def artifacts(view: BuildView) -> list[dict]:
    job, number = view.job, view.plan.number
    if not (view.finished and job.recipe.artifact and view.plan.result in ("SUCCESS", "UNSTABLE")):
        return []
    path = job.recipe.artifact
    return [{"_class": EMBEDDED + "ArtifactImpl",
             "_links": {"self": link(f"{run_href(job, number)}artifacts/{quote(path, safe='')}/")},
             "downloadable": True, "id": f"{EMBEDDED}ArtifactImpl:{quote(path, safe='')}",
             "name": path.rsplit("/", 1)[-1], "path": path, "size": 48_213_117 + number,
             "url": f"/{_job_url(job)}{number}/artifact/{path}"}]
