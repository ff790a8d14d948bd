"""The operational store's schema, as numbered migrations; `PRAGMA user_version` is the number applied.

A new store runs them all; an older one runs those it lacks, in place, keeping its rows. Migration 1 is
the schema as it stood when migrations began, written so that it also adopts a store made before then
(user_version 0, tables present, with or without the tokens' `id` and `last_used_at` columns).
Add a migration by appending a function: never edit one that has shipped.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

SCHEMA_1 = """
create table if not exists connections (
    id text primary key,
    name text not null unique,
    url text not null,
    username text,
    token_encrypted text,
    created_at text not null,
    last_sync_at text,
    last_sync_status text not null default 'never',
    last_sync_error text
);
create table if not exists sync_runs (
    id integer primary key autoincrement,
    connection_id text not null,
    connection_name text not null,
    started_at text not null,
    ended_at text,
    status text not null,
    error text,
    stats text
);
create table if not exists api_tokens (
    token_sha256 text primary key,
    role text not null check (role in ('viewer', 'admin')),
    name text,
    created_at text not null,
    id text,
    last_used_at text
);
"""
# Stores made before tokens could be listed lack these.
TOKEN_COLUMNS_ADDED = {"id": "text", "last_used_at": "text"}


def _schema_1(db: sqlite3.Connection) -> None:
    # Statement by statement: executescript() would commit the migration's transaction.
    for statement in SCHEMA_1.split(";"):
        if statement.strip():
            db.execute(statement)
    present = {row[1] for row in db.execute("pragma table_info(api_tokens)")}
    for column, kind in TOKEN_COLUMNS_ADDED.items():
        if column not in present:
            db.execute(f"alter table api_tokens add column {column} {kind}")
    # Ids name tokens in `tokens list` and `tokens revoke`, unnamed ones too.
    db.execute("update api_tokens set id = 't_' || lower(hex(randomblob(6))) where id is null")
    db.execute("create unique index if not exists api_tokens_id on api_tokens (id)")


def _tls_per_connection(db: sqlite3.Connection) -> None:
    """A connection's own CA bundle (a path) and its explicit opt-out of certificate verification."""
    db.execute("alter table connections add column ca_bundle text")
    db.execute("alter table connections add column tls_verify integer not null default 1")


def _source_per_connection(db: sqlite3.Connection) -> None:
    """Which Jenkins API the last successful sync read (`blueocean`, `core+pgv`, `core+wfapi`, `core`)."""
    db.execute("alter table connections add column source text")


MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [_schema_1, _tls_per_connection, _source_per_connection]
LATEST = len(MIGRATIONS)


class StoreTooNew(RuntimeError):
    """The store was written by a newer BuildButler than this one."""


def version(db: sqlite3.Connection) -> int:
    return db.execute("pragma user_version").fetchone()[0]


def migrate(db: sqlite3.Connection) -> list[int]:
    """Applies the migrations the store lacks, all in one transaction; returns their numbers.

    `db` must be in autocommit mode (isolation_level=None). BEGIN IMMEDIATE takes the write lock before
    the version is read, so two processes opening an old store at once do not both migrate it.
    """
    if version(db) == LATEST:  # the common case costs no write lock
        return []
    db.execute("begin immediate")
    try:
        current = version(db)
        if current > LATEST:
            raise StoreTooNew(f"the operational store is at version {current}, this BuildButler knows {LATEST}: "
                              "upgrade BuildButler")
        applied = list(range(current + 1, LATEST + 1))
        for number in applied:
            MIGRATIONS[number - 1](db)
        db.execute(f"pragma user_version = {LATEST}")
    except BaseException:
        db.execute("rollback")
        raise
    db.execute("commit")
    return applied
