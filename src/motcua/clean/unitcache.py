"""What the clean stage keeps between runs, so that a correction to one unit re-cleans that unit alone.

Two tables, both rebuildable (delete the cache folder to start afresh), both keyed on the package source,
config/ and the matching context (the base key of :class:`motcua.clean.run._FileCache`):

- :class:`FileEntry`, grain: one raw file (one cache key: its bytes, display name, …). What reading the
  file gave (kind, findings, counts) and an index of its records by unit: per (unit_schema, unit_code),
  the positions of the unit's records in the file, and the digest, offset and length of their pickle in
  the file's record blob (``<key>.rec``). An unchanged file is never unpickled whole: only the units
  that must be cleaned again are read from its blob.
- :class:`UnitState`, grain: one entry per unit (unit_schema, unit_code) of the last run, with the
  digest of that unit's input records over all files: what the cross-record steps made of it
  (:class:`motcua.clean.units.UnitResult`), and the last run's panel, sorted by unit, so a unit's panel
  rows are one block of it. A unit whose digest is unchanged is taken from here as is.
"""

from __future__ import annotations

import gc
import hashlib
import pickle
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from motcua.clean.units import UnitResult
from motcua.ingest.records import Record
from motcua.quality import Finding

__all__ = [
    "BrokenEntry",
    "FileEntry",
    "UnitKey",
    "UnitPart",
    "UnitState",
    "blob_digest",
    "content_digest",
    "index_records",
    "unit_digest",
]

UnitKey = tuple[str, str]
#: digest of the records' content, positions in the file's record list, offset, length and checksum of
#: their pickle in the record blob
UnitPart = tuple[bytes, tuple[int, ...], int, int, bytes]

#: What an unreadable cache file can raise on load.
LOAD_ERRORS = (
    OSError,
    EOFError,
    pickle.UnpicklingError,
    AttributeError,
    ImportError,
    ValueError,
    TypeError,
    IndexError,
    KeyError,
)


@contextmanager
def no_gc() -> Any:
    """Unpickling makes many objects and no garbage: the cyclic collector, which would walk the growing
    heap again and again meanwhile, is paused (and left as it was)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


class BrokenEntry(Exception):
    """A file's record blob is missing or does not match its index: the file must be read again."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


def blob_digest(data: bytes) -> bytes:
    """The checksum kept with a unit's pickled records in a record blob."""
    return _digest(data)


def content_digest(records: list[Record]) -> bytes:
    """A digest of what the records hold, field by field (their dataclass repr, and any attribute set
    beside the fields): equal records give equal digests whichever objects they share, which their
    pickles do not promise (a name matched afresh or taken from the match memo pickles differently)."""
    h = hashlib.blake2b(digest_size=16)
    for r in records:
        h.update(repr(r).encode())
        more = {k: v for k, v in vars(r).items() if k not in _RECORD_FIELDS}
        if more:
            h.update(repr(sorted(more.items())).encode())
        h.update(b"\x1e")
    return h.digest()


_RECORD_FIELDS = frozenset(Record.__dataclass_fields__)


@dataclass
class FileEntry:
    """What reading one raw file gave, its records indexed by unit. Grain: one raw file.

    ``units``: (unit_schema, unit_code) → :data:`UnitPart`, in the order the units first appear in the
    file; records without a unit code are only counted (they are never kept: ``loose_kept`` counts
    the ones that are, which the panel refuses). The records themselves are in memory (a file just
    read) or in the blob ``<key>.rec`` beside the entry.
    """

    kind: str
    synthetic: bool
    rejected: int
    findings: list[Finding]
    stats: dict[str, int]
    n_records: int
    loose_kept: int
    units: dict[UnitKey, UnitPart]
    key: str = ""
    records: list[Record] | None = field(default=None, repr=False)
    blob: Path | None = field(default=None, repr=False)
    #: the file's form rows by period, with their figures (:func:`motcua.clean.repeats.file_prints`): what the
    #: check for a period that repeats the one before reads, without the record blob
    prints: dict[Any, Any] = field(default_factory=dict, repr=False)

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["records"] = None
        state["blob"] = None
        return state

    def unit_records(self, keys: list[UnitKey]) -> dict[UnitKey, list[Record]]:
        """The records of each unit of ``keys`` (all in this file), in file order: the ones read, or
        fresh objects from the blob (opened once; read whole when most of it is needed)."""
        if self.records is not None:
            return {k: [self.records[i] for i in self.units[k][1]] for k in keys}
        if self.blob is None:
            raise BrokenEntry(self.key)
        out: dict[UnitKey, list[Record]] = {}
        try:
            with no_gc(), open(self.blob, "rb") as fh:
                whole = fh.read() if 2 * len(keys) > len(self.units) else None
                for k in keys:
                    _, positions, offset, length, check = self.units[k]
                    if whole is None:
                        fh.seek(offset)
                        data = fh.read(length)
                    else:
                        data = whole[offset : offset + length]
                    if len(data) != length or _digest(data) != check:
                        raise BrokenEntry(self.key)
                    recs = pickle.loads(data)
                    if not isinstance(recs, list) or len(recs) != len(positions):
                        raise BrokenEntry(self.key)
                    out[k] = recs
        except LOAD_ERRORS as exc:
            raise BrokenEntry(self.key) from exc
        return out


