"""Every `BUILDBUTLER_*` setting, read from the environment once into one typed object.

`Settings.from_env()` is the only reader of these variables (docs: README.md, "Configuration"). A bad
value is one `SettingsError` that names every variable at fault, when the command or app starts,
rather than a surprise at the first request or sync. Tests build `Settings(home=...)` directly.
(`BUILDBUTLER_WAREHOUSE` is no setting: the sync sets it for dbt's profile, transform/profiles.yml.)
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from buildbutler.home import Home

T = TypeVar("T")
DEFAULT_HOME = ".buildbutler"
DEFAULT_SYNC_CRON = "*/15 * * * *"
# Five fields of digits, names (MON, JAN), `*`, ranges, steps and lists; Dagster checks the rest when it loads.
_CRON_FIELD = re.compile(r"^[0-9A-Za-z*?,/-]+$")
TEST_RESULT_MODES = ("all", "failed", "none")  # BUILDBUTLER_TEST_RESULTS (docs/architecture.md, "Raw tables")
_FLAGS = {"1": True, "true": True, "yes": True, "0": False, "false": False, "no": False}


class SettingsError(ValueError):
    """One or more `BUILDBUTLER_*` variables hold a value that cannot be used; the message names each."""


def _default_home() -> Home:
    return Home(Path(DEFAULT_HOME).resolve())


@dataclass(frozen=True)
class Settings:
    home: Home = field(default_factory=_default_home)
    admin_token: str | None = field(default=None, repr=False)  # BUILDBUTLER_ADMIN_TOKEN: an admin API token
    secret_key: str | None = field(default=None, repr=False)  # BUILDBUTLER_SECRET_KEY: else `home.secret_key_file`
    sync_cron: str = DEFAULT_SYNC_CRON  # BUILDBUTLER_SYNC_CRON: the sync schedule
    rate_limit: int = 600  # BUILDBUTLER_RATE_LIMIT: API requests a minute per token; 0 = off
    api_cache_mb: int = 64  # BUILDBUTLER_API_CACHE_MB: MiB of answers kept per snapshot and process; 0 = none
    freshness_hours: float = 24.0  # BUILDBUTLER_FRESHNESS_HOURS: age of a newest build before the check warns
    allow_link_local: bool = False  # BUILDBUTLER_ALLOW_LINK_LOCAL: connections may reach link-local addresses
    jenkins_timeout_s: float = 30.0  # BUILDBUTLER_JENKINS_TIMEOUT: seconds to connect to, or hear from, a controller
    jenkins_attempts: int = 6  # BUILDBUTLER_JENKINS_ATTEMPTS: tries of a request before its connection fails
    test_results: str = "all"  # BUILDBUTLER_TEST_RESULTS: test cases fetched per build: all, failed or none

    @property
    def api_cache_bytes(self) -> int:
        return self.api_cache_mb * 1024 * 1024

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        errors: list[str] = []

        def read(name: str, parse: Callable[[str], T], default: T, expected: str) -> T:
            raw = env.get(name, "").strip()
            if not raw:
                return default
            try:
                return parse(raw)
            except ValueError:
                errors.append(f"{name} must be {expected}, not {raw!r}")
                return default

        settings = cls(
            home=Home(Path(env.get("BUILDBUTLER_HOME", "").strip() or DEFAULT_HOME).resolve()),
            admin_token=env.get("BUILDBUTLER_ADMIN_TOKEN") or None,
            secret_key=env.get("BUILDBUTLER_SECRET_KEY", "").strip() or None,
            sync_cron=read("BUILDBUTLER_SYNC_CRON", _cron, DEFAULT_SYNC_CRON,
                           "a cron expression of five fields, e.g. '*/15 * * * *'"),
            rate_limit=read("BUILDBUTLER_RATE_LIMIT", _whole, cls.rate_limit,
                            "a whole number of requests per minute (0 = off)"),
            api_cache_mb=read("BUILDBUTLER_API_CACHE_MB", _whole, cls.api_cache_mb,
                              "a whole number of MiB (0 = keep no answers)"),
            freshness_hours=read("BUILDBUTLER_FRESHNESS_HOURS", _positive, cls.freshness_hours,
                                 "a positive number of hours"),
            allow_link_local=read("BUILDBUTLER_ALLOW_LINK_LOCAL", _flag, cls.allow_link_local, "1 or 0"),
            jenkins_timeout_s=read("BUILDBUTLER_JENKINS_TIMEOUT", _positive, cls.jenkins_timeout_s,
                                   "a positive number of seconds"),
            jenkins_attempts=read("BUILDBUTLER_JENKINS_ATTEMPTS", _at_least_one, cls.jenkins_attempts,
                                  "a whole number of tries, at least 1"),
            test_results=read("BUILDBUTLER_TEST_RESULTS", _test_results, cls.test_results, "all, failed or none"),
        )
        if errors:
            raise SettingsError("bad settings: " + "; ".join(errors))
        return settings


def _whole(raw: str) -> int:
    value = int(raw)
    if value < 0:
        raise ValueError(raw)
    return value


def _at_least_one(raw: str) -> int:
    value = int(raw)
    if value < 1:
        raise ValueError(raw)
    return value


def _positive(raw: str) -> float:
    value = float(raw)
    if not value > 0 or value == float("inf"):
        raise ValueError(raw)
    return value


def _flag(raw: str) -> bool:
    try:
        return _FLAGS[raw.lower()]
    except KeyError:
        raise ValueError(raw) from None


def _test_results(raw: str) -> str:
    if raw.lower() not in TEST_RESULT_MODES:
        raise ValueError(raw)
    return raw.lower()


def _cron(raw: str) -> str:
    fields = raw.split()
    if len(fields) != 5 or not all(_CRON_FIELD.match(f) for f in fields):
        raise ValueError(raw)
    return " ".join(fields)
