"""The simulated Jenkins controller: its items, its clock, and how it moves on.

Builds are never stored: a build's plan comes from (seed, job, number) and its start time from a
schedule, so a 100k-build controller costs only its job list. What changes over time is small and
kept per job: the newest build number, the oldest one kept, start times of builds made by
`advance()`, and queued items. Whether a build is running follows from the clock alone.
"""

from __future__ import annotations

from functools import lru_cache

from .clock import DAY_MS, HOUR_MS, WorkClock, local_midnight_ms
from .layout import GivenBuild, Job, Outcome, QueueItem, build_layout, walk_jobs
from .plan import BuildPlan, make_plan, outcome_of
from .seeding import rng_for
from .view import BuildView

ADVANCE_MS = HOUR_MS       # how far the clock moves on each advance()
HISTORY_DAYS = 30
NEW_BUILDS_PER_ADVANCE = 4


class Controller:
    def __init__(self, seed: int, scale: int, now_ms: int, field_names: bool = False,
                 given_logs: dict[str, list[GivenBuild]] | None = None):
        self.seed, self.scale, self.now_ms = seed, scale, now_ms
        self.created_ms = now_ms  # the initial history is laid out before this moment, once and for all
        self.root = build_layout(scale, field_names, given_logs)
        self.jobs = walk_jobs(self.root)
        self.generation = 0
        self._clock = WorkClock(now_ms - HISTORY_DAYS * DAY_MS, now_ms - 3 * HOUR_MS)
        self._next_queue_id = 4000 + seed % 1000
        self._plan = lru_cache(maxsize=8192)(self._make_plan)
        for job in self.jobs:
            if job.role == "running":
                self._start_running(job)
            elif job.role == "paused":
                self._start_paused(job)
            elif job.role == "queue":
                self._fill_queue(job)

    # --- builds -----------------------------------------------------------------------------------

    def _make_plan(self, job: Job, number: int) -> BuildPlan:
        return make_plan(self.seed, job, number, job.forced.get(number))

    def plan(self, job: Job, number: int) -> BuildPlan:
        return self._plan(job, number)

    def start_ms(self, job: Job, number: int) -> int:
        if number in job.starts:
            return job.starts[number]
        rng = rng_for(self.seed, job.full_name, number, "slot")
        if job.schedule == "nightly":  # cron "H 2 * * *": one build a night, newest last night
            nights_ago = job.base_last - number + 1
            return local_midnight_ms(self.created_ms - nights_ago * DAY_MS) + 2 * HOUR_MS + rng.randint(0, 900_000)
        return self._clock.at((number - job.base_first + rng.uniform(0.1, 0.9)) / job.builds)

    def view(self, job: Job, number: int) -> BuildView:
        plan = self.plan(job, number)
        start = self.start_ms(job, number)
        enqueue = job.enqueues.get(number, start - plan.queue_ms)
        return BuildView(job, plan, start, enqueue, self.now_ms - start)

    def result_of(self, job: Job, number: int) -> str | None:
        """The build's result, None while it runs; cheap for builds made at creation (all finished)."""
        if number > job.base_last:
            view = self.view(job, number)
            return view.plan.result if view.finished else None
        return outcome_of(self.seed, job, number, job.forced.get(number)).result

    def last_successful(self, job: Job) -> int | None:
        """Jenkins' lastSuccessfulBuild: the newest finished SUCCESS still kept."""
        return next((n for n in range(job.last, job.first - 1, -1) if self.result_of(job, n) == "SUCCESS"), None)

    def union_with_last_success(self, job: Job, number: int, view: BuildView) -> bool:
        """Blue Ocean adds future nodes when the run is not SUCCESS and an older run succeeded."""
        if view.finished and view.plan.result == "SUCCESS":
            return False
        last = self.last_successful(job)
        return last is not None and last < number

    def build_count(self) -> int:
        return sum(job.last - job.first + 1 for job in self.jobs)

    # --- scripted scenarios --------------------------------------------------------------------------

    def _new_build(self, job: Job, start_ms: int, enqueue_ms: int | None = None) -> int:
        number = job.last + 1
        job.starts[number] = start_ms
        if enqueue_ms is not None:
            job.enqueues[number] = enqueue_ms
        job.last = number
        return number

    def _start_running(self, job: Job) -> None:
        """A build now part-way through; if a branch waits for an executor, now is during that wait."""
        number = job.last + 1
        job.forced[number] = Outcome("SUCCESS")
        plan = self.plan(job, number)
        waits = [b for n in plan.nodes for b in n.branches if b.wait_from is not None]
        elapsed = (waits[0].wait_from + waits[0].start) // 2 if waits else int(plan.duration * 0.4)
        self._new_build(job, self.now_ms - elapsed)

    def _start_paused(self, job: Job) -> None:
        """A build waiting at its `input` step for 25 minutes now."""
        number = job.last + 1
        job.forced[number] = Outcome("SUCCESS")
        plan = self.plan(job, number)
        asked = next(s.start for n in plan.nodes for s in n.steps if s.t.spec.output == "input")
        self._new_build(job, self.now_ms - asked - 25 * 60_000)

    def _fill_queue(self, job: Job) -> None:
        """Two items wait for an executor, expecting the next build numbers."""
        rng = rng_for(self.seed, job.full_name, "queue", self.generation)
        while len(job.queue) < 2:
            expected = max([job.last] + [q.expected for q in job.queue]) + 1
            waited = 7 * 60_000 if not job.queue else 2 * 60_000
            job.queue.append(QueueItem(self._next_queue_id, expected, self.now_ms - waited - rng.randint(0, 30_000),
                                       rng.choice((("alice", "Alice Smith"), ("dmitri", "Dmitri Volkov"))),
                                       f"Waiting for next available executor on ‘{job.recipe.label}’"))
            self._next_queue_id += 1

    def _add_finished(self, job: Job, rng, since_ms: int) -> None:
        plan = self.plan(job, job.last + 1)
        earliest = max(since_ms, self.start_ms(job, job.last) + 60_000) if job.last >= job.first else since_ms
        latest = self.now_ms - plan.duration - 60_000
        if latest > earliest:
            self._new_build(job, rng.randint(earliest, latest))

    def in_progress(self, job: Job) -> bool:
        return job.last >= job.first and not self.view(job, job.last).finished

    def advance(self) -> None:
        """One hour later: in-progress builds end, the oldest queued item starts, a few jobs build,
        the running job starts again, and the build discarder deletes the rotating job's oldest builds."""
        self.generation += 1
        rng = rng_for(self.seed, "advance", self.generation)
        before, self.now_ms = self.now_ms, self.now_ms + ADVANCE_MS
        for job in self.jobs:
            if job.queue:
                item = min(job.queue, key=lambda q: q.expected)
                job.queue.remove(item)
                self._new_build(job, before + rng.randint(60_000, 300_000), item.queued_ms)
        ordinary = [j for j in self.jobs if j.builds and not j.role and j.schedule == "work"]
        for job in rng.sample(ordinary, min(NEW_BUILDS_PER_ADVANCE, len(ordinary))):
            self._add_finished(job, rng, before)
        for job in self.jobs:
            if job.role == "rotating":
                for _ in range(2):
                    self._add_finished(job, rng, before)
                job.first = max(job.first, job.last - job.keep + 1)
            elif job.role == "running" and not self.in_progress(job):
                self._start_running(job)
            elif job.role == "queue":
                self._fill_queue(job)
