"""Fixtures for the TPC-H examples: one small generated data set per test session."""

from pathlib import Path

import pytest

from examples.tpch.data import generate


@pytest.fixture(scope="session")
def tpch_sf001(tmp_path_factory) -> Path:
    """TPC-H at scale factor 0.01 (60k lineitem rows), 2 files per table (nation, region: 1)."""
    return generate(0.01, tmp_path_factory.mktemp("tpch-sf0.01"), parts=2)
