"""Fixtures of the extract tests: the three real seed articles (copied into data/)."""
from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parent / "data"
SEEDS = {
    "tuyhoa": DATA / "000_78cb98ae6bf302e5.txt",
    "songcau": DATA / "001_e73997f46573d0cb.txt",
    "phuong9": DATA / "003_e76fa6c5116a1b92.txt",
}


@pytest.fixture(scope="session")
def seeds() -> dict[str, Path]:
    return SEEDS
