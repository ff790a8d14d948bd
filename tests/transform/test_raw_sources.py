"""dbt's source YAML is generated from the one declaration of the raw tables (ingestion/blueocean/tables.py)."""

from ingestion.blueocean.dbt_sources import SOURCES_YML, sources_yaml


def test_the_committed_source_yaml_is_the_generated_one():
    assert SOURCES_YML.read_text() == sources_yaml(), "run `python -m ingestion.blueocean.dbt_sources`"
