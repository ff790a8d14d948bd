"""Why a controller could not be synced: one exception type per cause a user can act on.

The client raises them where the cause is known (a status code, a socket error, a content type),
so nothing downstream reads messages to tell them apart. `str(error)` is the full story for the
log (the URL, never credentials); `error.reason` is the one line a user reads.
"""

from __future__ import annotations

from collections.abc import Iterator

from ingestion.blueocean.parse import BlueOceanDataError

__all__ = [
    "BlueOceanDataError", "BlueOceanMissing", "BlueOceanRequestError", "InvalidResponse", "LoginRedirect",
    "NoJenkinsApi", "NotJenkins", "Unauthorized", "Unreachable", "failure_reason",
]


class BlueOceanRequestError(RuntimeError):
    """A request that failed for good (the message names the URL, never credentials); `status` is
    the HTTP status that said so, None when no answer came."""

    def __init__(self, message: str, reason: str | None = None, status: int | None = None):
        super().__init__(message)
        self.reason = reason or message
        self.status = status


class Unauthorized(BlueOceanRequestError):
    """HTTP 401 or 403: Jenkins refused the user and API token (or their permissions)."""

    def __init__(self, url: str, status: int):
        super().__init__(f"GET {url}: HTTP {status}",
                         f"unauthorized (HTTP {status}): check the connection's user name and API token", status)


class LoginRedirect(BlueOceanRequestError):
    """A redirect away from Blue Ocean's API: a login page (single sign-on) or another site.

    Not followed, and its address is not repeated (it may carry a login session's state)."""

    def __init__(self, url: str, status: int):
        super().__init__(f"GET {url}: HTTP {status} to a page outside /blue/rest/",
                         f"redirected to a login page (HTTP {status}): Jenkins is behind single sign-on or the "
                         "URL is not Jenkins' own; use the address Jenkins answers on with a user and API token",
                         status)


class Unreachable(BlueOceanRequestError):
    """No answer: refused, unknown host, timeout, TLS failure, the connection broken off."""

    def __init__(self, url: str, why: str, detail: str, attempts: int):
        super().__init__(f"GET {url} failed after {attempts} attempts: {detail}",
                         f"not reachable ({why}): check the URL and that Jenkins is up")


class NotJenkins(BlueOceanRequestError):
    """An HTML page where Blue Ocean answers JSON: another server, or a login page in front (SSO)."""

    def __init__(self, url: str, status: int = 200):
        super().__init__(f"GET {url}: an HTML page, not JSON",
                         "not Jenkins, or behind a login page (HTML where JSON was expected): "
                         "check the URL points at Jenkins itself", status)


class BlueOceanMissing(BlueOceanRequestError):
    """HTTP 404 on the organization's own URLs: no Blue Ocean REST API at this address."""

    def __init__(self, url: str):
        super().__init__(f"GET {url}: HTTP 404",
                         "Blue Ocean not found (HTTP 404 on /blue/rest/organizations/jenkins/): "
                         "install the Blue Ocean plugin, or check the URL", 404)


class NoJenkinsApi(BlueOceanRequestError):
    """Neither Blue Ocean nor the core JSON API answers (HTTP 404 on both): not Jenkins, or not its root URL.

    Blue Ocean's own 404 (`BlueOceanMissing`) is no failure any more: the sync then reads the core API."""

    def __init__(self, url: str):
        super().__init__(f"GET {url}: HTTP 404 on /blue/rest/organizations/jenkins/ and /api/json",
                         "no Jenkins API found (HTTP 404 on /blue/rest/organizations/jenkins/ and /api/json): "
                         "check the URL is Jenkins' root URL, with its context path", 404)


class InvalidResponse(BlueOceanRequestError):
    """A body that stayed unreadable JSON after every attempt."""

    def __init__(self, url: str, detail: str, attempts: int):
        super().__init__(f"GET {url} failed after {attempts} attempts: {detail}",
                         "bad data: the controller's answers are not valid JSON")


def failure_reason(error: BaseException) -> str:
    """The line a user reads about a controller whose sync failed.

    dlt wraps what the source raised (PipelineStepFailed, ResourceExtractionError...), so the
    cause is looked for down the chain of causes.
    """
    innermost = error
    for cause in _causes(error):
        if isinstance(cause, BlueOceanRequestError):
            return cause.reason
        if isinstance(cause, BlueOceanDataError):
            return f"bad data: {' '.join(str(cause).split())}"[:300]
        innermost = cause
    # Not one of ours (a full disk, a locked file, a bug): its own words, the trace is in the log.
    text = " ".join(str(innermost).split())
    return f"unexpected error ({type(innermost).__name__}: {text})"[:300]


def _causes(error: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: object = error
    while isinstance(current, BaseException) and id(current) not in seen:  # a chain could loop
        seen.add(id(current))
        yield current
        current = current.__cause__ or getattr(current, "exception", None) or current.__context__
