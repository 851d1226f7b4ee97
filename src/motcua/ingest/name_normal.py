"""Unit names as written → one normal form: the unit-type prefix split off ("Huyện", "TP.", "Thị xã", …), the
name's case and tone-mark style made uniform, and names that lost their diacritics to a bad encoding repaired
against the official syllables when exactly one official name fits."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from motcua.ingest.name_reference import reference_units, settings
from motcua.ingest.text import clean_text, fold, lossy_mojibake_candidates


@lru_cache(maxsize=1)
def type_patterns() -> tuple[re.Pattern[str], list[tuple[re.Pattern[str], str]], list[tuple[str, str]]]:
    cfg = settings()
    prefixes = sorted({fold(p) for p in cfg["name_prefixes"]}, key=len, reverse=True)
    prefix_re = re.compile(
        r"^(?:" + "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in prefixes) + r")\b[\s.:,-]*", re.I
    )
    abbrevs: list[tuple[re.Pattern[str], str]] = []
    for ab, full in sorted(cfg["type_abbreviations"].items(), key=lambda kv: len(kv[0]), reverse=True):
        esc = re.escape(ab)
        if len(ab.replace(".", "")) == 1:
            # one-letter abbreviations only with a dot ("H. Tuy An", "P.9") or before a number ("P 9")
            pat = re.compile(rf"^{esc}(?:\.\s*|\s+(?=\d))", 0)
        else:
            pat = re.compile(rf"^{esc}(?:\.\s*|\s+)", 0)
        abbrevs.append((pat, full))
    types = sorted(((fold(t), t) for t in cfg["unit_types"]), key=lambda kv: len(kv[0]), reverse=True)
    return prefix_re, abbrevs, types


def strip_prefix(t: str) -> str:
    prefix_re, _, _ = type_patterns()
    folded = fold(t)
    m = prefix_re.match(folded)
    if not m or not m.group(0).strip():
        return t
    # advance in the original string by the same number of folded word tokens; a written word may fold to several
    # ("TN&TKQ" → "tn tkq") or none ("&")
    n_words = len(m.group(0).split())
    words = t.split(" ")
    count = i = 0
    while i < len(words) and count < n_words:
        count += len(fold(words[i]).split())
        i += 1
    if count != n_words:
        return t  # the prefix ends inside a written word: leave the name as it is
    rest = " ".join(words[i:])
    return rest.lstrip(" .:,-") or t


def split_type(name: str) -> tuple[str, str]:
    """(official type word or "", rest) of a normalised name: "Huyện Tuy An" → ("Huyện", "Tuy An").

    A name written with diacritics names its type with them: "Quản Bạ" and "Tịnh Biên" are names, not
    "Quận Bạ" or "Tỉnh Biên" (their first words fold to the type words "quan", "tinh"). Only a name
    written wholly without diacritics ("huyen dong xuan") is read by its folded type word, a guess that
    :func:`match_unit` takes back when it finds nothing ("quan hoa" is Huyện Quan Hóa).
    """
    _, _, types = type_patterns()
    f = fold(name)
    plain = f == name.lower()
    words = name.split(" ")
    for ft, t in types:
        if f != ft and not f.startswith(ft + " "):
            continue
        n = len(ft.split())
        if not plain and " ".join(words[:n]).lower() != t.lower():
            continue
        return t, " ".join(words[n:]).strip()
    return "", name


def _cap(w: str) -> str:
    """ "đồng" → "Đồng"; characters whose case mapping changes length ("ß") are left alone."""
    low = w.lower() if len(w.lower()) == len(w) else w
    first = low[:1].upper() if len(low[:1].upper()) == 1 else low[:1]
    return first + low[1:]


@lru_cache(maxsize=1)
def _syllables() -> frozenset[str]:
    """Lower-case syllables of every official name in the reference (legacy and 2025): the vocabulary
    that decides between the readings of a lossy mojibake."""
    words: set[str] = set()
    for schema in ("legacy", "2025"):
        try:
            ref = reference_units(schema)
        except Exception:  # noqa: BLE001 - no reference: no vocabulary, no lossy repair
            continue
        for col in ("unit_name", "province_name"):
            if col in ref:
                for name in ref[col].dropna().astype(str):
                    words.update(unicodedata.normalize("NFC", name).lower().split())
    return frozenset(words)


@lru_cache(maxsize=1)
def _official_names() -> frozenset[str]:
    """Every official unit and province name of the reference, NFC, lower case."""
    out: set[str] = set()
    for schema in ("legacy", "2025"):
        try:
            ref = reference_units(schema)
        except Exception:  # noqa: BLE001
            continue
        for col in ("unit_name", "province_name"):
            if col in ref:
                out.update(unicodedata.normalize("NFC", n).lower() for n in ref[col].dropna().astype(str))
    return frozenset(out)


def _repair_lossy(t: str) -> str:
    """A name whose mojibake lost bytes ("PhÆ°á»ng") → the one reading made of known syllables;
    the text unchanged when there is no reading, or more than one is best (then clean_text's ftfy
    repair and the matcher's report take over)."""
    cands = lossy_mojibake_candidates(t)
    if not cands:
        return t
    vocab, names = _syllables(), _official_names()
    # a reading that is an official name wins; else the one with the most known syllables
    scored = sorted(
        (((_normalize_once(c).lower() in names), sum(w.lower() in vocab for w in c.split()), c) for c in cands),
        reverse=True,
    )
    if len(scored) > 1 and scored[0][:2] == scored[1][:2]:
        return t  # two readings equally plausible: leave it to the matcher's report
    return scored[0][2]


def normalize_name(s: object) -> str:
    """A unit name as written → its normalised form (not yet matched).

    Repairs mojibake, applies NFC and new-style tone marks, collapses
    whitespace, strips leading row numbers, a number's leading zeros ("Phường 01"), a trailing note in brackets
    ("(sáp nhập)"; no official name has brackets) and prefixes ("UBND", "Bộ phận một
    cửa"), expands type abbreviations ("TP." → "Thành phố", "TX" → "Thị xã",
    "H." → "Huyện", "TT" → "Thị trấn", "P." → "Phường"), writes the type word
    officially and title-cases names written all in lower or upper case.

    >>> normalize_name("UBND TP. Tuy Hoà")
    'Thành phố Tuy Hòa'
    >>> normalize_name("huyen dong xuan")
    'Huyện Dong Xuan'

    Applied until it no longer changes the text (at most four passes), so the
    result is a fixed point: normalising it again gives the same string.

    Exceptions: none — any object (None included) gives a string.
    """
    t = "" if s is None else str(s)
    for _ in range(4):
        nxt = _normalize_once(_repair_lossy(t))  # a repair can reveal another layer of mojibake ("\x80Ä»" → "Ä»" → "Ļ")
        if nxt == t:
            break
        t = nxt
    return t


def _normalize_once(s: object) -> str:
    t = clean_text(s)
    t = re.sub(r"^(?:\d+(?:\.\d+)*|[IVXLC]+)[.)]\s+", "", t)  # leading STT "1.", "1.2 ", "II."
    t = re.sub(r"\s*[,;–-]\s*(?:tỉnh|tinh|TỈNH)\s+.*$", "", t)  # trailing ", tỉnh Phú Yên"
    t = re.sub(r"(?<=\S)\s*[(\[][^()\[\]]*[)\]]$", "", t)  # a trailing note "(sáp nhập)", "(TP. Buôn Ma Thuột cũ)"
    t = strip_prefix(t)
    t = re.sub(r"(?<=\s)0+(?=[1-9]\d*$)", "", t)  # "Phường 01" is Phường 1 (no official name has a leading zero)
    _, abbrevs, types = type_patterns()
    for pat, full in abbrevs:
        m = pat.match(t)
        if m and t[m.end() :].strip():
            t = full + " " + t[m.end() :].strip()
            break
    if t and (t == t.lower() or t == t.upper()):
        t = " ".join(_cap(w) for w in t.split(" "))
    typ, rest = split_type(t)
    if typ:
        t = f"{typ} {rest}".strip()
    return t
