"""Fixtures of the extract tests: the three real seed articles, read from the shared folder (never copied
into the repository; see tests/shared_texts.py for where it is looked for). Tests that use them skip
with a clear reason when it is not found."""

from __future__ import annotations

from pathlib import Path

import pytest
from shared_texts import SKIP_REASON, seed_paths


@pytest.fixture(scope="session")
def seeds() -> dict[str, Path]:
    found = seed_paths()
    if found is None:
        pytest.skip(SKIP_REASON)
    return found
