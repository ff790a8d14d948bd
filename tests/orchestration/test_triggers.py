"""The schedule and the new-connection sensor request the sync job with a valid run config."""

from __future__ import annotations

import dagster as dg

from buildbutler.settings import Settings
from buildbutler.store import Store


def test_schedule_requests_a_full_sync(home_env):
    from orchestration.definitions import defs

    schedule = defs.resolve_schedule_def("sync_schedule")
    data = schedule.evaluate_tick(dg.build_schedule_context(scheduled_execution_time=None))
    assert len(data.run_requests) == 1
    request = data.run_requests[0]
    job = defs.resolve_job_def("sync")
    assert dg.validate_run_config(job, request.run_config)["ops"]["blueocean_ingest"]["config"]["connection"] is None


def test_schedule_follows_the_cron_variable(monkeypatch):
    import importlib

    import orchestration.jobs as jobs

    monkeypatch.setenv("BUILDBUTLER_SYNC_CRON", "0 * * * *")
    try:
        assert importlib.reload(jobs).sync_schedule.cron_schedule == "0 * * * *"
    finally:
        monkeypatch.delenv("BUILDBUTLER_SYNC_CRON")
        importlib.reload(jobs)


def test_a_new_connection_triggers_its_first_sync_once(home_env):
    from orchestration.definitions import defs

    store = Store(Settings.from_env())
    sensor = defs.resolve_sensor_def("new_connection_sensor")
    assert list(sensor(dg.build_sensor_context())) == []

    fresh = store.add_connection("fresh", "http://127.0.0.1:9")
    synced = store.add_connection("synced", "http://127.0.0.1:9")
    store.record_sync_start(synced.name)
    store.record_sync_end(synced.name, "success", None, {})
    requests = list(sensor(dg.build_sensor_context()))
    assert [r.run_key for r in requests] == [f"first-sync-{fresh.id}"]
    job = defs.resolve_job_def("sync")
    config = dg.validate_run_config(job, requests[0].run_config)
    assert config["ops"]["blueocean_ingest"]["config"]["connection"] == fresh.id
