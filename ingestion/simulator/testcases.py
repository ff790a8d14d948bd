"""JUnit results of a simulated build: which cases a job has, which of them fail in a build, how long they take.

A job's cases come from its repository (branch and PR jobs of one repository share them) and its test tool
(JUnit classes for Maven and Gradle, pytest modules, Jest and Playwright files, cargo modules). A build runs the
first `total` cases of the catalog (plan.tests); a few `@Disabled` ones are always the ones skipped.

Which cases fail is what makes flaky tests knowable. A build whose plan says `failed > 0`:
- when it is the only build of its commit (the next build brings changes), its failures are real: cases the
  commit broke, chosen from the commit alone;
- when its commit is built again (a retry, a rebuild without changes), its failures are some of the job's
  `FLAKY_PER_REPO` planted flaky cases, drawn per build.
So a stable case never both fails and passes on one commit, and a planted flaky case does whenever a retry
of its commit passes it (`flaky_tests` lists exactly those: the simulator's truth).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from . import scm
from .layout import Job
from .plan import BuildPlan
from .seeding import rng_for

FLAKY_PER_REPO = 4  # plan.tests draws 1-4 failures: a retried commit can always fail that many flaky cases
DISABLED_PER_REPO = 4  # plan.tests skips 1-4 cases
MAX_AGE_WALK = 30  # builds walked back to count a failure's age

PACKAGES = ("orders", "billing", "auth", "catalog", "search", "inventory", "notifications", "users", "payments",
            "shipping", "reports", "gateway")
SUBJECTS = ("Order", "Invoice", "Token", "Session", "Cart", "Price", "Stock", "Webhook", "Account", "Refund",
            "Route", "Query", "Export", "Retry", "Cache", "Config")
KINDS = ("ServiceTest", "ControllerTest", "RepositoryTest", "MapperTest", "ValidatorTest", "ClientIT")
VERBS = ("create", "reject", "update", "delete", "list", "retry", "cache", "expire", "validate", "serialize",
         "paginate", "merge", "refund", "notify")
OBJECTS = ("empty_cart", "expired_token", "duplicate_order", "missing_field", "large_payload", "unicode_name",
           "negative_amount", "concurrent_update", "second_page", "stale_cache", "unknown_currency", "null_address")
REAL_ERRORS = (
    ("expected: <200> but was: <500>", "org.opentest4j.AssertionFailedError"),
    ("expected: <3> but was: <2>", "org.opentest4j.AssertionFailedError"),
    ("Cannot invoke \"String.length()\" because \"name\" is null", "java.lang.NullPointerException"),
    ("Unrecognized field \"currencyCode\" (class Price), not marked as ignorable", "UnrecognizedPropertyException"),
)
FLAKY_ERRORS = (
    ("Timed out after 30 seconds waiting for the order to be SHIPPED", "org.awaitility.core.ConditionTimeoutException"),
    ("Connection refused: localhost/127.0.0.1:5432", "java.net.ConnectException"),
    ("expected: <[a, b]> but was: <[b, a]>", "org.opentest4j.AssertionFailedError"),
    ("Address already in use (Bind failed)", "java.net.BindException"),
)


@dataclass(frozen=True)
class Case:
    suite: str        # the JUnit suite (testReport's suites[].name)
    class_name: str   # className
    name: str         # the case name
    base_s: float     # typical duration, seconds
    style: str        # java | python | js | rust (error texts are written the tool's way)


@dataclass(frozen=True)
class Catalog:
    cases: tuple[Case, ...]
    flaky: tuple[int, ...]     # indices of the planted flaky cases
    disabled: tuple[int, ...]  # indices of the cases builds skip
    stable: tuple[int, ...]    # the others among the cases every build runs


def _style(job: Job) -> str:
    outputs = {s.output for stage in job.recipe.stages for node in (stage, *stage.branches) for s in node.steps}
    for output, style in (("pytest", "python"), ("jest", "js"), ("playwright", "js"), ("cargo-test", "rust")):
        if output in outputs:
            return style
    return "java"


def _class_and_suite(style: str, repo: str, package: str, subject: str, kind: str) -> tuple[str, str]:
    slug = repo.replace("-", "_").replace(".", "_")
    if style == "python":
        module = f"tests.{package}.test_{subject.lower()}_{kind.removesuffix('Test').removesuffix('IT').lower()}"
        return f"{module}.Test{subject}", "pytest"
    if style == "js":
        path = f"src/{package}/{subject[0].lower()}{subject[1:]}{kind.removesuffix('Test').removesuffix('IT')}.test.ts"
        return path, path
    if style == "rust":
        return f"{slug}::{package}::{subject.lower()}_tests", slug
    class_name = f"com.acme.{slug}.{package}.{subject}{kind}"
    return class_name, class_name


def _case_name(style: str, verb: str, obj: str, n: int) -> str:
    suffix = f"_{n}" if n else ""
    if style == "python":
        return f"test_{verb}_{obj}{suffix}"
    if style == "js":
        return f"{verb} {obj.replace('_', ' ')}{' #' + str(n) if n else ''}"
    if style == "rust":
        return f"{verb}_{obj}{suffix}"
    return "should" + verb.capitalize() + "".join(w.capitalize() for w in obj.split("_")) + (str(n) if n else "")


@lru_cache(maxsize=256)
def catalog(seed: int, repo: str, style: str, size: int, runs_always: int) -> Catalog:
    """The cases of a repository: `size` of them, the first `runs_always` run by every build."""
    rng = rng_for(seed, repo, "testcases")
    cases: list[Case] = []
    while len(cases) < size:
        package, subject, kind = rng.choice(PACKAGES), rng.choice(SUBJECTS), rng.choice(KINDS)
        class_name, suite = _class_and_suite(style, repo, package, subject, kind)
        slow = kind.endswith("IT") or rng.random() < 0.04
        taken = {c.name for c in cases if c.class_name == class_name}
        for _ in range(min(rng.randint(4, 18), size - len(cases))):
            verb, obj = rng.choice(VERBS), rng.choice(OBJECTS)
            n = 0
            while _case_name(style, verb, obj, n) in taken:
                n += 1
            name = _case_name(style, verb, obj, n)
            taken.add(name)
            base = rng.lognormvariate(2.5, 1.0) if slow else rng.lognormvariate(-3.3, 1.1)  # ~12 s, ~37 ms
            cases.append(Case(suite, class_name, name, round(min(base, 300.0), 3), style))
    picked = rng.sample(range(runs_always), FLAKY_PER_REPO + DISABLED_PER_REPO)
    flaky, disabled = tuple(sorted(picked[:FLAKY_PER_REPO])), tuple(sorted(picked[FLAKY_PER_REPO:]))
    others = set(flaky) | set(disabled)
    return Catalog(tuple(cases), flaky, disabled, tuple(i for i in range(runs_always) if i not in others))


def job_catalog(seed: int, job: Job) -> Catalog:
    # plan.tests totals are recipe.tests + number % 9: the catalog holds the 8 cases beyond
    return catalog(seed, job.repo, _style(job), job.recipe.tests + 8, job.recipe.tests)


def retried_commit(seed: int, job: Job, number: int) -> bool:
    """Another build has this build's commit: this one brought none, or the next brings none."""
    return not scm.has_changes(seed, job, number) or not scm.has_changes(seed, job, number + 1)


