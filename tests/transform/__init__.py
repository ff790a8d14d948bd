"""Tests of the dbt project in transform/: real `dbt build` runs on raw tables built in tmp_path."""
