"""Source control facts of a build: why it started, which commits it built, and its head SHA.

Whether a build brought changes is a cheap hash of (seed, job, number), so the head commit of
any build is found by walking back to the last build with changes, without generating builds.
"""

from __future__ import annotations

import random

from .layout import Job
from .people import COMMIT_MESSAGES, PATHS, USERS
from .seeding import rng_for, sha1_hex


def has_changes(seed: int, job: Job, number: int) -> bool:
    share = 0.3 if job.schedule == "nightly" else 0.8
    return rng_for(seed, job.full_name, number, "changes").random() < share


def _sha(seed: int, job: Job, number: int, index: int) -> str:
    return sha1_hex(seed, job.repo, job.branch or "main", number, index)


def head_commit(seed: int, job: Job, number: int) -> str:
    """The SHA a build checked out: its last commit, or the one of the last build with changes."""
    while number > 1 and not has_changes(seed, job, number):
        number -= 1
    return _sha(seed, job, number, 0)


def changes(seed: int, job: Job, number: int) -> list[dict]:
    """Commits new in this build, oldest first; the last one is the head. Times are ms before the start."""
    if not has_changes(seed, job, number):
        return []
    rng = rng_for(seed, job.full_name, number, "commits")
    count = rng.choice((1, 1, 1, 2, 2, 3))
    commits, before = [], rng.randint(60_000, 3 * 3_600_000)
    for i in reversed(range(count)):
        user_id, full_name = rng.choice(USERS)
        commits.append({
            "commitId": _sha(seed, job, number, i),
            "author": (user_id, full_name),
            "msg": rng.choice(COMMIT_MESSAGES),
            "paths": sorted(rng.sample(PATHS, rng.randint(1, 4))),
            "before_ms": before,
        })
        before = max(30_000, before - rng.randint(60_000, 40 * 60_000))
    return commits


def _user(rng: random.Random) -> dict:
    user_id, full_name = rng.choice(USERS)
    return {"_class": "hudson.model.Cause$UserIdCause", "shortDescription": f"Started by user {full_name}",
            "userId": user_id, "userName": full_name}


def cause(rng: random.Random, job: Job, changed: bool) -> dict:
    """The run's cause, as Blue Ocean's `causes[]` item; its shortDescription opens the console log."""
    roll = rng.random()
    if job.schedule == "nightly":
        return {"_class": "hudson.triggers.TimerTrigger$TimerTriggerCause", "shortDescription": "Started by timer"}
    if job.branch is not None:
        if changed and roll < 0.85:
            event = f"Pull request #{job.pr['id']} updated" if job.pr else f"Push event to branch {job.branch}"
            return {"_class": "jenkins.branch.BranchEventCause", "shortDescription": event}
        if changed or roll < 0.4:
            return {"_class": "jenkins.branch.BranchIndexingCause", "shortDescription": "Branch indexing"}
        return _user(rng)
    if changed:
        if roll < 0.7:
            user_id = rng.choice(USERS)[0]
            return {"_class": "com.cloudbees.jenkins.GitHubPushCause",
                    "shortDescription": f"Started by GitHub push by {user_id}"}
        return {"_class": "hudson.triggers.SCMTrigger$SCMTriggerCause", "shortDescription": "Started by an SCM change"}
    if roll < 0.7:
        return _user(rng)
    build = rng.randint(20, 400)
    return {"_class": "hudson.model.Cause$UpstreamCause",
            "shortDescription": f'Started by upstream project "platform/build-tools" build number {build}',
            "upstreamBuild": build, "upstreamProject": "platform/build-tools",
            "upstreamUrl": "job/platform/job/build-tools/"}
