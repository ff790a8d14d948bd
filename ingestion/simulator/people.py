"""The people and words of the simulated company: users, commit messages, changed paths."""

from __future__ import annotations

# (user id, full name); one name is non-ASCII so that logs hold multi-byte UTF-8.
USERS = (
    ("alice", "Alice Smith"),
    ("bob", "Bob Nguyen"),
    ("carol", "Carol Díaz"),
    ("dmitri", "Dmitri Volkov"),
    ("erin", "Erin O'Brien"),
    ("farid", "Farid Haddad"),
)

COMMIT_MESSAGES = (
    "Fix flaky retry in HTTP client",
    "Bump dependency versions",
    "Add metrics for queue latency",
    "Refactor config loading",
    "Handle empty payloads gracefully",
    "Update README with setup steps",
    "Speed up CI cache restore",
    "Remove dead feature flag",
    "Tighten input validation",
    "Log request ids on errors",
    "Split service layer into modules",
    "Pin base image to a digest",
)

PATHS = (
    "src/main/java/com/example/app/Service.java",
    "src/main/java/com/example/app/Config.java",
    "src/test/java/com/example/app/ServiceTest.java",
    "pom.xml",
    "Jenkinsfile",
    "README.md",
    "src/index.ts",
    "src/pages/Login.tsx",
    "package.json",
    "app/build.gradle.kts",
    "pipeline/transform.py",
    "tests/test_transform.py",
    "Cargo.toml",
    "src/main.rs",
    "charts/platform/values.yaml",
    "main.tf",
)
