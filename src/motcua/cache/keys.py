"""The one key scheme of every cache: a sha256 over typed, length-prefixed parts.

A key is ``sha256(feed([SCHEME, format, code, libraries, context]) + feed(parts))`` where

* ``format`` names the cache and the layout of its entries (bumped when the layout changes: old entries miss);
* ``code`` is the package's code version (:func:`motcua.version.source_hash`, which covers the code, the
  templates, the strings and the configuration the code reads);
* ``libraries`` maps each library whose version changes the value (matplotlib, Babel…) to that version;
* ``context`` is whatever else every key of the cache depends on (a chart's rc settings and DPI);
* ``parts`` are the caller's: the exact inputs of the one value stored.

:func:`feed` hashes a value unambiguously — a type tag and a length before every datum, so ``["ab", "c"]``
and ``["a", "bc"]``, ``1`` and ``"1"``, ``1`` and ``1.0`` all differ — and refuses (TypeError) a type it
cannot hash exactly, rather than hashing its ``repr``. A part wrapped in :class:`Pickled` is hashed as its
pickle (for inputs the caller knows to pickle deterministically, such as the model stage's arrays and settings).
"""

from __future__ import annotations

import datetime
import decimal
import hashlib
import math
import pickle
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

#: The layout of every key; bumped when :func:`feed` or the head of a key changes.
SCHEME = "motcua-key-1"


@dataclass(frozen=True)
class Pickled:
    """A key part hashed as its pickle (protocol 5): for inputs whose pickle is deterministic."""

    value: Any


def feed(h: Any, x: Any) -> None:
    """Hash ``x`` unambiguously into ``h`` (type tag, length prefix); TypeError for a type it cannot hash exactly.

    The built-in types are tagged here without numpy or pandas, so a key of text alone (a stage's stamp) imports
    neither; anything else goes to :func:`_feed_other`, which gives a built-in type's subclass the same tag."""
    t = type(x)
    if x is None:
        _put(h, b"N", b"")
    elif t is bool:
        _put(h, b"b", b"1" if x else b"0")
    elif t is int:
        _put(h, b"i", str(x).encode())
    elif t is float:
        _put(h, b"f", b"nan" if math.isnan(x) else x.hex().encode())
    elif t is str:
        _put(h, b"s", x.encode("utf-8", "surrogatepass"))
    elif t is bytes:
        _put(h, b"y", x)
    elif t is list or t is tuple:
        _put(h, b"l", str(len(x)).encode())
        for v in x:
            feed(h, v)
    elif t is dict:
        _put(h, b"d", str(len(x)).encode())
        for k in sorted(x, key=repr):
            feed(h, k)
            feed(h, x[k])
    else:
        _feed_other(h, x)


def _put(h: Any, tag: bytes, data: bytes) -> None:
    h.update(tag + len(data).to_bytes(8, "little") + data)


def _feed_other(h: Any, x: Any) -> None:
    """:func:`feed` of a value that is not of an exact built-in type: numpy and pandas values, dates, decimals,
    :class:`Pickled` parts, subclasses of the built-in types."""
    import numpy as np
    import pandas as pd

    def put(tag: bytes, data: bytes) -> None:
        _put(h, tag, data)

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
    elif isinstance(x, Pickled):
        put(b"p", pickle.dumps(x.value, protocol=5))
    elif isinstance(x, (pd.Timestamp, datetime.date, datetime.time)):  # Timestamp and datetime are dates too
        put(b"t", x.isoformat().encode())
    elif isinstance(x, (pd.Timedelta, datetime.timedelta)):
        put(b"T", str(pd.Timedelta(x).value).encode())
    elif isinstance(x, (np.datetime64, np.timedelta64)):
        feed(h, np.asarray([x]))
    elif isinstance(x, decimal.Decimal):
        put(b"D", str(x).encode())
    elif isinstance(x, (tuple, list)):
        put(b"l", str(len(x)).encode())
        for v in x:
            feed(h, v)
    elif isinstance(x, dict):
        put(b"d", str(len(x)).encode())
        for k in sorted(x, key=repr):
            feed(h, k)
            feed(h, x[k])
    elif isinstance(x, pd.DataFrame):
        put(b"F", str(len(x)).encode())
        feed(h, [str(c) for c in x.columns])
        for c in x.columns:
            feed(h, x[c])
    elif isinstance(x, pd.Series):
        put(b"S", str(x.dtype).encode())
        if isinstance(x.dtype, pd.api.extensions.ExtensionDtype):  # nullable numbers, text: where missing, the rest
            missing = x.isna().to_numpy()
            feed(h, missing)
            x = x[~missing]
            feed(h, x.to_numpy(dtype=x.dtype.numpy_dtype) if x.dtype.kind in "biuf" else x.to_numpy())
        else:
            feed(h, x.to_numpy())
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
                feed(h, v)
    else:
        raise TypeError(f"a cache key cannot hash a {type(x).__name__} exactly")


def digest(*parts: Any) -> str:
    """sha256 (hex) of ``parts`` alone, fed as one list (no format, code or library versions)."""
    h = hashlib.sha256()
    feed(h, list(parts))
    return h.hexdigest()


@lru_cache(maxsize=16)
def library_versions(names: tuple[str, ...]) -> dict[str, str]:
    """The installed version of each distribution in ``names`` (``"?"`` for one not installed)."""
    out: dict[str, str] = {}
    if not names:
        return out
    from importlib.metadata import PackageNotFoundError, version

    for name in names:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "?"
    return out


class _Bytes:
    """Collects what :func:`feed` would hash, to hash it later."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []

    def update(self, data: bytes) -> None:
        self.parts.append(data)


class KeyScheme:
    """The keys of one cache: ``format`` (bumped when its entries' layout changes), the distributions in
    ``libraries`` whose versions every value depends on, and ``context()`` (called once per code version:
    further values every key depends on, e.g. rc settings). The head of a key — everything but the caller's
    parts — is serialised once per code version, which gives the same key as feeding it each time."""

    def __init__(self, format: str, libraries: Iterable[str] = (), context: Callable[[], Any] | None = None) -> None:
        self.format = format
        self.libraries = tuple(libraries)
        self.context = context
        self._heads: dict[str, bytes] = {}

    def head(self, code: str | None = None) -> bytes:
        """The bytes fed before the caller's parts, for code version ``code`` (default: this source's)."""
        if code is None:
            from motcua.version import source_hash

            code = source_hash()
        got = self._heads.get(code)
        if got is None:
            b = _Bytes()
            context = self.context() if self.context is not None else None
            feed(
                b,
                {
                    "scheme": SCHEME,
                    "format": self.format,
                    "code": code,
                    "libraries": library_versions(self.libraries),
                    "context": context,
                },
            )
            got = self._heads[code] = b"".join(b.parts)
        return got

    def hasher(self, *parts: Any, code: str | None = None) -> Any:
        """A sha256 object fed with the head and ``parts`` (copy it to key many values sharing those parts)."""
        h = hashlib.sha256(self.head(code))
        feed(h, list(parts))
        return h

    def key(self, *parts: Any, code: str | None = None) -> str:
        """sha256 (hex) of the head and ``parts``."""
        return self.hasher(*parts, code=code).hexdigest()
