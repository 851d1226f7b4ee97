"""The provincial level as units: the provincial public-administration centre and the agencies.

Agencies (sở, ban, ngành, "Công an tỉnh") receive dossiers like districts and communes, but have no code in
the official unit list. ``config/agencies.yaml`` gives each a stable key; a row of an agency is booked as
``unit_code = "<province code>-<key>"`` at ``unit_level = "agency"``, in the province of the row's era.

Matching is exact: a name as written, cleaned like a unit name (mojibake, NFC, new-style tone marks, runs
of spaces), without a leading "UBND"-style prefix and without a trailing "tỉnh" or the province's own name,
equals the entry's name or one of its aliases. Diacritics count: "Cong an tinh", written wholly without
diacritics, matches by its folded form; "Công an tịnh" does not. A name that starts like an agency
("Sở …", "Ban …") and equals no entry is not guessed: :func:`agency_candidates` lists the closest entries
for the finding.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from rapidfuzz import fuzz, process

from motcua.config import ConfigError, load_config
from motcua.ingest.text import accent_key, clean_text, fold

__all__ = [
    "Agency",
    "agencies",
    "agency_code",
    "match_agency",
    "looks_like_agency",
    "agency_candidates",
    "is_agency_code",
]

#: "66-cong-an": a province code, a dash, the agency's key.
_AGENCY_CODE = re.compile(r"^\d{2}-[a-z0-9][a-z0-9-]*$")
_LEADING = re.compile(r"^(?:\d+(?:\.\d+)*|[IVXLC]+)[.)]\s+")


@dataclass(frozen=True)
class Agency:
    """One entry of config/agencies.yaml."""

    key: str
    name: str
    aliases: tuple[str, ...] = ()

    def code(self, province_code: str) -> str:
        """The panel's unit_code of this agency in a province ("66" → "66-cong-an")."""
        return agency_code(province_code, self.key)


def agency_code(province_code: str, key: str) -> str:
    return f"{str(province_code).zfill(2)}-{key}"


def is_agency_code(code: object) -> bool:
    """True for an agency's unit_code ("66-cong-an"), False for an official code ("555")."""
    return bool(_AGENCY_CODE.match(str(code)))


_NONE: dict[str, Any] = {}


def _config() -> dict[str, Any]:
    """config/agencies.yaml as loaded (the same object while the config is: memoised by identity)."""
    try:
        return load_config().extra.get("agencies") or _NONE
    except ConfigError:  # a config file with an unknown key: said, never replaced by no agencies
        raise
    except Exception:  # noqa: BLE001 - no config folder (installed package): no agencies
        return _NONE


def agencies() -> tuple[Agency, ...]:
    """The entries of config/agencies.yaml, in file order (read once per loaded config)."""
    cfg = _config()
    memo = _MEMO.get("agencies")
    if memo is not None and memo[0] is cfg:  # the memo holds ``cfg``: its id cannot be reused meanwhile
        return memo[1]
    out = []
    for e in cfg.get("agencies") or []:
        out.append(Agency(str(e["key"]), clean_text(e["name"]), tuple(clean_text(a) for a in e.get("aliases") or [])))
    keys = [a.key for a in out]
    dup = {k for k in keys if keys.count(k) > 1}
    if dup:
        raise ValueError(f"config/agencies.yaml: keys used twice: {', '.join(sorted(dup))}")
    bad = [k for k in keys if not is_agency_code(agency_code("00", k))]
    if bad:
        raise ValueError(f"config/agencies.yaml: keys must be lower-case ASCII words joined by '-': {', '.join(bad)}")
    _MEMO["agencies"] = (cfg, tuple(out))
    return tuple(out)


_MEMO: dict[str, tuple[dict[str, Any], tuple[Agency, ...]]] = {}


def _prefixes() -> tuple[str, ...]:
    return tuple(clean_text(p) for p in _config().get("agency_prefixes") or [])


def _plain(text: str) -> bool:
    """True when the text carries no diacritic at all (then only its folded form can be compared)."""
    return fold(text) == re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


_UNIT_PREFIX = re.compile(r"^(?:ủy ban nhân dân|uỷ ban nhân dân|ubnd)\s+", re.I)


def _core(name: str) -> str:
    """The name without numbering, a leading "UBND", and a trailing "tỉnh"/"tỉnh <province>"."""
    t = _LEADING.sub("", clean_text(name)).strip(" .:;,-")
    t = _UNIT_PREFIX.sub("", t)
    return t


def _variants(text: str, province_names: tuple[str, ...]) -> set[str]:
    """Keys of a name with and without a trailing "tỉnh", "tỉnh <province>" or "<province>"."""
    keyf = (lambda s: fold(s).replace(" ", "")) if _plain(text) else accent_key
    t = _core(text)
    out = {keyf(t)}
    tails = ["tỉnh"] + [f"tỉnh {p}" for p in province_names] + list(province_names)
    if _plain(text):
        tails = [fold(x) for x in tails]
        low = fold(t)
    else:
        low = t.lower()
    for tail in sorted(set(tails), key=len, reverse=True):
        tl = tail.lower()
        if tl and low.endswith(" " + tl):
            cut = t[: len(t) - len(tl) - 1].strip(" ,-")
            if cut:
                out.add(keyf(cut))
    return out


@lru_cache(maxsize=4096)
def _entry_keys(a: Agency, plain: bool) -> frozenset[str]:
    """The keys an entry's name and aliases match by (built once per entry: readers ask for them per row)."""
    keyf = (lambda s: fold(s).replace(" ", "")) if plain else accent_key
    keys = set()
    for n in (a.name, *a.aliases):
        keys |= {keyf(n)}
        nl = n.lower()
        if nl.endswith(" tỉnh"):
            keys.add(keyf(n[: -len(" tỉnh")]))
    return frozenset(keys)


def match_agency(name: object, province_names: tuple[str, ...] = ()) -> Agency | None:
    """The agency ``name`` names exactly, or None. ``province_names``: short names of the row's province
    ("Đắk Lắk", "Phú Yên"), accepted after "tỉnh" at the end of the name."""
    text = clean_text(name)
    if not text:
        return None
    plain = _plain(text)
    want = _variants(text, province_names)
    hits = [a for a in agencies() if _entry_keys(a, plain) & want]
    return hits[0] if len(hits) == 1 else None


def looks_like_agency(name: object) -> bool:
    """True when a name starts like a provincial agency ("Sở …", "Công an …", "Trung tâm Phục vụ hành chính
    công tỉnh") — config/agencies.yaml ``agency_prefixes``; diacritics count unless the name has none."""
    text = _core(clean_text(name))
    if not text:
        return False
    plain = _plain(text)
    low = fold(text) if plain else text.lower()
    for p in _prefixes():
        pl = fold(p) if plain else p.lower()
        if low == pl or low.startswith(pl + " "):
            return True
    return False


def agency_candidates(name: object, n: int = 3) -> list[str]:
    """The ``n`` closest agency names (for a finding about an unknown agency)."""
    names = {a.key: a.name for a in agencies()}
    if not names:
        return []
    q = fold(_core(clean_text(name)))
    found = process.extract(q, {k: fold(v) for k, v in names.items()}, scorer=fuzz.token_set_ratio, limit=n)
    return [names[k] for _, _, k in found]
