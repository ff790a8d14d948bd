"""The dashboard at `/`: a static single-page app over /api/v1 (see README.md here), and its router."""

from api.dashboard.router import dashboard_router

__all__ = ["dashboard_router"]
