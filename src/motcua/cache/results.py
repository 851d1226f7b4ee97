"""The model stage's result cache (:class:`ResultCache`): results keyed by a content hash of everything they
depend on (re-exported by :mod:`motcua.model.cache`).

Grain: one entry per cached computation — a series' fit and outputs
(:func:`motcua.model.run._fit_all`) or a peer group's comparison
(:func:`motcua.model.compare.compare_units`) — in a folder of pickle files,
our own and rebuildable (delete it to recompute everything). A key is the
key of :mod:`motcua.cache.keys` over the inputs and the model settings (hashed as their pickle) and the
package source, so an entry
is reused only for the very inputs it was computed from; a result is the same
with or without the cache.

The entries are spread over up to 256 shard files by the first two hex digits
of their key, so that a correction to one unit rewrites the few shards holding
its old and new entries, not every result (the single file of
earlier versions cost ~0.3 s to write and read again at 700 units).
:meth:`ResultCache.save` keeps the entries used in this run only (no shard
grows with old corrections) and rewrites no shard whose entries are unchanged
(an unchanged rebuild writes nothing). A shard already read by this process
and unchanged on disk since (same size, mtime and inode) is not read again: a
warm kernel's second run loads nothing. Entries are shared between the runs of
a process, so callers never modify what :meth:`ResultCache.get` returns.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from collections import OrderedDict
from pathlib import Path
from typing import Any

import numpy as np

from motcua.cache.atomic import atomic_write_pickle
from motcua.cache.keys import KeyScheme, Pickled, feed

__all__ = ["ResultCache", "pack_columns", "unpack_columns"]

_Signature = tuple[int, int, int]
#: shard folder → shard file name → (its size, mtime and inode when read or written, its entries); a few folders only
_MEMO: OrderedDict[Path, dict[str, tuple[_Signature, dict[str, Any]]]] = OrderedDict()
_MEMO_FOLDERS = 4
#: Bumped when the layout of an entry changes (old entries then simply miss).
CACHE_FORMAT = "motcua-result-cache-2"  # 2: keys of the one key scheme
_KEYS = KeyScheme(CACHE_FORMAT)


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


def _signature(st: os.stat_result) -> _Signature:
    return (st.st_size, st.st_mtime_ns, st.st_ino)


def _shard(key: str) -> str:
    """The shard file of ``key``: the first two hex digits of a sha256 key (of its sha256 for any other key)."""
    h = key if len(key) == 64 else hashlib.sha256(key.encode()).hexdigest()
    return f"{h[:2]}.pkl"


def _is_shard(name: str) -> bool:
    """A shard's file name (two hex digits): other files of the folder are not the cache's."""
    return len(name) == 6 and name.endswith(".pkl") and all(c in "0123456789abcdef" for c in name[:2])


def _memo(folder: Path) -> dict[str, tuple[_Signature, dict[str, Any]]]:
    memo = _MEMO.pop(folder, None)
    _MEMO[folder] = memo = memo if memo is not None else {}
    while len(_MEMO) > _MEMO_FOLDERS:
        _MEMO.popitem(last=False)
    return memo


def _read_shard(path: Path) -> dict[str, Any]:
    try:
        with open(path, "rb") as fh:
            got = pickle.load(fh)
    except (
        OSError,
        EOFError,
        pickle.UnpicklingError,
        AttributeError,
        ImportError,
        ValueError,
        TypeError,
        IndexError,
        KeyError,
    ):
        return {}
    return got if isinstance(got, dict) else {}


class ResultCache:
    """A content-keyed store of results in a folder of shard files; ``path=None``: remember nothing
    (every lookup misses). ``path`` is the folder (created on the first :meth:`save`)."""

    def __init__(self, path: str | Path | None, lazy: bool = False) -> None:
        from motcua.version import source_hash

        self.path = Path(path) if path is not None else None
        self.code = source_hash()
        self.lazy = lazy and self.path is not None
        self._loaded: dict[str, dict[str, Any]] = self._load() if self.path is not None and not self.lazy else {}
        self._used: dict[str, dict[str, Any]] = {}
        self._added: set[str] = set()  # shards with entries not in their file
        self._kept: set[str] = set()  # lazy: keys reused by the caller without a lookup
        self._stale: set[str] = set()  # lazy: keys of the last run no longer used

    def _entries(self, shard: str) -> dict[str, Any] | None:
        """The entries of ``shard`` as read (a lazy cache reads it now, through the process's memo)."""
        got = self._loaded.get(shard)
        if got is None and self.lazy:
            assert self.path is not None
            memo = _memo(self.path.resolve())
            target = self.path / shard
            try:
                sig = _signature(target.stat())
            except OSError:
                self._loaded[shard] = got = {}
                return got
            seen = memo.get(shard)
            if seen is None or seen[0] != sig:
                seen = (sig, _read_shard(target))
                memo[shard] = seen
            self._loaded[shard] = got = seen[1]
        return got

    def keep(self, keys: list[str]) -> None:
        """Lazy cache: keep these stored entries (reused by the caller without :meth:`get`)."""
        self._kept.update(keys)

    def forget(self, keys: list[str]) -> None:
        """Lazy cache: these entries (the last run's, not used now) leave their shards at :meth:`save`."""
        self._stale.update(keys)

    def used_keys(self) -> set[str]:
        """Every key looked up with a hit, put or kept in this run."""
        return self._kept | {k for entries in self._used.values() for k in entries}

    def _load(self) -> dict[str, dict[str, Any]]:
        """Every shard's entries, from this process's memo where the file is unchanged since."""
        assert self.path is not None
        memo = _memo(self.path.resolve())
        out: dict[str, dict[str, Any]] = {}
        try:
            names = [e for e in os.scandir(self.path) if _is_shard(e.name) and e.is_file()]
        except OSError:
            memo.clear()
            return out
        for e in names:
            try:
                sig = _signature(e.stat())
            except OSError:
                continue
            seen = memo.get(e.name)
            if seen is None or seen[0] != sig:
                seen = (sig, _read_shard(Path(e.path)))
                memo[e.name] = seen
            out[e.name] = seen[1]
        for name in set(memo) - set(out):
            del memo[name]
        return out

    @property
    def enabled(self) -> bool:
        return self.path is not None

    def key(self, *inputs: Any) -> str:
        """The key (:mod:`motcua.cache.keys`) of ``inputs`` (as their pickle) and the package source: the key of
        the result computed from them."""
        return _KEYS.key(Pickled(inputs), code=self.code)

    def keys(self, items: list[Any], *shared: Any) -> list[str]:
        """The key of each of ``items`` together with ``shared`` (inputs common to all, pickled once)."""
        base = _KEYS.hasher(Pickled(shared), code=self.code)
        out = []
        for item in items:
            h = base.copy()
            feed(h, Pickled(item))
            out.append(h.hexdigest())
        return out

    def get(self, key: str) -> Any | None:
        """The stored result of ``key`` (marked as used), or None."""
        shard = _shard(key)
        used = self._used.get(shard)
        if used is not None and key in used:
            return used[key]
        loaded = self._entries(shard)
        if loaded is not None and key in loaded:
            self._used.setdefault(shard, {})[key] = loaded[key]
            return loaded[key]
        return None

    def put(self, key: str, value: Any) -> None:
        if self.path is None:
            return
        shard = _shard(key)
        if key not in (self._entries(shard) or {}):
            self._added.add(shard)
        self._used.setdefault(shard, {})[key] = value

    def save(self) -> bool:
        """Write the entries used in this run, each changed shard atomically; False when every shard already
        held exactly these."""
        if self.path is None:
            return False
        if self.lazy:
            stale = {_shard(k) for k in self._stale - self.used_keys()}
            for name in sorted(set(self._used) | self._added | stale):
                loaded = self._entries(name) or {}
                kept = {k: v for k, v in loaded.items() if k in self._kept}
                self._used[name] = {**kept, **self._used.get(name, {})}
            changed = sorted(
                name
                for name in self._used
                if name in self._added or set(self._used[name]) != set(self._loaded.get(name, ()))
            )
        else:
            changed = [
                name
                for name in sorted(set(self._used) | set(self._loaded))
                if name in self._added or set(self._used.get(name, ())) != set(self._loaded.get(name, ()))
            ]
        if not changed:
            return False
        for legacy in (self.path, self.path.with_name(self.path.name + ".pkl")):  # the single file of earlier versions
            if legacy.is_file():
                legacy.unlink()
        self.path.mkdir(parents=True, exist_ok=True)
        memo = _memo(self.path.resolve())
        for name in changed:
            entries = self._used.get(name, {})
            target = self.path / name
            if not entries:
                target.unlink(missing_ok=True)
                memo.pop(name, None)
                self._loaded.pop(name, None)
                continue
            atomic_write_pickle(target, entries)
            memo[name] = (_signature(target.stat()), entries)
            self._loaded[name] = entries
        self._used = {name: dict(entries) for name, entries in self._used.items()}
        self._added.clear()
        return True
