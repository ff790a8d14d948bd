"""Calling the bundled Blue Ocean simulator over HTTP, and finding builds in its truth."""

from __future__ import annotations

import re

import requests

from ingestion.simulator import Simulator

ORG = "/blue/rest/organizations/jenkins/"
TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d{4}$")  # Blue Ocean's own format


class Api:
    """GETs against a running simulator, relative to the organization."""

    def __init__(self, sim: Simulator):
        self.sim = sim
        self.session = requests.Session()

    def get(self, path: str, **params) -> requests.Response:
        url = path if path.startswith("/") else ORG + path
        return self.session.get(self.sim.url + url, params=params, timeout=10)

    def json(self, path: str, **params):
        response = self.get(path, **params)
        assert response.status_code == 200, (path, response.status_code, response.text[:300])
        return response.json()


def job_path(full_name: str) -> str:
    """Blue Ocean path of a job from its full name (branch jobs under branches/, encoded again)."""
    parts = full_name.split("/")
    if full_name.startswith("webapp/"):
        return f"pipelines/webapp/branches/{parts[1].replace('%', '%25')}/"
    return "pipelines/" + "/pipelines/".join(parts) + "/"


def builds_where(truth: dict, **wanted) -> list[tuple[str, dict]]:
    """(job full name, build) pairs whose truth fields match `wanted`."""
    return [(name, b) for name, job in truth.items() for b in job["builds"]
            if all(b[k] == v for k, v in wanted.items())]
