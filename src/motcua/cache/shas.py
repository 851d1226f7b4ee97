"""Content hashes of files: :func:`sha256_file`, :func:`sha256_files` and :class:`ShaCache`, which remembers a
file's sha256 by its status so an unchanged file is not read again."""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Iterable
from pathlib import Path

from motcua.cache.atomic import atomic_write_text


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path, chunk: int = 1 << 20) -> str:
    h = hashlib.sha256()
    with Path(path).open("rb") as fh:
        while block := fh.read(chunk):
            h.update(block)
    return h.hexdigest()


def sha256_files(paths: Iterable[Path], root: Path | None = None) -> str:
    """One hash over several files: their relative names and contents, in sorted order."""
    h = hashlib.sha256()
    for p in sorted(Path(x) for x in paths):
        name = str(p.relative_to(root)) if root else p.name
        h.update(name.encode("utf-8") + b"\0" + sha256_file(p).encode() + b"\n")
    return h.hexdigest()


class ShaCache:
    """sha256 of files, kept in a JSON file by each file's (size, mtime_ns, ctime_ns, inode): a file whose status is
    unchanged is not read again. Any write to a file changes its ctime (which no tool can set back), so a content
    change always means "hash again". An entry is only recorded for a file whose times lie more than
    :data:`RACY_NS` in the past, so a file rewritten within the file system's clock tick of being hashed is never
    trusted. The cache is an optimisation only: an unreadable or unwritable cache file means "hash again"."""

    #: A file changed less than this long ago is hashed, never remembered.
    RACY_NS = 2_000_000_000
    FORMAT = "motcua-file-shas-1"

    def __init__(self, path: Path | None) -> None:
        self.path = Path(path) if path is not None else None
        self.entries: dict[str, list] = {}
        self.changed = False
        if self.path is not None:
            try:
                raw = json.loads(self.path.read_text(encoding="utf-8"))
                if raw.get("format") == self.FORMAT and isinstance(raw.get("files"), dict):
                    self.entries = raw["files"]
            except (OSError, ValueError, AttributeError):
                pass

    def sha(self, path: Path) -> str:
        """sha256 of ``path``'s bytes (FileNotFoundError when it does not exist)."""
        p = Path(path)
        st = p.stat()
        key = os.path.abspath(p)
        status = [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]
        hit = self.entries.get(key)
        if isinstance(hit, list) and len(hit) == 5 and hit[:4] == status:
            return str(hit[4])
        sha = sha256_file(p)
        if time.time_ns() - max(st.st_mtime_ns, st.st_ctime_ns) > self.RACY_NS:
            self.entries[key] = [*status, sha]
            self.changed = True
        elif key in self.entries:
            del self.entries[key]
            self.changed = True
        return sha

    def files_sha(self, paths: Iterable[Path], root: Path | None = None) -> str:
        """:func:`sha256_files` with each file's sha256 from the cache."""
        h = hashlib.sha256()
        for p in sorted(Path(x) for x in paths):
            name = str(p.relative_to(root)) if root else p.name
            h.update(name.encode("utf-8") + b"\0" + self.sha(p).encode() + b"\n")
        return h.hexdigest()

    def save(self) -> None:
        if self.path is None or not self.changed:
            return
        try:
            atomic_write_text(self.path, json.dumps({"format": self.FORMAT, "files": self.entries}))
            self.changed = False
        except OSError:
            pass
