"""Which files under the raw inputs are read, and the name each is known by.

Light on purpose (no pandas): the build's up-to-date check uses it before
deciding whether anything needs to run.
"""
from __future__ import annotations

from pathlib import Path
from typing import Sequence

#: Files in a raw folder that are never inputs (hidden files and folders are skipped too).
IGNORED_NAMES = {"README.md", "readme.md", "README.txt", "Thumbs.db", "desktop.ini", ".gitkeep"}


def discover(raw_paths: Sequence[str | Path]) -> list[tuple[Path, str]]:
    """(file, display name) for every input file, sorted by display name.

    The display name is the path relative to the parent of the folder given
    (e.g. "sample/bieu06_2021-01.xlsx"), or the file name for a file given.
    A path that does not exist is listed too (the reader reports it).
    """
    out: dict[Path, str] = {}
    for item in raw_paths:
        p = Path(item)
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                rel = f.relative_to(p)
                if f.is_file() and f.name not in IGNORED_NAMES and not any(part.startswith(".") for part in rel.parts):
                    out.setdefault(f.resolve(), str(Path(p.name) / rel))
        elif p.is_file():
            out.setdefault(p.resolve(), p.name)
        else:
            out.setdefault(p, p.name)  # reported as unreadable
    return sorted(out.items(), key=lambda kv: kv[1])


def sample_manifests(raw_paths: Sequence[str | Path]) -> list[Path]:
    """The hidden ``.motcua-sample.json`` files that mark inputs as synthetic."""
    return sorted(m for item in raw_paths if Path(item).is_dir() for m in Path(item).rglob(".motcua-sample.json"))
