"""scale=200: about 100k builds, started in a couple of seconds, paged lists beyond 100 items."""

from __future__ import annotations

import time

import requests

from ingestion.simulator import Simulator


def test_scale_200_starts_quickly_and_holds_about_100k_builds():
    began = time.monotonic()
    sim = Simulator(seed=7, scale=200).start()
    try:
        assert time.monotonic() - began < 3
        stats = requests.get(sim.url + "/__simulator__/stats", timeout=10).json()
        assert 95_000 <= stats["builds"] <= 105_000 and stats["jobs"] > 1500
        org = sim.url + "/blue/rest/organizations/jenkins/"
        first = requests.get(org + "pipelines/", params={"tree": "name"}, timeout=10)
        assert len(first.json()) == 100  # 208 top-level items: the default limit truncates
        rest = requests.get(org + "pipelines/", params={"tree": "name", "start": 100, "limit": 200}, timeout=10)
        names = [i["name"] for i in first.json() + rest.json()]
        assert len(names) == 208 and names == sorted(names) and "team-199" in names
        runs = requests.get(org + "pipelines/team-150/pipelines/api/runs/", params={"start": 100, "limit": 50},
                            timeout=10).json()
        assert [r["id"] for r in runs] == [str(n) for n in range(10, 0, -1)]
        assert time.monotonic() - began < 10
    finally:
        sim.stop()
