"""The strings catalog: every text a reader sees, in Vietnamese and English, as data.

``strings/vi.yaml`` and ``strings/en.yaml`` hold the same keys (a test checks
keys and placeholders match). Strings are plain text; callers escape them.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from motcua.config import read_yaml

LANGS = ("vi", "en")
_DIR = Path(__file__).resolve().parent / "strings"


class Strings:
    """Catalog of one language: ``S["key"]`` or ``S.f("key", name=value)``."""

    def __init__(self, lang: str, table: dict[str, str]):
        self.lang = lang
        self._t = table

    def __getitem__(self, key: str) -> str:
        return self._t[key]

    def get(self, key: str, default: str | None = None) -> str | None:
        return self._t.get(key, default)

    def keys(self) -> list[str]:
        return list(self._t)

    def f(self, key: str, **values: Any) -> str:
        """The string ``key`` with its {placeholders} filled (a missing value raises KeyError)."""
        return self._t[key].format(**values)


@lru_cache(maxsize=4)
def strings(lang: str) -> Strings:
    """The catalog of ``lang`` ("vi" or "en"), read once per process."""
    if lang not in LANGS:
        raise ValueError(f"unsupported report language {lang!r} (vi or en)")
    table = read_yaml(_DIR / f"{lang}.yaml")
    return Strings(lang, {str(k): str(v) for k, v in table.items()})


def cap(text: str) -> str:
    """First letter upper-case ("tỷ lệ" → "Tỷ lệ"), the rest untouched."""
    return text[:1].upper() + text[1:]
