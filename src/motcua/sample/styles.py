"""Ways a unit name is written in real exports (for the synthetic sample).

Each function takes an official name ("Huyện Sơn Hòa") and returns a variant
that the ingest stage must still match: old-style tone marks, prefixes and
abbreviations, the short name, NFD, mojibake and no diacritics.
"""

from __future__ import annotations

import re
import unicodedata

from motcua.ingest.text import TONES, fold

_NEW_STYLE_RE = re.compile(
    r"(?<![qQ])([oO])([" + TONES + r"])([aAeE])(?![^\W\d_])|(?<![qQ])([uU])([" + TONES + r"])([yY])(?![^\W\d_])"
)

ABBREV = {
    "Thành phố": "TP.",
    "Thị xã": "TX.",
    "Huyện": "H.",
    "Quận": "Q.",
    "Phường": "P.",
    "Thị trấn": "TT",
    "Xã": "X.",
}


def to_old_style(s: str) -> str:
    """ "Hòa" → "Hoà", "Thủy" → "Thuỷ" (old-style tone placement), NFC."""
    d = unicodedata.normalize("NFD", s)
    out = _NEW_STYLE_RE.sub(
        lambda m: (m.group(1) + m.group(3) + m.group(2)) if m.group(1) else (m.group(4) + m.group(6) + m.group(5)), d
    )
    return unicodedata.normalize("NFC", out)


def with_ubnd(name: str, unit_type: str) -> str:
    """ "UBND huyện Sơn Hòa"."""
    rest = name[len(unit_type) :].strip() if unit_type and name.startswith(unit_type) else name
    return f"UBND {unit_type.lower()} {rest}".strip()


def abbreviated(name: str, unit_type: str) -> str:
    """ "TP. Tuy Hòa", "TX. Sông Cầu", "H. Tuy An"."""
    rest = name[len(unit_type) :].strip() if unit_type and name.startswith(unit_type) else name
    ab = ABBREV.get(unit_type)
    return f"{ab} {rest}" if ab else name


def nfd(s: str) -> str:
    return unicodedata.normalize("NFD", s)


def mojibake(s: str) -> str:
    """UTF-8 bytes read as Windows-1252 (bytes cp1252 leaves undefined become the same code point)."""
    out = []
    for b in s.encode("utf-8"):
        try:
            out.append(bytes([b]).decode("cp1252"))
        except UnicodeDecodeError:
            out.append(chr(b))
    return "".join(out)


def no_diacritics(s: str) -> str:
    """ "Huyện Đồng Xuân" → "Huyen Dong Xuan"."""
    return " ".join(w.capitalize() for w in fold(s).split())
