"""Small, safe file helpers: safe names; the atomic writer and the content hashes, which live in the cache
package (:mod:`motcua.cache.atomic`, :mod:`motcua.cache.shas`), are re-exported here."""

from __future__ import annotations

import re
import unicodedata

from motcua.cache.atomic import atomic_write_bytes, atomic_write_text, atomic_write_with
from motcua.cache.shas import ShaCache, sha256_bytes, sha256_file, sha256_files

__all__ = [
    "ShaCache",
    "atomic_write_bytes",
    "atomic_write_text",
    "atomic_write_with",
    "safe_code",
    "sha256_bytes",
    "sha256_file",
    "sha256_files",
    "slugify",
]


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
