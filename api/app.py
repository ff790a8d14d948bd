"""The Litestar application: `create_app(home)`, and a module-level `app` for `uvicorn api.app:app`.

Its settings are `Settings.from_env()` (BUILDBUTLER_HOME, BUILDBUTLER_ADMIN_TOKEN, BUILDBUTLER_RATE_LIMIT,
BUILDBUTLER_API_CACHE_MB, ...) read when the app is created, unless given. The operational store is opened
at startup, not at import, so importing this module creates no files.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from litestar import Litestar, Router
from litestar.datastructures import State
from litestar.di import Provide
from litestar.middleware import DefineMiddleware
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import ScalarRenderPlugin, SwaggerRenderPlugin
from litestar.openapi.spec import Components, OpenAPIMediaType, Schema, SecurityScheme

from api.auth import BearerAuthMiddleware, TokenVerifier
from api.controllers.analytics import AnalyticsController
from api.controllers.builds import BuildsController
from api.controllers.connections import ConnectionsController
from api.controllers.health import health
from api.controllers.jobs import JobsController
from api.controllers.tests import TestsController
from api.dashboard import dashboard_router
from api.errors import EXCEPTION_HANDLERS
from api.ratelimit import rate_limit_guard
from api.snapshot import SnapshotReader
from buildbutler.settings import Settings
from buildbutler.store import Store

MAX_BODY_BYTES = 64 * 1024


def create_app(settings: Settings | None = None) -> Litestar:
    settings = settings or Settings.from_env()
    snapshot = SnapshotReader(settings.home.current_snapshot, settings.api_cache_bytes)
    per_minute = settings.rate_limit

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        app.state.store = Store(settings)
        app.state.tokens = TokenVerifier(app.state.store, settings.admin_token)
        try:
            yield
        finally:
            app.state.tokens.close()
            snapshot.close()

    def provide_store(state: State) -> Store:
        return state.store

    api_v1 = Router(
        path="/api/v1",
        route_handlers=[JobsController, BuildsController, AnalyticsController, ConnectionsController,
                        TestsController],
        middleware=[DefineMiddleware(BearerAuthMiddleware)],
        guards=[rate_limit_guard(per_minute)] if per_minute else [],
        security=[{"bearer": []}],
        dependencies={
            "store": Provide(provide_store, sync_to_thread=False),
            "settings": Provide(lambda: settings, sync_to_thread=False),
        },
    )
    app = Litestar(
        route_handlers=[health, api_v1, dashboard_router],  # the dashboard: `/` and `/dashboard/...`, open
        dependencies={"snapshot": Provide(lambda: snapshot, sync_to_thread=False)},
        exception_handlers=EXCEPTION_HANDLERS,
        lifespan=[lifespan],
        request_max_body_size=MAX_BODY_BYTES,
        openapi_config=OpenAPIConfig(
            title="BuildButler API",
            version="1.0.0",
            description="Jenkins analytics. Every /api/v1 route needs `Authorization: Bearer <token>`.",
            path="/schema",
            render_plugins=[ScalarRenderPlugin(), SwaggerRenderPlugin()],
            components=Components(security_schemes={
                "bearer": SecurityScheme(type="http", scheme="bearer", description="An API token"),
            }),
        ),
    )
    app.state.snapshot = snapshot  # for tests and tools that look at the kept answers
    document_export_formats(app)
    document_metrics_shapes(app)
    return app


def document_metrics_shapes(app: Litestar) -> None:
    """The metrics answers nest (a ComparedMetrics body is also a valid Metrics body): `anyOf`, not Litestar's
    `oneOf`, which would call a valid answer invalid for matching two shapes."""
    media = app.openapi_schema.paths["/api/v1/analytics/metrics"].get.responses["200"].content["application/json"]
    media.schema.any_of, media.schema.one_of = media.schema.one_of, None


def document_export_formats(app: Litestar) -> None:
    """Litestar documents one media type per response; the export answers in three (csv, json, png)."""
    responses = app.openapi_schema.paths["/api/v1/analytics/export"].get.responses
    content = responses["200"].content
    content["text/csv"] = OpenAPIMediaType(schema=Schema(type="string", description="One row per build"))
    content["image/png"] = OpenAPIMediaType(schema=Schema(type="string", content_media_type="image/png"))


app = create_app()
