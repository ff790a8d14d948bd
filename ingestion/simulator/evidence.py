"""What tools print: the normal output of each step kind and the evidence of each failure category.

The texts follow what Maven, Gradle, npm, pip, pytest, tsc, rustc/cargo, Bazel, git, Jenkins'
`timeout` step, the build-timeout plugin and the remoting layer really print, so that log-based
failure classification (docs/contract.md section 5) can be developed against them. Catalogue of the evidence
a build of each category carries (the simulator's `truth()` gives the category):

* test_failure: `Tests run: N, Failures: F` (surefire/failsafe), `There were failing tests` (Gradle),
  `FAILED tests/...` and `== F failed` (pytest), `Tests: F failed` (Jest), `F failed` (Playwright),
  `test result: FAILED` (cargo), `FAILED in` / `tests pass and F fails` (Bazel)
* compilation_error: `COMPILATION ERROR` / `Compilation failure` (javac via Maven), `e: file://...`
  + `Compilation error` (kotlinc via Gradle), `error TS2322` (tsc), `error[E0308]` + `could not compile` (rustc),
  `error: ... does not name a type` + `Build did NOT complete successfully` (Bazel/gcc)
* dependency_error: `Could not resolve dependencies` (Maven), `Could not resolve all files` (Gradle),
  `npm ERR! code E404|ERESOLVE`, `No matching distribution found` (pip), `failed to select a version` (cargo),
  `Failed to query available provider packages` (Terraform)
* infrastructure: `hudson.remoting.ChannelClosedException`, `No space left on device`
* timeout: `Timeout has been exceeded` (pipeline `timeout` step),
  `Build timed out (after N minutes). Marking the build as aborted.` (build-timeout plugin, freestyle)
* scm_error: `hudson.plugins.git.GitException` / `Error fetching remote repo` / `fatal: ...`
* aborted: `Aborted by <user>`
* unknown: `groovy.lang.MissingPropertyException`, a bare `script returned exit code`, mkdocs strict
  warnings, NOT_BUILT `[ci skip]` builds
Beware, as in real logs: every git command line ends with `# timeout=10`; git's
`Could not resolve host` is an SCM error, not a dependency one; `Remote call on mac-mini-01 failed`
is not a test count.
"""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass
class Ctx:
    """What a step's output may mention."""

    rng: random.Random
    project: str          # artifact / package name
    ws: str               # workspace of the step
    url: str              # repository URL
    branch: str
    commit: str
    previous: str
    message: str
    agent: str | None
    tests: int            # test cases this step runs
    failed: int           # of which failed
    skipped: int
    verbose: bool


def _mmss(rng: random.Random, low: int, high: int) -> str:
    s = rng.randint(low, high)
    return f"{s // 60}:{s % 60:02d} min"


def checkout(c: Ctx) -> list[str]:
    return [
        "The recommended git tool is: NONE",
        "using credential github-app-acme",
        "Cloning the remote Git repository",
        f"Cloning repository {c.url}",
        f" > git init {c.ws} # timeout=10",
        f"Fetching upstream changes from {c.url}",
        " > git --version # timeout=10",
        " > git --version # 'git version 2.43.0'",
        "using GIT_ASKPASS to set credentials GitHub app credential",
        f" > git fetch --tags --force --progress -- {c.url} +refs/heads/*:refs/remotes/origin/* # timeout=10",
        f" > git config remote.origin.url {c.url} # timeout=10",
        " > git config --add remote.origin.fetch +refs/heads/*:refs/remotes/origin/* # timeout=10",
        "Avoid second fetch",
        f"Checking out Revision {c.commit} (origin/{c.branch})",
        " > git config core.sparsecheckout # timeout=10",
        f" > git checkout -f {c.commit} # timeout=10",
        f'Commit message: "{c.message}"',
        f" > git rev-list --no-walk {c.previous} # timeout=10",
    ]


