"""The `buildbutler` command (docs/contract.md section 1).

The top of the import graph: commands that need Dagster (sync, demo) or the API's server import them
inside the command, so that `buildbutler tokens list` or `connections add` load neither.
"""

from __future__ import annotations

import argparse
import os
import sys

from buildbutler.settings import Settings, SettingsError
from buildbutler.store import ConflictError, Store


def _store(settings: Settings) -> Store:
    settings.home.ensure()
    return Store(settings)


def cmd_serve(args: argparse.Namespace, _settings: Settings) -> int:
    """The app reads the settings again when uvicorn creates it (checked already, by `main`)."""
    import uvicorn

    # No access log: it doubled the server's CPU per request in the API benchmark.
    uvicorn.run("api.app:create_app", factory=True, host=args.host, port=args.port, log_level="info", access_log=False)
    return 0


def cmd_sync(args: argparse.Namespace, settings: Settings) -> int:
    from orchestration.sync import run_sync

    return run_sync(settings, args.connection, args.full_refresh, args.verbose)


def cmd_connections(args: argparse.Namespace, settings: Settings) -> int:
    store = _store(settings)
    if args.action == "add":
        token = sys.stdin.readline().strip() if args.token_stdin else None
        ca_bundle = os.path.abspath(args.ca_bundle) if args.ca_bundle else None
        try:
            connection = store.add_connection(args.name, args.url, username=args.username, token=token,
                                              ca_bundle=ca_bundle, tls_verify=not args.insecure)
        except (ConflictError, ValueError) as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
        print(f"added {connection.name} ({connection.id}) -> {connection.url}")
        if not connection.tls_verify:
            print("warning: TLS certificate verification is off for this connection (--insecure)", file=sys.stderr)
    elif args.action == "list":
        for c in store.list_connections():
            print(f"{c.id}\t{c.name}\t{c.url}\t{c.last_sync_status}\t{c.last_sync_at or '-'}\t{c.source or '-'}")
    elif args.action == "remove":
        if not store.remove_connection(args.name):
            print(f"error: no connection {args.name!r}", file=sys.stderr)
            return 2
        print(f"removed {args.name}")
    return 0


def cmd_tokens(args: argparse.Namespace, settings: Settings) -> int:
    store = _store(settings)
    if args.action == "create":
        print(store.create_api_token(args.role, args.name))
    elif args.action == "list":
        # Never the token or its hash: the id is random, only there to name a token (unnamed ones too).
        for t in store.list_api_tokens():
            print(f"{t.id}\t{t.name or '-'}\t{t.role}\t{t.created_at}\t{t.last_used_at or '-'}")
    elif args.action == "revoke":
        revoked = store.revoke_api_tokens(args.name)
        if not revoked:
            print(f"error: no API token with id or name {args.name!r} (see `buildbutler tokens list`)", file=sys.stderr)
            return 2
        for t in revoked:
            print(f"revoked {t.id} ({t.name or 'unnamed'}, {t.role})")
    return 0


def cmd_simulate(args: argparse.Namespace, _settings: Settings) -> int:
    """A stand-in Jenkins: none of BuildButler's settings apply."""
    from ingestion.simulator import CoreOptions, serve_forever

    password = sys.stdin.readline().strip() if args.password_stdin else None
    core = None
    if args.api == "core":
        core = CoreOptions(pgv=None if args.no_pgv else args.pgv, wfapi=args.wfapi, metrics=not args.no_metrics)
    serve_forever(args.host, args.port, args.scale, args.fault_rate, args.seed, args.username, password,
                  prefix=args.prefix, prefixed_links=args.prefixed_links, field_names=args.field_names, core=core)
    return 0


def cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    from orchestration.demo import run_demo

    return run_demo(settings, args.port, args.simulator_port)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="buildbutler", description="Analytics for Jenkins.")
    sub = p.add_subparsers(dest="command", required=True)

    s = sub.add_parser("serve", help="serve the REST API from the published snapshot")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8000)
    s.set_defaults(func=cmd_serve)

    s = sub.add_parser("sync", help="ingest, build the models and publish a snapshot, once")
    s.add_argument("--connection", help="only this connection (name or id)")
    s.add_argument("--full-refresh", action="store_true", help="rebuild every model from the raw tables")
    s.add_argument("--verbose", "-v", action="store_true",
                   help="show Dagster's and dbt's own output here instead of in $BUILDBUTLER_HOME/logs/sync.log")
    s.set_defaults(func=cmd_sync)

    s = sub.add_parser("connections", help="the Jenkins controllers to sync")
    csub = s.add_subparsers(dest="action", required=True)
    a = csub.add_parser("add")
    a.add_argument("name")
    a.add_argument("url")
    a.add_argument("--username")
    a.add_argument("--token-stdin", action="store_true", help="read the Jenkins API token from standard input")
    a.add_argument("--ca-bundle", metavar="FILE", help="PEM file of the CAs that sign the controller's certificate")
    a.add_argument("--insecure", action="store_true",
                   help="do not verify the controller's TLS certificate (each sync logs that it is off)")
    csub.add_parser("list")
    r = csub.add_parser("remove")
    r.add_argument("name")
    s.set_defaults(func=cmd_connections)

    s = sub.add_parser("tokens", help="API tokens")
    tsub = s.add_subparsers(dest="action", required=True)
    c = tsub.add_parser("create", help="print a new API token once")
    c.add_argument("--role", choices=["viewer", "admin"], required=True)
    c.add_argument("--name")
    tsub.add_parser("list", help="id, name, role, created, last used (to the minute); never the tokens")
    r = tsub.add_parser("revoke", help="refuse a token at once: by id, or every token with this name")
    r.add_argument("name", metavar="NAME", help="a token's name, or its id from `tokens list`")
    s.set_defaults(func=cmd_tokens)

    s = sub.add_parser("simulate", help="the bundled Jenkins simulator (Blue Ocean, or --api core)")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8080)
    s.add_argument("--scale", type=int, default=1)
    s.add_argument("--fault-rate", type=float, default=0.0)
    s.add_argument("--seed", type=int, default=7)
    s.add_argument("--username")
    s.add_argument("--password-stdin", action="store_true", help="require basic auth with this password")
    s.add_argument("--prefix", default="", help="serve under this context path, as Jenkins' --prefix (/jenkins)")
    s.add_argument("--prefixed-links", action="store_true", help="_links hrefs carry the context path too")
    s.add_argument("--field-names", action="store_true",
                   help="add folders, jobs and branches named with accents, spaces, dots and slashes")
    s.add_argument("--api", choices=("blueocean", "core"), default="blueocean",
                   help="core: no Blue Ocean; the core JSON API with the plugins below")
    s.add_argument("--pgv", choices=("stages", "pipeline-overview", "legacy"), default="stages",
                   help="--api core: Pipeline Graph View's URL generation (legacy: pipeline-graph/pipeline-console)")
    s.add_argument("--no-pgv", action="store_true", help="--api core: without Pipeline Graph View")
    s.add_argument("--wfapi", action="store_true", help="--api core: with Stage View's wfapi")
    s.add_argument("--no-metrics", action="store_true", help="--api core: without the Metrics plugin (no queue time)")
    s.set_defaults(func=cmd_simulate)

    s = sub.add_parser("demo", help="simulator + one sync + the API, until Ctrl-C")
    s.add_argument("--port", type=int, default=8000)
    s.add_argument("--simulator-port", type=int, default=8080)
    s.set_defaults(func=cmd_demo)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        settings = Settings.from_env()
    except SettingsError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    try:
        return args.func(args, settings)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
