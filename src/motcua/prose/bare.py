"""Unit names written without their level word, once the article's province (or its absence) is known.

Grain: one :class:`~motcua.prose.units.UnitMention` per bare name of a sentence: a district of the
article's province ("Bắc Trà My vươn lên …"), or, in an article on several provinces or the whole
country, a province ("Hải Phòng với 96,17%"; after "Trung tâm Phục vụ hành chính công" its centre).
Capitalised, never inside another mention.
"""

from __future__ import annotations

import re
from functools import lru_cache

from motcua.prose.units import UnitMention, units_by_code
from motcua.prose.vocab import norm


@lru_cache(maxsize=64)
def _bare_name_re(province_code: str, schema: str) -> tuple[re.Pattern[str] | None, dict[str, dict[str, str]]]:
    rows = {
        norm(r["short_name"]): r
        for r in units_by_code().values()
        if r["unit_schema"] == schema
        and r["unit_level"] == "district"
        and r["province_code"] == province_code
        and not r["short_name"].isdigit()
        and len(r["short_name"]) >= 4
    }
    if not rows:
        return None, {}
    alts = sorted(rows, key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(a) for a in alts) + r")(?!\w)"), rows


def find_bare_names(
    sentence: str, province_code: str | None, taken: list[UnitMention], schema: str = "legacy"
) -> list[UnitMention]:
    """District names written without "huyện"/"thị xã" ("Bắc Trà My vươn lên …"), once the
    province is known; capitalised, not inside another mention."""
    if not province_code:
        return []
    rx, rows = _bare_name_re(province_code, schema)
    if rx is None:
        return []
    out = []
    for m in rx.finditer(norm(sentence)):
        if not sentence[m.start()].isupper():
            continue
        if any(not (m.end() <= t.start or m.start() >= t.end) for t in taken):
            continue
        row = rows[m.group(0)]
        out.append(
            UnitMention(
                m.start(),
                m.end(),
                sentence[m.start() : m.end()],
                norm(row["unit_type"]),
                sentence[m.start() : m.end()],
                False,
                False,
            )
        )
    return out


@lru_cache(maxsize=2)
def _province_names(schema: str) -> tuple[re.Pattern[str] | None, dict[str, str]]:
    names = {
        norm(r["short_name"]): norm(r["unit_type"])
        for r in units_by_code().values()
        if r["unit_schema"] == schema and r["unit_level"] == "province" and len(r["short_name"]) >= 4
    }
    if not names:
        return None, {}
    alts = sorted(names, key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(a) for a in alts) + r")(?!\w)"), names


def find_bare_provinces(sentence: str, taken: list[UnitMention], schema: str = "legacy") -> list[UnitMention]:
    """Province names written without "tỉnh"/"thành phố" ("Hải Phòng với 96,17%"), for articles that name
    no one province; capitalised, not inside another mention. They read as "<its type> <name>"; after
    "Trung tâm Phục vụ hành chính công" the mention is that province's centre."""
    rx, names = _province_names(schema)
    if rx is None:
        return []
    out = []
    for m in rx.finditer(norm(sentence)):
        if not sentence[m.start()].isupper() or any(not (m.end() <= t.start or m.start() >= t.end) for t in taken):
            continue
        centre = re.search(
            r"(?:trung tâm (?:phục vụ )?hành chính công|văn phòng (?:ubnd|ủy ban nhân dân))\s+$",
            norm(sentence[: m.start()]),
        )
        start = centre.start() if centre else m.start()  # "Trung tâm Phục vụ hành chính công Quảng Nam"
        out.append(
            UnitMention(
                start,
                m.end(),
                sentence[start : m.end()],
                names[m.group(0)],
                sentence[m.start() : m.end()],
                bool(centre),
                False,
            )
        )
    return out