def _maven_tests(c: Ctx, plugin: str) -> list[str]:
    rng, lines = c.rng, ["[INFO] -------------------------------------------------------", "[INFO]  T E S T S",
                         "[INFO] -------------------------------------------------------"]
    classes = ("ServiceTest", "ConfigTest", "RouteTest", "OrderServiceTest", "AuthFilterTest", "RepositoryIT")
    for name in classes:
        lines.append(f"[INFO] Running com.example.app.{name}")
        lines.append(f"[INFO] Tests run: {rng.randint(8, 60)}, Failures: 0, Errors: 0, Skipped: 0, "
                     f"Time elapsed: {rng.uniform(0.2, 9):.3f} s - in com.example.app.{name}")
    lines += ["[INFO] ", "[INFO] Results:", "[INFO] "]
    if c.failed:
        lines[-4:-4] = [
            (f"[ERROR] Tests run: 31, Failures: {c.failed}, Errors: 0, Skipped: 0, Time elapsed: 2.114 s "
            "<<< FAILURE! - in com.example.app.OrderServiceTest"),
            "[ERROR] shouldRejectNegativeQuantity  Time elapsed: 0.041 s  <<< FAILURE!",
            "org.opentest4j.AssertionFailedError: expected: <400> but was: <500>",
            "\tat com.example.app.OrderServiceTest.shouldRejectNegativeQuantity(OrderServiceTest.java:88)",
        ]
        lines += ["[ERROR] Failures: ",
                  "[ERROR]   OrderServiceTest.shouldRejectNegativeQuantity:88 expected: <400> but was: <500>",
                  f"[ERROR] Tests run: {c.tests}, Failures: {c.failed}, Errors: 0, Skipped: {c.skipped}"]
    else:
        lines.append(f"[INFO] Tests run: {c.tests}, Failures: 0, Errors: 0, Skipped: {c.skipped}")
    return lines + [f"[INFO] --- {plugin} @ {c.project} ---"]


def maven_build(c: Ctx) -> list[str]:
    return [
        "[INFO] Scanning for projects...",
        f"[INFO] -----------------------< com.example:{c.project} >-----------------------",
        f"[INFO] Building {c.project} 2.4.0-SNAPSHOT",
        "[INFO] --------------------------------[ jar ]---------------------------------",
        f"[INFO] --- maven-resources-plugin:3.3.1:resources (default-resources) @ {c.project} ---",
        f"[INFO] --- maven-compiler-plugin:3.13.0:compile (default-compile) @ {c.project} ---",
        f"[INFO] Compiling {c.rng.randint(150, 320)} source files with javac [debug target 17] to target/classes",
        f"[INFO] --- maven-jar-plugin:3.4.1:jar (default-jar) @ {c.project} ---",
        f"[INFO] Building jar: {c.ws}/target/{c.project}-2.4.0-SNAPSHOT.jar",
        "[INFO] ------------------------------------------------------------------------",
        "[INFO] BUILD SUCCESS",
        "[INFO] ------------------------------------------------------------------------",
        f"[INFO] Total time:  {_mmss(c.rng, 40, 200)}",
    ]


def maven_test(c: Ctx) -> list[str]:
    lines = _maven_tests(c, "maven-surefire-plugin:3.2.5:test (default-test)")
    if c.failed:  # -Dmaven.test.failure.ignore: Maven goes on, the junit step marks the build UNSTABLE
        lines.append("[ERROR] There are test failures.")
    return lines + ["[INFO] BUILD SUCCESS", f"[INFO] Total time:  {_mmss(c.rng, 60, 400)}"]


def maven_it(c: Ctx) -> list[str]:
    lines = _maven_tests(c, "maven-failsafe-plugin:3.2.5:integration-test (default)")
    if not c.failed:
        return lines + ["[INFO] BUILD SUCCESS", f"[INFO] Total time:  {_mmss(c.rng, 60, 400)}"]
    return lines + ["[INFO] BUILD FAILURE",
                    ("[ERROR] Failed to execute goal org.apache.maven.plugins:maven-failsafe-plugin:3.2.5:verify "
                    f"(default) on project {c.project}: There are test failures."),
                    "[ERROR] -> [Help 1]"]


