"""`SourceConfig`: one Jenkins controller (a BuildButler connection) and how hard to pull on it."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from buildbutler.connections import validate_name, validate_url
from buildbutler.settings import TEST_RESULT_MODES
from ingestion.blueocean.settings import BACKOFF_FACTOR_S


@dataclass(frozen=True)
class SourceConfig:
    """Connection settings of one controller. The token never shows in `repr` or errors.

    `instance` is the connection's name, a label (any text): it is stamped on every row. `instance` and
    `base_url` follow the connection rules of the store (`buildbutler.connections`), the SSRF policy
    included: `allow_link_local` is `Settings.allow_link_local`.
    """

    instance: str
    base_url: str
    username: str | None = None
    token: str | None = field(default=None, repr=False)
    max_in_flight: int = 8
    timeout_s: float = 30.0
    max_attempts: int = 6
    log_cap_bytes: int = 10 * 2**20
    organization: str = "jenkins"
    backoff_factor_s: float = BACKOFF_FACTOR_S
    allow_link_local: bool = False
    ca_bundle: str | None = None  # PEM file (or folder) of the CAs that sign the controller's certificate
    tls_verify: bool = True  # False: the connection's explicit opt-out, logged by the client
    test_results: str = "all"  # which test cases to fetch: all, failed (plus every summary) or none

    def __post_init__(self) -> None:
        if validate_name(self.instance) != self.instance:
            raise ValueError(f"instance must not start or end with spaces: {self.instance!r}")
        validate_url(self.base_url, allow_link_local=self.allow_link_local)
        if self.token and not self.username:
            raise ValueError("a token needs a username (Jenkins API tokens use HTTP basic auth)")
        for name in ("max_in_flight", "max_attempts", "log_cap_bytes"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1, got {getattr(self, name)!r}")
        if self.timeout_s <= 0 or self.backoff_factor_s < 0:
            raise ValueError("timeout_s must be positive and backoff_factor_s not negative")
        if self.ca_bundle and not os.path.exists(self.ca_bundle):
            raise ValueError(f"ca_bundle {self.ca_bundle!r} does not exist")
        if self.test_results not in TEST_RESULT_MODES:
            raise ValueError(f"test_results must be one of {', '.join(TEST_RESULT_MODES)}: {self.test_results!r}")
        if not self.organization or "/" in self.organization:
            raise ValueError(f"organization must be a plain name: {self.organization!r}")
