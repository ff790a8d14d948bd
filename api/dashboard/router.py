"""Serves the dashboard: `/` is the page, `/dashboard/...` its CSS, JavaScript and icon.

Both are open (the page asks for the API token itself and sends it only to /api/v1). The page's
Content-Security-Policy allows nothing but this origin, so it can fetch nothing from the internet and
runs no inline script.
"""

from __future__ import annotations

from pathlib import Path

from litestar import MediaType, Response, Router, get
from litestar.datastructures import CacheControlHeader
from litestar.static_files import create_static_files_router

STATIC_DIR = Path(__file__).resolve().parent / "static"
ASSETS_PATH = "/dashboard"
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
PAGE_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}


@get("/", include_in_schema=False, sync_to_thread=False)
def dashboard_page() -> Response[bytes]:
    # Read per request (a few kB) so that an edited page shows up without a restart.
    return Response((STATIC_DIR / "index.html").read_bytes(), media_type=MediaType.HTML,
                    headers=PAGE_HEADERS)


dashboard_assets = create_static_files_router(
    path=ASSETS_PATH,
    directories=[STATIC_DIR],
    name="dashboard_assets",
    # Revalidate every time (the files carry ETag/Last-Modified): no stale script after an upgrade.
    cache_control=CacheControlHeader(no_cache=True),
    include_in_schema=False,
)

dashboard_router = Router(path="/", route_handlers=[dashboard_page, dashboard_assets], include_in_schema=False)