def docker(c: Ctx) -> list[str]:
    return ["#0 building with \"default\" instance using docker driver",
            "#1 [internal] load build definition from Dockerfile",
            "#1 transferring dockerfile: 412B done",
            "#5 [2/4] COPY target/*.jar /app/app.jar",
            f"#8 naming to registry.example.com/acme/{c.project}:{c.commit} done",
            "#8 DONE 1.2s"]


def gradle(task: str):
    def output(c: Ctx) -> list[str]:
        lines = ["> Task :app:preBuild UP-TO-DATE", f"> Task :app:{task}"]
        if task == "testDebugUnitTest" and c.failed:
            lines[1:1] = ["LoginViewModelTest > emitsErrorOnBadPassword FAILED",
                          "    java.lang.AssertionError at LoginViewModelTest.kt:57",
                          f"{c.tests} tests completed, {c.failed} failed, {c.skipped} skipped"]
            lines[-1] += " FAILED"
            return lines + ["", "FAILURE: Build failed with an exception.", "", "* What went wrong:",
                            "Execution failed for task ':app:testDebugUnitTest'.",
                            ("> There were failing tests. See the report at: "
                            f"file://{c.ws}/app/build/reports/tests/testDebugUnitTest/index.html"),
                            "", f"BUILD FAILED in {c.rng.randint(1, 5)}m {c.rng.randint(0, 59)}s"]
        return lines + ["", f"BUILD SUCCESSFUL in {c.rng.randint(1, 5)}m {c.rng.randint(0, 59)}s",
                        f"{c.rng.randint(20, 60)} actionable tasks: {c.rng.randint(5, 20)} executed, 12 up-to-date"]
    return output


def npm_install(c: Ctx) -> list[str]:
    return [f"added {c.rng.randint(900, 1600)} packages in {c.rng.randint(20, 70)}s",
            "", f"{c.rng.randint(100, 250)} packages are looking for funding"]


def jest(c: Ctx) -> list[str]:
    lines = ["PASS src/api/client.test.ts", "PASS src/hooks/useSession.test.ts"]
    if c.failed:
        lines += ["FAIL src/components/LoginForm.test.tsx",
                  "  ● LoginForm › shows an error for a wrong password",
                  "",
                  "    expect(received).toBeInTheDocument()",
                  "",
                  "    received value must be an HTMLElement or an SVGElement.",
                  "Test Suites: 1 failed, 41 passed, 42 total",
                  f"Tests:       {c.failed} failed, {c.tests - c.failed} passed, {c.tests} total"]
    else:
        lines += ["PASS src/components/LoginForm.test.tsx", "Test Suites: 42 passed, 42 total",
                  f"Tests:       {c.tests} passed, {c.tests} total"]
    return lines + [f"Time:        {c.rng.uniform(20, 60):.3f} s", "Ran all test suites."]


def playwright(c: Ctx) -> list[str]:
    lines = [f"Running {c.tests} tests using 4 workers",
             "  ✓  1 [chromium] › login.spec.ts:12:5 › user can log in (2.1s)",
             "  ✓  2 [chromium] › cart.spec.ts:8:3 › adds an item (1.4s)"]
    if c.failed:
        return lines + ["  ✘  3 [chromium] › checkout.spec.ts:21:5 › pays with a saved card (7.9s)",
                        "",
                        "  1) [chromium] › checkout.spec.ts:21:5 › pays with a saved card",
                        "    Error: expect(locator).toHaveText(expected) failed",
                        '    Expected string: "Order confirmed"',
                        '    Received string: "Payment declined"',
                        "",
                        f"  {c.failed} failed",
                        f"  {c.tests - c.failed} passed ({c.rng.uniform(2, 9):.1f}m)"]
    return lines + [f"  {c.tests} passed ({c.rng.uniform(2, 9):.1f}m)"]


def npm_build(c: Ctx) -> list[str]:
    return [f"> {c.project}@3.8.0 build", "> vite build", "", "vite v5.4.2 building for production...",
            f"✓ {c.rng.randint(600, 900)} modules transformed.", "dist/index.html   0.46 kB │ gzip:  0.30 kB",
            f"✓ built in {c.rng.uniform(8, 30):.2f}s"]


