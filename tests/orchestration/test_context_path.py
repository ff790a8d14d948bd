"""Jenkins where real sites put it: under a context path, with names teams really use.

The simulator serves under `/jenkins`, its `_links` hrefs carrying that path, with folders, jobs and
branches named with accents, spaces, dots and slashes. A user adds the URL with a trailing slash,
syncs, and the API must show every build exactly as the simulator's truth has it: its stages, its
failure category and its log, as it does for a controller at the root.
"""

from __future__ import annotations

import pytest

from ingestion.simulator import CoreOptions, Simulator
from tests.orchestration.api_checks import assert_every_build_exact, listed
from tests.support.cli_server import synced_and_served


@pytest.fixture(scope="module", params=["blueocean", "core"])
def world(request, tmp_path_factory):
    """The same controller through Blue Ocean, and through the core JSON API (with PGV and Metrics)."""
    core = request.param == "core"
    sim = Simulator(seed=11, prefix="/jenkins", prefixed_links=True, field_names=True,
                    core=CoreOptions() if core else None).start()
    assert sim.url.endswith("/jenkins")
    with synced_and_served(tmp_path_factory.mktemp("context-path") / "home", "Forêt CI", sim.url + "/") as world:
        yield {"sim": sim, "core": core, **world}
    sim.stop()


def test_sync_succeeds(world):
    sync = world["sync"]
    assert sync.returncode == 0, sync.stdout + sync.stderr
    assert "Forêt CI success" in sync.stdout.strip().splitlines()[-1]


def test_the_names_are_those_jenkins_shows(world):
    jobs = {(j["folder"], j["name"]) for j in listed(world, "/jobs")}
    assert {("/Équipe Données", "déploiement v1.2"), ("/Équipe Données/outils.internes", "café api"),
            ("/Équipe Données/outils.internes", "rapports ünïcode"), ("/Équipe Données/app mobile", "feature/été-2026"),
            ("/Équipe Données/app mobile", "release/1.2.x"), ("/webapp", "feature/login-page")} <= jobs


def test_every_build_is_exact_with_its_stages_and_its_log(world):
    assert assert_every_build_exact(world, world["sim"], "Forêt CI", core=world["core"]) > 500
