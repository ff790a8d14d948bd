"""A realistic history of two Jenkins controllers, and what a person reading it expects.

Controller `prod` has a pipeline at top level, one two folders deep, a multibranch project
`webapp` (main, a feature branch, a pull request) and a job never built; `legacy` has freestyle
jobs only (no nodes, no steps, logs without "Running on" lines). Among the runs: running, paused
and queued ones, a queued run aborted before it started, failures with "future" nodes, parallel
stages, timeouts, user aborts, a flaky commit and a failure run that recovers.

Phase 1 is what the first sync loads; phase 2 is the next sync: a running build finishes, a
queued one starts, new builds and a new branch appear. Each phase is two dlt loads (one per
connection); the `legacy` load of phase 2 has an older load id than phase 1's yet is committed
later, like a load package left pending by a failed sync.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

T0 = datetime(2025, 3, 3, 8, 0, tzinfo=UTC)  # a Monday


@dataclass(frozen=True)
class Job:
    instance: str
    full_name: str
    name: str
    folder: str
    kind: str
    branch: str | None = None
    is_primary_branch: bool | None = None
    pull_request_id: str | None = None


@dataclass(frozen=True)
class Stage:
    name: str
    result: str | None  # None: a "future" node that never ran
    duration_ms: int = 0
    parallel: tuple[Stage, ...] = ()


@dataclass(frozen=True)
class Run:
    instance: str
    job: str
    number: int
    state: str
    result: str | None
    started: datetime | None
    duration_ms: int | None = None
    queue_ms: int | None = 0  # enqueue -> start; None: enqueue time unknown
    commit: str | None = None
    log: str | None = None
    stages: tuple[Stage, ...] = ()
    category: str | None = None  # the failure category a person gives after reading the log
    agents: tuple[str, ...] = ("unknown",)  # the labels the build should get

    @property
    def is_build(self) -> bool:
        return self.started is not None and self.state in ("RUNNING", "PAUSED", "FINISHED", "QUEUED")

    @property
    def final_result(self) -> str | None:
        return self.result if self.state == "FINISHED" else None

    @property
    def is_counted(self) -> bool:
        result = self.final_result
        return result in ("SUCCESS", "UNSTABLE", "FAILURE") or (result == "ABORTED" and self.category == "timeout")


JOBS = [
    Job("prod", "api-service", "api-service", "/", "pipeline"),
    Job("prod", "platform/infra/deploy", "deploy", "/platform/infra", "pipeline"),
    Job("prod", "platform/nightly-report", "nightly-report", "/platform", "pipeline"),
    Job("prod", "webapp/main", "main", "/webapp", "branch", "main", True),
    Job("prod", "webapp/feature%2Flogin-page", "feature/login-page", "/webapp", "branch", "feature/login-page", False),
    Job("prod", "webapp/PR-42", "PR-42", "/webapp", "pull_request", "PR-42", False, "42"),
    Job("legacy", "legacy-nightly", "legacy-nightly", "/", "freestyle"),
    Job("legacy", "tools/cleanup", "cleanup", "/tools", "freestyle"),
]
NEW_JOB = Job("prod", "webapp/feature%2Fnew-ui", "feature/new-ui", "/webapp", "branch", "feature/new-ui", False)


# ---------------------------------------------------------------- console logs


def pipeline_log(job: str, result: str, stages: list[tuple[str, str]], agents: tuple[str, ...] = ("linux-1",)) -> str:
    """A Pipeline console log: one `node` block per agent, the stages' output in the first."""
    lines = ["Started by user Alice Example", "[Pipeline] Start of Pipeline"]
    for index, agent in enumerate(agents):
        workspace = f"/home/jenkins/workspace/{job.replace('/', '_')}"
        lines += ["[Pipeline] node", f"Running on {agent} in {workspace}", "[Pipeline] {"]
        for name, output in stages if index == 0 else []:
            lines += ["[Pipeline] stage", f"[Pipeline] {{ ({name})", output, "[Pipeline] }", "[Pipeline] // stage"]
        lines += ["[Pipeline] }", "[Pipeline] // node"]
    lines += ["[Pipeline] End of Pipeline", f"Finished: {result}"]
    return "\n".join(lines) + "\n"