def pip_install(c: Ctx) -> list[str]:
    return ["Collecting pandas==2.2.3", "  Downloading pandas-2.2.3-cp311-cp311-manylinux2014_x86_64.whl (13.1 MB)",
            "Collecting pyarrow==17.0.0", "Installing collected packages: pytz, tzdata, numpy, pyarrow, pandas",
            "Successfully installed numpy-2.1.1 pandas-2.2.3 pyarrow-17.0.0 pytz-2024.2 tzdata-2024.1"]


def pytest(c: Ctx) -> list[str]:
    lines = []
    done = 0
    while done < c.tests:
        n = min(72, c.tests - done)
        done += n
        lines.append("." * n + " " * (72 - n) + f" [{100 * done // c.tests:3d}%]")
    if c.verbose:  # DEBUG logging left on: the kind of log that exceeds Blue Ocean's 150 KB tail
        for i in range(2400):
            lines.append(f"2026-01-01 00:00:{i % 60:02d},{i % 1000:03d} DEBUG pipeline.transform "
                         f"batch={i:05d} rows=5000 dedup={i % 17} elapsed_ms={40 + i % 90}")
    passed, took = c.tests - c.failed - c.skipped, c.rng.uniform(30, 90)
    if c.failed:
        lines += ["=================================== FAILURES ===================================",
                  "___________________________ test_dedup_keeps_latest ____________________________",
                  "    def test_dedup_keeps_latest():",
                  ">       assert len(dedup(rows)) == 2",
                  "E       assert 3 == 2",
                  "=========================== short test summary info ============================",
                  "FAILED tests/test_transform.py::test_dedup_keeps_latest - assert 3 == 2",
                  f"===== {c.failed} failed, {passed} passed, {c.skipped} skipped in {took:.2f}s ====="]
    else:
        lines.append(f"========= {passed} passed, {c.skipped} skipped in {took:.2f}s =========")
    return lines


def twine(c: Ctx) -> list[str]:
    return ["Uploading distributions to https://pypi.example.com/simple/",
            f"Uploading {c.project.replace('-', '_')}-1.8.3-py3-none-any.whl",
            "100% ━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━ 41.2/41.2 kB • 00:00"]


def cargo_build(c: Ctx) -> list[str]:
    return ["   Compiling proc-macro2 v1.0.86", "   Compiling serde v1.0.210", "   Compiling tokio v1.40.0",
            f"   Compiling {c.project} v0.9.2 ({c.ws})",
            f"    Finished `release` profile [optimized] target(s) in {c.rng.randint(1, 4)}m {c.rng.randint(0, 59)}s"]


def cargo_test(c: Ctx) -> list[str]:
    lines = [f"running {c.tests} tests", "test cli::tests::parses_flags ... ok", "test config::tests::defaults ... ok"]
    passed = c.tests - c.failed - c.skipped
    if c.failed:
        return lines + ["test cli::tests::parses_empty_config ... FAILED", "", "failures:", "",
                        "---- cli::tests::parses_empty_config stdout ----",
                        "thread 'cli::tests::parses_empty_config' panicked at src/cli.rs:88:9:",
                        "assertion `left == right` failed", "  left: None", " right: Some(\"\")", "",
                        (f"test result: FAILED. {passed} passed; {c.failed} failed; {c.skipped} ignored; 0 measured; "
                        "0 filtered out; finished in 4.02s"),
                        f"error: test failed, to rerun pass `--bin {c.project}`"]
    return lines + [(f"test result: ok. {passed} passed; 0 failed; {c.skipped} ignored; 0 measured; 0 filtered out; "
                    f"finished in {c.rng.uniform(1, 9):.2f}s")]


def bazel_build(c: Ctx) -> list[str]:
    rng = c.rng
    lines = [f"INFO: Analyzed {rng.randint(100, 300)} targets (0 packages loaded, 0 targets configured)."]
    for i in range(24):
        lines.append(f"[{i * 61:,} / 1,530] Compiling packages/{c.project}/src/lib_{i:02d}.cc; "
                     f"{rng.randint(1, 9)}s remote-cache, linux-sandbox ... (8 actions running)")
    return lines + [f"INFO: Elapsed time: {rng.uniform(20, 90):.3f}s, Critical Path: {rng.uniform(10, 40):.2f}s",
                    "INFO: 1530 processes: 1210 remote cache hit, 320 linux-sandbox.",
                    "INFO: Build completed successfully, 1530 total actions"]


