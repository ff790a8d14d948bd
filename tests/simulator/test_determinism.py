"""Same seed, same controller: byte-identical bodies from two simulators; another seed differs."""

from __future__ import annotations

import requests

from ingestion.simulator import Simulator

PATHS = [
    "/blue/rest/organizations/jenkins/pipelines/",
    "/blue/rest/organizations/jenkins/pipelines/webapp/branches/",
    "/blue/rest/organizations/jenkins/pipelines/api-gateway/runs/?limit=100",
    "/blue/rest/organizations/jenkins/pipelines/api-gateway/runs/71/nodes/",
    "/blue/rest/organizations/jenkins/pipelines/api-gateway/runs/71/log/",
    "/blue/rest/organizations/jenkins/pipelines/nightly-e2e/runs/12/nodes/",
    "/blue/rest/organizations/jenkins/pipelines/monorepo-ci/runs/5/steps/?limit=1000",
    "/blue/rest/organizations/jenkins/pipelines/webapp/branches/PR-42/runs/3/log/?start=0",
    "/blue/rest/organizations/jenkins/pipelines/platform/pipelines/infra/pipelines/k8s-deploy/runs/",
]


def bodies(sim: Simulator) -> list[bytes]:
    with requests.Session() as s:
        return [s.get(sim.url + path, timeout=10).content for path in PATHS]


def test_same_seed_gives_the_same_bodies(sim):
    with Simulator(seed=7) as twin:
        assert bodies(twin) == bodies(sim)
        assert twin.truth() == sim.truth()


def test_another_seed_gives_another_controller(sim):
    with Simulator(seed=8) as other:
        mine, theirs = bodies(sim), bodies(other)
        assert mine[0] != theirs[0] and mine[2] != theirs[2]
