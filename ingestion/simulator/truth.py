"""What BuildButler should show for this controller (docs/contract.md section 3), build by build.

This is the oracle for end-to-end tests: it is computed from the same plans the HTTP API serves,
but straight from the simulator, so a test can compare the warehouse and the API against it.
Running builds have no stages and no labels yet, since BuildButler fetches nodes and logs once a
build has finished. A build's labels are the agents its log names in `Running on NAME in PATH`
lines, or `unknown` when it names none. A given build's category and labels are those given with it.
`flaky_tests` are the tests that failed and passed on one commit (testcases.py plants them; no other
test ever does).
"""

from __future__ import annotations

from . import testcases
from .controller import Controller
from .layout import Job
from .view import BuildView


def _stages(view: BuildView) -> list[dict]:
    if not view.finished:
        return []
    return [{"name": node.t.name, "duration": node.duration, "result": node.result,
             "parallel": [{"name": b.t.name, "duration": b.duration, "result": b.result} for b in node.branches]}
            for node in view.plan.nodes if not view.job.recipe.freestyle]


def build_truth(view: BuildView, deleted: bool) -> dict:
    plan, done = view.plan, view.finished
    given = view.job.given_build(plan.number)
    agents, category = (list(given.labels), given.category) if given else (plan.agents, plan.category)
    return {
        "number": plan.number,
        "state": view.state,
        "result": plan.result if done else None,
        "start_ms": view.start_ms,
        "enqueue_ms": view.enqueue_ms,
        "duration_ms": plan.duration if done else None,
        "queue_time_ms": view.start_ms - view.enqueue_ms,
        "commit": None if view.job.recipe.freestyle else plan.commit,
        "branch": view.job.branch,
        "stages": _stages(view),
        "labels": (sorted(agents) or ["unknown"]) if done else [],
        "failure_category": category if done else None,
        "deleted": deleted,
    }


def job_truth(ctl: Controller, job: Job) -> dict:
    parent = job.path[:-1]
    return {
        "full_name": job.full_name,
        "name": job.display_name,
        "folder": "/" + "/".join(parent),
        "kind": job.kind,
        "branch": job.branch,
        "builds": [build_truth(ctl.view(job, n), n < job.first) for n in range(job.base_first, job.last + 1)],
    }


def flaky_tests(ctl: Controller) -> list[dict]:
    """The planted flaky tests that failed and passed on one commit of a job among its kept finished builds
    (testcases.py): what a flaky-test report must find, and all it may call flaky."""
    found = []
    for job in ctl.jobs:
        def plan_of(number: int, job: Job = job):
            return ctl.plan(job, number) if job.exists(number) and ctl.view(job, number).finished else None

        found += testcases.flaky_tests(ctl.seed, job, plan_of)
    return found


def truth(ctl: Controller) -> dict:
    return {"jobs": [job_truth(ctl, job) for job in ctl.jobs], "flaky_tests": flaky_tests(ctl)}
