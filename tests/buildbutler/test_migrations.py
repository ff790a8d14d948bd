"""The store's numbered migrations (`PRAGMA user_version`), on real SQLite files: new stores, and stores
written before migrations existed, upgraded in place without losing a row."""

from __future__ import annotations

import hashlib
import re
import sqlite3
import threading
from contextlib import closing

import pytest

from buildbutler.home import Home
from buildbutler.migrations import LATEST, StoreTooNew, version
from buildbutler.settings import Settings
from buildbutler.store import Store

# The schema as `orchestration/store.py` wrote it before migrations; `tokens_listed` adds what the
# release that listed API tokens added to it.
OLD_SCHEMA = """
create table connections (id text primary key, name text not null unique, url text not null, username text,
    token_encrypted text, created_at text not null, last_sync_at text, last_sync_status text not null default 'never',
    last_sync_error text);
create table sync_runs (id integer primary key autoincrement, connection_id text not null,
    connection_name text not null, started_at text not null, ended_at text, status text not null, error text,
    stats text);
create table api_tokens (token_sha256 text primary key, role text not null check (role in ('viewer', 'admin')),
    name text, created_at text not null);
"""
TOKENS_LISTED = """
alter table api_tokens add column id text;
alter table api_tokens add column last_used_at text;
update api_tokens set id = 't_0123456789ab';
create unique index api_tokens_id on api_tokens (id);
"""


def write_old_store(home: Home, tokens_listed: bool) -> None:
    with closing(sqlite3.connect(home.operational_db)) as db, db:
        db.execute("pragma journal_mode=wal")
        db.executescript(OLD_SCHEMA)
        db.execute("insert into connections (id, name, url, created_at, last_sync_at, last_sync_status) values "
                   "('c_00000000000000aa', 'prod', 'https://ci.example.com', '2025-01-01T00:00:00Z', "
                   "'2025-01-02T00:00:00Z', 'success')")
        db.execute("insert into sync_runs (connection_id, connection_name, started_at, ended_at, status, stats) values "
                   "('c_00000000000000aa', 'prod', '2025-01-02T00:00:00Z', '2025-01-02T00:01:00Z', 'success', '{}')")
        db.execute("insert into api_tokens values (?, 'admin', 'ops', '2025-01-01T00:00:00Z')",
                   (hashlib.sha256(b"bb_old").hexdigest(),))
        if tokens_listed:
            db.executescript(TOKENS_LISTED)
        assert version(db) == 0


def user_version(home: Home) -> int:
    with closing(sqlite3.connect(home.operational_db)) as db:
        return version(db)


def test_a_new_store_runs_every_migration(fresh_home: Home):
    Store(Settings(home=fresh_home))
    assert user_version(fresh_home) == LATEST == 3
    with closing(sqlite3.connect(fresh_home.operational_db)) as db:
        tables = {row[0] for row in db.execute("select name from sqlite_master where type = 'table'")}
        columns = [row[1] for row in db.execute("pragma table_info(api_tokens)")]
        connection_columns = [row[1] for row in db.execute("pragma table_info(connections)")]
    assert {"connections", "sync_runs", "api_tokens"} <= tables
    assert columns == ["token_sha256", "role", "name", "created_at", "id", "last_used_at"]
    assert connection_columns[-3:] == ["ca_bundle", "tls_verify", "source"]


@pytest.mark.parametrize("tokens_listed", [False, True], ids=["before-token-ids", "with-token-ids"])
def test_a_store_from_before_migrations_is_upgraded_in_place(fresh_home: Home, tokens_listed: bool):
    write_old_store(fresh_home, tokens_listed)
    store = Store(Settings(home=fresh_home))
    assert user_version(fresh_home) == LATEST
    (connection,) = store.list_connections()
    assert (connection.id, connection.name, connection.last_sync_status) == ("c_00000000000000aa", "prod", "success")
    assert (connection.ca_bundle, connection.tls_verify) == (None, True)  # migration 2: verified, as before
    assert connection.source is None  # migration 3: not known until its next sync
    (token,) = store.list_api_tokens()
    assert re.fullmatch(r"t_[0-9a-f]{12}", token.id) and (token.name, token.role) == ("ops", "admin")
    if tokens_listed:
        assert token.id == "t_0123456789ab"  # an id already given is kept
    assert store.verify_api_token("bb_old").role == "admin"
    with closing(sqlite3.connect(fresh_home.operational_db)) as db:
        assert db.execute("select count(*) from sync_runs").fetchone()[0] == 1
    # The upgraded store works as a new one: new rows, revocation by the kept id.
    store.add_connection("Production Jenkins", "https://jenkins.example.com")
    assert store.create_api_token("viewer").startswith("bb_")
    Store(Settings(home=fresh_home))  # opening it again changes nothing
    assert store.list_api_tokens()[0] == token and len(store.list_connections()) == 2
    assert store.revoke_api_tokens(token.id) == [token] and store.verify_api_token("bb_old") is None
    assert store.record_sync_end("prod", "success", source="core+pgv")
    assert store.record_sync_end("prod", "failed", "down")  # a failed sync keeps what the last one found
    assert store.get_connection("prod").source == "core+pgv"


def test_processes_opening_an_old_store_at_once_migrate_it_once(fresh_home: Home):
    write_old_store(fresh_home, tokens_listed=False)
    errors: list[BaseException] = []

    def open_store() -> None:
        try:
            Store(Settings(home=fresh_home))
        except BaseException as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)

    threads = [threading.Thread(target=open_store) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and user_version(fresh_home) == LATEST
    assert len(Store(Settings(home=fresh_home)).list_api_tokens()) == 1


def test_a_store_from_a_newer_buildbutler_is_refused_untouched(fresh_home: Home):
    Store(Settings(home=fresh_home)).add_connection("prod", "https://ci.example.com")
    with closing(sqlite3.connect(fresh_home.operational_db)) as db:
        db.execute(f"pragma user_version = {LATEST + 1}")
    with pytest.raises(StoreTooNew, match="upgrade BuildButler"):
        Store(Settings(home=fresh_home))
    assert user_version(fresh_home) == LATEST + 1
