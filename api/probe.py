"""Checks that a Jenkins controller answers Blue Ocean's organization endpoint with the stored credentials.

Used by POST /api/v1/connections/{id}/test. The answer is a short verdict: the controller's body is
never passed back (it could be anything, from anyone), redirects are reported rather than followed (they
could lead to another host, credentials attached), and link-local/cloud-metadata addresses are refused
after DNS resolution too, not only in the stored URL.
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import requests

from api.schemas import ConnectionCheck
from buildbutler.connections import LINK_LOCAL_HINT, resolves_to_refused

ORGANIZATION_PATH = "/blue/rest/organizations/jenkins/"
TIMEOUT_S = (5, 10)  # connect, read
MAX_BODY = 1 << 20


def probe(url: str, username: str | None, token: str | None, *, allow_link_local: bool = False) -> ConnectionCheck:
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    if resolves_to_refused(parts.hostname or "", port, allow_link_local=allow_link_local):
        return ConnectionCheck(False, None, f"The host resolves to a link-local address; {LINK_LOCAL_HINT}.")
    # UTF-8 (RFC 7617); requests would encode str credentials as latin-1 and fail on anything else.
    auth = ((username or "").encode(), token.encode()) if token else None
    try:
        with requests.get(url.rstrip("/") + ORGANIZATION_PATH, auth=auth, timeout=TIMEOUT_S, allow_redirects=False,
                          stream=True, headers={"Accept": "application/json"}) as response:
            body = response.raw.read(MAX_BODY + 1, decode_content=True)
            status = response.status_code
    except (requests.RequestException, ValueError) as exc:  # ValueError: a URL requests cannot encode
        return ConnectionCheck(False, None, f"Could not reach the controller ({type(exc).__name__}).")
    if status in (401, 403):
        return ConnectionCheck(False, status, f"The controller refused the credentials (HTTP {status}).")
    if 300 <= status < 400:
        return ConnectionCheck(False, status, f"The controller redirects (HTTP {status}); check the URL's scheme/path.")
    if status != 200:
        return ConnectionCheck(False, status, f"Blue Ocean did not answer (HTTP {status}); is its plugin installed?")
    try:
        organization = json.loads(body[:MAX_BODY])
    except ValueError:
        organization = None
    if not isinstance(organization, dict) or "name" not in organization:
        return ConnectionCheck(False, status, "The controller answered, but not with Blue Ocean's organization JSON.")
    return ConnectionCheck(True, status, "Blue Ocean answered.")
