"""The connection rules (`buildbutler.connections`): one rule for names, one for URLs, one SSRF policy, and
the dlt pipeline a connection syncs through; the store and the ingestion config follow the same rules."""

from __future__ import annotations

from pathlib import Path

import pytest

from buildbutler.connections import (
    InvalidField,
    check_pipeline_name,
    pipeline_name,
    refused_address,
    refused_host,
    resolves_to_refused,
    validate_name,
    validate_url,
)
from ingestion.blueocean import SourceConfig

LABELS = ["Production Jenkins", "Legacy CI", "prod.eu", "équipe", "ci/main", "100%", "名前"]


@pytest.mark.parametrize("name", LABELS)
def test_any_label_is_a_name(name):
    assert validate_name(f"  {name} ") == name
    assert SourceConfig(instance=name, base_url="http://127.0.0.1:8080").instance == name  # it syncs too


@pytest.mark.parametrize("name, why", [("", "non-empty"), ("   ", "non-empty"), (None, "non-empty"),
                                       ("a" * 101, "at most 100"), ("tab\there", "control"), ("new\nline", "control")])
def test_names_that_are_refused_say_why(name, why):
    with pytest.raises(InvalidField, match=why) as error:
        validate_name(name)
    assert error.value.field == "name"
    with pytest.raises(ValueError):
        SourceConfig(instance=name, base_url="http://127.0.0.1:8080")


@pytest.mark.parametrize("url, why", [
    ("ftp://ci.example.com", "http"), ("ci.example.com", "http"), ("https://bot:pw@ci.example.com", "credentials"),
    ("https://ci.example.com/?a=1", "query"), ("https://ci.example.com:99999", "Port"),
    ("http://169.254.169.254/", "link-local"), ("http://metadata.goog/", "link-local"),
])
def test_urls_that_are_refused_by_the_store_and_the_ingestion_config(url, why):
    with pytest.raises(InvalidField, match=why):
        validate_url(url)
    with pytest.raises(ValueError, match=why):
        SourceConfig(instance="prod", base_url=url)


def test_the_link_local_policy_is_one_switch():
    for address in ("169.254.169.254", "fe80::1%eth0", "::ffff:169.254.169.254"):
        assert refused_address(address) and not refused_address(address, allow_link_local=True)
    assert not refused_address("127.0.0.1") and not refused_address("10.0.0.1") and not refused_address("nonsense")
    assert refused_host("0xa9fea9fe") and refused_host("169.254.169.254.") and refused_host("METADATA")
    assert refused_host("metadata.google.internal", allow_link_local=True)  # a metadata name is never a Jenkins
    assert not refused_host("jenkins.example.com")
    assert validate_url("http://169.254.1.1/", allow_link_local=True) == "http://169.254.1.1"
    assert SourceConfig(instance="lab", base_url="http://169.254.1.1", allow_link_local=True)
    # After DNS: the loopback name resolves to loopback, refused only if it were link-local.
    assert not resolves_to_refused("localhost", 80)
    assert not resolves_to_refused("does-not-resolve.invalid", 80)  # the request reports it


def test_pipelines_are_named_after_the_connection_id(tmp_path: Path):
    name = pipeline_name("c_0123456789abcdef", "Production Jenkins", tmp_path)
    assert name == "blueocean_c_0123456789abcdef"
    check_pipeline_name(name)
    with pytest.raises(ValueError, match="pipeline name"):
        check_pipeline_name("blueocean_Production Jenkins")


def test_a_pipeline_named_after_its_connection_before_keeps_its_state(tmp_path: Path):
    """Homes from before ids named pipelines: such a folder means a pipeline with incremental state."""
    (tmp_path / "blueocean_prod").mkdir()
    assert pipeline_name("c_0123456789abcdef", "prod", tmp_path) == "blueocean_prod"
    assert pipeline_name("c_0123456789abcdef", "staging", tmp_path) == "blueocean_c_0123456789abcdef"
    # Names that could never have named a pipeline never look for one.
    (tmp_path / "blueocean_prod.eu").mkdir()
    assert pipeline_name("c_0123456789abcdef", "prod.eu", tmp_path) == "blueocean_c_0123456789abcdef"
