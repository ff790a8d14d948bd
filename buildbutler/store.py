"""The operational store: connections, API tokens and sync history, in SQLite (WAL) at `Home.operational_db`.

Kept apart from the DuckDB warehouse so that the API and the CLI can write here while a sync holds the
warehouse. One SQLite connection per call: cheap, and safe from any thread or process (only the API's
per-request token lookups keep one open, an `ApiTokenReader`).
Jenkins tokens are stored encrypted (see `buildbutler.secrets`), API tokens as SHA-256 hashes. The schema
is `buildbutler.migrations`; what a connection may be is `buildbutler.connections`.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

import msgspec

from buildbutler.connections import InvalidField, optional_text, validate_ca_bundle, validate_name, validate_url
from buildbutler.migrations import migrate
from buildbutler.secrets import SecretBox
from buildbutler.settings import Settings

SyncStatus = Literal["never", "running", "success", "failed"]
Role = Literal["viewer", "admin"]
__all__ = ["ApiToken", "ApiTokenInfo", "ApiTokenReader", "ConflictError", "Connection", "InvalidField", "Store"]


class ConflictError(Exception):
    """A connection with that name already exists."""


class Connection(msgspec.Struct, frozen=True, rename="camel"):
    """A stored connection, as the store and `GET /api/v1/connections` give it (never its token)."""

    id: str
    name: str
    url: str
    username: str | None
    has_token: bool
    created_at: str
    last_sync_at: str | None
    last_sync_status: SyncStatus
    last_sync_error: str | None
    ca_bundle: str | None = None  # the PEM file that verifies the controller's certificate (else the environment's)
    tls_verify: bool = True  # False: certificate verification turned off for this connection, on purpose
    # The Jenkins API the last successful sync read: blueocean, core+pgv, core+wfapi or core; None before one
    source: str | None = None


@dataclass(frozen=True)
class ApiToken:
    role: Role
    name: str | None
    # The hash identifies the token (rate limiting, logs) without revealing it.
    token_sha256: str = field(repr=False)


@dataclass(frozen=True)
class ApiTokenInfo:
    """What `tokens list` shows of a stored token: never the token or its hash."""

    id: str
    name: str | None
    role: Role
    created_at: str
    last_used_at: str | None


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


class ApiTokenReader:
    """Token lookups on one long-lived read connection, for the API's every request.

    About 10 µs a lookup instead of about 1 ms with a new connection, so the API can afford to ask the
    store on each request, and a revoked token is refused at once. In WAL mode each lookup sees the
    latest commit of any process. Thread-safe; `close()` it when done.
    """

    def __init__(self, path: Path) -> None:
        self._db = sqlite3.connect(path, timeout=10, isolation_level=None, check_same_thread=False)
        self._db.execute("pragma query_only = 1")
        self._lock = threading.Lock()

    def lookup(self, token: str) -> ApiToken | None:
        if not token:
            return None
        digest = _sha256(token)
        with self._lock:
            row = self._db.execute("select role, name from api_tokens where token_sha256 = ?", (digest,)).fetchone()
        return ApiToken(role=row[0], name=row[1], token_sha256=digest) if row else None

    def close(self) -> None:
        with self._lock:
            self._db.close()


class Store:
    """Connections, API tokens and sync history of one BuildButler home."""

    def __init__(self, settings: Settings) -> None:
        self._path = settings.home.operational_db
        self._path.parent.mkdir(parents=True, exist_ok=True)
        self._secrets = SecretBox(settings)
        self._allow_link_local = settings.allow_link_local
        with closing(sqlite3.connect(self._path, timeout=10, isolation_level=None)) as db:
            db.execute("pragma busy_timeout=10000")
            db.execute("pragma journal_mode=wal")  # persistent: set once, outside any transaction
            migrate(db)

    def __repr__(self) -> str:
        return f"Store({str(self._path)!r})"

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        """One short-lived connection; commits on success, rolls back on error."""
        with closing(sqlite3.connect(self._path, timeout=10, isolation_level=None)) as db:
            db.row_factory = sqlite3.Row
            db.execute("pragma busy_timeout=10000")
            db.execute("begin")  # every write transaction starts with its write: no lock upgrade
            try:
                yield db
            except BaseException:
                db.execute("rollback")
                raise
            db.execute("commit")

    # ---------- connections

    def add_connection(self, name: str, url: str, username: str | None = None, token: str | None = None,
                       ca_bundle: str | None = None, tls_verify: bool = True) -> Connection:
        name, url = validate_name(name), validate_url(url, allow_link_local=self._allow_link_local)
        username, token = optional_text("username", username), optional_text("token", token)
        ca_bundle = validate_ca_bundle(ca_bundle)
        if not isinstance(tls_verify, bool):
            raise InvalidField("tlsVerify", "tlsVerify must be true or false")
        encrypted = self._secrets.encrypt(token) if token else None
        connection_id = "c_" + secrets.token_hex(8)
        with self._connect() as db:
            try:
                db.execute(
                    "insert into connections (id, name, url, username, token_encrypted, created_at, ca_bundle, "
                    "tls_verify) values (?, ?, ?, ?, ?, ?, ?, ?)",
                    (connection_id, name, url, username, encrypted, _now(), ca_bundle, int(tls_verify)),
                )
            except sqlite3.IntegrityError:
                raise ConflictError(f"a connection named {name!r} already exists") from None
        connection = self.get_connection(connection_id)
        assert connection is not None
        return connection

    def list_connections(self) -> list[Connection]:
        with self._connect() as db:
            rows = db.execute("select * from connections order by name").fetchall()
        return [self._connection(row) for row in rows]

    def get_connection(self, id_or_name: str) -> Connection | None:
        row = self._row(id_or_name)
        return self._connection(row) if row else None

    def remove_connection(self, id_or_name: str) -> bool:
        with self._connect() as db:
            return db.execute("delete from connections where id = ? or name = ?", (id_or_name, id_or_name)).rowcount > 0

    def credentials(self, id_or_name: str) -> tuple[str | None, str | None]:
        """(username, plaintext token) for the sync and the connection test; never log or return these."""
        row = self._row(id_or_name)
        if row is None:
            raise KeyError(f"unknown connection {id_or_name!r}")
        token = self._secrets.decrypt(row["token_encrypted"]) if row["token_encrypted"] else None
        return row["username"], token

    def _row(self, id_or_name: str) -> sqlite3.Row | None:
        with self._connect() as db:
            # An id wins over a name that happens to look like an id.
            return db.execute(
                "select * from connections where id = ? or name = ? order by id = ? desc limit 1",
                (id_or_name, id_or_name, id_or_name),
            ).fetchone()

    @staticmethod
    def _connection(row: sqlite3.Row) -> Connection:
        return Connection(
            id=row["id"], name=row["name"], url=row["url"], username=row["username"],
            has_token=row["token_encrypted"] is not None, created_at=row["created_at"],
            last_sync_at=row["last_sync_at"], last_sync_status=row["last_sync_status"],
            last_sync_error=row["last_sync_error"], ca_bundle=row["ca_bundle"], tls_verify=bool(row["tls_verify"]),
            source=row["source"],
        )

    # ---------- sync history

    def record_sync_start(self, name: str) -> bool:
        """Marks the connection `running`; False if it no longer exists (removed while syncing)."""
        row = self._row(name)
        if row is None:
            return False
        with self._connect() as db:
            db.execute("update connections set last_sync_status = 'running' where id = ?", (row["id"],))
            db.execute(
                "insert into sync_runs (connection_id, connection_name, started_at, status) "
                "values (?, ?, ?, 'running')",
                (row["id"], row["name"], _now()),
            )
        return True

    def record_sync_end(
        self, name: str, status: Literal["success", "failed"], error: str | None = None, stats: dict | None = None,
        source: str | None = None,
    ) -> bool:
        """Records the outcome, and the API a successful sync read (`source`; None keeps the stored one);
        False if the connection no longer exists."""
        if status not in ("success", "failed"):
            raise ValueError(f"status must be 'success' or 'failed', not {status!r}")
        row = self._row(name)
        if row is None:
            return False
        error = self._scrub(row, error)
        now = _now()
        with self._connect() as db:
            db.execute(
                "update connections set last_sync_at = ?, last_sync_status = ?, last_sync_error = ?, "
                "source = coalesce(?, source) where id = ?",
                (now, status, error, source, row["id"]),
            )
            run = db.execute(
                "select max(id) from sync_runs where connection_id = ? and status = 'running'", (row["id"],)
            ).fetchone()[0]
            stats_json = json.dumps(stats or {}, default=str)
            if run is None:  # an end without a start still leaves a history row
                db.execute(
                    "insert into sync_runs (connection_id, connection_name, started_at, ended_at, status, error, stats)"
                    " values (?, ?, ?, ?, ?, ?, ?)",
                    (row["id"], row["name"], now, now, status, error, stats_json),
                )
            else:
                db.execute(
                    "update sync_runs set ended_at = ?, status = ?, error = ?, stats = ? where id = ?",
                    (now, status, error, stats_json, run),
                )
        return True

    def _scrub(self, row: sqlite3.Row, error: str | None) -> str | None:
        """An error message may quote a request; the Jenkins token must never be stored with it."""
        if not error or not row["token_encrypted"]:
            return error
        token = self._secrets.decrypt(row["token_encrypted"])
        return error.replace(token, "***")

    # ---------- API tokens

    def create_api_token(self, role: Role, name: str | None = None) -> str:
        """A new API token, returned in plaintext once; only its SHA-256 is kept."""
        if role not in ("viewer", "admin"):
            raise ValueError(f"role must be 'viewer' or 'admin', not {role!r}")
        token = "bb_" + secrets.token_urlsafe(32)
        with self._connect() as db:
            db.execute(
                "insert into api_tokens (token_sha256, role, name, created_at, id) values (?, ?, ?, ?, ?)",
                (_sha256(token), role, name, _now(), "t_" + secrets.token_hex(6)),
            )
        return token

    def verify_api_token(self, token: str) -> ApiToken | None:
        with closing(self.api_token_reader()) as reader:
            return reader.lookup(token)

    def api_token_reader(self) -> ApiTokenReader:
        return ApiTokenReader(self._path)

    def list_api_tokens(self) -> list[ApiTokenInfo]:
        with self._connect() as db:
            rows = db.execute(
                "select id, name, role, created_at, last_used_at from api_tokens order by created_at, rowid"
            ).fetchall()
        return [ApiTokenInfo(**dict(row)) for row in rows]

    def revoke_api_tokens(self, id_or_name: str) -> list[ApiTokenInfo]:
        """Deletes the token with this id, or else every token with this name; returns what was revoked."""
        with self._connect() as db:
            rows = db.execute(
                "delete from api_tokens where id = ?1 or (name = ?1 and not exists "
                "(select 1 from api_tokens where id = ?1)) returning id, name, role, created_at, last_used_at",
                (id_or_name,),
            ).fetchall()
        return sorted((ApiTokenInfo(**dict(row)) for row in rows), key=lambda t: t.created_at)

    def record_api_token_use(self, token_sha256: str) -> None:
        with self._connect() as db:
            db.execute("update api_tokens set last_used_at = ? where token_sha256 = ?", (_now(), token_sha256))
