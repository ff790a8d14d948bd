"""The Blue Ocean transport (auth, retries, TLS and CA bundle, proxies, bounded parallelism), aimed at core URLs.

Only what differs from `/blue/rest/` is here: an href is any path below Jenkins' root URL, and
the `url` fields of core JSON are absolute in Jenkins' *configured* root URL (which may name
another host or scheme than the connection, behind a proxy), so only their path is kept, without
the context path; and a redirect is followed only when it keeps the path asked for (http to https,
a proxy's host), any other is a login page.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from ingestion.blueocean.client import BlueOceanClient


class CoreClient(BlueOceanClient):
    def api_href(self, href: str) -> str:
        """`http://jenkins.example.com/jenkins/job/a/` or `/jenkins/job/a/` -> `/job/a/`."""
        if "://" in href:
            parts = urlsplit(href)
            href = parts.path + (f"?{parts.query}" if parts.query else "")
        if self._context_path and (href + "/").startswith(self._context_path + "/"):
            href = href[len(self._context_path):]
        return href if href.startswith("/") else "/" + href

    def _stays_on_api(self, url: str, target_path: str) -> bool:
        asked = urlsplit(url).path
        if self._context_path and asked.startswith(self._context_path + "/"):
            asked = asked[len(self._context_path):]
        return target_path.endswith(asked)

    def _is_organization(self, url: str) -> bool:
        return False
