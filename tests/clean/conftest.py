"""Fixture builders shared with tests/ingest (tests/data/ingest/builders.py)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

_spec = importlib.util.spec_from_file_location(
    "builders", Path(__file__).parents[1] / "data" / "ingest" / "builders.py"
)
_builders = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_builders)  # type: ignore[union-attr]


@pytest.fixture()
def builders():
    return _builders
