"""The model stage's last run, kept beside its fit cache: what a rerun after a small correction splices.

One pickle file (``last_run.pkl`` in the fit cache's folder, :func:`motcua.locations.fit_cache`), our own and
rebuildable like the cache (delete it and the next run assembles every series from the cache's shards). It holds,
for the run that wrote it:

* ``context``: sha256 of the settings, the forecast horizon and target date, and the package source; a run with
  another context ignores the file;
* ``keys``: each series' cache key (:func:`motcua.model.run._fit_all`), in task order (unit_schema, unit_code,
  rate), with ``lengths``: its number of rows in ``trends`` (0 for a series without trend rows);
* ``trends``: the trends table as the run returned it (sorted, text as pandas' string dtype): grain one row per
  (unit, rate, period_start, kind), each series' rows contiguous and in task order;
* ``summaries`` and ``targets``: each series' summary fields and target rows, before the comparison's columns;
* ``compare_key`` and ``comparison``: the comparison's inputs' digest (:func:`compare_key`) and its table;
* ``continuity``: the province rows of the continuity table by the digest of their inputs
  (:mod:`motcua.model.continuity`);
* ``used``: every fit-cache key the run used, so that the next run keeps them without reading their shards.

A series whose key is among ``keys`` is taken from here (same key: same inputs, settings and code, so the same
rows), the others from the cache or fitted; the result equals a run without this file, frame for frame.
"""

from __future__ import annotations

import dataclasses
import hashlib
import pickle
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from motcua.cache.atomic import atomic_write_pickle
from motcua.cache.keys import KeyScheme, Pickled

__all__ = ["LastRun", "RowMemo", "compare_key", "frame_digest", "load", "load_memo", "save", "save_memo", "wait"]

FILE = "last_run.pkl"
#: this process's last file read or written: [its (path, size, mtime, inode), its contents] — a kept kernel's next
#: run reads nothing (callers never modify what :func:`load` returns)
_MEMO: list[Any] = []
#: Bumped when the layout changes (an older file is then ignored).
FORMAT = "motcua-last-run-2"  # 2: keys of the one key scheme (motcua.cache.keys)
_KEYS = KeyScheme(FORMAT)


@dataclass
class LastRun:
    context: str
    keys: list[str]
    lengths: list[int]
    trends: pd.DataFrame
    summaries: list[dict[str, Any]]
    targets: list[list[dict[str, Any]]]
    compare_key: str = ""
    comparison: pd.DataFrame | None = None
    continuity: dict[str, Any] = field(default_factory=dict)
    used: set[str] = field(default_factory=set)

    def index(self) -> dict[str, int]:
        """Position of each key in the last run's tasks."""
        return {k: i for i, k in enumerate(self.keys)}

    def offsets(self) -> np.ndarray:
        """Row offset of each series in ``trends`` (one more entry: the total)."""
        return np.concatenate([[0], np.cumsum(np.asarray(self.lengths, dtype=np.int64))])


def pack_dicts(rows: list[dict[str, Any]]) -> tuple:
    """Dicts sharing key orders, in a form that pickles fast: per key order, each key's values as one numpy array
    when they all are numpy scalars of one dtype (``arr[i]`` gives them back, same type and value), else as a
    list. :func:`unpack_dicts` rebuilds equal dicts (same keys, order, value types)."""
    shapes: dict[tuple[str, ...], list[int]] = {}
    for i, r in enumerate(rows):
        shapes.setdefault(tuple(r), []).append(i)
    groups = []
    for keys, at in shapes.items():
        cols = []
        for k in keys:
            vals = [rows[i][k] for i in at]
            t = type(vals[0])
            if issubclass(t, np.generic) and all(type(v) is t for v in vals):
                arr = np.array(vals)
                if all(v.dtype == arr.dtype for v in vals):
                    cols.append(("a", arr))
                    continue
            cols.append(("l", vals))
        groups.append((keys, np.asarray(at, dtype=np.int64), cols))
    return (len(rows), groups)


def unpack_dicts(packed: tuple) -> list[dict[str, Any]]:
    """The dicts :func:`pack_dicts` packed, in their order."""
    n, groups = packed
    out: list[Any] = [None] * n
    for keys, at, cols in groups:
        values = [list(arr) if kind == "a" else arr for kind, arr in cols]
        for j, i in enumerate(at.tolist()):
            out[i] = {k: v[j] for k, v in zip(keys, values)}
    return out


def frame_digest(df: pd.DataFrame) -> str:
    """sha256 of a frame's columns, dtypes and values (index included), from pandas' row hashes."""
    h = hashlib.sha256(repr([(c, str(t)) for c, t in df.dtypes.items()]).encode())
    h.update(pd.util.hash_pandas_object(df, index=True).to_numpy().tobytes())
    return h.hexdigest()


def compare_key(context: str, window: pd.DataFrame, series: pd.DataFrame) -> str:
    """Digest of what :func:`motcua.model.compare.compare_units` reads: the window's rows and every unit's
    name by period (the names come from the whole series), within ``context``."""
    names = series[["unit_schema", "unit_code", "unit_level", "period_end", "unit_name"]]
    return _KEYS.key(context, frame_digest(window), frame_digest(names), code="")


