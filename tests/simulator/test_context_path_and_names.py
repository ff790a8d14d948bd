"""The simulator under a context path, and items named as teams name them, encoded as Blue Ocean does.

Blue Ocean writes folder and job names into hrefs as they are (`getRecursivePathFromFullName` joins
them unencoded) and a branch's job name encoded once more (`BranchImpl.getLink`: `Util.rawEncode`),
the job name being branch-api's encoding of the branch (`feature%2Fété-2026`).
"""

from __future__ import annotations

import subprocess
import sys
from urllib.parse import quote

import pytest
import requests

from ingestion.simulator import Simulator
from tests.support.paths import REPO

ORG = "/blue/rest/organizations/jenkins/"


@pytest.fixture(scope="module")
def sims():
    plain = Simulator(seed=7, prefix="/jenkins/", field_names=True).start()
    prefixed = Simulator(seed=7, prefix="/jenkins", prefixed_links=True, field_names=True).start()
    yield plain, prefixed
    plain.stop()
    prefixed.stop()


def get(sim: Simulator, path: str, **params) -> requests.Response:
    return requests.get(sim.url + path, params=params, timeout=10)


def test_the_api_lives_under_the_context_path_only(sims):
    plain, _ = sims
    assert plain.url.endswith("/jenkins")
    assert get(plain, ORG).json()["name"] == "jenkins"
    root = requests.get(plain.url.removesuffix("/jenkins") + ORG, timeout=10)
    assert root.status_code == 404 and not root.headers["Content-Type"].startswith("application/json")
    assert get(plain, "/__simulator__/stats").json()["jobs"] > 13  # admin too, under the path or at the root


def test_hrefs_start_at_blue_rest_unless_they_carry_the_path(sims):
    plain, prefixed = sims
    assert get(plain, ORG).json()["_links"]["self"]["href"] == ORG
    assert get(prefixed, ORG).json()["_links"]["self"]["href"] == "/jenkins" + ORG
    runs = get(prefixed, ORG + "pipelines/android-app/runs/", limit=1).json()
    assert runs[0]["_links"]["log"]["href"].startswith("/jenkins" + ORG + "pipelines/android-app/runs/")
    link = get(prefixed, ORG + "pipelines/", limit=2).headers["Link"]
    assert link.startswith("</jenkins" + ORG + "pipelines/?")  # PagedResponse keeps the request's own path


def test_names_with_accents_spaces_and_dots_are_raw_in_hrefs_and_branches_encoded_twice(sims):
    plain, _ = sims
    team = get(plain, ORG + "pipelines/" + quote("Équipe Données") + "/pipelines/").json()
    hrefs = {item["name"]: item["_links"]["self"]["href"] for item in team}
    assert hrefs["déploiement v1.2"] == ORG + "pipelines/Équipe Données/pipelines/déploiement v1.2/"
    assert hrefs["outils.internes"] == ORG + "pipelines/Équipe Données/pipelines/outils.internes/"
    branches = get(plain, ORG + "pipelines/" + quote("Équipe Données") + "/pipelines/app%20mobile/branches/").json()
    by_name = {b["name"]: b for b in branches}
    assert set(by_name) == {"main", "feature%2Fété-2026", "release%2F1.2.x", "PR-7"}
    assert by_name["feature%2Fété-2026"]["_links"]["self"]["href"] == (
        ORG + "pipelines/Équipe Données/pipelines/app mobile/branches/feature%252F%C3%A9t%C3%A9-2026/")
    assert by_name["feature%2Fété-2026"]["fullName"] == "Équipe Données/app mobile/feature%2Fété-2026"
    assert by_name["feature%2Fété-2026"]["displayName"] == "feature/été-2026"
    runs = get(plain, ORG + "pipelines/%C3%89quipe%20Donn%C3%A9es/pipelines/app%20mobile/branches/"
                      "feature%252F%C3%A9t%C3%A9-2026/runs/")
    assert runs.status_code == 200 and len(runs.json()) == 16


def test_simulate_serves_under_a_prefix_from_the_command_line():
    code = ("from ingestion.simulator import serve_forever; "
            "serve_forever(port=0, seed=3, prefix='/jenkins', field_names=True)")
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=REPO, stdout=subprocess.PIPE, text=True)
    try:
        url = proc.stdout.readline().split(" on ", 1)[1].split(" ", 1)[0]
        assert url.endswith("/jenkins")
        assert requests.get(url + ORG + "pipelines/" + quote("Équipe Données") + "/", timeout=5).status_code == 200
    finally:
        proc.kill()
        proc.wait(timeout=10)


def test_a_prefix_must_be_a_path():
    with pytest.raises(ValueError, match="prefix"):
        Simulator(prefix="jenkins")
