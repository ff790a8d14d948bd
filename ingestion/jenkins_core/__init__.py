"""The core JSON API source: controllers without Blue Ocean (Pipeline Graph View or Stage View for stages).

`ingestion.sources.jenkins_source` picks it when a controller's Blue Ocean organization does not
answer. It fills the same raw tables as `ingestion.blueocean` (README.md beside this file).
"""

from ingestion.jenkins_core.client import CoreClient
from ingestion.jenkins_core.fetcher import CoreFetcher

__all__ = ["CoreClient", "CoreFetcher"]