def bazel_test(c: Ctx) -> list[str]:
    rng = c.rng
    lines = [f"//packages/pkg-{i:02d}:unit_test{' ' * 30}PASSED in {rng.uniform(0.5, 20):.1f}s" for i in range(20)]
    if c.failed:
        lines[7] = f"//packages/pkg-07:unit_test{' ' * 30}FAILED in 3 out of 3 in {rng.uniform(5, 20):.1f}s"
        return lines + ["Executed 20 out of 20 tests: 19 tests pass and 1 fails locally.",
                        "There were tests whose specified size is too big."]
    return lines + ["Executed 20 out of 20 tests: 20 tests pass."]


def terraform_plan(c: Ctx) -> list[str]:
    return ["Initializing the backend...", "Initializing provider plugins...",
            "- Installing hashicorp/aws v5.67.0...", "Terraform has been successfully initialized!", "",
            f"Plan: {c.rng.randint(0, 4)} to add, {c.rng.randint(0, 3)} to change, 0 to destroy.", "",
            "Saved the plan to: tfplan"]


def terraform_apply(c: Ctx) -> list[str]:
    return ["aws_security_group.web: Modifying... [id=sg-0a1b2c3d4e5f]",
            "aws_security_group.web: Modifications complete after 2s [id=sg-0a1b2c3d4e5f]", "",
            "Apply complete! Resources: 1 added, 1 changed, 0 destroyed."]


def mkdocs(c: Ctx) -> list[str]:
    return ["INFO    -  Cleaning site directory", f"INFO    -  Building documentation to directory: {c.ws}/site",
            f"INFO    -  Documentation built in {c.rng.uniform(2, 9):.2f} seconds"]


TEST_OUTPUTS = {"maven-test", "maven-it", "gradle-test", "jest", "playwright", "pytest", "cargo-test", "bazel-test"}

OUTPUTS = {
    "checkout": checkout,
    "maven-build": maven_build, "maven-test": maven_test, "maven-it": maven_it, "docker": docker,
    "kubectl": lambda c: [f"deployment.apps/{c.project} restarted",
                          f'deployment "{c.project}" successfully rolled out'],
    "gradle-compile": gradle("assembleDebug"), "gradle-test": gradle("testDebugUnitTest"),
    "gradle-lint": gradle("lintDebug"), "gradle-publish": gradle("publishBundle"),
    "npm-install": npm_install, "tsc": lambda c: [], "jest": jest, "playwright": playwright, "npm-build": npm_build,
    "pip-install": pip_install, "pytest": pytest, "twine": twine,
    "cargo-build": cargo_build, "cargo-test": cargo_test,
    "bazel-build": bazel_build, "bazel-test": bazel_test,
    "terraform-plan": terraform_plan, "terraform-apply": terraform_apply,
    "helm": lambda c: [], "smoke": lambda c: ['{"status":"ok","version":"2.4.0"}'],
    "mkdocs": mkdocs, "generic": lambda c: [],
    "junit": lambda c: ["Recording test results", "[Checks API] No suitable checks publisher found."],
    "archive": lambda c: ["Archiving artifacts"],
    "echo": lambda c: [], "input": lambda c: [],  # their text is the step's own description
}


# --- failure evidence, printed by the failing step instead of (or after) its normal output ---------------

