"""Bearer-token authentication for /api/v1 and the admin guard on connection writes.

A token is either one created with `buildbutler tokens create` (stored hashed in the operational
store) or `BUILDBUTLER_ADMIN_TOKEN`. Missing or unknown gives 401 `unauthorized`; a viewer token on
a connection write gives 403 `forbidden`. `request.user` is the `ApiToken`, `request.auth` its SHA-256
(the rate limit's key).
"""

from __future__ import annotations

import hashlib
import hmac
import time

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers import BaseRouteHandler
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult
from litestar.types import ASGIApp

from orchestration.store import ApiToken, Store

CHALLENGE = {"WWW-Authenticate": 'Bearer realm="buildbutler"'}
# Verified tokens are remembered briefly: a store lookup costs about a millisecond on the event loop.
KNOWN_TOKEN_TTL_S = 30.0


class BearerAuthMiddleware(AbstractAuthenticationMiddleware):
    def __init__(self, app: ASGIApp, admin_token: str | None) -> None:
        # OPTIONS is not exempt: no /api/v1 route answers anything without a token.
        super().__init__(app, exclude_http_methods=())
        self._admin = None
        self._known: dict[str, tuple[ApiToken, float]] = {}  # sha256 -> (token, expiry)
        if admin_token:
            digest = hashlib.sha256(admin_token.encode()).hexdigest()
            self._admin = ApiToken(role="admin", name="BUILDBUTLER_ADMIN_TOKEN", token_sha256=digest)

    async def authenticate_request(self, connection: ASGIConnection) -> AuthenticationResult:
        scheme, _, token = connection.headers.get("authorization", "").strip().partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise NotAuthorizedException("Missing API token: send `Authorization: Bearer <token>`.", headers=CHALLENGE)
        api_token = self._identify(token, connection.app.state.store)
        if api_token is None:
            raise NotAuthorizedException("Unknown API token.", headers=CHALLENGE)
        return AuthenticationResult(user=api_token, auth=api_token.token_sha256)

    def _identify(self, token: str, store: Store) -> ApiToken | None:
        digest = hashlib.sha256(token.encode()).hexdigest()
        if self._admin and hmac.compare_digest(digest, self._admin.token_sha256):
            return self._admin
        known = self._known.get(digest)
        if known and known[1] > time.monotonic():
            return known[0]
        # A lookup by hash, so timing reveals nothing about stored tokens. Unknown tokens are not cached.
        api_token = store.verify_api_token(token)
        if api_token is not None:
            if len(self._known) > 10_000:
                self._known.clear()
            self._known[digest] = (api_token, time.monotonic() + KNOWN_TOKEN_TTL_S)
        return api_token


def require_admin(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    if connection.user.role != "admin":
        raise PermissionDeniedException("This needs an admin token.")