def context_key(code: str, *parts: Any) -> str:
    """The context of a run: the package source ``code`` and ``parts`` (settings, dates), hashed as their pickle."""
    return _KEYS.key(Pickled(parts), code=code)


def load(folder: Path | None, context: str) -> LastRun | None:
    """The last run stored in ``folder`` when it was made in ``context``; None otherwise (or unreadable). Waits
    for this process's save under way (:func:`save` in the background), if any."""
    wait()
    if folder is None:
        return None
    path = Path(folder) / FILE
    try:
        st = path.stat()
        sig = (str(path.resolve()), st.st_size, st.st_mtime_ns, st.st_ino)
        got = _MEMO[1] if _MEMO and _MEMO[0] == sig else None
        if got is None:
            with open(path, "rb") as fh:
                got = pickle.load(fh)
            if isinstance(got, tuple) and len(got) == 2 and isinstance(got[1], LastRun):
                got = (got[0], _unpacked(got[1]))
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, ValueError, TypeError):
        return None
    if not (isinstance(got, tuple) and len(got) == 2 and got[0] == FORMAT and isinstance(got[1], LastRun)):
        return None
    return got[1] if got[1].context == context else None


def _unpacked(run: LastRun) -> LastRun:
    """A run as :func:`save` stored it, its summaries and target rows as dicts again."""
    flat, counts = run.targets
    rows = unpack_dicts(flat)
    targets, i = [], 0
    for c in counts:
        targets.append(rows[i : i + c])
        i += c
    return dataclasses.replace(run, summaries=unpack_dicts(run.summaries), targets=targets)


#: This process's save under way (:func:`save` with ``background``), joined by :func:`wait`.
_PENDING: list[threading.Thread] = []


def wait() -> None:
    """Return once this process's save under way, if any, has written its file (or given up)."""
    while _PENDING:
        _PENDING.pop().join()


def save(folder: Path | None, run: LastRun, background: bool = False) -> None:
    """Write ``run`` atomically into ``folder``; never raises OSError (the file is an optimisation only).

    ``background``: packed, pickled and written on a thread of this process while the caller goes on (the model
    stage writes its products and its notebook shows its tables meanwhile: ~0.5 s of a one-unit fix at national
    grain); the caller must not modify ``run``'s frames and lists afterwards. :func:`load` and the next save wait
    for it. A process that ends before the thread has written leaves the previous file, which is still correct to
    splice from (each series is taken by its inputs' key; a run only finds less to reuse)."""
    wait()
    if folder is None:
        return
    if not background:
        _write(Path(folder), run)
        return

    def work() -> None:
        try:
            _write(Path(folder), run)
        except Exception:  # noqa: BLE001 - an optimisation only: the next run fits or reads from the cache
            pass

    thread = threading.Thread(target=work, name="motcua-last-run", daemon=False)
    _PENDING.append(thread)
    thread.start()


def _write(folder: Path, run: LastRun) -> None:
    """:func:`save`'s work: ``run`` packed and pickled into ``folder``, remembered as this process's last file."""
    try:
        flat = [t for ts in run.targets for t in ts]
        packed = dataclasses.replace(
            run, summaries=pack_dicts(run.summaries), targets=(pack_dicts(flat), [len(ts) for ts in run.targets])
        )
        atomic_write_pickle(folder / FILE, (FORMAT, packed))
        st = (folder / FILE).stat()
        _MEMO[:] = [(str((folder / FILE).resolve()), st.st_size, st.st_mtime_ns, st.st_ino), (FORMAT, run)]
    except OSError:
        pass


class RowMemo:
    """Rows computed from inputs named by a digest: the last run's (``old``) and this run's (``new``, what
    :func:`save_memo` keeps). A value read back is the one that would be computed: the key names its inputs."""

    def __init__(self, old: dict[str, Any] | None = None) -> None:
        self.old = old or {}
        self.new: dict[str, Any] = {}
        self.changed = False

    def get(self, key: str) -> Any | None:
        got = self.old.get(key)
        if got is not None:
            self.new[key] = got
        return got

    def put(self, key: str, value: Any) -> None:
        self.new[key] = value
        self.changed = True


def load_memo(folder: Path | None, name: str, context: str) -> RowMemo | None:
    """The memo ``name`` of the last run in ``folder`` (empty when absent, unreadable or of another context);
    None without a folder (nothing remembered)."""
    if folder is None:
        return None
    try:
        with open(Path(folder) / f"{name}.memo.pkl", "rb") as fh:
            got = pickle.load(fh)
        if isinstance(got, tuple) and len(got) == 3 and got[0] == FORMAT and got[1] == context:
            return RowMemo(got[2])
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, ValueError, TypeError):
        pass
    return RowMemo()


def save_memo(folder: Path | None, name: str, context: str, memo: RowMemo | None) -> None:
    """Write this run's entries of ``memo`` when they differ from the last run's; never raises OSError."""
    if folder is None or memo is None or (not memo.changed and memo.new.keys() == memo.old.keys()):
        return
    try:
        atomic_write_pickle(Path(folder) / f"{name}.memo.pkl", (FORMAT, context, memo.new))
    except OSError:
        pass
