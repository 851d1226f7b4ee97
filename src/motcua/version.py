"""The code version stamped on every product: package version + hash of the package source."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

import motcua

_SOURCE_SUFFIXES = {".py", ".yaml", ".j2", ".css", ".js", ".json", ".csv", ".gz", ".tpl"}


@lru_cache(maxsize=1)
def source_hash() -> str:
    """sha256 over every source file of the installed ``motcua`` package (names and bytes)."""
    root = Path(__file__).resolve().parent
    h = hashlib.sha256()
    for p in sorted(root.rglob("*")):
        if p.is_file() and p.suffix in _SOURCE_SUFFIXES and "__pycache__" not in p.parts:
            h.update(str(p.relative_to(root)).encode() + b"\0")
            h.update(hashlib.sha256(p.read_bytes()).digest())
    return h.hexdigest()


def code_version() -> str:
    """E.g. ``0.1.0+3f2a9c1d``: changes whenever any source file of the package changes."""
    return f"{motcua.__version__}+{source_hash()[:8]}"