def failing(seed: int, job: Job, plan: BuildPlan) -> tuple[int, ...]:
    """Indices of the cases the build failed, in catalog order."""
    if not plan.tests or not plan.tests[1]:
        return ()
    cat = job_catalog(seed, job)
    count = plan.tests[1]
    if retried_commit(seed, job, plan.number):
        return tuple(sorted(rng_for(seed, job.full_name, plan.number, "flaky").sample(cat.flaky, count)))
    return tuple(sorted(rng_for(seed, job.repo, plan.commit, "broken").sample(cat.stable, count)))


@dataclass(frozen=True)
class CaseResult:
    case: Case
    status: str               # PASSED | FAILED | SKIPPED
    state: str                # REGRESSION | FIXED | UNKNOWN
    duration_s: float
    age: int                  # consecutive failing builds, this one included (0 unless failed)
    error_details: str | None
    error_stack_trace: str | None


def _error(case: Case, flaky: bool, rng: random.Random) -> tuple[str, str]:
    details, exception = rng.choice(FLAKY_ERRORS if flaky else REAL_ERRORS)
    if case.style == "python":
        return details, (f"{case.class_name.replace('.', '/').rsplit('/', 1)[0]}.py:{rng.randint(20, 400)}: "
                         f"in {case.name}\n    assert response.ok\nE   AssertionError: {details}")
    if case.style == "js":
        return details, f"Error: {details}\n    at Object.<anonymous> ({case.class_name}:{rng.randint(10, 300)}:17)"
    if case.style == "rust":
        return details, f"thread '{case.name}' panicked at src/lib.rs:{rng.randint(10, 900)}:9:\n{details}"
    short = case.class_name.rsplit(".", 1)[-1]
    return details, (f"{exception}: {details}\n\tat org.junit.jupiter.api.AssertionUtils.fail(AssertionUtils.java:55)"
                     f"\n\tat {case.class_name}.{case.name}({short}.java:{rng.randint(20, 400)})"
                     "\n\tat java.base/java.lang.reflect.Method.invoke(Method.java:580)")


