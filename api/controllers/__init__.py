"""Route handlers of /api/v1, one controller per resource."""
