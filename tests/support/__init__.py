"""Helpers shared by the test suites and the benchmarks: plain functions and constants, no fixtures.

Fixtures stay in the `conftest.py` files, which import what they need from here; nothing imports a
`conftest` module (pytest loads those itself).
"""
