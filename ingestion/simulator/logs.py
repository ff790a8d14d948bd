"""Console logs: a build's log as timed entries, so a running build shows a prefix of its final log.

Each entry carries the moment (ms after the build's start) it was written and the step that wrote
it. The served log is every entry up to the moment of the request; the final entry,
`Finished: <RESULT>`, is written at the build's end. Step and node logs filter the same entries.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import evidence, scm
from .layout import Job
from .people import COMMIT_MESSAGES, USERS
from .plan import BuildPlan, NodeRun, StepRun
from .recipes import pool_label
from .seeding import rng_for, stable_int

PIPELINE_STEP = {"checkout": "checkout", "echo": "echo", "junit": "junit", "archive": "archiveArtifacts",
                 "input": "input"}


@dataclass(frozen=True)
class Entry:
    at: int
    text: str
    step: str | None = None  # flow-node id of the step that printed it


def repo_url(job: Job) -> str:
    return f"https://git.example.com/acme/{job.repo}.git"


def workspace(job: Job, agent: str | None) -> str:
    root = "/home/jenkins/workspace" if agent and agent != "Jenkins" else "/var/jenkins_home/workspace"
    if job.branch is None:
        return f"{root}/{job.full_name}"
    return f"{root}/{'/'.join(job.path[:-1])}_{job.branch.replace('/', '_')}"


def _message(commit: str, plan: BuildPlan) -> str:
    message = plan.changes[-1]["msg"] if plan.changes else COMMIT_MESSAGES[stable_int(commit) % len(COMMIT_MESSAGES)]
    return message + (" [ci skip]" if plan.result == "NOT_BUILT" else "")


class _Writer:
    def __init__(self, seed: int, job: Job, plan: BuildPlan):
        self.job, self.plan = job, plan
        self.rng = rng_for(seed, job.full_name, plan.number, "log")
        self.entries: list[Entry] = []
        test_steps = sum(1 for n in plan.nodes for node in (n, *n.branches) for s in node.steps
                         if s.t.spec.output in evidence.TEST_OUTPUTS)
        self.tests_per_step = (plan.tests[0] // max(1, test_steps)) if plan.tests else 0
        self.base = {"project": job.repo, "url": repo_url(job), "branch": job.branch or "main", "commit": plan.commit,
                         "previous": scm.head_commit(seed, job, plan.number - 1) if plan.number > 1 else plan.commit,
                         "message": _message(plan.commit, plan), "verbose": plan.verbose}

    def emit(self, at: int, lines: list[str], step: str | None = None) -> None:
        if lines:
            self.entries.append(Entry(at, "".join(line + "\n" for line in lines), step))

    def ctx(self, agent: str | None, with_failures: bool) -> evidence.Ctx:
        tests = self.plan.tests or (0, 0, 0)
        failed = tests[1] if with_failures else 0
        return evidence.Ctx(rng=self.rng, ws=workspace(self.job, agent), agent=agent, failed=failed,
                            tests=max(self.tests_per_step, failed + tests[2] + 1), skipped=tests[2], **self.base)

    def step(self, step: StepRun, agent: str | None, head: list[str]) -> None:
        """A step's lines: its head and the first half of its output when it starts, the rest when it ends."""
        spec, category = step.t.spec, self.plan.category
        c = self.ctx(agent, step.evidence)
        normal, tail = evidence.OUTPUTS[spec.output](c), []
        before, after = normal[: (len(normal) + 1) // 2], normal[(len(normal) + 1) // 2:]
        if spec.output == "echo":
            head = head + [self.expand(spec.description)]
        elif spec.output == "input":
            head = head + [spec.description, "Apply or Abort"]
            tail = [f"Approved by {self.rng.choice(USERS)[1]}"]
        if step.evidence and category in ("compilation_error", "dependency_error"):
            before, after = [], evidence.failure_lines(category, spec.output, c)
        elif step.evidence and category in ("scm_error", "infrastructure", "unknown"):
            after = evidence.failure_lines(category, spec.output, c)
        elif step.evidence and category == "aborted":
            after, tail = [], [f"Aborted by {self.rng.choice(USERS)[1]}", "Sending interrupt signal to process"]
        elif step.evidence and category == "timeout":
            after = []
            if not self.job.recipe.freestyle:  # the freestyle build-timeout plugin speaks at the build's end
                tail = ["Cancelling nested steps due to timeout", "Sending interrupt signal to process"]
        elif step.result == "ABORTED":  # a parallel branch cut short by an abort elsewhere
            after, tail = [], ["Sending interrupt signal to process"]
        if step.result == "ABORTED" and not self.job.recipe.freestyle:
            tail.append("script returned exit code 143")
        self.emit(step.start, head + before, step.t.id)
        self.emit(max(step.start, step.end - 1), after + tail, step.t.id)

    def expand(self, text: str) -> str:
        """The variables `sh -x` and `echo` print expanded."""
        return (text.replace("${BRANCH_NAME}", self.base["branch"]).replace("${GIT_COMMIT}", self.plan.commit)
                .replace("${JOB_BASE_NAME}", self.job.name))

    def pipeline_step(self, step: StepRun, agent: str | None) -> None:
        spec = step.t.spec
        if spec.name == "Shell Script":
            head = ["[Pipeline] sh", f"+ {self.expand(spec.description)}"]
        else:
            head = [f"[Pipeline] {PIPELINE_STEP[spec.output]}"]
        self.step(step, agent, head)

    def node(self, node: NodeRun) -> None:
        plan, spec = self.plan, node.t.spec
        if not spec.synthetic:
            self.emit(node.start, ["[Pipeline] stage", f"[Pipeline] {{ ({node.t.name})"])
        if not node.branches:
            for step in node.steps:
                self.pipeline_step(step, plan.agent)
        else:
            self.emit(node.start, ["[Pipeline] parallel"]
                      + [f"[Pipeline] {{ (Branch: {b.t.name})" for b in node.branches])
            for i, branch in enumerate(node.branches):
                self.branch(branch, i)
            self.emit(node.end, ["[Pipeline] // parallel"])
        if not spec.synthetic:
            self.emit(node.end, ["[Pipeline] }", "[Pipeline] // stage"])

    def branch(self, branch: NodeRun, index: int) -> None:
        label = pool_label(self.job.recipe, branch.t.spec)
        if branch.wait_from is not None:
            self.emit(branch.wait_from, ["[Pipeline] node", "Still waiting to schedule task",
                                         f"Waiting for next available executor on ‘{label}’"])
        else:
            self.emit(branch.start, ["[Pipeline] node"])
        if branch.agent:
            ws = workspace(self.job, branch.agent) + (f"@{index + 2}" if branch.agent == self.plan.agent else "")
            self.emit(branch.start, [f"Running on {branch.agent} in {ws}", "[Pipeline] {"])
        for step in branch.steps:
            self.pipeline_step(step, branch.agent)
        self.emit(branch.end, ["[Pipeline] }", "[Pipeline] // node", "[Pipeline] }"])

    def trailer(self) -> list[str]:
        plan = self.plan
        if plan.category == "timeout":
            return ["Timeout has been exceeded"]
        if plan.result == "NOT_BUILT":
            return ["Skipping the remaining stages: the commit message contains [ci skip]"]
        if plan.result == "FAILURE" and plan.category not in ("scm_error", "infrastructure"):
            return [f"ERROR: script returned exit code {1 if plan.category != 'unknown' else 2}"]
        return []

    def pipeline(self) -> None:
        plan, job = self.plan, self.job
        self.emit(0, [plan.cause["shortDescription"]])
        if plan.jenkinsfile_failed:
            self.emit(900, evidence.scm_error(self.ctx(None, False)))
            self.emit(plan.duration, ["Finished: FAILURE"])
            return
        self.emit(40, [f"Obtained Jenkinsfile from git {repo_url(job)}", "[Pipeline] Start of Pipeline",
                       "[Pipeline] timeout", f"Timeout set to expire in {job.recipe.timeout_min} min", "[Pipeline] {"])
        if plan.agent:
            self.emit(200, ["[Pipeline] node", f"Running on {plan.agent} in {workspace(job, plan.agent)}",
                            "[Pipeline] {"])
        for node in plan.nodes:
            self.node(node)
        end = plan.duration - 1
        if plan.agent:
            self.emit(end, ["[Pipeline] }", "[Pipeline] // node"])
        self.emit(end, ["[Pipeline] }", "[Pipeline] // timeout", "[Pipeline] End of Pipeline"] + self.trailer())
        self.emit(plan.duration, [f"Finished: {plan.result}"])

    def freestyle(self) -> None:
        plan, job = self.plan, self.job
        self.emit(0, [plan.cause["shortDescription"]])
        self.emit(30, ["Running as SYSTEM", f"Building in workspace {workspace(job, None)}"])
        for step in (s for node in plan.nodes for s in node.steps):
            script = f"/tmp/jenkins{self.rng.randint(10**17, 10**18)}.sh"
            self.step(step, None, [f"[{job.name}] $ /bin/sh -xe {script}", f"+ {step.t.spec.description}"])
        end = plan.duration - 1
        if plan.category == "timeout":
            self.emit(end, [f"Build timed out (after {job.recipe.timeout_min} minutes). Marking the build as aborted.",
                            "Build was aborted"])
        elif plan.result == "FAILURE":
            self.emit(end, ["Build step 'Execute shell' marked build as failure"])
        self.emit(plan.duration, [f"Finished: {plan.result}"])


def log_entries(seed: int, job: Job, plan: BuildPlan) -> list[Entry]:
    """The build's final console log, entry by entry, in the order it was written."""
    given = job.given_build(plan.number)
    if given is not None:
        return [Entry(0, given.log)]
    writer = _Writer(seed, job, plan)
    writer.freestyle() if job.recipe.freestyle else writer.pipeline()
    return sorted(writer.entries, key=lambda e: e.at)


def console_bytes(entries: list[Entry], elapsed: int | None) -> bytes:
    """The log as written `elapsed` ms after the start (None: all of it), UTF-8 encoded."""
    return "".join(e.text for e in entries if elapsed is None or e.at <= elapsed).encode()
