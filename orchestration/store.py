"""The operational store: connections, API tokens and sync history, in SQLite (WAL) at `Home.operational_db`.

Kept apart from the DuckDB warehouse so that the API and the CLI can write here while a sync holds the
warehouse. One SQLite connection per call: cheap, and safe from any thread or process (only the API's
per-request token lookups keep one open, an `ApiTokenReader`).
Jenkins tokens are stored encrypted (see `orchestration.secrets`), API tokens as SHA-256 hashes.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
import os
import secrets
import socket
import sqlite3
import threading
import unicodedata
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Iterator, Literal
from urllib.parse import urlsplit

from orchestration.home import Home
from orchestration.secrets import SecretBox

ALLOW_LINK_LOCAL_ENV = "BUILDBUTLER_ALLOW_LINK_LOCAL"
MAX_NAME_LENGTH = 100
MAX_URL_LENGTH = 2000
# Cloud metadata services answer on these names besides their link-local addresses (OWASP API7, SSRF).
METADATA_HOSTS = frozenset({"metadata", "metadata.google.internal", "metadata.goog", "instance-data",
                            "instance-data.ec2.internal"})
SyncStatus = Literal["never", "running", "success", "failed"]
Role = Literal["viewer", "admin"]

SCHEMA = """
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
TOKEN_COLUMNS_ADDED = {"id": "text", "last_used_at": "text"}  # stores made before tokens could be listed lack them


class ConflictError(Exception):
    """A connection with that name already exists."""


class InvalidField(ValueError):
    """A bad connection field; `field` names it (`name`, `url`, `username` or `token`)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Connection:
    id: str
    name: str
    url: str
    username: str | None
    has_token: bool
    created_at: str
    last_sync_at: str | None
    last_sync_status: SyncStatus
    last_sync_error: str | None


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


def refused_address(address: str) -> bool:
    """True for link-local (cloud metadata) addresses, unless BUILDBUTLER_ALLOW_LINK_LOCAL=1."""
    if os.environ.get(ALLOW_LINK_LOCAL_ENV) == "1":
        return False
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])  # drop an IPv6 zone id
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_link_local


def _literal_address(host: str) -> str | None:
    """The IP a host name stands for without DNS, including legacy forms like `2852039166` or `0xa9.0xfe.1`."""
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        pass
    try:
        return socket.inet_ntoa(socket.inet_aton(host))
    except OSError:
        return None


def _optional_text(what: str, value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidField(what, f"{what} must be a string")
    return value.strip() or None


def validate_name(name: object) -> str:
    if not isinstance(name, str) or not name.strip():
        raise InvalidField("name", "name must be a non-empty string")
    name = name.strip()
    if len(name) > MAX_NAME_LENGTH:
        raise InvalidField("name", f"name must be at most {MAX_NAME_LENGTH} characters")
    if any(unicodedata.category(ch).startswith("C") for ch in name):
        raise InvalidField("name", "name must not contain control characters")
    return name


def validate_url(url: object) -> str:
    """An absolute http(s) URL without credentials, query or fragment; returned without a trailing slash."""
    if not isinstance(url, str) or not url.strip():
        raise InvalidField("url", "url must be a non-empty string")
    url = url.strip()
    if len(url) > MAX_URL_LENGTH or any(unicodedata.category(ch).startswith("C") or ch == " " for ch in url):
        raise InvalidField("url", "url must be a plain absolute http(s) URL")
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # raises ValueError on a bad port
    except ValueError as exc:
        raise InvalidField("url", f"url is not a valid URL: {exc}") from None
    if parts.scheme.lower() not in ("http", "https") or not host:
        raise InvalidField("url", "url must be an absolute http(s) URL, e.g. https://jenkins.example.com")
    if parts.username is not None or parts.password is not None:
        raise InvalidField("url", "url must not contain credentials: use username and token")
    if parts.query or parts.fragment:
        raise InvalidField("url", "url must not have a query or fragment")
    host = host.lower().rstrip(".")  # `169.254.169.254.` is the same host
    address = _literal_address(host)
    if host in METADATA_HOSTS or (address and refused_address(address)):
        raise InvalidField(
            "url", f"url points at a link-local or cloud-metadata host; set {ALLOW_LINK_LOCAL_ENV}=1 to allow it"
        )
    return url.rstrip("/")


def _add_token_columns(db: sqlite3.Connection) -> None:
    """Upgrades an older store in place: token ids (to list and revoke unnamed tokens) and last use."""
    def missing() -> list[str]:
        present = {row[1] for row in db.execute("pragma table_info(api_tokens)")}
        return [column for column in TOKEN_COLUMNS_ADDED if column not in present]

    if missing():
        db.execute("begin immediate")  # two processes opening an old store at once must not both alter it
        try:
            for column in missing():
                db.execute(f"alter table api_tokens add column {column} {TOKEN_COLUMNS_ADDED[column]}")
            db.execute("update api_tokens set id = 't_' || lower(hex(randomblob(6))) where id is null")
        except BaseException:
            db.execute("rollback")
            raise
        db.execute("commit")
    db.execute("create unique index if not exists api_tokens_id on api_tokens (id)")


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

    def __init__(self, home: Home) -> None:
        self._path = home.operational_db
        self._path.parent.mkdir(parents=True, exist_ok=True)
        self._secrets = SecretBox(home)
        with closing(sqlite3.connect(self._path, timeout=10, isolation_level=None)) as db:
            db.execute("pragma busy_timeout=10000")
            db.execute("pragma journal_mode=wal")  # persistent: set once, outside any transaction
            db.executescript(SCHEMA)
            _add_token_columns(db)

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

    def add_connection(self, name: str, url: str, username: str | None = None, token: str | None = None) -> Connection:
        name, url = validate_name(name), validate_url(url)
        username, token = _optional_text("username", username), _optional_text("token", token)
        encrypted = self._secrets.encrypt(token) if token else None
        connection_id = "c_" + secrets.token_hex(8)
        with self._connect() as db:
            try:
                db.execute(
                    "insert into connections (id, name, url, username, token_encrypted, created_at) "
                    "values (?, ?, ?, ?, ?, ?)",
                    (connection_id, name, url, username, encrypted, _now()),
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
            last_sync_error=row["last_sync_error"],
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
        self, name: str, status: Literal["success", "failed"], error: str | None = None, stats: dict | None = None
    ) -> bool:
        """Records the outcome; False if the connection no longer exists."""
        if status not in ("success", "failed"):
            raise ValueError(f"status must be 'success' or 'failed', not {status!r}")
        row = self._row(name)
        if row is None:
            return False
        error = self._scrub(row, error)
        now = _now()
        with self._connect() as db:
            db.execute(
                "update connections set last_sync_at = ?, last_sync_status = ?, last_sync_error = ? where id = ?",
                (now, status, error, row["id"]),
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
