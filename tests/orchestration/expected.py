"""What the API must show for the simulator's jobs, computed from its truth by docs/contract.md sections 3-4.

Written independently of the dbt models and the API, so the end-to-end tests compare two
implementations of the contract.
"""

from __future__ import annotations

COUNTED_RESULTS = {"SUCCESS", "UNSTABLE", "FAILURE"}


def is_counted(build: dict) -> bool:
    if build["state"] != "FINISHED":
        return False
    return build["result"] in COUNTED_RESULTS or (
        build["result"] == "ABORTED" and build["failure_category"] == "timeout"
    )


def expected_job(job: dict, instance: str) -> dict:
    builds = job["builds"]
    counted = [b for b in builds if is_counted(b)]
    last = max(builds, key=lambda b: b["number"]) if builds else None
    return {
        "name": job["name"],
        "folder": job["folder"],
        "instance": instance,
        "lastBuild": last["number"] if last else None,
        "lastResult": last["result"] if last and last["state"] == "FINISHED" else None,
        "successRate": (sum(b["result"] == "SUCCESS" for b in counted) / len(counted)) if counted else None,
    }
