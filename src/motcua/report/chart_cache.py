"""A content-addressed cache of drawn charts (PNG bytes, or the pixels of one panel of a chart).

A chart is looked up by :func:`chart_key`: a sha256 over everything its pixels
depend on — the exact values it plots and the words it draws (given by the
caller), the package's code version (:func:`motcua.version.source_hash`, which
covers the chart code and the strings), matplotlib's and Pillow's versions and
the report's rc settings (:data:`motcua.report.chart_style.RC`, DPI). Same key, same
bytes: a chart read from the cache is the chart that would have been drawn.

Entries live in one folder (``<interim>/charts`` of a DATA folder,
:func:`motcua.locations.chart_cache`), written atomically. The cache
is an optimisation only: a missing, unreadable or unwritable entry means "draw
it". :meth:`ChartCache.prune` bounds its size: it keeps every entry the
current build used and then the most recently used ones up to ``max_bytes``.
"""

from __future__ import annotations

import datetime
import decimal
import hashlib
import math
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

#: Bumped when the layout of an entry changes (old entries then simply miss).
CACHE_FORMAT = "motcua-chart-cache-1"
MAX_BYTES = 64 << 20
PNG_START = b"\x89PNG\r\n\x1a\n"
PNG_END = b"\x00\x00\x00\x00IEND\xaeB`\x82"  # the IEND chunk every PNG ends with


def _feed(h: Any, x: Any) -> None:
    """Hash ``x`` unambiguously (type tag, length prefix); raise TypeError for a type it cannot hash exactly."""

    def put(tag: bytes, data: bytes) -> None:
        h.update(tag + len(data).to_bytes(8, "little") + data)

    if x is None or x is pd.NA or x is pd.NaT:
        put(b"N", b"")
    elif isinstance(x, (bool, np.bool_)):
        put(b"b", b"1" if x else b"0")
    elif isinstance(x, (int, np.integer)):
        put(b"i", str(int(x)).encode())
    elif isinstance(x, (float, np.floating)):
        put(b"f", b"nan" if math.isnan(x) else float(x).hex().encode())
    elif isinstance(x, str):
        put(b"s", x.encode("utf-8", "surrogatepass"))
    elif isinstance(x, bytes):
        put(b"y", x)
    elif isinstance(x, (pd.Timestamp, datetime.date, datetime.time)):  # Timestamp and datetime are dates too
        put(b"t", x.isoformat().encode())
    elif isinstance(x, (pd.Timedelta, datetime.timedelta)):
        put(b"T", str(pd.Timedelta(x).value).encode())
    elif isinstance(x, (np.datetime64, np.timedelta64)):
        _feed(h, np.asarray([x]))
    elif isinstance(x, decimal.Decimal):
        put(b"D", str(x).encode())
    elif isinstance(x, (tuple, list)):
        put(b"l", str(len(x)).encode())
        for v in x:
            _feed(h, v)
    elif isinstance(x, dict):
        put(b"d", str(len(x)).encode())
        for k in sorted(x, key=repr):
            _feed(h, k)
            _feed(h, x[k])
    elif isinstance(x, pd.DataFrame):
        put(b"F", str(len(x)).encode())
        _feed(h, [str(c) for c in x.columns])
        for c in x.columns:
            _feed(h, x[c])
    elif isinstance(x, pd.Series):
        put(b"S", str(x.dtype).encode())
        if isinstance(
            x.dtype, pd.api.extensions.ExtensionDtype
        ):  # nullable numbers, text: where missing, then the rest
            missing = x.isna().to_numpy()
            _feed(h, missing)
            x = x[~missing]
            _feed(h, x.to_numpy(dtype=x.dtype.numpy_dtype) if x.dtype.kind in "biuf" else x.to_numpy())
        else:
            _feed(h, x.to_numpy())
    elif isinstance(x, np.ndarray):
        put(b"A", f"{x.dtype.str}{x.shape}".encode())
        if x.dtype.kind in "biufcmM":
            h.update(np.ascontiguousarray(x).tobytes())
        elif all(type(v) is str for v in x.ravel()):  # fast path of the common case: text
            put(
                b"U",
                b"".join(
                    len(b).to_bytes(8, "little") + b for b in (v.encode("utf-8", "surrogatepass") for v in x.ravel())
                ),
            )
        else:
            for v in x.ravel():
                _feed(h, v)
    else:
        raise TypeError(f"chart_key cannot hash a {type(x).__name__} exactly")


def chart_key(*parts: Any) -> str:
    """sha256 (hex) of ``parts`` — numbers, strings, timestamps, arrays, Series, DataFrames, lists, dicts —
    and of what every chart depends on: code version, matplotlib and Pillow versions, rc settings, DPI."""
    from motcua.version import source_hash

    h = hashlib.sha256(_prefix(source_hash()))
    _feed(h, list(parts))
    return h.hexdigest()


class _Bytes:
    """Collects what :func:`_feed` would hash, to hash it later."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []

    def update(self, data: bytes) -> None:
        self.parts.append(data)


@lru_cache(maxsize=4)
def _prefix(code: str) -> bytes:
    """The bytes :func:`chart_key` feeds first (code version ``code``, library versions, rc settings, DPI): the
    same in every key of a process, so serialised once (the same key as feeding them each time)."""
    import matplotlib
    import PIL

    from motcua.report.chart_style import DPI, RC

    b = _Bytes()
    _feed(b, [CACHE_FORMAT, code, matplotlib.__version__, PIL.__version__, DPI, {k: repr(v) for k, v in RC.items()}])
    return b"".join(b.parts)


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
        from motcua.files import atomic_write_bytes

        p = self._path(key, suffix)
        self.used.add(p.name)
        try:
            atomic_write_bytes(p, data)
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
