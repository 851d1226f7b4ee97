"""Where the tests find the shared real texts (the seed articles), which the repository does not copy.

The shared folder holds ``seeds/`` (three real articles whose figures the extract tests know by
heart). It is looked for, in order: the ``MOTCUA_SHARED`` environment variable; a folder ``shared``
beside the repository root or beside any of its ancestors (``../shared``); ``/work/shared``.
When none holds the seeds, the tests that need them skip with :data:`SKIP_REASON`.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: Seed name → file name inside ``<shared>/seeds``.
SEED_FILES: dict[str, str] = {
    "tuyhoa": "000_78cb98ae6bf302e5.txt",
    "songcau": "001_e73997f46573d0cb.txt",
    "phuong9": "003_e76fa6c5116a1b92.txt",
}

SKIP_REASON = (
    "the shared seed articles were not found (set MOTCUA_SHARED to the folder holding seeds/; "
    "looked in $MOTCUA_SHARED, ../shared beside the repository and its ancestors, /work/shared)"
)


def _candidates() -> list[Path]:
    out: list[Path] = []
    env = os.environ.get("MOTCUA_SHARED")
    if env:
        out.append(Path(env))
    for anc in [ROOT, *ROOT.parents]:
        out.append(anc.parent / "shared")
    out.append(Path("/work/shared"))
    return out


def shared_dir() -> Path | None:
    """The first candidate folder that holds every seed article, else None."""
    for c in _candidates():
        if all((c / "seeds" / f).is_file() for f in SEED_FILES.values()):
            return c
    return None


def seed_paths() -> dict[str, Path] | None:
    """Seed name → path of the shared copy, or None when the shared folder is not found."""
    d = shared_dir()
    return None if d is None else {k: d / "seeds" / f for k, f in SEED_FILES.items()}
