"""What each kind of simulated job runs: its stages, parallel branches, steps and agents.

A recipe plays the role of a Jenkinsfile. Every build of a job runs the same recipe, so flow-node
ids are the same from build to build (as for an unchanged Jenkinsfile), which is what lets failed
and running builds show "future" nodes that keep the ids of the last successful build.
Each `sh` step names an `output` key: logs.py prints that tool's output, and evidence.py the
tool's failure text, so a log's evidence always matches the step that failed.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class StepSpec:
    name: str                       # Blue Ocean displayName ("Shell Script", "Print Message", ...)
    description: str | None = None  # displayDescription (the sh script, the echo text)
    output: str = "generic"         # key of the tool output printed by this step
    weight: float = 1.0             # share of its node's time
    untimed: bool = False           # Jenkins lost its timing: startTime is the 1970 epoch
    always: bool = False            # runs even after an earlier step failed (post { always })


@dataclass(frozen=True)
class StageSpec:
    name: str
    steps: tuple[StepSpec, ...] = ()
    branches: tuple[StageSpec, ...] = ()
    weight: float = 1.0
    synthetic: bool = False   # top-level `parallel` without an enclosing stage
    input_ms: int = 0         # an `input` step waits this long for a human
    agent_wait: float = 0.0   # a parallel branch waits this share of the stage for an executor
    pool: str = ""            # agent pool of a parallel branch ("" = the recipe's pool)


@dataclass(frozen=True, eq=False)  # identity hash: recipes are singletons
class Recipe:
    stages: tuple[StageSpec, ...]
    median_ms: int
    pool: tuple[str, ...]
    tests: int = 0                # JUnit cases reported per build (0 = no test report)
    timeout_min: int = 60         # `options { timeout(...) }` of the pipeline
    freestyle: bool = False
    artifact: str | None = None   # archived artifact path on success
    large_log_every: int = 0      # every Nth build logs verbosely (> 150 KB)
    pools: dict[str, tuple[str, ...]] = field(default_factory=dict)  # extra agent pools by label
    label: str = "linux"          # label of `pool`


def pool_label(recipe: Recipe, stage: StageSpec) -> str:
    """The agent label a stage or branch asks for."""
    return stage.pool or recipe.label


def sh(script: str, output: str, weight: float = 1.0) -> StepSpec:
    return StepSpec("Shell Script", script, output, weight)


CHECKOUT = StepSpec("Check out from version control", None, "checkout", 0.6)


def junit(pattern: str) -> StepSpec:
    return StepSpec("Archive JUnit-formatted test results", pattern, "junit", 0.05, always=True)


def echo(text: str, untimed: bool = False) -> StepSpec:
    return StepSpec("Print Message", text, "echo", 0.01, untimed=untimed)


LINUX = tuple(f"linux-agent-{i:02d}" for i in range(1, 9))
DOCKER_LARGE = ("docker-large-01", "docker-large-02")
MAC = ("mac-mini-01", "mac-mini-02", "mac-mini-03")
K8S = tuple(f"k8s-pod-{c}" for c in ("7xq2p", "b81kd", "m4zrt", "q9vnw", "t2hcs", "w5lfe", "z0aky", "c6gpj"))

MAVEN = Recipe(
    median_ms=11 * 60_000,
    pool=LINUX,
    tests=240,
    timeout_min=45,
    artifact="target/app.jar",
    pools={"docker-large": DOCKER_LARGE},
    stages=(
        StageSpec("Checkout", (CHECKOUT, echo("Building branch ${BRANCH_NAME}", untimed=True)), weight=0.5),
        StageSpec("Build", (sh("mvn -B -DskipTests clean package", "maven-build"),), weight=2.5),
        StageSpec("Test", weight=5, branches=(
            StageSpec("Unit", (sh("mvn -B test -Dmaven.test.failure.ignore=true", "maven-test"),
                               junit("target/surefire-reports/*.xml"))),
            StageSpec("Integration", (sh("mvn -B verify -Pintegration -DskipUnitTests", "maven-it"),
                                      junit("target/failsafe-reports/*.xml")),
                      agent_wait=0.3, pool="docker-large"),
        )),
        StageSpec("Package", (sh("docker build -t registry.example.com/acme/${JOB_BASE_NAME}:${GIT_COMMIT} .",
                                 "docker"),
                              StepSpec("Archive the artifacts", "target/*.jar", "archive", 0.1)), weight=1.5),
        StageSpec("Deploy", (sh("kubectl -n staging rollout restart deployment/${JOB_BASE_NAME}", "kubectl"),),
                  weight=0.8),
    ),
)

GRADLE = Recipe(
    median_ms=14 * 60_000,
    pool=MAC,
    label="mac",
    tests=180,
    timeout_min=60,
    stages=(
        StageSpec("Checkout", (CHECKOUT,), weight=0.4),
        StageSpec("Compile", (sh("./gradlew --no-daemon assembleDebug", "gradle-compile"),), weight=3),
        StageSpec("Unit tests", (sh("./gradlew --no-daemon testDebugUnitTest", "gradle-test"),
                                 junit("app/build/test-results/**/*.xml")), weight=3),
        StageSpec("Lint", (sh("./gradlew --no-daemon lintDebug", "gradle-lint"),), weight=1.5),
        StageSpec("Publish", (sh("./gradlew --no-daemon publishBundle", "gradle-publish"),), weight=1),
    ),
)

PYTHON = Recipe(
    median_ms=6 * 60_000,
    pool=LINUX,
    tests=420,
    timeout_min=30,
    large_log_every=10,
    stages=(
        StageSpec("Checkout", (CHECKOUT,), weight=0.4),
        StageSpec("Setup", (sh("python3 -m venv .venv && .venv/bin/pip install -r requirements.txt",
                               "pip-install"),), weight=1.5),
        StageSpec("Test", (sh(".venv/bin/pytest -q --junitxml=reports/junit.xml", "pytest"),
                           junit("reports/junit.xml")), weight=4),
        StageSpec("Publish", (sh(".venv/bin/python -m build && .venv/bin/twine upload dist/*", "twine"),),
                  weight=0.6),
    ),
)

NPM = Recipe(
    median_ms=9 * 60_000,
    pool=LINUX,
    tests=310,
    timeout_min=30,
    stages=(
        StageSpec("Checkout", (CHECKOUT,), weight=0.3),
        StageSpec("Install", (sh("npm ci --no-audit --no-fund", "npm-install"),), weight=1.5),
        StageSpec("Typecheck", (sh("npx tsc --noEmit -p tsconfig.json", "tsc"),), weight=1),
        StageSpec("Test", weight=4, branches=(
            StageSpec("Unit", (sh("npx jest --ci --reporters=default --reporters=jest-junit", "jest"),
                               junit("junit.xml"))),
            StageSpec("E2E", (sh("npx playwright test --reporter=junit", "playwright"),
                              junit("test-results/junit.xml"))),
        )),
        StageSpec("Build", (sh("npm run build", "npm-build"),), weight=1.2),
    ),
)

RUST = Recipe(
    median_ms=8 * 60_000,
    pool=LINUX,
    tests=95,
    timeout_min=40,
    stages=(
        StageSpec("Checkout", (CHECKOUT,), weight=0.3),
        StageSpec("Build", (sh("cargo build --release --locked", "cargo-build"),), weight=4),
        StageSpec("Test", (sh("cargo test --locked -- --format=junit > target/junit.xml", "cargo-test"),
                           junit("target/junit.xml")),
                  weight=2.5),
        StageSpec("Package", (sh("tar czf dist/bt-cli-linux-amd64.tar.gz -C target/release bt-cli", "generic"),),
                  weight=0.3),
    ),
)

TERRAFORM = Recipe(
    median_ms=4 * 60_000,
    pool=("Jenkins",),
    label="built-in",
    timeout_min=120,
    stages=(
        StageSpec("Checkout", (CHECKOUT,), weight=0.5),
        StageSpec("Plan", (sh("terraform init -input=false && terraform plan -input=false -out=tfplan",
                              "terraform-plan"),), weight=2),
        StageSpec("Approve", (StepSpec("Wait for interactive input", "Apply this plan to production?", "input",
                                       1.0),), weight=0.01, input_ms=70 * 60_000),
        StageSpec("Apply", (sh("terraform apply -input=false tfplan", "terraform-apply"),), weight=1.5),
    ),
)

HELM = Recipe(
    median_ms=4 * 60_000,
    pool=("k8s-deployer-01", "k8s-deployer-02"),
    label="k8s-deployer",
    timeout_min=20,
    stages=(
        StageSpec("Checkout", (CHECKOUT,), weight=0.4),
        StageSpec("Render", (sh("helm template charts/platform -f values/prod.yaml > rendered.yaml", "helm"),),
                  weight=0.6),
        StageSpec("Deploy", (sh("kubectl apply -f rendered.yaml && kubectl rollout status deploy --timeout=5m",
                                "kubectl"),), weight=2),
        StageSpec("Smoke test", (sh("curl -fsS https://platform.example.com/healthz", "smoke"),), weight=0.4),
    ),
)

E2E = Recipe(
    median_ms=25 * 60_000,
    pool=LINUX,
    tests=150,
    timeout_min=60,
    pools={"mac": MAC},
    stages=(
        StageSpec("Parallel", synthetic=True, weight=6, branches=tuple(
            StageSpec(browser, (CHECKOUT, sh(f"npx playwright test --project={browser}", "playwright"),
                                junit("test-results/junit.xml")),
                      pool="mac" if browser == "webkit" else "")
            for browser in ("chromium", "firefox", "webkit")
        )),
        StageSpec("Report", (sh("npx playwright merge-reports --reporter=html ./blob-reports", "generic"),),
                  weight=0.3),
    ),
)

SHARDS = 60
MONOREPO = Recipe(
    median_ms=35 * 60_000,
    pool=K8S,
    label="k8s",
    tests=1200,
    timeout_min=90,
    stages=(
        StageSpec("Checkout", (CHECKOUT,), weight=0.2),
        StageSpec("Build", weight=3, branches=tuple(
            StageSpec(f"build pkg-{i:02d}", (sh(f"bazel build //packages/pkg-{i:02d}/...", "bazel-build"),))
            for i in range(SHARDS)
        )),
        StageSpec("Test", weight=4, branches=tuple(
            StageSpec(f"test shard {i + 1:02d}/{SHARDS}",
                      (sh(f"bazel test //... --test_sharding_strategy=explicit --test_shard_index={i}",
                          "bazel-test"),))
            for i in range(SHARDS)
        )),
    ),
)

FREESTYLE = Recipe(
    median_ms=3 * 60_000,
    pool=(),
    freestyle=True,
    timeout_min=15,
    stages=(
        StageSpec("build", (sh("pip install -q -r requirements.txt", "pip-install"),
                            sh("mkdocs build --strict --site-dir site", "mkdocs"),
                            sh("rsync -a --delete site/ docs@docs.example.com:/srv/docs/", "generic"))),
    ),
)
