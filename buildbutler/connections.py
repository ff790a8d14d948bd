"""The rules of a connection (one Jenkins controller): its name, its URL, the one SSRF policy, its dlt pipeline.

Used by the store (what it accepts), the API's connection probe (where it may connect after DNS), and the
ingestion config (what a sync may reach). The name is a label (any text a person would type: `Production
Jenkins`, `prod.eu`, `équipe`); it stays the `instance` of the warehouse and the API. Files and dlt
pipelines are named after the connection's id instead, which is always a plain folder name.
"""

from __future__ import annotations

import ipaddress
import os
import re
import socket
import unicodedata
from pathlib import Path
from urllib.parse import urlsplit

MAX_NAME_LENGTH = 100
MAX_URL_LENGTH = 2000
ALLOW_LINK_LOCAL_ENV = "BUILDBUTLER_ALLOW_LINK_LOCAL"
# Cloud metadata services answer on these names besides their link-local addresses (OWASP API7, SSRF).
METADATA_HOSTS = frozenset({"metadata", "metadata.google.internal", "metadata.goog", "instance-data",
                            "instance-data.ec2.internal"})
LINK_LOCAL_HINT = f"set {ALLOW_LINK_LOCAL_ENV}=1 to allow it"
PIPELINE_PREFIX = "blueocean_"
# dlt names a folder after its pipeline: no '.', '/', '%' or spaces.
_PIPELINE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")


class InvalidField(ValueError):
    """A bad connection field; `field` names it (`name`, `url`, `username` or `token`)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def validate_name(name: object) -> str:
    """The connection's name, trimmed: non-empty, at most 100 characters, no control characters."""
    if not isinstance(name, str) or not name.strip():
        raise InvalidField("name", "name must be a non-empty string")
    name = name.strip()
    if len(name) > MAX_NAME_LENGTH:
        raise InvalidField("name", f"name must be at most {MAX_NAME_LENGTH} characters")
    if any(unicodedata.category(ch).startswith("C") for ch in name):
        raise InvalidField("name", "name must not contain control characters")
    return name


def optional_text(field: str, value: object) -> str | None:
    """A username or token: a string, trimmed; blank means none."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidField(field, f"{field} must be a string")
    return value.strip() or None


def validate_ca_bundle(path: object) -> str | None:
    """A CA bundle: an absolute path to a PEM file (or a folder of them) that exists; blank means none.

    Absolute, because the sync and the API may run from other folders than the command that stored it.
    """
    path = optional_text("caBundle", path)
    if path is None:
        return None
    if not os.path.isabs(path):
        raise InvalidField("caBundle", f"caBundle must be an absolute path, got {path!r}")
    if not os.path.exists(path):
        raise InvalidField("caBundle", f"caBundle {path!r} does not exist")
    return path


def validate_url(url: object, *, allow_link_local: bool = False) -> str:
    """An absolute http(s) URL without credentials, query or fragment, not pointing at a link-local or
    cloud-metadata host; returned without a trailing slash."""
    if not isinstance(url, str) or not url.strip():
        raise InvalidField("url", "url must be a non-empty string")
    url = url.strip()
    if len(url) > MAX_URL_LENGTH or any(unicodedata.category(ch).startswith("C") or ch == " " for ch in url):
        raise InvalidField("url", "url must be a plain absolute http(s) URL")
    try:
        parts = urlsplit(url)
        host = parts.hostname
        _ = parts.port  # raises ValueError on a bad port
    except ValueError as exc:
        raise InvalidField("url", f"url is not a valid URL: {exc}") from None
    if parts.scheme.lower() not in ("http", "https") or not host:
        raise InvalidField("url", "url must be an absolute http(s) URL, e.g. https://jenkins.example.com")
    if parts.username is not None or parts.password is not None:
        # Credentials in the URL would end up in logs and error messages.
        raise InvalidField("url", "url must not contain credentials: use username and token")
    if parts.query or parts.fragment:
        raise InvalidField("url", "url must not have a query or fragment")
    if refused_host(host, allow_link_local=allow_link_local):
        raise InvalidField("url", f"url points at a link-local or cloud-metadata host; {LINK_LOCAL_HINT}")
    return url.rstrip("/")


def refused_address(address: str, *, allow_link_local: bool = False) -> bool:
    """True for a link-local (cloud metadata) IP address, unless allowed."""
    if allow_link_local:
        return False
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])  # drop an IPv6 zone id
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_link_local


def refused_host(host: str, *, allow_link_local: bool = False) -> bool:
    """True for a metadata service's name (always) or a link-local address written in any form, before DNS."""
    host = host.lower().rstrip(".")  # `169.254.169.254.` is the same host
    address = _literal_address(host)
    return host in METADATA_HOSTS or bool(address and refused_address(address, allow_link_local=allow_link_local))


def resolves_to_refused(host: str, port: int, *, allow_link_local: bool = False) -> bool:
    """True when DNS gives the host a refused address: a name may point anywhere, whatever it looks like."""
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except (OSError, ValueError):  # ValueError: a host IDNA cannot encode
        return False  # the request itself will report the failure
    return any(refused_address(info[4][0], allow_link_local=allow_link_local) for info in infos)


def _literal_address(host: str) -> str | None:
    """The IP a host name stands for without DNS, including legacy forms like `2852039166` or `0xa9.0xfe.1`."""
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        pass
    try:
        return socket.inet_ntoa(socket.inet_aton(host))
    except OSError:
        return None


def check_pipeline_name(pipeline_name: str) -> None:
    """A dlt pipeline name is a folder name (see `pipeline_name`)."""
    if not isinstance(pipeline_name, str) or not _PIPELINE_NAME.match(pipeline_name):
        raise ValueError(f"a pipeline name must be letters, digits, '_' and '-': {pipeline_name!r}")


def pipeline_name(connection_id: str, name: str, dlt_dir: Path) -> str:
    """The dlt pipeline of a connection: `blueocean_<id>`, its folder `dlt_dir/blueocean_<id>`.

    Before pipelines were named after ids they were named after the connection's name, and only plain
    names could sync. A connection whose such pipeline is still there keeps it, and with it its
    incremental state (docs/architecture.md, "Raw tables").
    """
    legacy = PIPELINE_PREFIX + name
    if _PIPELINE_NAME.match(legacy) and (dlt_dir / legacy).is_dir():
        return legacy
    return PIPELINE_PREFIX + connection_id