def freestyle_log(job: str, result: str, output: str) -> str:
    return (
        f"Started by timer\nRunning as SYSTEM\nBuilding remotely on legacy-agent (linux) in workspace "
        f"/var/lib/jenkins/workspace/{job}\n[{job}] $ /bin/sh -xe /tmp/jenkins4711.sh\n{output}\nFinished: {result}\n"
    )


CHECKOUT = (
    "Checking out Revision 59dc3c32ea8807c5b5f35d4ae34bc2968fc22d5c (origin/main)\n"
    " > git config core.sparsecheckout # timeout=10\n"
    " > git checkout -f 59dc3c32ea8807c5b5f35d4ae34bc2968fc22d5c # timeout=10"
)
MAVEN_OK = "+ mvn -B verify\n[INFO] Tests run: 212, Failures: 0, Errors: 0, Skipped: 3\n[INFO] BUILD SUCCESS"
MAVEN_TEST_FAILURE = (
    "+ mvn -B verify\n[ERROR] Tests run: 212, Failures: 2, Errors: 0, Skipped: 3\n"
    "[ERROR] Failed tests:\n[ERROR]   OrderServiceTest.refundsTwice:88 expected:<1> but was:<2>\n"
    "[INFO] BUILD FAILURE\n[ERROR] Failed to execute goal org.apache.maven.plugins:maven-surefire-plugin:3.2.5:test "
    "(default-test) on project api-service: There are test failures.\nERROR: script returned exit code 1"
)
MAVEN_COMPILE_IN_TEST_SOURCES = (
    "+ mvn -B verify\n[INFO] --- maven-compiler-plugin:3.13.0:testCompile (default-testCompile) @ api-service ---\n"
    "[ERROR] COMPILATION ERROR :\n"
    "[ERROR] /home/jenkins/workspace/api-service/src/test/java/com/acme/OrderServiceTest.java:[41,17] "
    "cannot find symbol\n"
    "[INFO] BUILD FAILURE\nERROR: script returned exit code 1"
)
MAVEN_DEPENDENCY = (
    "+ mvn -B verify\n[ERROR] Failed to execute goal on project api-service: Could not resolve dependencies for "
    "project com.acme:api-service:jar:2.4.0-SNAPSHOT: Could not find artifact com.acme:billing-client:jar:1.9.0 in "
    "nexus (https://nexus.acme.internal/repository/maven-public/)\nERROR: script returned exit code 1"
)
TIMEOUT_DURING_TESTS = (
    "Timeout set to expire in 1 hr 0 min\n+ mvn -B verify\n[INFO] Running com.acme.OrderServiceIT\n"
    "Cancelling nested steps due to timeout\nSending interrupt signal to process\n"
    "Timeout has been exceeded\nERROR: script returned exit code 143"
)
USER_ABORT = (
    "+ mvn -B verify\n[INFO] Running com.acme.OrderServiceIT\nAborted by alice\nSending interrupt signal to process"
)
AGENT_LOST = (
    "+ ./deploy.sh production\nCannot contact linux-2: java.lang.InterruptedException\n"
    "Agent went offline during the build\nERROR: Connection was broken: java.nio.channels.ClosedChannelException"
)
GIT_FAILURE = (
    "The recommended git tool is: NONE\nCloning repository git@github.com:acme/deploy.git\n"
    "ERROR: Error cloning remote repo 'origin'\nhudson.plugins.git.GitException: Command \"git fetch --tags --force "
    "--progress -- git@github.com:acme/deploy.git +refs/heads/*:refs/remotes/origin/*\" returned status code 128:\n"
    "stderr: git@github.com: Permission denied (publickey).\nfatal: Could not read from remote repository."
)
NPM_404 = (
    "+ npm ci\nnpm ERR! code E404\n"
    "npm ERR! 404 Not Found - GET https://registry.npmjs.org/@acme%2fdeploy-kit - Not found\n"
    "ERROR: script returned exit code 1"
)
TSC_ERROR = (
    "+ npm run build\n> webapp@3.1.0 build\n> tsc -p tsconfig.json\n"
    "src/login/LoginForm.tsx(42,7): error TS2322: Type 'string' is not assignable to type 'number'.\n"
    "ERROR: script returned exit code 2"
)
JEST_FAILURE = (
    "+ npm test\nFAIL src/login/LoginForm.test.tsx\n  ● LoginForm › shows an error on a wrong password\n"
    "Test Suites: 1 failed, 11 passed, 12 total\nTests:       2 failed, 97 passed, 99 total\n"
    "ERROR: script returned exit code 1"
)
JUNIT_UNSTABLE = "+ mvn -B verify -Dmaven.test.failure.ignore=true\n[Pipeline] junit\nRecording test results"
DISK_FULL = (
    "+ ./nightly.sh\n"
    "tar: /var/lib/jenkins/workspace/legacy-nightly/out/report.tar: Wrote only 4096 of 10240 bytes\n"
    "tar: Error is not recoverable: exiting now\nwrite error: No space left on device\n"
    "Build step 'Execute shell' marked build as failure"
)


