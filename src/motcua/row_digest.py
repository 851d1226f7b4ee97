"""Content digests of a table's rows, of the whole table and of groups of rows (e.g. one unit's), in one pass.

Each row becomes a fixed-width byte string: per column (sorted by name) its
8-byte value — the exact bits of numbers, booleans, dates and times, a 64-bit
siphash of text (:func:`pandas.util.hash_array`) — then one validity bit per
column, so a missing value differs from any value. A digest is the sha256 of a
header (column names and kinds) and of the rows' bytes in table order: same
values, same digest, whatever the row index or the storage (pandas or arrow,
``str`` or object text). Vectorised: ~20 ms for 150,000 rows × 14 columns.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

#: Bumped when the byte layout of a row changes (digests then simply differ).
SCHEME = "motcua-row-digest-1"


def _kind(t: pa.DataType) -> str:
    if pa.types.is_boolean(t):
        return "bool"
    if pa.types.is_integer(t):
        return "int"
    if pa.types.is_floating(t):
        return "float"
    if pa.types.is_timestamp(t) or pa.types.is_date(t) or pa.types.is_time(t) or pa.types.is_duration(t):
        return f"time:{t}"
    if pa.types.is_null(t):
        return "null"
    return "text"


def _text_hashes(arr: pa.Array) -> np.ndarray:
    """64-bit hashes of each value's text (0 where missing): each distinct value is hashed once."""
    if not pa.types.is_string(arr.type) and not pa.types.is_large_string(arr.type):
        try:
            arr = pc.cast(arr, pa.large_string())
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            arr = pa.array([None if v is None else str(v) for v in arr.to_pylist()], pa.large_string())
    enc = pc.dictionary_encode(arr)
    uniq = enc.dictionary.to_numpy(zero_copy_only=False).astype(object)
    hashed = pd.util.hash_array(uniq, categorize=False) if len(uniq) else np.zeros(0, np.uint64)
    idx = enc.indices.fill_null(0).to_numpy(zero_copy_only=False)
    out = hashed[idx] if len(hashed) else np.zeros(len(arr), np.uint64)
    return np.where(arr.is_valid().to_numpy(zero_copy_only=False), out, np.uint64(0))


def _column_words(arr: pa.Array, kind: str) -> np.ndarray:
    """One uint64 per value: its bits (numbers, times) or its text's hash; 0 where missing."""
    if kind == "null":
        return np.zeros(len(arr), np.uint64)
    if kind == "text":
        return _text_hashes(arr)
    if kind == "bool":
        arr = pc.cast(arr, pa.int64())
    elif kind == "int":
        arr = pc.cast(arr, pa.uint64() if pa.types.is_unsigned_integer(arr.type) else pa.int64())
    elif kind == "float":
        arr = pc.cast(arr, pa.float64())
    else:  # dates and times: their integer storage (the unit is in the header)
        arr = pc.cast(arr.view(pa.int64() if arr.type.bit_width == 64 else pa.int32()), pa.int64())
    filled = arr.fill_null(0) if arr.null_count else arr
    return np.ascontiguousarray(filled.to_numpy(zero_copy_only=False)).view(np.uint64)


def as_table(df: pd.DataFrame | pa.Table) -> pa.Table:
    """``df`` as an arrow table without its index (object columns of mixed values as their text)."""
    if isinstance(df, pa.Table):
        return df
    objects = [c for c in df.columns if df[c].dtype == object]
    if objects:  # any mix of values: each as its text, so a slice of the column is digested like the whole
        df = df.copy(deep=False)
        for c in objects:
            df[c] = pd.array([None if _missing(v) else str(v) for v in df[c]], dtype="string")
    return pa.Table.from_pandas(df, preserve_index=False)


def _missing(v: Any) -> bool:
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


