"""Which files under the raw inputs are read, and the name each is known by.

Light on purpose (no pandas): the build's up-to-date check uses it before
deciding whether anything needs to run.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

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
            for f in _files_under(p):
                rel = f.relative_to(p)
                if f.name not in IGNORED_NAMES and not any(part.startswith(".") for part in rel.parts):
                    out.setdefault(f.resolve(), str(Path(p.name) / rel))
        elif p.is_file():
            out.setdefault(p.resolve(), p.name)
        else:
            out.setdefault(p, p.name)  # reported as unreadable
    return sorted(out.items(), key=lambda kv: kv[1])


def _files_under(root: Path) -> list[Path]:
    """Every file under ``root``, sorted, following linked folders (an analyst's ``data/raw/province`` may be a
    link to the exports' share), each real folder once (a link back up the tree is not a loop)."""
    seen: set[tuple[int, int]] = set()
    files: list[Path] = []
    for folder, dirs, names in os.walk(root, followlinks=True):
        st = os.stat(folder)
        if (st.st_dev, st.st_ino) in seen:
            dirs[:] = []
            continue
        seen.add((st.st_dev, st.st_ino))
        dirs.sort()
        files += [Path(folder) / n for n in names if (Path(folder) / n).is_file()]
    return sorted(files)


#: Suffixes of prose documents (press releases, báo cáo CCHC): read by ``motcua extract``, never by the clean
#: stage's table readers. A ``.txt`` is a document too unless it looks like a delimited table (:func:`is_document`).
DOCUMENT_SUFFIXES = {".html", ".htm", ".docx", ".pdf"}
_DELIMS = ("\t", ";", ",", "|")


def _looks_like_table(head: str) -> bool:
    """At least half of the first 30 non-empty lines split into 3+ fields on one delimiter, with the same count."""
    lines = [ln for ln in head.splitlines() if ln.strip()][:30]
    if not lines:
        return False
    for d in _DELIMS:
        counts = Counter(ln.count(d) for ln in lines)
        n, times = max(counts.items(), key=lambda kv: (kv[1], kv[0]))
        if n >= 2 and times * 2 >= len(lines):
            return True
    return False


def is_document(path: str | Path) -> bool:
    """True for a prose document among the raw inputs: .html/.htm/.docx/.pdf, or a .txt that is not a table.

    A .txt export (tab-, semicolon- or comma-separated) stays with the clean stage; so does a .txt holding
    binary bytes (the clean stage reports it). Reads at most 64 KiB.
    """
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix in DOCUMENT_SUFFIXES:
        return True
    if suffix != ".txt" or not p.is_file() or p.name.startswith("~$"):
        return False
    try:
        with p.open("rb") as fh:
            head = fh.read(1 << 16)
    except OSError:
        return False
    if not head.strip() or b"\x00" in head:
        return False
    text = head.decode("utf-8", errors="replace")
    if re.search(r"<(html|body|p|div)\b", text[:2000], re.I):
        return True
    return not _looks_like_table(text)


def documents(raw_paths: Sequence[str | Path]) -> list[tuple[Path, str]]:
    """The (file, display name) of :func:`discover` that are prose documents (:func:`is_document`)."""
    return [(p, d) for p, d in discover(raw_paths) if is_document(p)]


def sample_manifests(raw_paths: Sequence[str | Path]) -> list[Path]:
    """The hidden ``.motcua-sample.json`` files that mark inputs as synthetic."""
    return sorted(m for item in raw_paths if Path(item).is_dir() for m in Path(item).rglob(".motcua-sample.json"))