# ---------------------------------------------------------------- runs


def at(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


PIPELINE_STAGES = (
    Stage("Checkout", "SUCCESS", 5_000), Stage("Build", "SUCCESS", 120_000), Stage("Test", "SUCCESS", 150_000)
)
PARALLEL_TESTS = Stage(
    "Test", "SUCCESS", 200_000, (Stage("unit", "SUCCESS", 90_000), Stage("integration", "SUCCESS", 200_000))
)


def _api(number: int, result: str | None, started: datetime | None, **kwargs) -> Run:
    state = kwargs.pop("state", "FINISHED")
    return Run("prod", "api-service", number, state, result, started, **kwargs)


PHASE_1: list[Run] = [
    # api-service: every kind of result
    _api(1, "SUCCESS", at(0), duration_ms=300_000, queue_ms=5_000, commit="a1" * 20,
         log=pipeline_log("api-service", "SUCCESS", [("Checkout", CHECKOUT), ("Build", MAVEN_OK)]),
         stages=PIPELINE_STAGES, agents=("linux-1",)),
    _api(2, "FAILURE", at(1), duration_ms=420_000, queue_ms=12_000, commit="b2" * 20,
         log=pipeline_log("api-service", "FAILURE", [("Checkout", CHECKOUT), ("Test", MAVEN_TEST_FAILURE)]),
         stages=(Stage("Checkout", "SUCCESS", 5_000), Stage("Test", "FAILURE", 400_000), Stage("Deploy", None)),
         category="test_failure", agents=("linux-1",)),
    _api(3, "SUCCESS", at(2), duration_ms=360_000, queue_ms=3_000, commit="b2" * 20,  # same commit passes: flaky
         log=pipeline_log("api-service", "SUCCESS", [("Build", MAVEN_OK)], ("linux-2",)),
         stages=PIPELINE_STAGES, agents=("linux-2",)),
    _api(4, "UNSTABLE", at(3), duration_ms=380_000, queue_ms=0, commit="c3" * 20,
         log=pipeline_log("api-service", "UNSTABLE", [("Test", JUNIT_UNSTABLE)]),
         stages=(Stage("Checkout", "SUCCESS", 5_000), Stage("Test", "UNSTABLE", 370_000)),
         category="test_failure", agents=("linux-1",)),
    _api(5, "ABORTED", at(4), duration_ms=3_600_000, queue_ms=1_000, commit="c3" * 20,
         log=pipeline_log("api-service", "ABORTED", [("Test", TIMEOUT_DURING_TESTS)]),
         stages=(Stage("Checkout", "SUCCESS", 5_000), Stage("Test", "ABORTED", 3_590_000), Stage("Deploy", None)),
         category="timeout", agents=("linux-1",)),
    _api(6, "ABORTED", at(5.5), duration_ms=60_000, queue_ms=2_000, commit="d4" * 20,
         log=pipeline_log("api-service", "ABORTED", [("Test", USER_ABORT)]),
         stages=(Stage("Checkout", "SUCCESS", 5_000), Stage("Test", "ABORTED", 50_000)),
         category="aborted", agents=("linux-1",)),
    _api(7, "NOT_BUILT", at(6), duration_ms=1_000, queue_ms=500,
         log=pipeline_log("api-service", "NOT_BUILT", [], ("Jenkins",)), category="unknown", agents=("Jenkins",)),
    _api(8, "FAILURE", at(7), duration_ms=200_000, queue_ms=4_000, commit="e5" * 20,
         log=pipeline_log("api-service", "FAILURE", [("Build", MAVEN_COMPILE_IN_TEST_SOURCES)], ("linux-1", "Jenkins")),
         stages=(Stage("Checkout", "SUCCESS", 5_000), Stage("Build", "FAILURE", 190_000), Stage("Test", None)),
         category="compilation_error", agents=("Jenkins", "linux-1")),
    _api(9, "SUCCESS", at(8), duration_ms=310_000, queue_ms=-500, commit="e5" * 20,  # enqueue after start: clock skew
         log=pipeline_log("api-service", "SUCCESS", [("Build", MAVEN_OK)], ("linux-1", "linux-2")),
         stages=(Stage("Checkout", "SUCCESS", 5_000), Stage("Build", "SUCCESS", 100_000),
                 PARALLEL_TESTS),
         agents=("linux-1", "linux-2")),
    _api(10, None, at(26), state="RUNNING", queue_ms=4_000, commit="f6" * 20),
    _api(11, None, None, state="QUEUED", queue_ms=None),
    # deploy: a failure run that recovers, then one still open
    Run("prod", "platform/infra/deploy", 1, "FINISHED", "SUCCESS", at(0.5), 120_000, 1_000,
        log=pipeline_log("deploy", "SUCCESS", [("Deploy", "+ ./deploy.sh production")], ("linux-2",)),
        stages=(Stage("Deploy", "SUCCESS", 115_000),), agents=("linux-2",)),
    Run("prod", "platform/infra/deploy", 2, "FINISHED", "FAILURE", at(1.5), 90_000, 1_000,
        log=pipeline_log("deploy", "FAILURE", [("Deploy", AGENT_LOST)], ("linux-2",)),
        stages=(Stage("Deploy", "FAILURE", 85_000),), category="infrastructure", agents=("linux-2",)),
    Run("prod", "platform/infra/deploy", 3, "FINISHED", "FAILURE", at(2.5), 15_000, None,
        log=pipeline_log("deploy", "FAILURE", [("Checkout", GIT_FAILURE)], ("linux-2",)),
        stages=(Stage("Checkout", "FAILURE", 10_000), Stage("Deploy", None)), category="scm_error",
        agents=("linux-2",)),
    Run("prod", "platform/infra/deploy", 4, "FINISHED", "SUCCESS", at(3.5), 125_000, 1_000,
        log=pipeline_log("deploy", "SUCCESS", [("Deploy", "+ ./deploy.sh production")], ("linux-2",)),
        stages=(Stage("Deploy", "SUCCESS", 120_000),), agents=("linux-2",)),
    Run("prod", "platform/infra/deploy", 5, "FINISHED", "FAILURE", at(5), 50_000, 1_000,
        log=pipeline_log("deploy", "FAILURE", [("Prepare", NPM_404)], ("linux-2",)),
        stages=(Stage("Prepare", "FAILURE", 45_000), Stage("Deploy", None)), category="dependency_error",
        agents=("linux-2",)),
    # webapp branches and a pull request
    Run("prod", "webapp/main", 1, "FINISHED", "SUCCESS", at(0.2), 600_000, 8_000, "m1" * 20,
        pipeline_log("webapp/main", "SUCCESS", [("Build", "+ npm run build")]), PIPELINE_STAGES, agents=("linux-1",)),
    Run("prod", "webapp/main", 2, "FINISHED", "SUCCESS", at(1.2), 610_000, 9_000, "m2" * 20,
        pipeline_log("webapp/main", "SUCCESS", [("Build", "+ npm run build")]), PIPELINE_STAGES, agents=("linux-1",)),
    Run("prod", "webapp/main", 3, "FINISHED", "FAILURE", at(2.2), 200_000, 7_000, "m3" * 20,
        pipeline_log("webapp/main", "FAILURE", [("Build", TSC_ERROR)]),
        (Stage("Checkout", "SUCCESS", 5_000), Stage("Build", "FAILURE", 190_000), Stage("Test", None)),
        "compilation_error", ("linux-1",)),
    Run("prod", "webapp/main", 4, "FINISHED", "SUCCESS", at(3.2), 590_000, 6_000, "m4" * 20,
        pipeline_log("webapp/main", "SUCCESS", [("Build", "+ npm run build")]), PIPELINE_STAGES, agents=("linux-1",)),
    Run("prod", "webapp/main", 5, "PAUSED", None, at(4.2), None, 5_000, "m5" * 20),
    Run("prod", "webapp/feature%2Flogin-page", 1, "FINISHED", "FAILURE", at(0.3), 250_000, 2_000, "l1" * 20,
        pipeline_log("webapp/feature%2Flogin-page", "FAILURE", [("Test", JEST_FAILURE)]),
        (Stage("Build", "SUCCESS", 100_000), Stage("Test", "FAILURE", 140_000)), "test_failure", ("linux-1",)),
    Run("prod", "webapp/feature%2Flogin-page", 2, "FINISHED", "SUCCESS", at(1.3), 260_000, 2_000, "l2" * 20,
        pipeline_log("webapp/feature%2Flogin-page", "SUCCESS", [("Test", "+ npm test")]),
        (Stage("Build", "SUCCESS", 100_000), Stage("Test", "SUCCESS", 150_000)), agents=("linux-1",)),
    Run("prod", "webapp/PR-42", 1, "FINISHED", "SUCCESS", at(0.7), 270_000, 3_000, "p1" * 20,
        pipeline_log("webapp/PR-42", "SUCCESS", [("Test", "+ npm test")]), PIPELINE_STAGES, agents=("linux-1",)),
    Run("prod", "webapp/PR-42", 2, "RUNNING", None, at(28), None, 3_000, "p2" * 20),
    # legacy: freestyle builds, no nodes or steps; logs name no agent
    Run("legacy", "legacy-nightly", 1, "FINISHED", "SUCCESS", at(-22), 1_800_000, 60_000,
        log=freestyle_log("legacy-nightly", "SUCCESS", "+ ./nightly.sh\nreport written")),
    Run("legacy", "legacy-nightly", 2, "FINISHED", "FAILURE", at(2), 900_000, 30_000,
        log=freestyle_log("legacy-nightly", "FAILURE", DISK_FULL), category="infrastructure"),
    Run("legacy", "legacy-nightly", 3, "FINISHED", "SUCCESS", at(22), 1_750_000, 45_000,
        log=freestyle_log("legacy-nightly", "SUCCESS", "+ ./nightly.sh\nreport written")),
    Run("legacy", "legacy-nightly", 4, "FINISHED", "ABORTED", None, None, None),  # cancelled while queued
    Run("legacy", "tools/cleanup", 1, "FINISHED", "SUCCESS", at(1), 5_000, 100),  # log not fetched
]

def _phase_1_api_run(number: int) -> Run:
    return next(run for run in PHASE_1 if run.job == "api-service" and run.number == number)


PHASE_2_CHANGES: list[Run] = [
    replace(_phase_1_api_run(10), result="SUCCESS", duration_ms=330_000, state="FINISHED",
            log=pipeline_log("api-service", "SUCCESS", [("Build", MAVEN_OK)], ("linux-2",)),
            stages=PIPELINE_STAGES, agents=("linux-2",)),
    replace(_phase_1_api_run(11), state="RUNNING", started=at(27), queue_ms=90_000),
    _api(12, "FAILURE", at(29), duration_ms=40_000, queue_ms=2_000, commit="f6" * 20,
         log=pipeline_log("api-service", "FAILURE", [("Build", MAVEN_DEPENDENCY)]),
         stages=(Stage("Build", "FAILURE", 35_000), Stage("Test", None)), category="dependency_error",
         agents=("linux-1",)),
    Run("prod", "webapp/main", 5, "FINISHED", "SUCCESS", at(4.2), 640_000, 5_000, "m5" * 20,
        pipeline_log("webapp/main", "SUCCESS", [("Build", "+ npm run build")]), PIPELINE_STAGES, agents=("linux-1",)),
    Run("prod", "webapp/feature%2Fnew-ui", 1, "FINISHED", "SUCCESS", at(27.5), 280_000, 4_000, "n1" * 20,
        pipeline_log("webapp/feature%2Fnew-ui", "SUCCESS", [("Build", "+ npm run build")]), PIPELINE_STAGES,
        agents=("linux-1",)),
    Run("legacy", "legacy-nightly", 5, "FINISHED", "SUCCESS", at(46), 1_700_000, 40_000,
        log=freestyle_log("legacy-nightly", "SUCCESS", "+ ./nightly.sh\nreport written")),
]

# (load id, committed at, instance) per dlt load of each phase
LOADS = {
    1: [("1741075200.100001", at(30), "prod"), ("1741075260.200002", at(30.1), "legacy")],
    2: [("1741161600.300003", at(50), "prod"), ("1741075100.000004", at(50.2), "legacy")],
}


def runs_as_of(phase: int) -> list[Run]:
    """Every run the warehouse knows after `phase` syncs, latest version of each."""
    runs = {(run.instance, run.job, run.number): run for run in PHASE_1}
    if phase >= 2:
        runs.update({(run.instance, run.job, run.number): run for run in PHASE_2_CHANGES})
    return list(runs.values())


def jobs_as_of(phase: int) -> list[Job]:
    return JOBS + ([NEW_JOB] if phase >= 2 else [])


# ---------------------------------------------------------------- raw rows


def raw_rows(jobs: list[Job], runs: list[Run], fetched_at: datetime) -> dict[str, list[dict]]:
    """The raw-table rows dlt would load for these jobs and (new or changed) runs."""
    rows: dict[str, list[dict]] = {"jobs": [], "runs": [], "nodes": [], "steps": [], "run_logs": [], "change_sets": []}
    for job in jobs:
        rows["jobs"].append({
            "instance": job.instance, "full_name": job.full_name, "name": job.name, "display_name": job.name,
            "folder": job.folder, "kind": job.kind, "class_name": _CLASS_NAMES[job.kind], "branch": job.branch,
            "is_primary_branch": job.is_primary_branch, "pull_request_id": job.pull_request_id,
            "rest_path": f"/blue/rest/organizations/jenkins/pipelines/{job.full_name}/", "fetched_at": fetched_at,
        })
    for run in runs:
        key = {"instance": run.instance, "job_full_name": run.job, "number": run.number}
        rows["runs"].append({**key, **_run_columns(run), "fetched_at": fetched_at})
        if run.state != "FINISHED":
            continue  # nodes, steps, log and commits are fetched once a run is finished
        rows["nodes"] += [{**key, **node} for node in _nodes(run)]
        rows["steps"] += [{**key, **step} for step in _steps(run)]
        if run.log is not None:
            rows["run_logs"].append({**key, "text": run.log, "text_size": len(run.log.encode()), "truncated": False})
        if run.commit:
            rows["change_sets"].append({
                **key, "position": 0, "commit_id": run.commit, "author_id": "alice", "author_name": "Alice Example",
                "message": f"Change for build {run.number}", "timestamp": run.started - timedelta(minutes=30),
                "affected_paths": ["src/main/App.java"],
            })
    return rows


_CLASS_NAMES = {
    "pipeline": "io.jenkins.blueocean.rest.impl.pipeline.PipelineImpl",
    "branch": "io.jenkins.blueocean.rest.impl.pipeline.BranchImpl",
    "pull_request": "io.jenkins.blueocean.rest.impl.pipeline.BranchImpl",
    "freestyle": "io.jenkins.blueocean.service.embedded.rest.FreeStylePipeline",
}


def _run_columns(run: Run) -> dict:
    finished = run.state == "FINISHED" and run.started is not None
    known_enqueue = run.started is not None and run.queue_ms is not None
    return {
        "state": run.state,
        "result": run.result or "UNKNOWN",
        "enqueue_time": run.started - timedelta(milliseconds=run.queue_ms) if known_enqueue else None,
        "start_time": run.started,
        "end_time": run.started + timedelta(milliseconds=run.duration_ms) if finished else None,
        "duration_ms": run.duration_ms if finished else (0 if run.started else None),
        "estimated_duration_ms": -1 if run.number == 1 else 300_000,
        "run_type": "FreeStyleBuild" if run.instance == "legacy" else "WorkflowRun",
        "run_name": None,
        "description": None,
        "commit_id": run.commit,
        "run_summary": "stable" if run.result == "SUCCESS" else ("?" if not finished else "broken"),
        "causes": [{"_class": "hudson.model.Cause$UserIdCause", "shortDescription": "Started by user Alice Example"}],
    }


def _nodes(run: Run) -> list[dict]:
    nodes, clock, position = [], run.started, 0
    for stage in run.stages:
        stage_id = str(3 + position * 4)
        nodes.append(_node(stage_id, position, stage, "STAGE", None, clock))
        position += 1
        for branch_index, branch in enumerate(stage.parallel):
            nodes.append(_node(f"{stage_id}{branch_index}", position, branch, "PARALLEL", stage_id, clock))
            position += 1
        clock += timedelta(milliseconds=stage.duration_ms)
    return nodes


def _node(node_id: str, position: int, stage: Stage, node_type: str, parent: str | None, clock: datetime) -> dict:
    ran = stage.result is not None
    return {
        "node_id": node_id, "position": position, "display_name": stage.name, "node_type": node_type,
        "state": "FINISHED" if ran else None, "result": stage.result, "start_time": clock if ran else None,
        "duration_ms": stage.duration_ms, "first_parent": parent, "parent_id": parent, "edges": [],
    }


def _steps(run: Run) -> list[dict]:
    leaves = [branch for stage in run.stages for branch in (stage.parallel or (stage,)) if branch.result is not None]
    return [
        {
            "step_id": str(100 + index), "position": index, "display_name": "Shell Script",
            "display_description": f"./ci/{leaf.name.lower()}.sh", "state": "FINISHED", "result": leaf.result,
            "start_time": run.started, "duration_ms": leaf.duration_ms,
        }
        for index, leaf in enumerate(leaves)
    ]


def load_phase(warehouse, phase: int, *, committed: bool = True) -> None:
    """Load what sync number `phase` fetches into a `RawWarehouse`, one dlt load per connection
    (left pending unless `committed`)."""
    changed = PHASE_1 if phase == 1 else PHASE_2_CHANGES
    for load_id, committed_at, instance in LOADS[phase]:
        jobs = [job for job in jobs_as_of(phase) if job.instance == instance]
        runs = [run for run in changed if run.instance == instance]
        rows = raw_rows(jobs, runs, fetched_at=committed_at - timedelta(minutes=1))
        warehouse.load(rows, load_id=load_id, committed_at=committed_at if committed else None)
