"""The dbt command line the sync job builds (a pure function, tested as the anchors do)."""

from pathlib import Path

from orchestration.dbt_project import build_args

BASE = ["build", "--exclude-resource-type", "unit_test", "--log-level-file", "none"]


def test_sync_builds_everything_but_unit_tests_without_a_debug_log_file():
    assert build_args() == BASE


def test_full_refresh_is_passed_through():
    assert build_args(full_refresh=True) == [*BASE, "--full-refresh"]


def test_views_and_seeds_unchanged_since_the_last_build_are_left_out():
    assert build_args(previous_state=Path("/home/dbt_state")) == [
        *BASE, "--state", "/home/dbt_state",
        "--exclude", "config.materialized:view,state:unmodified resource_type:seed,state:unmodified",
    ]


def test_a_full_refresh_builds_views_and_seeds_too():
    assert build_args(full_refresh=True, previous_state=Path("/home/dbt_state")) == [*BASE, "--full-refresh"]
