"""Unit mentions in prose and their official codes.

Grain: one :class:`UnitMention` per phrase naming a unit ("UBND thành phố Tuy Hoà",
"bộ phận một cửa thành phố", "UBND các phường xã", "Phường 9"). A mention is

* named: a level word followed by a capitalised name or a number;
* generic: an institution ("UBND", "bộ phận một cửa") and a level word without a
  name — it means the last named unit of that kind ("thành phố" → Tuy Hòa);
* aggregate: several units of a level ("các phường, xã", "cấp xã") — kept as its
  own scope, never merged with a single unit, and never given a code.

Codes come from the ingest helper's name matching
(:func:`motcua.ingest.names.match_unit`) when it is installed, otherwise from the
project's frozen reference list ``src/motcua/reference/units.csv`` with the same
keys (new-style tone marks, then a diacritic-free key).
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from motcua.numfmt import num
from motcua.prose.vocab import norm, strip_marks

LEVEL_WORDS: dict[str, str] = {
    "tỉnh": "province",
    "thành phố": "district",  # or a centrally-run city (province): the match decides
    "tp": "district",
    "thị xã": "district",
    "tx": "district",
    "huyện": "district",
    "quận": "district",
    "thị trấn": "commune",
    "phường": "commune",
    "xã": "commune",
}
_CANON = {"tp": "thành phố", "tx": "thị xã", "q": "quận", "p": "phường", "h": "huyện", "tt": "thị trấn"}

_INSTITUTION = (
    r"(?:ubnd|ủy ban nhân dân|hđnd|bộ phận một cửa(?: liên thông)?|bộ phận tiếp nhận và trả kết quả(?: giải quyết tthc)?"
    r"|bộ phận tn(?:&|và)tkq|trung tâm phục vụ hành chính công|trung tâm hành chính công|văn phòng hđnd và ubnd"
    r"|văn phòng ubnd|chủ tịch ubnd|toàn|trên địa bàn|trên toàn)"
)
_LEVEL = r"(?:thành phố|thị xã|thị trấn|huyện|quận|phường|xã|tỉnh|tp\.?|tx\.?|(?:q|p|h|tt)\.)"
_AGG_COMMUNE = r"(?:phường|xã|thị trấn)(?:\s*(?:,|và|/|-)\s*(?:phường|xã|thị trấn)|\s+(?:phường|xã|thị trấn))+"
_AGG_DISTRICT = r"(?:huyện|thị xã|thành phố|quận)(?:\s*(?:,|và|/|-)\s*(?:huyện|thị xã|thành phố|quận))+"
_MENTION = re.compile(
    rf"(?P<inst>(?:{_INSTITUTION}\s+(?:của\s+)?)+(?:\d{{1,3}}\s+(?=(?:các\s+)?(?:phường|xã|thị trấn|huyện|quận)))?)?"
    rf"(?:(?P<agg>(?:(?:các|những)\s+)(?:{_AGG_COMMUNE}|{_AGG_DISTRICT}|phường|xã|thị trấn|huyện|quận)(?!\w)"
    rf"|cấp\s+(?:xã|huyện|tỉnh)(?:\s*(?:,|và|/)\s*(?:cấp\s+)?(?:xã|huyện|tỉnh))*(?!\w)|{_AGG_COMMUNE}(?!\w)|{_AGG_DISTRICT}(?!\w))"
    rf"|(?P<level>{_LEVEL})(?:(?<=\.)|(?![\w])))"
)
_STOP_NAME = {"Tỉnh", "Huyện", "Quận", "Phường", "Xã", "UBND", "Ủy", "Uỷ", "Về", "Trong", "Tại", "Theo", "Năm"}
_STOP_PAIR = re.compile(r"(?:Thành|THÀNH)\s+(?:phố|PHỐ)|(?:Thị|THỊ)\s+(?:xã|trấn|XÃ|TRẤN)")


@dataclass
class UnitMention:
    """A unit phrase at [start, end) of a sentence. ``written`` is the phrase as written."""

    start: int
    end: int
    written: str
    level_word: str | None
    name: str | None
    institution: bool
    aggregate: bool
    aggregate_level: str | None = None
    possessive: bool = False
    qualifier: bool = False  # "(tỉnh Phú Yên)" right after a lower-level unit: where it is, not who
    territory: bool = False  # "toàn huyện", "trên địa bàn tỉnh": the whole area, all levels together
    org: bool = False  # a department or agency ("Sở Tư pháp", "Văn phòng Đăng ký đất đai"), not an admin unit


_RANK = {"commune": 0, "district": 1, "agency": 2, "province": 2, "national": 3}
#: The provincial agencies together ("các sở, ban, ngành", "khối sở, ngành").
_AGENCIES = re.compile(
    r"(?<!\w)(?:các|những|khối)\s+sở(?:\s*,\s*|\s+)(?:ban(?:\s*,\s*|\s+))?ngành(?:\s+(?:cấp\s+)?tỉnh)?(?!\w)"
)
#: The whole country as a scope ("trên cả nước", "bình quân cả nước", "giá trị trung bình toàn quốc").
_NATIONAL = re.compile(
    r"(?<!\w)(?:(?:giá trị\s+)?(?:bình quân|trung bình)\s+(?:của\s+)?)?(?:trên\s+)?(?:cả nước|toàn quốc)(?!\w)"
)


def _level_of(m: UnitMention) -> str | None:
    return m.aggregate_level if m.aggregate else LEVEL_WORDS.get(m.level_word or "")


@dataclass
class Unit:
    """A resolved unit (or aggregate scope) that figures belong to."""

    written: str
    level: str | None
    code: str | None = None
    official_name: str | None = None
    province_code: str | None = None
    parent_code: str | None = None
    aggregate: bool = False
    flags: list[str] = field(default_factory=list)
    base_written: str | None = None  # a generic mention's named antecedent as written
    scope: str = "unit"  # "unit" (its own one-stop shop / office) or "territory" (the whole area)

    @property
    def key(self) -> tuple[Any, ...]:
        if self.code:
            return ("code", self.level, self.code, self.scope)
        return ("name", self.level, norm(self.written), self.province_code, self.parent_code, self.scope)


def _name_after(text: str, pos: int) -> tuple[str | None, int]:
    """A capitalised name (or a number) starting at ``pos`` of the original text."""
    m = re.match(r"\s+", text[pos:]) or (re.match(r"", text[pos:]) if text[pos - 1 : pos] == "." else None)
    if not m:
        return None, pos
    i = pos + m.end()
    tokens: list[str] = []
    end = pos
    while i < len(text):
        tm = re.match(r"(\d{1,2})(?!\d|[.,]\d)|([^\W\d_][\w]*)", text[i:])
        if not tm:
            break
        tok = tm.group(0)
        if tm.group(1):
            tokens.append(tok)
            end = i + len(tok)
            break
        if (
            not tok[0].isupper()
            or tok in _STOP_NAME
            or (len(tok) > 1 and tok.isupper() and not tokens)
            or _STOP_PAIR.match(text, i)
        ):
            break
        if len(tok) > 1 and tok.isupper():  # CCHC, TTHC after a name
            break
        tokens.append(tok)
        end = i + len(tok)
        j = end
        sep = re.match(r" - (?=[^\W\d_])| (?=[^\W_])", text[j:])
        if not sep:
            break
        i = j + sep.end()
        if sep.group(0) == " - ":
            nxt = re.match(r"[^\W\d_]\w*", text[i:])
            if not nxt or not nxt.group(0)[0].isupper() or nxt.group(0) in _STOP_NAME:
                break
            tokens.append("-")
    while tokens and tokens[-1] == "-":
        tokens.pop()
    if not tokens:
        return None, pos
    return " ".join(tokens).replace(" - ", " - "), end


_ORG = re.compile(
    r"(?<![\w])(?:Sở|Ban|Phòng|Chi cục|Cục|Công an|Bảo hiểm xã hội|Văn phòng Đăng ký đất đai"
    r"|Chi nhánh Văn phòng Đăng ký đất đai|Kho bạc Nhà nước|Chi cục Thuế|Đội Thuế)(?=\s+[^\W\d_])"
)
_ORG_STOP = re.compile(
    r"(?:đạt|tiếp nhận|với|có|đã|là|được|xếp|giải quyết|dẫn đầu|đứng|tổ chức|thực hiện|và|cho biết"
    r"|tỉnh|huyện|thành phố|thị xã|quận)(?!\w)"
)


def _org_name(sentence: str, pos: int) -> str:
    """Words after an agency word up to a verb, punctuation or a digit (at most eight); "và" and a
    comma only between capitalised words ("Sở Khoa học và Công nghệ", "Sở Văn hóa, Thể thao và Du lịch")."""
    words: list[tuple[str, int]] = []
    for wm in re.finditer(r"(,?\s+)([^\W\d_][\w-]*)", sentence[pos:]):
        if wm.start() != (words[-1][1] if words else 0):
            break
        w = wm.group(2)
        joiner = norm(w) == "và" or "," in wm.group(1)
        if joiner and not re.match(r"\s+[^\W\d_]", sentence[pos + wm.end() :]):
            break
        nxt = re.match(r"\s+([^\W\d_][\w-]*)", sentence[pos + wm.end() :])
        if norm(w) == "và" and not (nxt and nxt.group(1)[0].isupper()):
            break
        if "," in wm.group(1) and not w[0].isupper():
            break
        if (_ORG_STOP.fullmatch(norm(w)) and norm(w) != "và") or len(words) >= 8:
            break
        if len(words) >= 1 and norm(words[-1][0] + " " + w) in (
            "tiếp nhận",
            "giải quyết",
            "dẫn đầu",
            "tổ chức",
            "thực hiện",
            "cho biết",
        ):
            words.pop()
            break
        words.append((w, wm.end()))
    while words and norm(words[-1][0]) == "và":
        words.pop()
    return sentence[pos : pos + words[-1][1]] if words else ""


def find_mentions(sentence: str) -> list[UnitMention]:
    """Unit mentions of one sentence, in order, not overlapping."""
    ntext = norm(sentence)
    out: list[UnitMention] = []
    for m in _MENTION.finditer(ntext):
        inst = bool(m.group("inst"))
        territory = bool(m.group("inst")) and bool(re.match(r"(?:toàn|trên địa bàn|trên toàn)\s", m.group("inst")))
        before = ntext[max(0, m.start() - 6) : m.start()]
        possessive = bool(re.search(r"(?:của|thuộc)\s$", before))
        if m.group("agg"):
            agg = m.group("agg")
            lvl = (
                "district"
                if re.search(r"huyện|quận|thị xã|thành phố", agg)
                and not re.search(r"phường|xã(?!\w)|thị trấn", agg.replace("thị xã", ""))
                else "commune"
            )
            if re.fullmatch(r"cấp\s+tỉnh", agg.strip()):
                lvl = "province"
            kinds = {
                w for w in ("tỉnh", "huyện", "xã") if re.search(rf"(?<!thị )\b{w}\b", agg.replace("thị xã", "huyện"))
            }
            if agg.startswith("cấp") and len(kinds) > 1:
                lvl = None  # several levels together
            out.append(
                UnitMention(m.start(), m.end(), sentence[m.start() : m.end()], None, None, inst, True, lvl, possessive)
            )
            continue
        lw = m.group("level").rstrip(".")
        if lw in ("q", "p", "h", "tt") and _name_after(sentence, m.end())[0] is None:
            continue  # "P." without a name is not a unit
        lw = _CANON.get(lw, lw)
        if lw == "xã" and re.match(r"\s+hội", ntext[m.end() :]):
            continue
        name, end = _name_after(sentence, m.end())
        if name is None and not inst:
            continue
        out.append(
            UnitMention(
                m.start(),
                end if name else m.end(),
                sentence[m.start() : end if name else m.end()],
                lw,
                name,
                inst,
                False,
                None,
                possessive,
                territory=territory,
            )
        )
    for am in _AGENCIES.finditer(ntext):
        if not any(not (am.end() <= u.start or am.start() >= u.end) for u in out):
            out.append(
                UnitMention(am.start(), am.end(), sentence[am.start() : am.end()], None, None, False, True, "agency")
            )
    for nm in _NATIONAL.finditer(ntext):
        if not any(not (nm.end() <= u.start or nm.start() >= u.end) for u in out):
            out.append(
                UnitMention(nm.start(), nm.end(), sentence[nm.start() : nm.end()], None, None, False, True, "national")
            )
    for om in _ORG.finditer(sentence):
        if any(not (om.end() <= u.start or om.start() >= u.end) for u in out):
            continue
        name = _org_name(sentence, om.end())
        if name or " " in om.group(0):
            out.append(
                UnitMention(
                    om.start(),
                    om.end() + len(name),
                    sentence[om.start() : om.end() + len(name)].strip(),
                    None,
                    None,
                    False,
                    False,
                    None,
                    False,
                    org=True,
                )
            )
    out.sort(key=lambda u: u.start)
    for prev, cur in zip(out, out[1:]):
        gap = sentence[prev.end : cur.start]
        lp, lc = _level_of(prev), _level_of(cur)
        if (
            re.fullmatch(r"\s*(?:[,(–-]|thuộc|của|ở|tại)?\s*", gap)
            and lp
            and lc
            and _RANK[lc] > _RANK[lp]
            and (cur.name or cur.territory or not cur.institution)
        ):
            cur.qualifier = True
    return out


# --------------------------------------------------------------------------- matching


def _key(s: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", strip_marks(norm(s))).strip()


def _akey(s: str) -> str:
    return re.sub(r"[\W_]+", "", norm(s))


@lru_cache(maxsize=1)
def _reference() -> dict[str, list[dict[str, str]]]:
    """Reference rows by folded short name (all schemas)."""
    path = Path(__file__).resolve().parents[1] / "reference" / "units.csv"
    by_key: dict[str, list[dict[str, str]]] = defaultdict(list)
    with path.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            for k in {_key(row["short_name"]), _key(row["unit_name"])}:
                by_key[k].append(row)
    return dict(by_key)


def _ingest_matcher():  # pragma: no cover - depends on the ingest helper's module
    try:
        from motcua.ingest.names import match_unit  # type: ignore[import-not-found]
    except Exception:
        return None
    return match_unit


def lookup(
    level_word: str,
    name: str,
    *,
    schema: str = "legacy",
    province_code: str | None = None,
    parent_code: str | None = None,
) -> list[dict[str, str]]:
    """Reference rows a written (level word, name) can mean, best first.

    Filters by schema, the level word's unit type, the province and the parent
    district when known; exact tone-normalised names beat diacritic-free ones.
    """
    rows = _reference().get(_key(name), [])
    lw = _CANON.get(level_word, level_word)
    rows = [r for r in rows if r["unit_schema"] == schema and norm(r["unit_type"]) == lw]
    if province_code:
        rows = [r for r in rows if r["province_code"] == province_code]
    if parent_code and len(rows) > 1:
        narrowed = [r for r in rows if r["parent_code"] == parent_code]
        rows = narrowed or rows
    exact = [r for r in rows if _akey(r["short_name"]) == _akey(name) or _akey(r["unit_name"]) == _akey(name)]
    return exact or rows


@lru_cache(maxsize=1)
def units_by_code() -> dict[tuple[str, str, str], dict[str, str]]:
    rows: dict[tuple[str, str, str], dict[str, str]] = {}
    for lst in _reference().values():
        for r in lst:
            rows[(r["unit_schema"], r["unit_level"], r["unit_code"])] = r
    return rows


def reference_row(schema: str, level: str, code: str) -> dict[str, str] | None:
    """The reference row of a unit (schema, level, code), or None."""
    return units_by_code().get((schema, level, code))


def _ingest_match(
    level_word: str, part: str, schema: str, province_code: str | None, parent_code: str | None, allow_fuzzy: bool
) -> tuple[dict[str, str] | None, list[str], bool]:
    """Through :func:`motcua.ingest.names.match_unit`: (row, flags, decided)."""
    match_unit = _ingest_matcher()
    res = match_unit(f"{level_word} {part}", schema=schema, province_code=province_code)
    if res.unit_code and (allow_fuzzy or res.method != "fuzzy"):
        row = units_by_code().get((schema, res.unit_level, res.unit_code))
        flags = (
            [f"unit_fuzzy_match: '{level_word} {part}' ≈ {res.unit_name} ({num(res.score, 'vi')}/100)"]
            if res.method == "fuzzy"
            else []
        )
        return row, flags, row is not None
    if res.method == "ambiguous" and res.candidates:
        rows = [units_by_code().get((schema, c.unit_level, c.unit_code)) for c in res.candidates]
        rows = [r for r in rows if r]
        if parent_code:
            narrowed = [r for r in rows if r["parent_code"] == parent_code]
            if len(narrowed) == 1:
                return narrowed[0], [], True
        provs = sorted({r["province_code"] for r in rows})
        return None, [f"unit_ambiguous: '{level_word} {part}' khớp {len(rows)} đơn vị (tỉnh {', '.join(provs)})"], True
    return None, [], False


def match_mention(
    level_word: str,
    name: str,
    *,
    schema: str = "legacy",
    province_code: str | None = None,
    parent_code: str | None = None,
) -> tuple[dict[str, str] | None, list[str]]:
    """The one reference row a named mention means, with flags; ``None`` when none or several.

    Uses the ingest helper's :func:`~motcua.ingest.names.match_unit` (same keys and
    thresholds as the panel's names) when installed, else :func:`lookup`; a name
    shared by several units is settled by the parent district when known. Tries the
    whole name, then shorter leading parts ("Tuy Hoà Cao Đình" → "Tuy Hoà"), the
    shorter parts without fuzzy matching.
    """
    level_word = _CANON.get(level_word.rstrip("."), level_word)
    words = name.split()
    use_ingest = _ingest_matcher() is not None
    for n in range(len(words), 0, -1):
        part = " ".join(words[:n]).strip(" -")
        trimmed = [] if n == len(words) else [f"unit_name_trimmed: khớp phần đầu '{part}'"]
        if use_ingest:
            row, flags, decided = _ingest_match(
                level_word, part, schema, province_code, parent_code, allow_fuzzy=(n == len(words))
            )
            if decided:
                return row, (flags + trimmed) if row else flags
            continue
        rows = lookup(level_word, part, schema=schema, province_code=province_code, parent_code=parent_code)
        if len(rows) == 1:
            return rows[0], trimmed
        if len(rows) > 1:
            provs = sorted({r["province_code"] for r in rows})
            return None, [f"unit_ambiguous: '{level_word} {part}' khớp {len(rows)} đơn vị (tỉnh {', '.join(provs)})"]
    return None, [
        f"unit_unmatched: '{level_word} {name}' không có trong danh mục tham chiếu"
        f"{' của tỉnh ' + province_code if province_code else ''} (có thể đã đổi tên hoặc sáp nhập)"
    ]
