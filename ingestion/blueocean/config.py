"""`SourceConfig`: one Jenkins controller (a BuildButler connection) and how hard to pull on it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from ingestion.blueocean.settings import BACKOFF_FACTOR_S

# The instance names the dlt pipeline `blueocean_<instance>`, a directory name: no '.', '/', '%'.
_INSTANCE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")


def check_instance_name(name: str) -> None:
    if not isinstance(name, str) or not _INSTANCE_NAME.match(name):
        raise ValueError(f"instance must be a non-empty name of letters, digits, '_' and '-': {name!r}")


@dataclass(frozen=True)
class SourceConfig:
    """Connection settings of one controller. The token never shows in `repr` or errors."""

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

    def __post_init__(self) -> None:
        check_instance_name(self.instance)
        parts = urlsplit(self.base_url or "")
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"base_url must be an absolute http(s) URL: {self.base_url!r}")
        if parts.username or parts.password:
            # Credentials in the URL would end up in logs and error messages.
            raise ValueError("base_url must not contain credentials; pass username and token instead")
        if self.token and not self.username:
            raise ValueError("a token needs a username (Jenkins API tokens use HTTP basic auth)")
        for name in ("max_in_flight", "max_attempts", "log_cap_bytes"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1, got {getattr(self, name)!r}")
        if self.timeout_s <= 0 or self.backoff_factor_s < 0:
            raise ValueError("timeout_s must be positive and backoff_factor_s not negative")
        if not self.organization or "/" in self.organization:
            raise ValueError(f"organization must be a plain name: {self.organization!r}")
