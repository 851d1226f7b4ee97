"""Vietnamese text normalisation for unit names (docs/domain.md, "Names and matching rules").

Pure string functions, no data: mojibake repair (UTF-8 read as cp1252),
Unicode NFC, old-style → new-style tone marks ("Hoà" → "Hòa", "Thuỷ" → "Thủy"),
whitespace, and an ASCII folding key for diacritic-free matching.

New-style ("kiểu mới") placement puts the tone mark of the syllable-final
rhymes *oa*, *oe*, *uy* on the first vowel (hòa, khỏe, thủy); with a final
consonant the mark stays on the second vowel in both styles (hoàng, khoảng,
huỳnh), and after *q* the *u* is part of the consonant (quý, quỳnh).
"""

from __future__ import annotations

import re
import unicodedata

import ftfy

#: Combining tone marks (grave, acute, hook above, tilde, dot below).
TONES = "\u0300\u0301\u0309\u0303\u0323"
_TONE_SET = frozenset(TONES)

_OLD_STYLE_RE = re.compile(
    r"(?<![qQ])([oO])([aAeE])([" + TONES + r"])(?![^\W\d_])"
    r"|(?<![qQ])([uU])([yY])([" + TONES + r"])(?![^\W\d_])"
)

#: Two-character sequences UTF-8 leaves when read as cp1252/latin-1 ("Ã²" for "ò", "á»‡" for "ệ", "Æ°" for "ư",
#: "Ä‘" for "đ"); single Vietnamese letters such as "â" or "Ã" alone never trigger a repair.
_MOJIBAKE_HINT = re.compile(
    "[ÃÄÅÆ][\u0080-\u00ff\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013-\u2122]|á[º»¸¹¼½¾]|â€"
)


def repair_mojibake(s: str) -> str:
    """Repair UTF-8 text that was decoded as cp1252/latin-1 ("PhÆ°á»ng" → "Phường").

    Uses ftfy; text without tell-tale characters is returned unchanged, so a
    correct Vietnamese name is never altered.
    """
    if not _MOJIBAKE_HINT.search(s):
        return s
    fixed = unicodedata.normalize("NFC", ftfy.fix_encoding(s))
    # accept only a repair that leaves no tell-tale characters behind (otherwise keep the text as it was)
    if fixed != s and not _MOJIBAKE_HINT.search(fixed):
        return fixed
    return s


#: Bytes cp1252 leaves undefined: a UTF-8 text decoded as cp1252 loses them ("Phường" → "PhÆ°á»ng",
#: whose "ờ" = E1 BB 9D lost its 9D); they are the only candidates for a lost byte.
_CP1252_UNDEFINED = (0x81, 0x8D, 0x8F, 0x90, 0x9D)


def lossy_mojibake_candidates(s: str, max_gaps: int = 4) -> list[str]:
    """Every text ``s`` could have been before a cp1252 decoding that dropped undefined bytes.

    Re-encodes ``s`` as cp1252 and, wherever the bytes are not valid UTF-8, tries
    each undefined byte at that place (at most ``max_gaps`` places). Returns the
    NFC candidates that decode fully and leave no tell-tale characters, sorted;
    [] when ``s`` is not such text. Several candidates are possible ("ờ", "ề",
    "ọ", "ỏ" all lose a byte alike): the caller decides between them.
    Exceptions: none.
    """
    if not _MOJIBAKE_HINT.search(s):
        return []
    try:
        raw = s.encode("cp1252")
    except UnicodeEncodeError:
        return []
    out: set[str] = set()

    def walk(b: bytes, gaps: int) -> None:
        try:
            text = b.decode("utf-8")
        except UnicodeDecodeError as exc:
            if gaps >= max_gaps:
                return
            # the lost byte was a continuation byte: it belongs just before the failing position's end
            for pos in {exc.start + 1, exc.start + 2}:
                if pos <= len(b):
                    for byte in _CP1252_UNDEFINED:
                        walk(b[:pos] + bytes([byte]) + b[pos:], gaps + 1)
            return
        text = unicodedata.normalize("NFC", text)
        if not _MOJIBAKE_HINT.search(text):
            out.add(text)

    walk(raw, 0)
    return sorted(out)


def to_new_style_tones(s: str) -> str:
    """Move tone marks of syllable-final oa/oe/uy to the first vowel (new style), NFC.

    >>> to_new_style_tones("Thành phố Tuy Hoà"), to_new_style_tones("Thuỷ"), to_new_style_tones("Hoàng Quý")
    ('Thành phố Tuy Hòa', 'Thủy', 'Hoàng Quý')
    """
    d = unicodedata.normalize("NFD", s)
    # In NFD a tone may sit after a vowel-quality mark (circumflex/breve/horn); oa/oe/uy second vowels carry none.
    out = _OLD_STYLE_RE.sub(
        lambda m: (m.group(1) + m.group(3) + m.group(2)) if m.group(1) else (m.group(4) + m.group(6) + m.group(5)), d
    )
    return unicodedata.normalize("NFC", out)


def clean_text(s: object) -> str:
    """Mojibake repaired, NFC, new-style tones, non-breaking spaces and runs of whitespace collapsed.

    Exceptions: none — any object gives a string.
    """
    if s is None:
        return ""
    t = str(s)
    t = repair_mojibake(t)
    # control and format characters never belong in a name (C1 controls left by mojibake are repaired above)
    t = "".join(" " if unicodedata.category(ch) in ("Cc", "Zl", "Zp") else ch for ch in t)
    t = unicodedata.normalize("NFC", t).replace("\u00a0", " ").replace("\u200b", "").replace("\ufeff", "")
    t = to_new_style_tones(t)
    return " ".join(t.split())


def strip_marks(s: str) -> str:
    """Remove diacritics only (đ → d), keeping case and punctuation: "Từ ngày 01/02" → "Tu ngay 01/02"."""
    t = unicodedata.normalize("NFD", s.replace("đ", "d").replace("Đ", "D"))
    return unicodedata.normalize("NFC", "".join(ch for ch in t if not unicodedata.combining(ch)))


def fold(s: str) -> str:
    """Lower-case ASCII key without diacritics or punctuation ("Đồng Xuân" → "dong xuan")."""
    t = unicodedata.normalize("NFD", s.replace("đ", "d").replace("Đ", "D"))
    t = "".join(ch for ch in t if not unicodedata.combining(ch))
    t = t.lower()
    t = re.sub(r"[^a-z0-9]+", " ", t)
    return " ".join(t.split())


def accent_key(s: str) -> str:
    """Lower-case, diacritics kept (NFC, new-style tones), punctuation and spaces removed."""
    t = to_new_style_tones(unicodedata.normalize("NFC", s)).lower()
    return re.sub(r"[\W_]+", "", t)
