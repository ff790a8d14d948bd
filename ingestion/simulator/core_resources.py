"""Jenkins core JSON objects (`/api/json`) of the simulated controller, as Jenkins' Stapler export writes them.

The same world as the Blue Ocean resources, seen through core: `hudson.model.Hudson` at the root,
folders and multibranch projects with `jobs`, jobs with `builds` (the newest 100 only) and
`allBuilds` (every build, exported only when a `tree=` names it), builds with `actions[]`
(CauseAction, git BuildData, JUnit's TestResultAction, the Metrics plugin's TimeInQueueAction) and
`changeSets`. Fields that cost build lookups are `Lazy`, computed only when `tree=` asks for them
(core_tree.py); `Hidden` ones are left out unless named.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote

from .controller import Controller
from .layout import Job, MultiBranch
from .logs import repo_url
from .view import BuildView

NEWEST_BUILDS = 100  # Job.getNewBuilds(): what `builds` exports


@dataclass(frozen=True)
class Lazy:
    """A field computed only when asked for."""

    get: Callable[[], object]


@dataclass(frozen=True)
class Hidden(Lazy):
    """A field with `visibility = -2`: exported only when `tree=` names it (`allBuilds`)."""


def item_path(item) -> str:
    """The classic URL path of an item below the root: `job/a/job/b/` (names encoded once more)."""
    return "".join(f"job/{quote(name, safe='')}/" for name in item.path)


def build_path(job: Job, number: int) -> str:
    return f"{item_path(job)}{number}/"


JOB_CLASSES = {"freestyle": "hudson.model.FreeStyleProject"}
BUILD_CLASSES = {"freestyle": "hudson.model.FreeStyleBuild"}
PIPELINE_JOB = "org.jenkinsci.plugins.workflow.job.WorkflowJob"
PIPELINE_RUN = "org.jenkinsci.plugins.workflow.job.WorkflowRun"


class CoreResources:
    """The objects; `root_url` is Jenkins' configured root URL (ends with '/'), which every `url` starts with."""

    def __init__(self, ctl: Controller, root_url: str, metrics: bool = True):
        self.ctl, self.root_url, self.metrics = ctl, root_url, metrics

    # --- items ------------------------------------------------------------------------------------

    def root(self) -> dict:
        kids = self.ctl.root.children
        return {"_class": "hudson.model.Hudson", "mode": "NORMAL", "nodeDescription": "the Jenkins controller",
                "nodeName": "", "numExecutors": 2, "url": self.root_url, "useSecurity": True,
                "jobs": Lazy(lambda: [self.item(kids[name]) for name in sorted(kids)])}

    def item(self, item) -> dict:
        if isinstance(item, Job):
            return self.job(item)
        url = self.root_url + item_path(item)
        if isinstance(item, MultiBranch):
            kids = item.branches
            cls = "org.jenkinsci.plugins.workflow.multibranch.WorkflowMultiBranchProject"
        else:
            kids = item.children
            cls = "com.cloudbees.hudson.plugins.folder.Folder"
        return {"_class": cls, "actions": [], "description": None, "displayName": item.name,
                "fullDisplayName": " » ".join(item.path), "fullName": "/".join(item.path), "name": item.name,
                "url": url, "healthReport": [], "primaryView": {"_class": "hudson.model.AllView", "name": "All"},
                "jobs": Lazy(lambda: [self.item(kids[name]) for name in sorted(kids)])}

    def job(self, job: Job) -> dict:
        ctl, url = self.ctl, self.root_url + item_path(job)
        numbers = range(job.last, job.first - 1, -1)

        def ref(number: int | None) -> dict | None:
            return None if number is None else {"_class": self.build_class(job), "number": number,
                                                "url": f"{url}{number}/"}

        def last_completed() -> int | None:
            return next((n for n in numbers if ctl.view(job, n).finished), None)

        actions: list[dict] = []
        if job.branch is not None:
            if job.primary:
                actions.append({"_class": "jenkins.branch.PrimaryInstanceMetadataAction"})
            if job.pr:
                actions.append({"_class": "jenkins.scm.api.metadata.ContributorMetadataAction",
                                "contributor": job.pr["author"], "contributorDisplayName": job.pr["author"]})
            actions.append({"_class": "jenkins.scm.api.metadata.ObjectMetadataAction",
                            "objectDescription": job.pr["title"] if job.pr else None,
                            "objectDisplayName": job.pr["title"] if job.pr else job.branch,
                            "objectUrl": f"https://git.example.com/acme/{job.repo}/"
                                         + (f"pull/{job.pr['id']}" if job.pr else f"tree/{job.branch}")})
        return {
            "_class": JOB_CLASSES.get(job.kind, PIPELINE_JOB), "actions": actions, "description": None,
            "displayName": job.display_name, "fullDisplayName": " » ".join(job.path[:-1] + (job.display_name,)),
            "fullName": job.full_name, "name": job.name, "url": url, "buildable": True,
            "color": Lazy(lambda: self._color(job)),
            "builds": Lazy(lambda: [ref(n) for n in numbers[:NEWEST_BUILDS]]),
            "allBuilds": Hidden(lambda: [Lazy(lambda n=n: self.build(job, n)) for n in numbers]),
            "firstBuild": Lazy(lambda: ref(job.first if job.last >= job.first else None)),
            "lastBuild": Lazy(lambda: ref(job.last if job.last >= job.first else None)),
            "lastCompletedBuild": Lazy(lambda: ref(last_completed())),
            "inQueue": bool(job.queue), "keepDependencies": False,
            "nextBuildNumber": max([job.last] + [q.expected for q in job.queue]) + 1,
            "queueItem": None,
        }

    def _color(self, job: Job) -> str:
        if job.last < job.first:
            return "notbuilt"
        view = self.ctl.view(job, job.last)
        colors = {"SUCCESS": "blue", "UNSTABLE": "yellow", "FAILURE": "red", "ABORTED": "aborted",
                  "NOT_BUILT": "notbuilt"}
        previous = self.ctl.result_of(job, job.last - 1) if job.exists(job.last - 1) else None
        if view.finished:
            return colors[view.plan.result]
        return colors.get(previous or "NOT_BUILT", "notbuilt") + "_anime"

    # --- builds -----------------------------------------------------------------------------------

    def build_class(self, job: Job) -> str:
        return BUILD_CLASSES.get(job.kind, PIPELINE_RUN)

    def build(self, job: Job, number: int) -> dict:
        view = self.ctl.view(job, number)
        plan, done = view.plan, view.finished
        body = {
            "_class": self.build_class(job), "actions": self.actions(view), "artifacts": [],
            "building": not done, "description": None, "displayName": f"#{number}",
            "duration": plan.duration if done else 0, "estimatedDuration": job.recipe.median_ms,
            "executor": None, "fullDisplayName": f"{' » '.join(job.path[:-1] + (job.display_name,))} #{number}",
            "id": str(number), "keepLog": False, "number": number, "queueId": 1000 + number,
            "result": plan.result if done else None, "timestamp": view.start_ms,
            "url": self.root_url + build_path(job, number),
            "inProgress": not done, "nextBuild": None, "previousBuild": None,
        }
        entries = self.change_entries(view)
        if job.recipe.freestyle:
            body["changeSet"] = {"_class": "hudson.scm.EmptyChangeLogSet", "items": [], "kind": None}
        else:
            body["changeSets"] = [{"_class": "hudson.plugins.git.GitChangeSetList", "items": entries,
                                   "kind": "git"}] if entries else []
        return body

    def actions(self, view: BuildView) -> list[dict]:
        """CauseAction, git's BuildData, JUnit's TestResultAction, Metrics' TimeInQueueAction; actions that
        export nothing show as `{}` (with `_class` since Jenkins 2.x)."""
        plan, job = view.plan, view.job
        actions: list[dict] = [{"_class": "hudson.model.CauseAction", "causes": [plan.cause]}]
        if not job.recipe.freestyle:
            ref = f"refs/remotes/origin/{job.branch or 'main'}"
            head = {"SHA1": plan.commit, "branch": [{"SHA1": plan.commit, "name": ref}]}
            actions.append({"_class": "hudson.plugins.git.util.BuildData", "lastBuiltRevision": head,
                            "remoteUrls": [repo_url(job)], "scmName": ""})
            actions.append({"_class": "org.jenkinsci.plugins.workflow.libs.LibrariesAction"})
        if view.finished and plan.tests:
            total, failed, skipped = plan.tests
            actions.append({"_class": "hudson.tasks.junit.TestResultAction", "failCount": failed,
                            "skipCount": skipped, "totalCount": total, "urlName": "testReport"})
        if self.metrics:
            actions.append(self.time_in_queue(view))
        actions.append({"_class": "org.jenkinsci.plugins.displayurlapi.actions.RunDisplayAction"})
        return actions

    def time_in_queue(self, view: BuildView) -> dict:
        """The Metrics plugin's TimeInQueueAction: `queuingTimeMillis` adds every `node {}` block's own wait."""
        plan = view.plan
        queue = view.start_ms - view.enqueue_ms
        waits = [b.start - b.wait_from for n in plan.nodes for b in n.branches
                 if b.wait_from is not None and (view.finished or b.start <= view.elapsed)]
        nodes = (1 if plan.agent else 0) + sum(1 for n in plan.nodes for b in n.branches if b.agent)
        building = plan.duration if view.finished else view.elapsed
        executing = sum(b.duration for n in plan.nodes for b in n.branches if b.agent) + \
            (building if plan.agent else 0)
        return {"_class": "jenkins.metrics.impl.TimeInQueueAction",
                "blockedDurationMillis": 0, "blockedTimeMillis": 0,
                "buildableDurationMillis": queue, "buildableTimeMillis": queue + sum(waits),
                "buildingDurationMillis": building, "executingTimeMillis": executing,
                "executorUtilization": round(executing / building, 2) if building else 0.0,
                "queuingDurationMillis": queue, "queuingTimeMillis": queue + sum(waits),
                "subTaskCount": nodes, "totalDurationMillis": queue + building,
                "waitingDurationMillis": 0, "waitingTimeMillis": 0}

    def change_entries(self, view: BuildView) -> list[dict]:
        return [{"_class": "hudson.plugins.git.GitChangeSet", "affectedPaths": c["paths"],
                 "commitId": c["commitId"], "timestamp": view.enqueue_ms - c["before_ms"],
                 "author": {"absoluteUrl": f"{self.root_url}user/{c['author'][0]}", "fullName": c["author"][1],
                            "id": c["author"][0]},
                 "authorEmail": f"{c['author'][0]}@example.com", "comment": c["msg"] + "\n",
                 "id": c["commitId"], "msg": c["msg"]} for c in view.plan.changes]
