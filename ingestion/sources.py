"""Which API serves a controller, and the dlt source that reads it.

Blue Ocean when its organization answers (`/blue/rest/organizations/jenkins/`); otherwise the core
JSON API (`/api/json`), with Pipeline Graph View or Stage View for stages as `ingestion.jenkins_core.stages`
finds them. Asked at the start of every sync (one request when Blue Ocean answers, two when not),
so a controller that gains or loses Blue Ocean switches source on its next sync, and keeps its
history: both fill the same tables with the same keys.
"""

from __future__ import annotations

from collections.abc import Callable

from dlt.extract.source import DltSource

from ingestion.blueocean import BlueOceanClient, SourceConfig, blueocean_source
from ingestion.blueocean.errors import NoJenkinsApi
from ingestion.blueocean.fetcher import BlueOceanFetcher
from ingestion.jenkins_core import CoreClient, CoreFetcher

Fetcher = BlueOceanFetcher | CoreFetcher
__all__ = ["Fetcher", "NoJenkinsApi", "detect", "jenkins_source"]


def detect(config: SourceConfig, on_request: Callable[[str], None] | None = None) -> Fetcher:
    """The fetcher for the API the controller has, with its client (the caller closes `fetcher.client`)."""
    blue = BlueOceanClient(config, on_request)
    organization = blue.get_json(blue.organization_href(), missing_ok=True)
    if isinstance(organization, dict):
        return BlueOceanFetcher(blue)
    blue.close()
    core = CoreClient(config, on_request)
    if core.get_json("/api/json", {"tree": "_class"}, missing_ok=True) is None:
        core.close()
        raise NoJenkinsApi(config.base_url)
    return CoreFetcher(core)


def jenkins_source(config: SourceConfig, progress=None, *, on_request: Callable[[str], None] | None = None,
                   ) -> tuple[DltSource, Fetcher]:
    """The dlt source of the controller and its fetcher (whose `source` names the API used, once the sync ran)."""
    fetcher = detect(config, on_request)
    return blueocean_source(config, progress, fetcher=fetcher), fetcher
