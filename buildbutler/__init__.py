"""BuildButler's own state and rules, beneath both `api/` (Litestar) and `orchestration/` (Dagster).

Home and paths (`home`), settings (`settings`), the operational store and its migrations (`store`,
`migrations`), secrets (`secrets`), the connection rules (`connections`), the snapshot protocol
(`snapshot`), and the `buildbutler` command (`cli`, the only module here that may reach up into
`api` and `orchestration`, lazily). The import contract in pyproject.toml keeps it so.
"""
