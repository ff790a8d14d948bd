"""The dbt command line the sync job builds (a pure function, tested as the anchors do)."""

from orchestration.dbt_project import build_args


def test_sync_builds_everything_but_unit_tests_without_a_debug_log_file():
    assert build_args() == ["build", "--exclude-resource-type", "unit_test", "--log-level-file", "none"]


def test_full_refresh_is_passed_through():
    assert build_args(full_refresh=True)[-1] == "--full-refresh"
