"""Bearer-token authentication for /api/v1 and the admin guard on connection writes.

A token is either one created with `buildbutler tokens create` (stored hashed in the operational
store) or `BUILDBUTLER_ADMIN_TOKEN`. Missing or unknown gives 401 `unauthorized`; a viewer token on
a connection write gives 403 `forbidden`. `request.user` is the `ApiToken`, `request.auth` its SHA-256
(the rate limit's key).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import sqlite3
import time

import anyio.to_thread
from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers import BaseRouteHandler
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult
from litestar.types import ASGIApp

from buildbutler.store import ApiToken, Store

log = logging.getLogger("buildbutler.api")
CHALLENGE = {"WWW-Authenticate": 'Bearer realm="buildbutler"'}
# `tokens list` shows when a token was last used; to the minute is enough, and spares a write per request.
USE_RECORD_INTERVAL_S = 60.0


class TokenVerifier:
    """Checks each request's token against the store, so that a revoked token is refused at once.

    Made at app startup (`app.state.tokens`), closed at shutdown. Used from the event loop only.
    """

    def __init__(self, store: Store, admin_token: str | None) -> None:
        self._store = store
        self._reader = store.api_token_reader()  # a lookup costs ~10 µs: no need to remember verified tokens
        self._admin = None
        if admin_token:
            digest = hashlib.sha256(admin_token.encode()).hexdigest()
            self._admin = ApiToken(role="admin", name="BUILDBUTLER_ADMIN_TOKEN", token_sha256=digest)
        self._next_use_record: dict[str, float] = {}  # sha256 -> monotonic time; one entry per stored token used

    async def verify(self, token: str) -> ApiToken | None:
        if self._admin and hmac.compare_digest(hashlib.sha256(token.encode()).hexdigest(), self._admin.token_sha256):
            return self._admin
        # A lookup by hash, so timing reveals nothing about stored tokens.
        api_token = self._reader.lookup(token)
        if api_token is not None:
            await self._record_use(api_token.token_sha256)
        return api_token

    async def _record_use(self, digest: str) -> None:
        now = time.monotonic()
        if now < self._next_use_record.get(digest, 0.0):
            return
        self._next_use_record[digest] = now + USE_RECORD_INTERVAL_S
        try:
            await anyio.to_thread.run_sync(self._store.record_api_token_use, digest)
        except sqlite3.Error as error:  # bookkeeping only: the request goes on
            log.warning("could not record an API token's use: %s", error)

    def close(self) -> None:
        self._reader.close()


class BearerAuthMiddleware(AbstractAuthenticationMiddleware):
    def __init__(self, app: ASGIApp) -> None:
        # OPTIONS is not exempt: no /api/v1 route answers anything without a token.
        super().__init__(app, exclude_http_methods=())

    async def authenticate_request(self, connection: ASGIConnection) -> AuthenticationResult:
        scheme, _, token = connection.headers.get("authorization", "").strip().partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise NotAuthorizedException("Missing API token: send `Authorization: Bearer <token>`.", headers=CHALLENGE)
        tokens: TokenVerifier = connection.app.state.tokens
        api_token = await tokens.verify(token)
        if api_token is None:
            raise NotAuthorizedException("Unknown API token.", headers=CHALLENGE)
        return AuthenticationResult(user=api_token, auth=api_token.token_sha256)


def require_admin(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    if connection.user.role != "admin":
        raise PermissionDeniedException("This needs an admin token.")