def compilation_error(key: str, c: Ctx) -> list[str]:
    if key == "maven-build":
        return ["[INFO] -------------------------------------------------------------",
                "[ERROR] COMPILATION ERROR : ",
                "[INFO] -------------------------------------------------------------",
                f"[ERROR] {c.ws}/src/main/java/com/example/app/RouteConfig.java:[42,17] cannot find symbol",
                "  symbol:   method withRetries(int)", "  location: class com.example.app.Route",
                "[INFO] 1 error", "[INFO] BUILD FAILURE",
                ("[ERROR] Failed to execute goal org.apache.maven.plugins:maven-compiler-plugin:3.13.0:compile "
                f"(default-compile) on project {c.project}: Compilation failure")]
    if key == "gradle-compile":
        return ["> Task :app:compileDebugKotlin FAILED",
                (f"e: file://{c.ws}/app/src/main/java/com/example/app/ui/LoginFragment.kt:88:24 "
                "Unresolved reference: bindingAdapter"),
                "", "FAILURE: Build failed with an exception.", "", "* What went wrong:",
                "Execution failed for task ':app:compileDebugKotlin'.",
                ("> A failure occurred while executing "
                "org.jetbrains.kotlin.compilerRunner.GradleCompilerRunnerWithWorkers$GradleKotlinCompilerWorkAction"),
                "   > Compilation error. See log for more details", "", f"BUILD FAILED in 1m {c.rng.randint(5, 59)}s"]
    if key == "tsc":
        return [("src/pages/Login.tsx(42,7): error TS2322: Type 'string | undefined' is not assignable to type "
                 "'string'."),
                "src/api/client.ts(17,3): error TS2339: Property 'retries' does not exist on type 'Options'.",
                "", "Found 2 errors in 2 files.", "",
                "Errors  Files", "     1  src/api/client.ts:17", "     1  src/pages/Login.tsx:42"]
    if key == "cargo-build":
        return ["   Compiling serde v1.0.210", f"   Compiling {c.project} v0.9.2 ({c.ws})",
                "error[E0308]: mismatched types", "  --> src/config.rs:42:21", "   |",
                "42 |     let port: u16 = value;", "   |               ---   ^^^^^ expected `u16`, found `String`",
                "   |               |", "   |               expected due to this", "",
                "For more information about this error, try `rustc --explain E0308`.",
                f"error: could not compile `{c.project}` (bin \"{c.project}\") due to 1 previous error"]
    return [(f"ERROR: {c.ws}/packages/pkg-07/BUILD.bazel:12:11: Compiling packages/pkg-07/src/lib.cc failed: "
            "(Exit 1): gcc failed: error executing CppCompile command"),
            "packages/pkg-07/src/lib.cc:88:5: error: 'optional' in namespace 'std' does not name a template type",
            "Target //packages/pkg-07:lib failed to build",
            "ERROR: Build did NOT complete successfully"]


def dependency_error(key: str, c: Ctx) -> list[str]:
    if key == "maven-build":
        return ["[INFO] Scanning for projects...", "[INFO] BUILD FAILURE",
                (f"[ERROR] Failed to execute goal on project {c.project}: Could not resolve dependencies for project "
                f"com.example:{c.project}:jar:2.4.0-SNAPSHOT: Could not find artifact "
                "com.example:shared-auth:jar:1.9.2 in nexus (https://nexus.example.com/repository/maven-public/) "
                "-> [Help 1]")]
    if key == "gradle-compile":
        return ["> Task :app:checkDebugAarMetadata FAILED", "", "FAILURE: Build failed with an exception.", "",
                "* What went wrong:", "Execution failed for task ':app:checkDebugAarMetadata'.",
                "> Could not resolve all files for configuration ':app:debugRuntimeClasspath'.",
                "   > Could not find com.example:design-system:4.2.0.", "", "BUILD FAILED in 48s"]
    if key == "npm-install":
        if c.rng.random() < 0.5:
            return ["npm ERR! code E404",
                    "npm ERR! 404 Not Found - GET https://registry.npmjs.org/@acme%2fui-kit - Not found",
                    "npm ERR! 404  '@acme/ui-kit@^4.2.0' is not in this registry."]
        return ["npm ERR! code ERESOLVE", "npm ERR! ERESOLVE unable to resolve dependency tree",
                "npm ERR! Found: react@18.3.1", "npm ERR! Could not resolve dependency:",
                "npm ERR! peer react@\"^19.0.0\" from @acme/ui-kit@5.0.0"]
    if key == "pip-install":
        return ["Collecting pandas==2.9.1",
                ("ERROR: Could not find a version that satisfies the requirement pandas==2.9.1 "
                "(from versions: 2.2.1, 2.2.2, 2.2.3)"),
                "ERROR: No matching distribution found for pandas==2.9.1"]
    if key == "cargo-build":
        return ["    Updating crates.io index",
                "error: failed to select a version for the requirement `serde = \"^9.1\"`",
                "candidate versions found which didn't match: 1.0.210, 1.0.209, 1.0.208, ...",
                "location searched: crates.io index", f"required by package `{c.project} v0.9.2 ({c.ws})`"]
    return ["Initializing provider plugins...", "- Finding hashicorp/aws versions matching \"~> 9.0\"...", "",
            "Error: Failed to query available provider packages", "",
            ("Could not retrieve the list of available versions for provider hashicorp/aws: no available releases "
            "match the given constraints ~> 9.0")]


