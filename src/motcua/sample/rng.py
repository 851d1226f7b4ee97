"""Random generators of the synthetic province, one per (seed, unit, purpose)."""

from __future__ import annotations

import zlib

import numpy as np


def unit_rng(seed: int, unit_code: str, salt: str = "") -> np.random.Generator:
    """A generator that depends only on (seed, unit, salt): adding units never changes another unit."""
    return np.random.default_rng([int(seed), zlib.crc32(f"{unit_code}|{salt}".encode())])
