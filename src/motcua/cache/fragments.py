"""Finished HTML fragments of a page (a table row, a section), kept between builds: :class:`FragmentCache`
(re-exported by :mod:`motcua.report.fragment_cache`).

The province overview shows one row per unit in several tables; a correction
to one unit changes that unit's rows only. Each fragment is stored under
:func:`fragment_key` (:mod:`motcua.cache.keys`): a sha256 over the digests of exactly the data it is made
from (given by the caller, e.g. :mod:`motcua.row_digest` of the unit's panel
rows), the report language, the package's code version
(:func:`motcua.version.source_hash`, which covers the templates, the strings
and the number formats) and the versions of Babel, Jinja2 and MarkupSafe.
Same key, same fragment: a fragment read back is the one that would have been
rendered (tests/report/test_overview_fragments.py).

One JSON file per page and language in the DATA folder's interim cache
(:func:`motcua.locations.fragment_cache`), rewritten atomically with
only the entries the current build used, so it never grows past one build's
fragments. Like the chart cache it is an optimisation only: a missing,
unreadable or unwritable file means "render everything".
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from motcua.cache.atomic import atomic_write_text
from motcua.cache.keys import KeyScheme

#: Bumped when the layout of an entry changes (old files then simply miss).
CACHE_FORMAT = "motcua-fragment-cache-2"  # 2: keys of the one key scheme
#: The libraries a fragment's text depends on: number and date formats, templates, escaping.
_KEYS = KeyScheme(CACHE_FORMAT, libraries=("babel", "jinja2", "markupsafe"))


def fragment_key(*parts: str) -> str:
    """The key of ``parts`` (digests, names, the language; each as text), the package's code version and the
    versions of the libraries that format and escape text."""
    return _KEYS.key(*(str(p) for p in parts))


class FragmentCache:
    """Fragments (JSON values: text, numbers, lists, dicts) of one page, keyed by :func:`fragment_key`."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.entries: dict[str, Any] = {}
        self.used: dict[str, Any] = {}
        self.hits = 0
        self.misses = 0
        try:
            loaded = json.loads(self.path.read_text(encoding="utf-8"))
            if (
                isinstance(loaded, dict)
                and loaded.get("format") == CACHE_FORMAT
                and isinstance(loaded.get("entries"), dict)
            ):
                self.entries = loaded["entries"]
        except (OSError, ValueError):
            pass

    def get(self, key: str) -> Any | None:
        """The stored value, or None; a hit is kept by :meth:`save`."""
        if key in self.entries:
            self.hits += 1
            self.used[key] = self.entries[key]
            return self.entries[key]
        self.misses += 1
        return None

    def put(self, key: str, value: Any) -> None:
        self.used[key] = value

    def save(self) -> None:
        """Write the entries this build used (only when they differ from the file's); never raises OSError."""
        if self.used.keys() == self.entries.keys():
            return
        try:
            atomic_write_text(self.path, json.dumps({"format": CACHE_FORMAT, "entries": self.used}, ensure_ascii=False))
        except (OSError, TypeError, ValueError):
            pass
        self.entries = dict(self.used)
