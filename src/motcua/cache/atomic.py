"""The one atomic writer: every file the project writes goes through a temporary file in the target's own
folder and :func:`os.replace`, so a reader never sees a half-written file and an interrupted write leaves at
most a hidden ``.<name>.<random>.tmp`` beside it (the next write of the same name does not reuse it;
a failed write removes it)."""

from __future__ import annotations

import os
import pickle
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

_UMASK = os.umask(0)
os.umask(_UMASK)


def atomic_write_with(path: str | Path, write: Callable[[Path], Any], *, sync: bool = False) -> None:
    """Call ``write(tmp)`` on a temporary path beside ``path`` (named ``.<name>.<random>.tmp``: a writer that
    picks a format by the file's suffix must be told ``path``'s), then rename it onto ``path``. ``sync`` flushes the bytes to disk before the rename.
    The file gets the ordinary permissions (``0666`` less the umask), not ``mkstemp``'s ``0600``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        write(tmp)
        if sync:
            with open(tmp, "rb+") as fh:
                os.fsync(fh.fileno())
        os.chmod(tmp, 0o666 & ~_UMASK)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def atomic_write_bytes(path: str | Path, data: bytes, *, sync: bool = True) -> None:
    """Write ``data`` to ``path`` atomically (flushed to disk before the rename unless ``sync`` is False)."""
    atomic_write_with(path, lambda p: p.write_bytes(data), sync=sync)


def atomic_write_text(path: str | Path, text: str, *, sync: bool = True) -> None:
    """Write ``text`` to ``path`` as UTF-8, atomically."""
    atomic_write_bytes(path, text.encode("utf-8"), sync=sync)


def atomic_write_pickle(path: str | Path, obj: Any) -> None:
    """Pickle ``obj`` (protocol 5) to ``path`` atomically: for cache entries, so not flushed to disk."""
    atomic_write_with(path, lambda p: p.write_bytes(pickle.dumps(obj, protocol=5)))


def atomic_write_frame(path: str | Path, write: Callable[[Path], Any]) -> None:
    """Write a table through ``write(tmp)`` (e.g. ``lambda p: frame.to_parquet(p)``) atomically, flushed to disk."""
    atomic_write_with(path, write, sync=True)
