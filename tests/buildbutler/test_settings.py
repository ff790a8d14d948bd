"""`Settings.from_env()`: every BUILDBUTLER_* variable, typed, and one clear error for bad values."""

from __future__ import annotations

from pathlib import Path

import pytest

from buildbutler.home import Home
from buildbutler.settings import Settings, SettingsError


def test_defaults_when_nothing_is_set(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    settings = Settings.from_env({})
    assert settings == Settings(home=Home(tmp_path / ".buildbutler"))
    assert (settings.admin_token, settings.secret_key, settings.sync_cron) == (None, None, "*/15 * * * *")
    assert (settings.rate_limit, settings.api_cache_mb, settings.freshness_hours) == (600, 64, 24.0)
    assert settings.allow_link_local is False and settings.api_cache_bytes == 64 * 1024 * 1024


def test_every_variable_is_read(tmp_path):
    settings = Settings.from_env({
        "BUILDBUTLER_HOME": str(tmp_path / "h"), "BUILDBUTLER_ADMIN_TOKEN": "admin-secret",
        "BUILDBUTLER_SECRET_KEY": " key ", "BUILDBUTLER_SYNC_CRON": "0  *  * * 1-5", "BUILDBUTLER_RATE_LIMIT": "0",
        "BUILDBUTLER_API_CACHE_MB": "1", "BUILDBUTLER_FRESHNESS_HOURS": "1.5", "BUILDBUTLER_ALLOW_LINK_LOCAL": "1",
    })
    assert settings.home == Home(tmp_path / "h") and settings.home.root.is_absolute()
    assert (settings.admin_token, settings.secret_key, settings.sync_cron) == ("admin-secret", "key", "0 * * * 1-5")
    assert (settings.rate_limit, settings.api_cache_mb, settings.freshness_hours) == (0, 1, 1.5)
    assert settings.allow_link_local is True
    assert "admin-secret" not in repr(settings) and "key'" not in repr(settings)  # secrets stay out of logs


def test_a_relative_home_is_made_absolute(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert Settings.from_env({"BUILDBUTLER_HOME": "state"}).home.root == tmp_path / "state"


def test_blank_values_mean_the_default():
    blank = {name: "  " for name in ("BUILDBUTLER_RATE_LIMIT", "BUILDBUTLER_API_CACHE_MB", "BUILDBUTLER_SYNC_CRON",
                                     "BUILDBUTLER_ADMIN_TOKEN", "BUILDBUTLER_SECRET_KEY")}
    settings = Settings.from_env(blank)
    assert (settings.rate_limit, settings.api_cache_mb, settings.sync_cron) == (600, 64, "*/15 * * * *")
    assert settings.secret_key is None


def test_bad_values_are_one_error_naming_each_variable():
    with pytest.raises(SettingsError) as error:
        Settings.from_env({
            "BUILDBUTLER_RATE_LIMIT": "lots", "BUILDBUTLER_API_CACHE_MB": "-1", "BUILDBUTLER_FRESHNESS_HOURS": "0",
            "BUILDBUTLER_ALLOW_LINK_LOCAL": "maybe", "BUILDBUTLER_SYNC_CRON": "every hour",
        })
    message = str(error.value)
    assert isinstance(error.value, ValueError)
    for expected in ("BUILDBUTLER_RATE_LIMIT must be a whole number of requests per minute (0 = off), not 'lots'",
                     "BUILDBUTLER_API_CACHE_MB must be a whole number of MiB (0 = keep no answers), not '-1'",
                     "BUILDBUTLER_FRESHNESS_HOURS must be a positive number of hours, not '0'",
                     "BUILDBUTLER_ALLOW_LINK_LOCAL must be 1 or 0, not 'maybe'",
                     "BUILDBUTLER_SYNC_CRON must be a cron expression of five fields"):
        assert expected in message


@pytest.mark.parametrize("name", ["tokens", "connections"])
def test_the_cli_says_what_is_wrong_instead_of_a_traceback(home_env: Path, monkeypatch, capsys, name):
    from buildbutler.cli import main

    monkeypatch.setenv("BUILDBUTLER_RATE_LIMIT", "lots")
    assert main([name, "list"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: bad settings: BUILDBUTLER_RATE_LIMIT") and "Traceback" not in err


def test_test_results_mode():
    assert Settings.from_env({}).test_results == "all"
    assert Settings.from_env({"BUILDBUTLER_TEST_RESULTS": " Failed "}).test_results == "failed"
    with pytest.raises(SettingsError, match="BUILDBUTLER_TEST_RESULTS must be all, failed or none, not 'some'"):
        Settings.from_env({"BUILDBUTLER_TEST_RESULTS": "some"})
