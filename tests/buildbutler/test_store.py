"""The operational store (SQLite, WAL) and the secret box, on real files in tmp_path."""

from __future__ import annotations

import sqlite3
import stat
import threading

import pytest
from cryptography.fernet import Fernet

from buildbutler.home import Home
from buildbutler.secrets import SecretBox, SecretKeyMismatch
from buildbutler.settings import Settings
from buildbutler.store import ConflictError, InvalidField, Store


@pytest.fixture
def store(fresh_home: Home) -> Store:
    return Store(Settings(home=fresh_home))


def test_connections_round_trip(store: Store):
    created = store.add_connection(" Production ", "https://ci.example.com/jenkins/", username="bot", token="t0k")
    assert created.name == "Production" and created.url == "https://ci.example.com/jenkins"
    assert created.id.startswith("c_") and created.has_token and created.last_sync_status == "never"
    assert store.get_connection(created.id) == created == store.get_connection("Production")
    assert store.list_connections() == [created]
    assert store.credentials("Production") == ("bot", "t0k")
    assert store.remove_connection(created.id) and not store.remove_connection(created.id)
    assert store.get_connection("Production") is None and store.list_connections() == []
    with pytest.raises(KeyError):
        store.credentials("Production")


def test_connection_without_credentials(store: Store):
    created = store.add_connection("anon", "http://127.0.0.1:8080", username="  ", token="")
    assert created.username is None and not created.has_token
    assert store.credentials("anon") == (None, None)


def test_duplicate_names_conflict_and_bad_fields_name_themselves(store: Store):
    store.add_connection("ci", "https://a.example.com")
    with pytest.raises(ConflictError):
        store.add_connection("ci", "https://b.example.com")
    with pytest.raises(InvalidField) as bad_url:
        store.add_connection("x", "http://[fe80::1%25eth0]/")
    assert bad_url.value.field == "url" and isinstance(bad_url.value, ValueError)
    with pytest.raises(InvalidField) as bad_token:
        store.add_connection("x", "https://a.example.com", token=123)  # type: ignore[arg-type]
    assert bad_token.value.field == "token"


@pytest.mark.parametrize("url", ["http://169.254.169.254", "http://[::ffff:169.254.169.254]/", "http://0xa9fea9fe/",
                                 "http://169.254.169.254./", "http://METADATA.google.internal/"])
def test_link_local_and_metadata_hosts_are_refused_unless_allowed(store: Store, fresh_home: Home, url):
    with pytest.raises(InvalidField, match="link-local"):
        store.add_connection("imds", url)
    allowing = Store(Settings(home=fresh_home, allow_link_local=True))
    if "metadata" not in url.lower():  # names of metadata services stay refused; their addresses can be allowed
        assert allowing.add_connection("imds", url).url == url.rstrip("/")
    else:
        with pytest.raises(InvalidField, match="link-local"):
            allowing.add_connection("imds", url)


def test_sync_history(store: Store):
    store.add_connection("ci", "https://a.example.com", token="s3cret-token")
    assert store.record_sync_start("ci")
    assert store.get_connection("ci").last_sync_status == "running"
    assert store.record_sync_end("ci", "failed", "401 for token s3cret-token", {"runs": 3})
    connection = store.get_connection("ci")
    assert connection.last_sync_status == "failed" and connection.last_sync_error == "401 for token ***"
    assert connection.last_sync_at.endswith("Z")
    assert store.record_sync_end("ci", "success", None, {})
    assert store.get_connection("ci").last_sync_error is None
    assert not store.record_sync_start("gone") and not store.record_sync_end("gone", "success")
    with pytest.raises(ValueError):
        store.record_sync_end("ci", "maybe")  # type: ignore[arg-type]
    with sqlite3.connect(store._path) as db:
        runs = db.execute("select status, error, stats from sync_runs order by id").fetchall()
    assert runs == [("failed", "401 for token ***", '{"runs": 3}'), ("success", None, "{}")]


def test_api_tokens_are_stored_hashed(store: Store):
    admin = store.create_api_token("admin", "ops")
    viewer = store.create_api_token("viewer")
    assert admin != viewer and len(admin) > 40
    assert (store.verify_api_token(admin).role, store.verify_api_token(admin).name) == ("admin", "ops")
    assert store.verify_api_token(viewer).role == "viewer"
    assert store.verify_api_token("nope") is None and store.verify_api_token("") is None
    assert admin not in repr(store.verify_api_token(admin))
    with pytest.raises(ValueError):
        store.create_api_token("root")  # type: ignore[arg-type]
    with sqlite3.connect(store._path) as db:
        stored = [r[0] for r in db.execute("select token_sha256 from api_tokens")]
    assert admin not in stored and all(len(h) == 64 for h in stored)


def test_an_id_wins_over_a_name_that_looks_like_it(store: Store):
    store.create_api_token("viewer", "first")
    first = store.list_api_tokens()[0]
    store.create_api_token("admin", first.id)  # a token *named* like the first one's id
    assert [t.name for t in store.revoke_api_tokens(first.id)] == ["first"]
    assert [t.name for t in store.list_api_tokens()] == [first.id]


def test_database_is_in_wal_mode_and_safe_from_many_threads(store: Store, fresh_home: Home):
    with sqlite3.connect(fresh_home.operational_db) as db:
        assert db.execute("pragma journal_mode").fetchone()[0] == "wal"
    errors = []

    def add(i: int) -> None:
        try:
            Store(Settings(home=fresh_home)).add_connection(f"c{i}", f"https://c{i}.example.com", token=f"t{i}")
            store.create_api_token("viewer")
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=add, args=(i,)) for i in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and len(store.list_connections()) == 16


def test_secret_key_file_is_generated_once_with_mode_0600(fresh_home: Home):
    box = SecretBox(Settings(home=fresh_home))
    key_file = fresh_home.secret_key_file
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    key = key_file.read_bytes()
    sealed = box.encrypt("token")
    assert SecretBox(Settings(home=fresh_home)).decrypt(sealed) == "token" and key_file.read_bytes() == key
    assert "token" not in sealed and key.decode() not in repr(box)


def test_env_secret_key_wins_and_a_changed_key_is_a_clear_error(fresh_home: Home, monkeypatch):
    monkeypatch.setenv("BUILDBUTLER_HOME", str(fresh_home.root))
    monkeypatch.setenv("BUILDBUTLER_SECRET_KEY", Fernet.generate_key().decode())
    store = Store(Settings.from_env())
    store.add_connection("ci", "https://a.example.com", token="abc")
    assert not fresh_home.secret_key_file.exists()
    passphrase = Settings(home=fresh_home, secret_key="a passphrase is stretched into a key")
    with pytest.raises(SecretKeyMismatch, match="add the connection again"):
        Store(passphrase).credentials("ci")
    assert Store(passphrase).get_connection("ci").has_token  # listing still works without the key
