"""A content-addressed store of drawn charts (PNG bytes, or the pixels of one panel of a chart):
:class:`ChartCache` (re-exported by :mod:`motcua.report.chart_cache`, which also makes the keys).

Entries ``<key><suffix>`` live in one folder (``<interim>/charts`` of a DATA folder,
:func:`motcua.locations.chart_cache`), written atomically. The cache is an optimisation only: a missing,
unreadable or unwritable entry means "draw it". :meth:`ChartCache.prune` bounds its size: it keeps every
entry the current build used and then the most recently used ones up to ``max_bytes``.
"""

from __future__ import annotations

import os
from pathlib import Path

from motcua.cache.atomic import atomic_write_bytes

MAX_BYTES = 64 << 20
PNG_START = b"\x89PNG\r\n\x1a\n"
PNG_END = b"\x00\x00\x00\x00IEND\xaeB`\x82"  # the IEND chunk every PNG ends with


class ChartCache:
    """Entries ``<key><suffix>`` in ``folder``; remembers which keys this build used (see :meth:`prune`)."""

    def __init__(self, folder: str | Path, max_bytes: int = MAX_BYTES):
        self.folder = Path(folder)
        self.max_bytes = max_bytes
        self.used: set[str] = set()
        self.hits = 0
        self.misses = 0

    def _path(self, key: str, suffix: str) -> Path:
        return self.folder / f"{key}{suffix}"

    def get(self, key: str, suffix: str = ".png") -> bytes | None:
        """The stored bytes, or None (never stored, or unreadable); a hit counts as a use (LRU)."""
        p = self._path(key, suffix)
        try:
            data = p.read_bytes()
            os.utime(p)
        except OSError:
            self.misses += 1
            return None
        self.hits += 1
        self.used.add(p.name)
        return data

    def get_png(self, key: str) -> bytes | None:
        """A stored PNG, or None unless it is whole (its signature and its end: a torn write is a miss)."""
        data = self.get(key)
        if data is not None and not (data.startswith(PNG_START) and data.endswith(PNG_END)):
            self.hits -= 1
            self.misses += 1
            return None
        return data

    def put(self, key: str, data: bytes, suffix: str = ".png") -> None:
        """Store ``data`` atomically; a folder that cannot be written is not an error (nothing is cached)."""
        p = self._path(key, suffix)
        self.used.add(p.name)
        try:
            atomic_write_bytes(p, data, sync=False)
        except OSError:
            pass

    def prune(self) -> int:
        """Delete least recently used entries not used by this build until the folder holds at most
        ``max_bytes``; returns the number deleted."""
        try:
            entries = [(e.stat().st_mtime_ns, e.name, e.stat().st_size) for e in os.scandir(self.folder) if e.is_file()]
        except OSError:
            return 0
        total = sum(size for _, _, size in entries)
        removed = 0
        for _, name, size in sorted(entries):
            if total <= self.max_bytes:
                break
            if name in self.used:
                continue
            try:
                (self.folder / name).unlink()
            except OSError:
                continue
            total -= size
            removed += 1
        return removed
