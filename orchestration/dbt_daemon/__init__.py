"""The dbt daemon: dbt imported and the project parsed once, each dbt command run in a fork.

A dbt process spends about 2.6 s before its first node (imports, project validation, partial
parse), which is more than the whole incremental build of a sync needs. `buildbutler-dbt` is the
dbt executable that Dagster runs: a small client that hands its arguments, environment and
standard streams to a daemon, which forks a child to run them with the kept manifest. Each
command still gets its own process (the DuckDB file is released when it exits); only the
start-up is shared. See docs/architecture.md, "dbt daemon".
"""
