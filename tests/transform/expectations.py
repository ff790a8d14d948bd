"""What the marts should hold, computed in plain Python from the scenario's own runs.

Written independently of the SQL: ids from hashlib, percentiles by hand (linear interpolation,
numpy's default), metrics straight from docs/contract.md section 4.
"""

from __future__ import annotations

import hashlib
import math
from datetime import datetime, timedelta

from .scenario import Job, Run, Stage


def job_id(instance: str, full_name: str) -> str:
    return "j_" + hashlib.md5(f"{instance}|{full_name}".encode()).hexdigest()[:16]


def build_id(run: Run) -> str:
    return "b_" + hashlib.md5(f"{run.instance}|{run.job}|{run.number}".encode()).hexdigest()[:16]


def percentile(values: list[float], fraction: float) -> float | None:
    """Continuous percentile with linear interpolation between the closest ranks."""
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * fraction
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (rank - low) * (ordered[high] - ordered[low])


def mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def queue_time_ms(run: Run) -> int | None:
    return None if run.queue_ms is None else max(run.queue_ms, 0)


def ended_at(run: Run) -> datetime:
    return run.started + timedelta(milliseconds=run.duration_ms)


def window_metrics(runs: list[Run], start: datetime, end: datetime) -> dict:
    """The metrics of docs/contract.md section 4 over the builds started in [start, end)."""
    builds = [run for run in runs if run.is_build and start <= run.started < end]
    counted = [run for run in builds if run.is_counted]
    successes = [run for run in counted if run.final_result == "SUCCESS"]
    durations = [run.duration_ms for run in counted]
    queue_times = [queue_time_ms(run) for run in builds if run.queue_ms is not None]
    return {
        "success_rate": len(successes) / len(counted) if counted else None,
        "avg_duration": mean(durations),
        "p95_duration": percentile(durations, 0.95),
        "avg_queue_time": mean(queue_times),
        "total_builds": len(builds),
    }


def failing_stage(run: Run) -> str | None:
    if run.final_result in (None, "SUCCESS"):
        return None
    for wanted in ("FAILURE", "ABORTED", "UNSTABLE"):
        for stage in run.stages:
            if stage.result == wanted:
                return stage.name
    return None


def executed_stages(run: Run) -> list[tuple[str, str | None, str]]:
    """(name, parent stage name, node type) of the stages and branches that ran, in order."""
    rows: list[tuple[str, str | None, str]] = []
    for stage in run.stages:
        if stage.result is not None:
            rows.append((stage.name, None, "STAGE"))
            rows += [(branch.name, stage.name, "PARALLEL") for branch in stage.parallel if branch.result is not None]
    return rows


def leaf_stages(run: Run) -> list[Stage]:
    return [branch for stage in run.stages for branch in (stage.parallel or (stage,)) if branch.result is not None]


def recoveries(runs: list[Run]) -> dict[str, tuple[int, str | None, int | None]]:
    """First failing build id -> (failing builds, recovering build id, recovery ms), per job's counted builds."""
    found: dict[str, tuple[int, str | None, int | None]] = {}
    jobs = {(run.instance, run.job) for run in runs}
    for job in jobs:
        counted = sorted((run for run in runs if (run.instance, run.job) == job and run.is_build and run.is_counted),
                         key=lambda run: run.number)
        first: Run | None = None
        failures = 0
        for run in counted:
            if run.final_result != "SUCCESS":
                first = first or run
                failures += 1
            elif first is not None:
                found[build_id(first)] = (failures, build_id(run), _ms(ended_at(run) - ended_at(first)))
                first, failures = None, 0
        if first is not None:
            found[build_id(first)] = (failures, None, None)
    return found


def flaky_commits(runs: list[Run]) -> set[tuple[str, str]]:
    """(job id, commit) pairs whose counted builds both passed and failed."""
    outcomes: dict[tuple[str, str], set[bool]] = {}
    for run in runs:
        if run.is_build and run.is_counted and run.commit:
            outcomes.setdefault((job_id(run.instance, run.job), run.commit), set()).add(run.final_result == "SUCCESS")
    return {key for key, seen in outcomes.items() if seen == {True, False}}


def job_summary(job: Job, runs: list[Run]) -> dict:
    builds = sorted((run for run in runs if (run.instance, run.job) == (job.instance, job.full_name) and run.is_build),
                    key=lambda run: run.number)
    counted = [run for run in builds if run.is_counted]
    durations = [run.duration_ms for run in counted]
    return {
        "last_build": builds[-1].number if builds else None,
        "last_result": builds[-1].final_result if builds else None,
        "success_rate": sum(run.final_result == "SUCCESS" for run in counted) / len(counted) if counted else None,
        "total_builds": len(builds),
        "counted_builds": len(counted),
        "p50_duration_ms": round_half_up(percentile(durations, 0.5)),
        "p90_duration_ms": round_half_up(percentile(durations, 0.9)),
        "p99_duration_ms": round_half_up(percentile(durations, 0.99)),
    }


def round_half_up(value: float | None) -> int | None:
    """Integer milliseconds as SQL's round() gives them (halves away from zero, for positive values)."""
    return None if value is None else math.floor(value + 0.5)


def _ms(delta: timedelta) -> int:
    return round(delta.total_seconds() * 1000)