def index_records(records: list[Record], with_blob: bool) -> tuple[dict[UnitKey, UnitPart], int, bytes]:
    """(units, loose_kept, blob) for a file's records; without ``with_blob`` no pickle is made (no cache)."""
    groups: dict[UnitKey, list[int]] = {}
    loose_kept = 0
    for i, r in enumerate(records):
        if r.code:
            groups.setdefault(r.key, []).append(i)
        elif r.status == "kept":
            loose_kept += 1
    units: dict[UnitKey, UnitPart] = {}
    chunks: list[bytes] = []
    offset = 0
    for key, pos in groups.items():
        if with_blob:
            recs = [records[i] for i in pos]
            data = pickle.dumps(recs, protocol=5)
            units[key] = (content_digest(recs), tuple(pos), offset, len(data), _digest(data))
            chunks.append(data)
            offset += len(data)
        else:
            units[key] = (b"", tuple(pos), 0, 0, b"")
    return units, loose_kept, b"".join(chunks)


def unit_digest(base: str, parts: Iterable[bytes]) -> str:
    """The digest of one unit's input records: its parts' digests in input order, with the base key."""
    h = hashlib.blake2b(base.encode(), digest_size=20)
    for p in parts:
        h.update(p)
    return h.hexdigest()


@dataclass
class UnitState:
    """The last run's cross-record results. Grain of ``units``: one unit (unit_schema, unit_code);
    ``panel``: that run's panel (one row per unit and period, sorted by unit); ``blocks``: each unit's
    rows in it, as (start, stop)."""

    units: dict[UnitKey, UnitResult]
    panel: pd.DataFrame
    blocks: dict[UnitKey, tuple[int, int]]

    @staticmethod
    def load(path: Path) -> UnitState | None:
        try:
            with no_gc(), open(path, "rb") as fh:
                got = pickle.load(fh)
        except LOAD_ERRORS:
            return None
        return got if isinstance(got, UnitState) else None

    def save(self, path: Path, atomic_write: Callable[[Path, Callable[[Path], Any]], None]) -> None:
        atomic_write(path, lambda p: p.write_bytes(pickle.dumps(self, protocol=5)))


def panel_blocks(panel: pd.DataFrame) -> dict[UnitKey, tuple[int, int]]:
    """Each unit's rows of a panel sorted by unit, as (start, stop); {} when a unit's rows are not one block."""
    import numpy as np

    n = len(panel)
    if not n:
        return {}
    schemas = panel["unit_schema"].to_numpy(dtype=object)
    codes = panel["unit_code"].to_numpy(dtype=object)
    new = np.ones(n, dtype=bool)
    new[1:] = (schemas[1:] != schemas[:-1]) | (codes[1:] != codes[:-1])
    starts = np.flatnonzero(new)
    stops = np.append(starts[1:], n)
    keys = list(zip(schemas[starts].tolist(), codes[starts].tolist()))
    if len(set(keys)) != len(keys):
        return {}
    return {k: (int(a), int(b)) for k, a, b in zip(keys, starts.tolist(), stops.tolist())}