def results(seed: int, job: Job, plan: BuildPlan, plan_of: Callable[[int], BuildPlan | None]) -> list[CaseResult]:
    """Every case of a finished build with a report, in Blue Ocean's order: failed, skipped, passed.

    `plan_of(n)` is the plan of build n of the job, None when it does not exist (for state and age).
    """
    cat = job_catalog(seed, job)
    total, _, skipped = plan.tests
    failed = set(failing(seed, job, plan))
    skips = set(cat.disabled[:skipped])

    def failed_in(number: int) -> set[int] | None:
        before = plan_of(number)
        return set(failing(seed, job, before)) if before is not None and before.tests else None

    previous = failed_in(plan.number - 1) or set()
    rng = rng_for(seed, job.full_name, plan.number, "durations")
    out = {"FAILED": [], "SKIPPED": [], "PASSED": []}
    for index in range(total):
        case = cat.cases[index]
        jitter = rng.uniform(0.8, 1.25)
        if index in failed:
            age, number = 1, plan.number - 1
            while age < MAX_AGE_WALK and index in (failed_in(number) or ()):
                age, number = age + 1, number - 1
            flaky = index in cat.flaky
            details, trace = _error(case, flaky, rng_for(seed, job.repo, plan.commit, index))
            duration = case.base_s * jitter * (3 if flaky else 1)  # flaky cases fail by waiting
            out["FAILED"].append(CaseResult(case, "FAILED", "REGRESSION" if index not in previous else "UNKNOWN",
                                            round(duration, 3), age, details, trace))
        elif index in skips:
            out["SKIPPED"].append(CaseResult(case, "SKIPPED", "UNKNOWN", 0.0, 0, None, None))
        else:
            out["PASSED"].append(CaseResult(case, "PASSED", "FIXED" if index in previous else "UNKNOWN",
                                            round(case.base_s * jitter, 3), 0, None, None))
    return [*out["FAILED"], *out["SKIPPED"], *out["PASSED"]]


def flaky_tests(seed: int, job: Job, plan_of: Callable[[int], BuildPlan | None]) -> list[dict]:
    """The planted flaky cases that failed and passed on one commit among builds `job.first..job.last` that
    finished with a report (`plan_of` gives None for the others), with those commits."""
    if job.recipe.freestyle or not job.recipe.tests:
        return []  # freestyle runs carry no commit
    cat = job_catalog(seed, job)
    by_commit: dict[str, list[BuildPlan]] = {}
    for number in range(job.first, job.last + 1):
        plan = plan_of(number)
        if plan is not None and plan.tests:
            by_commit.setdefault(plan.commit, []).append(plan)
    found: dict[int, set[str]] = {}
    for commit, plans in by_commit.items():
        if len(plans) < 2:
            continue
        for index in cat.flaky:
            fails = [index in failing(seed, job, p) for p in plans]
            if any(fails) and not all(fails):
                found.setdefault(index, set()).add(commit)
    return [{"job": job.full_name, "suite": cat.cases[i].suite, "class_name": cat.cases[i].class_name,
             "name": cat.cases[i].name, "commits": sorted(commits)} for i, commits in sorted(found.items())]


def test_report(results_: list[CaseResult], number: int) -> dict:
    """The JUnit plugin's `testReport/api/json` of the same results (hudson.tasks.junit.TestResult)."""
    suites: dict[str, list[CaseResult]] = {}
    for result in sorted(results_, key=lambda r: (r.case.suite, r.case.class_name)):
        suites.setdefault(result.case.suite, []).append(result)
    status = {"FAILED": lambda r: "FAILED" if r.age > 1 else "REGRESSION",
              "PASSED": lambda r: "FIXED" if r.state == "FIXED" else "PASSED", "SKIPPED": lambda r: "SKIPPED"}
    return {
        "_class": "hudson.tasks.junit.TestResult",
        "duration": round(sum(r.duration_s for r in results_), 3),
        "empty": False,
        "failCount": sum(r.status == "FAILED" for r in results_),
        "passCount": sum(r.status == "PASSED" for r in results_),
        "skipCount": sum(r.status == "SKIPPED" for r in results_),
        "suites": [{
            "cases": [{
                "age": r.age, "className": r.case.class_name, "duration": r.duration_s,
                "errorDetails": r.error_details, "errorStackTrace": r.error_stack_trace,
                "failedSince": number - r.age + 1 if r.age else 0, "name": r.case.name,
                "skipped": r.status == "SKIPPED",
                "status": status[r.status](r),
            } for r in cases],
            "duration": round(sum(r.duration_s for r in cases), 3),
            "name": suite,
        } for suite, cases in suites.items()],
    }


__all__ = ["Case", "CaseResult", "catalog", "failing", "flaky_tests", "job_catalog", "results", "test_report"]
