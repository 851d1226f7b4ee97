"""Small, safe file helpers: atomic writes, content hashes, safe names."""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import unicodedata
from collections.abc import Iterable
from pathlib import Path

_UMASK = os.umask(0)
os.umask(_UMASK)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename.

    A reader never sees a half-written file at ``path``; an interrupted write
    leaves at most a ``.tmp`` file beside it, which the next build overwrites.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp makes 0600; products are ordinary files
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


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


def slugify(text: str, max_len: int = 60) -> str:
    """ASCII, lower-case, hyphenated slug safe as a file name ("Thành phố Tuy Hòa" → "thanh-pho-tuy-hoa").

    Never returns an empty string, a dot name or anything with a path separator.
    """
    s = unicodedata.normalize("NFD", str(text)).replace("đ", "d").replace("Đ", "D")
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    s = re.sub(r"[^A-Za-z0-9]+", "-", s).strip("-").lower()[:max_len].strip("-")
    return s or "unit"


def safe_code(code: str) -> str:
    """A unit code as it may appear in a file name: digits and letters only."""
    s = re.sub(r"[^A-Za-z0-9]+", "", str(code))
    if not s:
        raise ValueError(f"unit code {code!r} has no usable characters")
    return s


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
        import json

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
        import time

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
        import json

        if self.path is None or not self.changed:
            return
        try:
            atomic_write_text(self.path, json.dumps({"format": self.FORMAT, "files": self.entries}))
            self.changed = False
        except OSError:
            pass
