"""`buildbutler tokens create | list | revoke`: the store, the CLI, and the API refusing a revoked token at once."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess

import httpx
import pytest

from api.app import create_app
from buildbutler.cli import main
from buildbutler.home import Home
from buildbutler.store import Store
from tests.api.snapshot_fixture import make_fixture, publish, write_snapshot
from tests.support.paths import BIN
from tests.support.servers import serve
from tests.support.settings import settings_for

LISTED = re.compile(r"^(t_[0-9a-f]{12})\t(.+)\t(viewer|admin)\t(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)\t(.+)$")


def cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def create(capsys, role: str, name: str | None = None) -> str:
    code, out, _ = cli(capsys, "tokens", "create", "--role", role, *(["--name", name] if name else []))
    assert code == 0 and re.fullmatch(r"bb_[\w-]{40,}\n", out), out  # the token alone, once
    return out.strip()


def listed(capsys) -> list[tuple[str, ...]]:
    code, out, _ = cli(capsys, "tokens", "list")
    assert code == 0
    rows = [LISTED.match(line) for line in out.splitlines()]
    assert all(rows), out
    return [row.groups() for row in rows]


def test_list_shows_name_role_created_and_last_use_but_never_a_token(home_env, capsys):
    tokens = [create(capsys, "admin", "ops"), create(capsys, "viewer")]
    code, out, err = cli(capsys, "tokens", "list")
    assert code == 0
    for token in tokens:
        assert token not in out + err and hashlib.sha256(token.encode()).hexdigest() not in out + err
    rows = listed(capsys)
    assert [(name, role, last) for _, name, role, _, last in rows] == [("ops", "admin", "-"), ("-", "viewer", "-")]
    assert len({token_id for token_id, *_ in rows}) == 2


def test_revoke_by_name_by_id_and_unknown(home_env, capsys):
    create(capsys, "admin", "ops")
    create(capsys, "viewer", "ci")
    create(capsys, "viewer", "ci")  # names are not unique: revoking a name revokes every token of that name
    create(capsys, "viewer")
    code, out, _ = cli(capsys, "tokens", "revoke", "ci")
    assert code == 0 and len(re.findall(r"^revoked t_\w+ \(ci, viewer\)$", out, re.M)) == 2
    assert [row[1] for row in listed(capsys)] == ["ops", "-"]

    unnamed = listed(capsys)[1][0]
    code, out, _ = cli(capsys, "tokens", "revoke", unnamed)  # an unnamed token goes by its id
    assert code == 0 and out == f"revoked {unnamed} (unnamed, viewer)\n"

    code, out, err = cli(capsys, "tokens", "revoke", "nobody")
    assert code == 2 and out == "" and "no API token with id or name 'nobody'" in err
    assert [row[1] for row in listed(capsys)] == ["ops"]


def test_tokens_create_is_unchanged(home_env, capsys):
    token = create(capsys, "viewer", "dashboards")
    assert Store(settings_for(Home(home_env))).verify_api_token(token).role == "viewer"
    with pytest.raises(SystemExit) as exit_info:
        main(["tokens", "create", "--role", "root"])
    assert exit_info.value.code == 2 and "invalid choice: 'root'" in capsys.readouterr().err


def test_a_revoked_token_gets_401_at_once_even_for_a_kept_answer(home_env, monkeypatch, capsys):
    """A real uvicorn; the revoke is another process, the real `buildbutler` command."""
    home = Home(home_env).ensure()
    publish(home, write_snapshot(home.serving_dir / "snapshot-1.duckdb", make_fixture(builds_per_job=5)))
    monkeypatch.setenv("BUILDBUTLER_RATE_LIMIT", "0")
    monkeypatch.delenv("BUILDBUTLER_ADMIN_TOKEN", raising=False)
    leaving, staying = create(capsys, "viewer", "leaving"), create(capsys, "viewer", "staying")
    with serve(create_app(settings_for(home))) as base, httpx.Client(base_url=base, timeout=10) as http:
        def get(token: str) -> httpx.Response:
            return http.get("/api/v1/jobs", headers={"Authorization": f"Bearer {token}"})

        kept = get(leaving)
        assert kept.status_code == 200 and get(leaving).content == kept.content  # the answer is now kept
        last_use = {name: last for _, name, _, _, last in listed(capsys)}
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", last_use["leaving"]) and last_use["staying"] == "-"

        done = subprocess.run([str(BIN / "buildbutler"), "tokens", "revoke", "leaving"],
                              capture_output=True, text=True, timeout=60, env=os.environ)
        assert done.returncode == 0 and done.stdout.startswith("revoked t_"), done.stderr
        refused = get(leaving)
        assert refused.status_code == 401 and refused.json()["error"]["code"] == "unauthorized"
        assert get(staying).content == kept.content  # the kept answer still serves the others
