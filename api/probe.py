"""Checks that a Jenkins controller answers, with the stored credentials: Blue Ocean's organization, or else
the core JSON API (`ingestion.sources.detect`, what every sync asks first).

Used by POST /api/v1/connections/{id}/test. It asks what the sync asks first, through the sync's own
client (`ingestion.blueocean`), once and without retries, so a failure reads as the same one line the
sync would print (`failure_reason`): the controller's body is never passed back (it could be anything,
from anyone), a redirect out of the API is reported rather than followed, and link-local/cloud-metadata
addresses are refused after DNS resolution too, not only in the stored URL.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from api.schemas import ConnectionCheck
from buildbutler.connections import LINK_LOCAL_HINT, resolves_to_refused
from buildbutler.store import Connection
from ingestion.blueocean import SourceConfig
from ingestion.blueocean.errors import BlueOceanRequestError, failure_reason
from ingestion.blueocean.fetcher import BlueOceanFetcher
from ingestion.sources import detect


def probe(connection: Connection, username: str | None, token: str | None, *, timeout_s: float,
          allow_link_local: bool = False) -> ConnectionCheck:
    """`timeout_s` is the sync's (`Settings.jenkins_timeout_s`), so a slow controller reads the same here."""
    parts = urlsplit(connection.url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    if resolves_to_refused(parts.hostname or "", port, allow_link_local=allow_link_local):
        return ConnectionCheck(False, None, f"The host resolves to a link-local address; {LINK_LOCAL_HINT}.")
    try:
        config = SourceConfig(instance=connection.name, base_url=connection.url, username=username, token=token,
                              max_in_flight=1, timeout_s=timeout_s, max_attempts=1, ca_bundle=connection.ca_bundle,
                              tls_verify=connection.tls_verify, allow_link_local=allow_link_local)
        fetcher = detect(config)
        fetcher.client.close()
    except Exception as error:  # noqa: BLE001 - every cause becomes the sync's one line
        status = error.status if isinstance(error, BlueOceanRequestError) else None
        return ConnectionCheck(False, status, failure_reason(error))
    if isinstance(fetcher, BlueOceanFetcher):
        return ConnectionCheck(True, 200, "Blue Ocean answered.")
    return ConnectionCheck(True, 200, "Jenkins' core JSON API answered (no Blue Ocean); the sync reads it, with "
                                      "Pipeline Graph View or Stage View for stages where installed.")