@dataclass(frozen=True)
class RowDigests:
    """The rows of one table as bytes (``rows``: one row of ``width`` bytes per table row) and their header."""

    header: bytes
    rows: np.ndarray  # (n, width) uint8, C-contiguous

    def whole(self) -> str:
        """sha256 of the whole table (header and rows in order)."""
        h = hashlib.sha256(self.header)
        h.update(memoryview(self.rows.reshape(-1)))
        return h.hexdigest()

    def of(self, positions: np.ndarray | list[int]) -> str:
        """sha256 of the rows at ``positions``, in that order (the same as :meth:`whole` of that slice)."""
        h = hashlib.sha256(self.header)
        h.update(np.ascontiguousarray(self.rows[np.asarray(positions, dtype=np.intp)]).tobytes())
        return h.hexdigest()

    def each(self) -> list[str]:
        """sha256 of each row on its own (the same as :meth:`of` of its position)."""
        out = []
        for row in self.rows:
            h = hashlib.sha256(self.header)
            h.update(row.tobytes())
            out.append(h.hexdigest())
        return out

    def by(self, keys: Any) -> dict[str, str]:
        """sha256 of each group of rows with the same key (text), rows in table order, keyed by the key."""
        return self.grouped(keys)[1]

    def grouped(self, keys: Any) -> tuple[str, dict[str, str]]:
        """(:meth:`whole`, :meth:`by`) in one pass. When each group's rows are one run (a table sorted by its key),
        the whole is the sha256 of the groups' keys and digests in order — as exact, without hashing the rows twice."""
        codes, uniq = _factorize(keys)
        if not len(codes):
            return self.whole(), {}
        rows = self.rows
        runs = len(codes) < 2 or not (np.diff(codes) < 0).any()
        if not runs:  # gather each group's rows
            rows = np.ascontiguousarray(rows[np.argsort(codes, kind="stable")])
        # codes number groups in order of first appearance: group i's rows are the i-th run of the (sorted) rows
        bounds = np.concatenate([[0], np.cumsum(np.bincount(codes, minlength=len(uniq)))])
        view = memoryview(rows.reshape(-1))
        width = rows.shape[1]
        out: dict[str, str] = {}
        for i, key in enumerate(uniq):
            h = hashlib.sha256(self.header)
            h.update(view[bounds[i] * width : bounds[i + 1] * width])
            out[key] = h.hexdigest()
        if not runs:
            return self.whole(), out
        whole = hashlib.sha256(b"runs\0" + self.header)
        whole.update(json.dumps([[k, out[k]] for k in uniq], ensure_ascii=False).encode("utf-8", "surrogatepass"))
        return whole.hexdigest(), out


def _factorize(keys: Any) -> tuple[np.ndarray, list[str]]:
    """(group number of each key, in order of first appearance; the groups' keys as text, a missing key "None")."""
    if isinstance(keys, (pa.Array, pa.ChunkedArray)):
        if isinstance(keys, pa.ChunkedArray):
            keys = keys.combine_chunks()
        if not (pa.types.is_string(keys.type) or pa.types.is_large_string(keys.type)):
            keys = pa.array([None if v is None else str(v) for v in keys.to_pylist()], pa.large_string())
        enc = pc.dictionary_encode(keys, null_encoding="encode")  # numbered in order of first appearance
        uniq = ["None" if v is None else v for v in enc.dictionary.to_pylist()]
        return enc.indices.to_numpy(zero_copy_only=False).astype(np.intp), uniq
    codes, values = pd.factorize(np.asarray(keys, dtype=object), use_na_sentinel=False)
    return codes, ["None" if _missing(v) else str(v) for v in values]


def row_digests(df: pd.DataFrame | pa.Table) -> RowDigests:
    """The :class:`RowDigests` of a pandas or arrow table (columns sorted by name)."""
    t = as_table(df)
    names = sorted(t.column_names)
    kinds = []
    words, valid = [], []
    for name in names:
        col = t.column(name)
        arr = col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col
        if isinstance(arr.type, pa.DictionaryType):
            arr = arr.dictionary_decode()
        kind = _kind(arr.type)
        kinds.append(kind)
        words.append(_column_words(arr, kind))
        valid.append(arr.is_valid().to_numpy(zero_copy_only=False) if kind != "null" else np.zeros(len(arr), bool))
    n = t.num_rows
    header = json.dumps([SCHEME, names, kinds], ensure_ascii=False).encode()
    if not names:
        return RowDigests(header, np.zeros((n, 0), np.uint8))
    bits = np.packbits(np.column_stack(valid), axis=1)
    rows = np.empty((n, 8 * len(names) + bits.shape[1]), np.uint8)
    for i, w in enumerate(words):
        rows[:, 8 * i : 8 * i + 8].view(np.uint64)[:, 0] = w
    rows[:, 8 * len(names) :] = bits
    return RowDigests(header, rows)
