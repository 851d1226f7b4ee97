"""What reading one raw file produced, kept on disk and keyed by the file's content (the clean cache).

Grain: one entry per raw file (see :class:`FileCache`); beside the entries, the last run's results per unit
and the unit-name matches made so far. Every file is written atomically (a temporary file, then
``os.replace``), so a run stopped half-way leaves no torn entry.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from pathlib import Path
from typing import Any

from motcua.cache.atomic import atomic_write_with
from motcua.cache.shas import sha256_file
from motcua.clean.tidypatch import BlobAppend, TidyIndex
from motcua.clean.unitcache import LOAD_ERRORS, FileEntry, UnitState, no_gc
from motcua.ingest.aggregate import MatchContext
from motcua.ingest.triage import sample_manifest as _sample_manifest

file_sha256 = sha256_file  # the name the clean stage imports


def atomic_write(path: Path, write: Any) -> None:
    """``write(tmp)`` then a rename onto ``path``: the project's one atomic writer (:mod:`motcua.cache.atomic`)."""
    atomic_write_with(path, write)


class FileCache:
    """What reading one raw file produced (records, findings, counts), keyed by its content.

    Grain: one entry per raw file under ``cache_dir`` (a :class:`motcua.clean.unitcache.FileEntry`,
    ``<key>.pkl``, and its records by unit, ``<key>.rec``), keyed by the file's
    bytes, its display name, whether the sample manifest lists it, the
    matching context, config/ and the package source; so a rebuild after a
    correction to one workbook re-reads that workbook alone. Beside them,
    ``units-<base>.state`` keeps the last run's results per unit
    (:class:`motcua.clean.unitcache.UnitState`). Our own files, rebuildable:
    delete the folder to re-read everything.
    """

    def __init__(self, root: Path, ctx: MatchContext) -> None:
        from motcua.config import load_config
        from motcua.files import sha256_files
        from motcua.version import source_hash

        cfg = load_config()
        self.root = root
        self.base = "\n".join(
            [source_hash(), sha256_files([p for p in cfg.root.rglob("*") if p.is_file()], root=cfg.root), repr(ctx)]
        )
        self.used: set[str] = set()

    def key(self, path: Path, display: str, sha256: str | None = None) -> str:
        """The cache key of ``path`` as ``display``; ``sha256``: the file's hash, when the caller has it already."""
        h = hashlib.sha256(self.base.encode())
        h.update(f"\n{display}\n{path.name in _sample_manifest(path)}\n".encode())
        h.update((sha256 or file_sha256(path)).encode())
        return h.hexdigest()

    def get(self, key: str, use: bool = True) -> FileEntry | None:
        """The entry of ``key`` with its record blob beside it, or None (missing or unreadable); ``use``: keep
        it (else it is pruned at the end of the run unless used otherwise)."""
        if use:
            self.used.add(key)
        blob = self.root / f"{key}.rec"
        try:
            with no_gc(), open(self.root / f"{key}.pkl", "rb") as fh:
                entry = pickle.load(fh)
        except LOAD_ERRORS:
            return None
        if not isinstance(entry, FileEntry) or not blob.is_file():
            return None
        entry.key, entry.blob = key, blob
        return entry

    def put(
        self, key: str, entry: FileEntry, blob: bytes | BlobAppend, index: TidyIndex | None = None, display: str = ""
    ) -> None:
        """Keep ``entry`` and its record blob (the blob first: an entry never points at a missing blob, and one
        whose blob is gone is not used), and for a tidy CSV its index (:meth:`previous` finds it under
        ``display`` when the file next changes). ``entry`` is then read from the blob when it holds no records."""
        self.used.add(key)
        rec = self.root / f"{key}.rec"
        if isinstance(blob, BlobAppend):  # the last version's blob, moved (its entry is left blob-less) and grown
            os.replace(blob.base, rec)
            with open(rec, "ab") as fh:
                fh.write(blob.tail)
        else:
            atomic_write(rec, lambda p: p.write_bytes(blob))
        if index is not None:
            atomic_write(self.root / f"{key}.tidy", lambda p: p.write_bytes(pickle.dumps(index, protocol=5)))
        atomic_write(self.root / f"{key}.pkl", lambda p: p.write_bytes(pickle.dumps(entry, protocol=5)))
        entry.key, entry.blob = key, self.root / f"{key}.rec"
        if display:
            last = self.last_path(display)
            self.used.add(last.stem)
            if index is not None:
                atomic_write(last, lambda p: p.write_text(key, encoding="ascii"))
            else:
                last.unlink(missing_ok=True)

    def last_path(self, display: str) -> Path:
        """The file naming the key of the last version of the tidy CSV shown as ``display``."""
        h = hashlib.sha256(f"{self.base}\n{display}".encode()).hexdigest()[:24]
        return self.root / f"last-{h}.key"

    def previous(self, display: str) -> tuple[FileEntry, TidyIndex] | None:
        """The entry and index of the last version of the tidy CSV shown as ``display`` (None if none is kept)."""
        try:
            key = self.last_path(display).read_text(encoding="ascii").strip()
        except (OSError, UnicodeDecodeError):
            return None
        entry = self.get(key, use=False) if key else None
        index = TidyIndex.load(self.root / f"{key}.tidy") if entry is not None else None
        return (entry, index) if entry is not None and index is not None else None

    @staticmethod
    def drop_in(root: Path, key: str) -> None:
        """Forget one file's entry under ``root`` (its blob did not match: the file is read again)."""
        for suffix in (".pkl", ".rec", ".tidy"):
            (root / f"{key}{suffix}").unlink(missing_ok=True)

    def _state_path(self) -> Path:
        return self.root / f"units-{hashlib.sha256(self.base.encode()).hexdigest()[:24]}.state"

    def load_state(self) -> UnitState | None:
        """The last run's per-unit results (:class:`motcua.clean.unitcache.UnitState`), if any."""
        path = self._state_path()
        self.used.add(path.stem)
        return UnitState.load(path)

    def save_state(self, state: UnitState | None) -> None:
        """Keep this run's per-unit results; None: forget them (this run's are not reusable)."""
        path = self._state_path()
        self.used.add(path.stem)
        if state is None:
            path.unlink(missing_ok=True)
        else:
            state.save(path, atomic_write)

    def _matches_path(self) -> Path:
        return self.root / f"names-{hashlib.sha256(self.base.encode()).hexdigest()[:24]}.pkl"

    def load_matches(self) -> None:
        """Remember the unit-name matches earlier runs made with the same code, config and context
        (:func:`motcua.ingest.names.remember_matches`): a changed file in a fresh process is then
        read in a fraction of a second rather than matched name by name again."""
        from motcua.ingest.names import known_matches, remember_matches

        path = self._matches_path()
        self.used.add(path.stem)
        try:
            with no_gc(), open(path, "rb") as fh:
                remember_matches(pickle.load(fh))
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, ValueError, TypeError):
            pass
        self._matches_known = len(known_matches())

    def save_matches(self) -> None:
        """Keep this process's unit-name matches for the next run, when it made new ones."""
        from motcua.ingest.names import known_matches

        matches = known_matches()
        if len(matches) != getattr(self, "_matches_known", -1):
            atomic_write(self._matches_path(), lambda p: p.write_bytes(pickle.dumps(matches, protocol=5)))

    def prune(self) -> None:
        """Forget the files no longer among the inputs, and results made with other code or config."""
        for pattern in ("*.pkl", "*.rec", "*.state", "*.tidy", "*.key"):
            for f in self.root.glob(pattern):
                if f.stem not in self.used:
                    f.unlink(missing_ok=True)
