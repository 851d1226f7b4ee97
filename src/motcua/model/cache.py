"""The model stage's result cache: results keyed by a content hash of everything they depend on.

Grain: one entry per cached computation — a series' fit and outputs
(:func:`motcua.model.run._fit_all`) or a peer group's comparison
(:func:`motcua.model.compare.compare_units`) — in one pickle file, our own and
rebuildable (delete it to recompute everything). A key is the sha256 of the
pickled inputs, the model settings and the package source, so an entry is
reused only for the very inputs it was computed from; a result is the same
with or without the cache.

:meth:`ResultCache.save` keeps the entries used in this run only (the file
does not grow with old corrections) and does not rewrite the file when
nothing changed (an unchanged rebuild writes nothing).
"""
from __future__ import annotations

import hashlib
import os
import pickle
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["ResultCache", "pack_columns", "unpack_columns"]


def pack_columns(cols: dict[str, np.ndarray]) -> tuple:
    """Equal-length 1-d columns in a form that pickles fast: every 8-byte column (float64, datetime64[ns], int64)
    in one int64 block, every other column run-length encoded as (value, count) pairs — a few objects
    instead of one per row. :func:`unpack_columns` gives back the same names, order, dtypes and values."""
    lengths = {len(a) for a in cols.values()}
    if len(lengths) > 1 or any(np.ndim(a) != 1 for a in cols.values()):
        return ("raw", cols)
    wide = [c for c, a in cols.items() if a.dtype != object and a.dtype.itemsize == 8]
    block = np.stack([cols[c].view(np.int64) for c in wide]) if wide else np.empty((0, 0), np.int64)
    runs: dict[str, tuple[str, list[tuple[Any, int]]]] = {}
    for c, a in cols.items():
        if c in wide:
            continue
        rle: list[tuple[Any, int]] = []
        for x in a.tolist() if a.dtype != object else a:
            if rle and type(rle[-1][0]) is type(x) and rle[-1][0] == x:
                rle[-1] = (rle[-1][0], rle[-1][1] + 1)
            else:
                rle.append((x, 1))
        runs[c] = (a.dtype.str, rle)
    return ("packed", list(cols), {c: cols[c].dtype.str for c in wide}, block, runs, lengths.pop() if lengths else 0)


def unpack_columns(packed: tuple) -> dict[str, np.ndarray]:
    """The columns :func:`pack_columns` packed."""
    if packed[0] == "raw":
        return packed[1]
    _, order, wide, block, runs, n = packed
    out: dict[str, np.ndarray] = {}
    rows = {c: i for i, c in enumerate(wide)}
    for c in order:
        if c in rows:
            out[c] = block[rows[c]].view(np.dtype(wide[c]))
            continue
        dtype, rle = runs[c]
        a = np.empty(n, dtype=np.dtype(dtype))
        i = 0
        for value, count in rle:
            a[i : i + count] = value if a.dtype != object else [value] * count
            i += count
        out[c] = a
    return out


class ResultCache:
    """A content-keyed store of results in one pickle file; ``path=None``: remember nothing (every lookup misses)."""

    def __init__(self, path: str | Path | None) -> None:
        from motcua.version import source_hash

        self.path = Path(path) if path is not None else None
        self.code = source_hash()
        self._loaded: dict[str, Any] = self._load() if self.path is not None else {}
        self._used: dict[str, Any] = {}
        self._added = 0

    def _load(self) -> dict[str, Any]:
        assert self.path is not None
        try:
            with open(self.path, "rb") as fh:
                got = pickle.load(fh)
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, ValueError, TypeError):
            return {}
        return got if isinstance(got, dict) else {}

    @property
    def enabled(self) -> bool:
        return self.path is not None

    def key(self, *inputs: Any) -> str:
        """sha256 of ``inputs`` (pickled) and the package source: the key of the result computed from them."""
        body = pickle.dumps((inputs, self.code), protocol=5)
        return hashlib.sha256(body).hexdigest()

    def keys(self, items: list[Any], *shared: Any) -> list[str]:
        """The key of each of ``items`` together with ``shared`` (inputs common to all, pickled once)."""
        base = hashlib.sha256(pickle.dumps((shared, self.code), protocol=5))
        out = []
        for item in items:
            h = base.copy()
            h.update(pickle.dumps(item, protocol=5))
            out.append(h.hexdigest())
        return out

    def get(self, key: str) -> Any | None:
        """The stored result of ``key`` (marked as used), or None."""
        if key in self._used:
            return self._used[key]
        if key in self._loaded:
            self._used[key] = self._loaded[key]
            return self._used[key]
        return None

    def put(self, key: str, value: Any) -> None:
        if self.path is None:
            return
        if key not in self._loaded:
            self._added += 1
        self._used[key] = value

    def save(self) -> bool:
        """Write the entries used in this run (atomically); False when the file already held exactly these."""
        if self.path is None:
            return False
        if not self._added and set(self._used) == set(self._loaded):
            return False
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f".{self.path.name}.tmp-{os.getpid()}")
        try:
            with open(tmp, "wb") as fh:
                pickle.dump(self._used, fh, protocol=5)
            os.replace(tmp, self.path)
        finally:
            tmp.unlink(missing_ok=True)
        self._loaded, self._added = dict(self._used), 0
        return True
