"""The simulated controller's items: folders, multibranch projects and jobs, and how `scale` grows them.

Scale 1 is a hand-made controller with every shape the ingester must meet (nested folders, a
multibranch project with a branch and a pull request, a freestyle job, a job that never ran, a
running build, a paused build, queued items, rotated-away builds, a 120-node graph, a top-level
parallel). Each extra unit of scale adds one `team-NNN` folder of about 500 more builds. Given
builds (`GivenBuild`) make a controller of nothing but jobs whose console logs are texts from
elsewhere: real logs, a test's own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import quote

from .recipes import E2E, FREESTYLE, GRADLE, HELM, MAVEN, MONOREPO, NPM, PYTHON, RUST, TERRAFORM, Recipe


@dataclass(frozen=True)
class Outcome:
    result: str
    category: str | None = None


RESULTS = ("SUCCESS", "UNSTABLE", "FAILURE", "ABORTED", "NOT_BUILT")


@dataclass(frozen=True)
class GivenBuild:
    """A finished build whose console log is `log`, served byte for byte as UTF-8. `category` and
    `labels` are what a person reads in it: they go to truth() only, never into what is served."""

    result: str
    log: str
    category: str | None = None
    labels: tuple[str, ...] = ()   # the agents it names; none: `unknown`

    def __post_init__(self) -> None:
        if self.result not in RESULTS:
            raise ValueError(f"result must be one of {', '.join(RESULTS)}, got {self.result!r}")


@dataclass
class QueueItem:
    id: int
    expected: int      # expectedBuildNumber
    queued_ms: int
    user: tuple[str, str]
    blockage: str


@dataclass(eq=False)
class Job:
    """A buildable item, with the few facts that change as the controller moves on."""

    path: tuple[str, ...]          # item names from the organization; a branch job's name is encoded once
    kind: str                      # pipeline | freestyle | branch | pull_request
    recipe: Recipe
    builds: int                    # builds at creation
    first: int = 1                 # lowest build number at creation (older ones were rotated away)
    schedule: str = "work"         # work: office-hours spread; nightly: a timer at 02:00
    branch: str | None = None      # decoded branch name of a branch or PR job
    primary: bool = False
    pr: dict | None = None         # {id, title, author} of a pull request job
    tail: tuple[Outcome, ...] = ()  # forced outcomes of the newest builds at creation, oldest first
    role: str = ""                 # running | paused | queue | rotating | given
    repo: str = ""
    keep: int = 0                  # build discarder: keep this many builds (0 = keep all)
    starts: dict[int, int] = field(default_factory=dict)    # start times of builds made after creation
    enqueues: dict[int, int] = field(default_factory=dict)  # enqueue times of builds that came from the queue
    queue: list[QueueItem] = field(default_factory=list)
    given: tuple[GivenBuild, ...] = ()  # a given-log job's builds, oldest first

    def __post_init__(self) -> None:
        self.base_first = self.first
        self.base_last = self.first + self.builds - 1
        self.last = self.base_last
        self.repo = self.repo or self.path[0]
        self.forced = {self.base_last - len(self.tail) + 1 + i: o for i, o in enumerate(self.tail)}

    @property
    def full_name(self) -> str:
        return "/".join(self.path)

    @property
    def name(self) -> str:
        return self.path[-1]

    @property
    def display_name(self) -> str:
        return self.branch or self.name

    def exists(self, number: int) -> bool:
        return self.first <= number <= self.last

    def given_build(self, number: int) -> GivenBuild | None:
        return self.given[number - self.base_first] if self.given else None


@dataclass(eq=False)
class Folder:
    path: tuple[str, ...]
    children: dict[str, object] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.path[-1] if self.path else ""


@dataclass(eq=False)
class MultiBranch:
    path: tuple[str, ...]
    recipe: Recipe
    branches: dict[str, Job] = field(default_factory=dict)  # by branch job name

    @property
    def name(self) -> str:
        return self.path[-1]


def _add(folder: Folder, item) -> None:
    folder.children[item.name] = item


# What branch-api's NameEncoder escapes when a branch becomes a job name: '%', '/' and the characters
# an item name may not hold. Spaces, dots and accents stay as they are.
_NAME_ENCODED = '%/\\:?*"<>|'


def branch_job_name(branch: str) -> str:
    """The job name Jenkins gives a branch (`feature/été` -> `feature%2Fété`): encoded once."""
    return "".join(quote(c, safe="") if c in _NAME_ENCODED else c for c in branch)


def _multibranch(parent: Folder, name: str, recipe: Recipe, branches: list[tuple[str, int, tuple]],
                 pr: dict | None, repo: str) -> MultiBranch:
    """Branches are (decoded name, builds, tail); names starting with PR- become pull requests."""
    project = MultiBranch(parent.path + (name,), recipe)
    for i, (branch, builds, tail) in enumerate(branches):
        job_name = branch_job_name(branch)
        is_pr = branch.startswith("PR-")
        project.branches[job_name] = Job(
            project.path + (job_name,), "pull_request" if is_pr else "branch", recipe, builds,
            branch=branch, primary=i == 0, pr=pr if is_pr else None, tail=tail, repo=repo)
    _add(parent, project)
    return project


FAIL = "FAILURE"


def _base(root: Folder) -> None:
    _add(root, Job(("android-app",), "pipeline", GRADLE, 45, tail=(Outcome(FAIL, "test_failure"),)))
    _add(root, Job(("api-gateway",), "pipeline", MAVEN, 70, tail=(Outcome("SUCCESS"),), role="running"))
    _add(root, Job(("data-pipeline",), "pipeline", PYTHON, 40, first=181, role="rotating", keep=40))
    _add(root, Job(("docs-site",), "freestyle", FREESTYLE, 30, tail=(Outcome("ABORTED", "timeout"),)))
    _add(root, Job(("monorepo-ci",), "pipeline", MONOREPO, 20,
                   tail=(Outcome("SUCCESS"), Outcome("ABORTED", "aborted"))))
    _add(root, Job(("nightly-e2e",), "pipeline", E2E, 30, schedule="nightly"))
    platform = Folder(("platform",))
    _add(root, platform)
    _add(platform, Job(("platform", "build-tools"), "pipeline", RUST, 35,
                       tail=(Outcome("SUCCESS"), Outcome("ABORTED", "timeout"))))
    infra = Folder(("platform", "infra"))
    _add(platform, infra)
    _add(infra, Job(("platform", "infra", "k8s-deploy"), "pipeline", HELM, 48, role="queue"))
    _add(infra, Job(("platform", "infra", "terraform-apply"), "pipeline", TERRAFORM, 18,
                    tail=(Outcome("SUCCESS"),), role="paused"))
    _add(root, Job(("sandbox",), "pipeline", MAVEN, 0))
    _multibranch(root, "webapp", NPM, [
        ("main", 90, (Outcome("SUCCESS"),)),
        ("feature/login-page", 28, (Outcome("SUCCESS"), Outcome(FAIL, "compilation_error"))),
        ("PR-42", 14, (Outcome("SUCCESS"), Outcome("UNSTABLE", "test_failure"))),
    ], pr={"id": "42", "title": "Login page: remember me", "author": "carol"}, repo="webapp")


def _team(root: Folder, i: int) -> None:
    name = f"team-{i:03d}"
    team = Folder((name,))
    _add(root, team)
    _add(team, Job((name, "api"), "pipeline", MAVEN, 110, repo=f"{name}-api"))
    _add(team, Job((name, "worker"), "pipeline", PYTHON, 90, repo=f"{name}-worker"))
    _add(team, Job((name, "mobile"), "pipeline", GRADLE, 55, repo=f"{name}-mobile"))
    _add(team, Job((name, "nightly"), "pipeline", E2E, 30, schedule="nightly", repo=f"{name}-e2e"))
    tools = Folder((name, "tools"))
    _add(team, tools)
    _add(tools, Job((name, "tools", "cli"), "pipeline", RUST, 45, repo=f"{name}-cli"))
    _add(tools, Job((name, "tools", "docs"), "freestyle", FREESTYLE, 30, repo=f"{name}-docs"))
    _multibranch(team, "frontend", NPM, [("main", 100, ()), ("feature/search-filters", 28, ()),
                                         (f"PR-{100 + i}", 14, ())],
                 pr={"id": str(100 + i), "title": "Search: facet filters", "author": "farid"}, repo=f"{name}-frontend")


def _field_names(root: Folder) -> None:
    """Items named as real teams name them: accents, spaces and dots in folders, jobs and branches,
    and slashes in branch names (Jenkins item names may not hold '/', '%' and a few others)."""
    team = Folder(("Équipe Données",))
    _add(root, team)
    _add(team, Job(("Équipe Données", "déploiement v1.2"), "pipeline", HELM, 24,
                   tail=(Outcome(FAIL, "infrastructure"),), repo="deploiement"))
    tools = Folder(("Équipe Données", "outils.internes"))
    _add(team, tools)
    _add(tools, Job(("Équipe Données", "outils.internes", "café api"), "pipeline", PYTHON, 22,
                    tail=(Outcome(FAIL, "test_failure"),), repo="cafe-api"))
    _add(tools, Job(("Équipe Données", "outils.internes", "rapports ünïcode"), "freestyle", FREESTYLE, 12,
                    repo="rapports"))
    _multibranch(team, "app mobile", GRADLE, [
        ("main", 30, (Outcome("SUCCESS"),)),
        ("feature/été-2026", 16, (Outcome(FAIL, "compilation_error"),)),
        ("release/1.2.x", 12, (Outcome("SUCCESS"),)),
        ("PR-7", 6, (Outcome("UNSTABLE", "test_failure"),)),
    ], pr={"id": "7", "title": "Écran de connexion", "author": "zoé"}, repo="app-mobile")


def _given(root: Folder, given_logs: dict[str, list[GivenBuild]]) -> None:
    """Freestyle jobs (folders from the `/` in their names) whose builds are the given ones."""
    for full_name, builds in given_logs.items():
        path = tuple(full_name.split("/"))
        if not all(path) or not builds:
            raise ValueError(f"given logs need a job name without empty parts and builds, got {full_name!r}")
        parent = root
        for depth in range(1, len(path)):
            parent = parent.children.setdefault(path[depth - 1], Folder(path[:depth]))
            if not isinstance(parent, Folder):
                raise ValueError(f"{'/'.join(path[:depth])!r} is both a job and a folder")
        if path[-1] in parent.children:
            raise ValueError(f"{full_name!r} is both a job and a folder")
        _add(parent, Job(path, "freestyle", FREESTYLE, len(builds), tail=tuple(Outcome(b.result) for b in builds),
                         role="given", given=tuple(builds)))


def build_layout(scale: int, field_names: bool = False,
                 given_logs: dict[str, list[GivenBuild]] | None = None) -> Folder:
    """The organization's root folder for this scale; `field_names` adds `_field_names`' items;
    `given_logs` (job full name -> builds) makes a controller of those jobs alone."""
    root = Folder(())
    if given_logs:
        _given(root, given_logs)
        return root
    _base(root)
    if field_names:
        _field_names(root)
    for i in range(1, scale):
        _team(root, i)
    return root


def walk_jobs(item) -> list[Job]:
    """Every job below an item, depth first in name order."""
    if isinstance(item, Job):
        return [item]
    children = item.branches if isinstance(item, MultiBranch) else item.children
    return [job for name in sorted(children) for job in walk_jobs(children[name])]