def scm_error(c: Ctx) -> list[str]:
    stderr = c.rng.choice((
        f"stderr: fatal: unable to access '{c.url}/': Could not resolve host: git.example.com",
        f"stderr: remote: Repository not found.\nfatal: Authentication failed for '{c.url}/'",
        f"stderr: fatal: couldn't find remote ref refs/heads/{c.branch}",
    ))
    return ["ERROR: Error fetching remote repo 'origin'",
            f"hudson.plugins.git.GitException: Failed to fetch from {c.url}",
            "\tat hudson.plugins.git.GitSCM.fetchFrom(GitSCM.java:1003)",
            "\tat hudson.plugins.git.GitSCM.retrieveChanges(GitSCM.java:1245)",
            ("Caused by: hudson.plugins.git.GitException: Command \"git fetch --tags --force --progress -- "
            f"{c.url} +refs/heads/*:refs/remotes/origin/*\" returned status code 128:"),
            "stdout: ", stderr,
            "\tat org.jenkinsci.plugins.gitclient.CliGitAPIImpl.launchCommandIn(CliGitAPIImpl.java:2842)"]


def infrastructure(c: Ctx) -> list[str]:
    if c.agent and c.rng.random() < 0.6:
        channel = f"hudson.remoting.Channel@{c.rng.getrandbits(28):x}:{c.agent}"
        return ["FATAL: command execution failed",
                (f"hudson.remoting.ChannelClosedException: Channel \"{channel}\": Remote call on {c.agent} failed. "
                "The channel is closing down or has closed down"),
                "\tat hudson.remoting.Channel.call(Channel.java:1105)",
                "\tat hudson.remoting.RemoteInvocationHandler.invoke(RemoteInvocationHandler.java:285)",
                "\tat hudson.Launcher$RemoteLauncher.launch(Launcher.java:1121)",
                "Caused by: java.nio.channels.ClosedChannelException",
                f"Agent {c.agent} was marked offline: Connection was broken"]
    return [f"cp: error writing '{c.ws}/build/cache.bin': No space left on device",
            "java.io.IOException: No space left on device",
            "\tat java.base/java.io.FileOutputStream.writeBytes(Native Method)",
            "\tat java.base/java.io.FileOutputStream.write(FileOutputStream.java:367)"]


def unknown(key: str, c: Ctx) -> list[str]:
    if key == "mkdocs":
        return [("WARNING -  Doc file 'guide/setup.md' contains a link 'img/arch.png', but the target is not found "
                "among documentation files."), "Aborted with 1 warnings in strict mode!"]
    if c.rng.random() < 0.5:
        return ["groovy.lang.MissingPropertyException: No such property: DEPLOY_ENV for class: groovy.lang.Binding",
                "\tat groovy.lang.Binding.getVariable(Binding.java:63)",
                ("\tat org.jenkinsci.plugins.scriptsecurity.sandbox.groovy.SandboxInterceptor.onGetProperty"
                "(SandboxInterceptor.java:285)")]
    return ["make: *** [Makefile:42: release] Error 2"]


def failure_lines(category: str, key: str, c: Ctx) -> list[str]:
    """Evidence a failing step prints (test failures come from the tool output itself)."""
    if category == "compilation_error":
        return compilation_error(key, c)
    if category == "dependency_error":
        return dependency_error(key, c)
    if category == "scm_error":
        return scm_error(c)
    if category == "infrastructure":
        return infrastructure(c)
    if category == "unknown":
        return unknown(key, c)
    return []
