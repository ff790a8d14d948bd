"""A home from before pipelines were named after connection ids: its pipeline `blueocean_<name>` keeps its
incremental state, so the first `buildbutler sync` after the upgrade fetches only what changed."""

from __future__ import annotations

import subprocess

import duckdb

from buildbutler.connections import pipeline_name
from buildbutler.settings import Settings
from buildbutler.store import Store
from ingestion.blueocean import SourceConfig, blueocean_pipeline, blueocean_source, run_sync
from ingestion.simulator import Simulator
from tests.support.paths import BIN, REPO


def test_a_pipeline_named_after_its_connection_keeps_its_state(home_env):
    settings = Settings.from_env()
    home = settings.home.ensure()
    sim = Simulator(seed=21).start()
    try:
        connection = Store(settings).add_connection("legacy-ci", sim.url)
        # What the sync did before: the pipeline named after the connection's name.
        old = blueocean_pipeline("blueocean_legacy-ci", home.warehouse, home.dlt_dir)
        run_sync(old, blueocean_source(SourceConfig(instance="legacy-ci", base_url=sim.url)))
        first_load = sim.request_count
        assert pipeline_name(connection.id, connection.name, home.dlt_dir) == "blueocean_legacy-ci"

        sync = subprocess.run([str(BIN / "buildbutler"), "sync"], capture_output=True, text=True, cwd=REPO,
                              timeout=600)
        assert sync.returncode == 0, sync.stdout + sync.stderr
        # Nothing changed on the controller: a small constant number of requests per job, not a re-crawl.
        assert sim.request_count - first_load < first_load / 3
        assert sorted(p.name for p in home.dlt_dir.iterdir()) == ["blueocean_legacy-ci"]
        with duckdb.connect(str(home.current_snapshot), read_only=True) as con:
            builds = con.execute("select count(*) from marts.fct_builds where instance = 'legacy-ci'").fetchone()[0]
        assert builds == sum(len(job["builds"]) for job in sim.truth()["jobs"])
    finally:
        sim.stop()
