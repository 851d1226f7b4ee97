"""Which unit a figure belongs to: mentions resolved in reading order.

Grain: one :class:`UnitContext` per text. It knows the province the text names or
implies, the last named unit of each kind (so "bộ phận một cửa thành phố" means
the city named before), and the subject carried from sentence to sentence.
A figure takes the nearest mention before it in its sentence that can be a
subject, else the carried subject, else the first mention after it.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace
from typing import Any

from motcua.prose.agency import agency_unit
from motcua.prose.figures import Figure
from motcua.prose.units import (
    LEVEL_WORDS,
    Unit,
    UnitMention,
    lookup,
    match_mention,
    reference_row,
)
from motcua.prose.vocab import norm


class UnitContext:
    """Resolves unit mentions in reading order: province of the text, last named unit per
    level word (for generic mentions like "bộ phận một cửa thành phố"), current subject."""

    def __init__(self, province_code: str | None, schema: str):
        self.province_code = province_code
        self.schema = schema
        self.last_named: dict[str, Unit] = {}
        self.doc_named: dict[str, Unit] = {}  # first named unit per level word anywhere in the text
        self.subject: Unit | None = None

    def prime(self, mentions: list[list[UnitMention]]) -> None:
        """Remember the first named unit of each level word of the whole text, for generic
        mentions that come before any name ("toàn huyện …", the name only later)."""
        for ms in mentions:
            for m in ms:
                if m.name and m.level_word and m.level_word not in self.doc_named and not m.org:
                    row, _ = match_mention(m.level_word, m.name, schema=self.schema, province_code=self.province_code)
                    if row is not None:
                        self.doc_named[m.level_word] = Unit(
                            m.written.strip(),
                            row["unit_level"],
                            row["unit_code"],
                            row["unit_name"],
                            row["province_code"],
                            row.get("parent_code") or None,
                        )

    def resolve(self, m: UnitMention) -> Unit | None:
        """The unit mention ``m`` names: an agency or the provincial centre, an aggregate, a generic mention
        ("thành phố") resolved from the units named before, or a named unit matched in the unit list."""
        if m.org or _provincial_centre(m):
            return self._agency(m)
        if m.aggregate:
            return self._aggregate(m)
        lw = m.level_word or ""
        if m.name is None:
            return self._generic(m, lw)
        return self._named(m, lw)

    def _agency(self, m: UnitMention) -> Unit | None:
        """A provincial agency or the public-administration centre (of the province it names, if any)."""
        prov = self.province_code
        if _provincial_centre(m) and m.name:  # "Trung tâm Phục vụ hành chính công Quảng Nam"
            row, _ = match_mention(m.level_word or "tỉnh", m.name, schema=self.schema)
            prov = row["province_code"] if row is not None and row["unit_level"] == "province" else prov
        return agency_unit(m.written.strip(), prov, self.schema)

    def _aggregate(self, m: UnitMention) -> Unit:
        """An aggregate ("các cơ quan cấp tỉnh", "cả nước", "các xã"): no code; the communes of the district named
        before when the text is about a district or commune; "cấp huyện" in a district's own article is it."""
        if m.aggregate and m.aggregate_level == "agency":
            return Unit(
                m.written.strip(),
                "agency",
                None,
                None,
                self.province_code,
                aggregate=True,
                flags=[f"aggregate_scope: '{m.written.strip()}' là các cơ quan cấp tỉnh gộp lại, không gán mã"],
            )
        if m.aggregate and m.aggregate_level == "national":
            return Unit(
                m.written.strip(),
                "national",
                None,
                None,
                None,
                aggregate=True,
                flags=[f"scope_national: '{m.written.strip()}' là số liệu cả nước"],
            )
        if m.aggregate and m.aggregate_level is None:
            return Unit(
                m.written.strip(),
                None,
                None,
                None,
                self.province_code,
                aggregate=True,
                flags=[f"aggregate_scope: '{m.written.strip()}' gộp nhiều cấp, không gán mã"],
            )
        return self._many_units(m)

    def _many_units(self, m: UnitMention) -> Unit:
        """An aggregate of one level ("các xã", "cấp huyện"): no code; the communes of the district named before
        when the text is about a district or commune; "cấp huyện" in a district's own article is that district."""
        if (
            m.aggregate
            and re.fullmatch(r"cấp huyện", norm(m.written.strip()))
            and self.subject is not None
            and self.subject.level == "district"
            and self.subject.code
        ):
            # in a district's own article "cấp huyện" is that district's one-stop shop, not all districts
            s = self.subject
            return Unit(
                m.written.strip(),
                "district",
                s.code,
                s.official_name,
                s.province_code,
                s.parent_code,
                flags=[
                    f"unit_from_context: '{m.written.strip()}' trong bài về {s.official_name} "
                    f"hiểu là bộ phận một cửa cấp huyện của {s.official_name}"
                ],
            )
        parent = None
        flags = ["aggregate_scope: số liệu chung của nhiều đơn vị, không gán mã"]
        if m.aggregate_level == "commune":
            parent = (
                self.last_named.get("level:district")
                or self.doc_named.get("huyện")
                or self.doc_named.get("thị xã")
                or self.doc_named.get("quận")
            )
            if (
                parent is not None
                and (self.subject is None or self.subject.level in ("district", "commune"))
                and parent.official_name
            ):
                flags.append(
                    f"scope_communes_of: '{m.written.strip()}' là các xã, phường, thị trấn của {parent.official_name}"
                )
            else:
                parent = None
        return Unit(
            m.written.strip(),
            m.aggregate_level,
            None,
            None,
            self.province_code,
            parent.code if parent else None,
            aggregate=True,
            flags=flags,
        )

    def _generic(self, m: UnitMention, lw: str) -> Unit:
        """A mention without a name ("thành phố", "tỉnh"): the unit last named with that level word, else the
        first one named in the text, else the text's province for "tỉnh"; unresolved otherwise."""
        base = (
            self.last_named.get(lw) or self.last_named.get("level:" + LEVEL_WORDS.get(lw, "")) or self.doc_named.get(lw)
        )
        if base is None and lw == "tỉnh" and self.province_code:
            row = reference_row(self.schema, "province", self.province_code)
            base = (
                Unit(
                    m.written.strip(),
                    "province",
                    self.province_code,
                    row["unit_name"] if row else None,
                    self.province_code,
                )
                if row
                else None
            )
        if base is None:
            return Unit(
                m.written.strip(),
                LEVEL_WORDS.get(lw),
                None,
                None,
                self.province_code,
                flags=[f"unit_unresolved: '{m.written.strip()}' không rõ là đơn vị nào"],
            )
        u = Unit(
            m.written.strip(),
            base.level,
            base.code,
            base.official_name,
            base.province_code,
            base.parent_code,
            flags=[f"unit_from_context: '{m.written.strip()}' → {base.official_name}"] if base.official_name else [],
        )
        u.base_written = base.written
        if m.territory:
            u.scope = "territory"
            u.flags.append(
                f"scope_territory: '{m.written.strip()}' là toàn địa bàn (gồm cả cấp dưới), "
                "khác số liệu của riêng bộ phận một cửa"
            )
        return u

    def _named(self, m: UnitMention, lw: str) -> Unit:
        """A named mention matched in the unit list (a commune within the district named before); remembered as
        the last named unit of its level word and level."""
        parent = self.last_named.get("level:district")
        row, flags = match_mention(
            lw,
            m.name,
            schema=self.schema,
            province_code=None if lw == "tỉnh" else self.province_code,
            parent_code=parent.code if parent and LEVEL_WORDS.get(lw) == "commune" else None,
        )
        if row is None:
            return Unit(m.written.strip(), LEVEL_WORDS.get(lw), None, None, self.province_code, flags=flags)
        u = Unit(
            m.written.strip(),
            row["unit_level"],
            row["unit_code"],
            row["unit_name"],
            row["province_code"],
            row.get("parent_code") or None,
            flags=flags,
        )
        if m.territory:
            u.scope = "territory"
            u.flags = u.flags + [
                f"scope_territory: '{m.written.strip()}' là toàn địa bàn (gồm cả cấp dưới), "
                "khác số liệu của riêng bộ phận một cửa"
            ]
        self.last_named[lw] = u
        self.last_named["level:" + row["unit_level"]] = u
        return u

    def update_subject(self, m: UnitMention, u: Unit | None, head: bool = False) -> None:
        """The unit later sentences are about: a named unit or an institution; a province only as
        an institution or at the head of its sentence ("Tỉnh Quảng Nam hiện đứng …"); never an
        aggregate introduced by "của" ("số liệu … của UBND các huyện")."""
        if u is None or m.qualifier or m.org or (u.level == "province" and not (m.institution or head)):
            return
        if m.aggregate and m.possessive:
            return
        if (m.name is not None or m.institution) and not (m.possessive and m.name is None and not m.institution):
            self.subject = u


def _provincial_centre(m: UnitMention) -> bool:
    """ "Trung tâm Phục vụ hành chính công tỉnh (X)", "Văn phòng UBND tỉnh": agencies of the province."""
    bare_city = m.level_word == "thành phố" and not re.search(r"thành phố|tp\.?\s", norm(m.written))
    return (
        m.institution
        and (m.level_word == "tỉnh" or bare_city)
        and bool(
            re.match(
                r"trung tâm (?:phục vụ )?hành chính công|văn phòng (?:ubnd|ủy ban nhân dân)", norm(m.written.strip())
            )
        )
    )


def _province_name(code: str) -> str:
    row = reference_row("legacy", "province", code) or reference_row("2025", "province", code)
    return row["unit_name"] if row else f"tỉnh {code}"


def text_province(mentions: list[list[UnitMention]], schema: str) -> tuple[str | None, list[str]]:
    """The province a text names ("tỉnh Phú Yên") or implies (a district name of one province)."""
    named = Counter()
    implied = Counter()
    for ms in mentions:
        for m in ms:
            if m.name is None or m.level_word is None:
                continue
            lvl = LEVEL_WORDS.get(m.level_word)
            rows = lookup(m.level_word, m.name, schema=schema)
            provs = {r["province_code"] for r in rows}
            if m.level_word == "tỉnh" or any(r["unit_level"] == "province" for r in rows):
                prov_rows = [r for r in rows if r["unit_level"] == "province"]
                if len(prov_rows) == 1:
                    named[prov_rows[0]["province_code"]] += 1
            elif lvl == "district" and len(provs) == 1:
                implied[next(iter(provs))] += 1
    if named:
        code = named.most_common(1)[0][0]
        return code, []
    if implied:
        code = implied.most_common(1)[0][0]
        name = _province_name(code)
        return code, [f"province_implied: {name} ({code}) suy ra từ tên đơn vị cấp huyện"]
    return None, ["province_unknown: bài không nêu tỉnh"]


def unit_for(
    fig: Figure, resolved: list[tuple[UnitMention, Unit | None]], nsent: str, ctx: UnitContext, province: str | None
) -> tuple[Unit, list[str]]:
    """The unit of a figure: the nearest mention before it in the sentence that can be a
    subject; else the subject of earlier sentences; else the first mention after it."""
    named_after = next(
        (
            r
            for r in resolved
            if r[0].start >= fig.end
            and r[1] is not None
            and not r[0].qualifier
            and (
                re.fullmatch(r"[\s,]*(?:(?:năm|quý|tháng)\s+[\w/]+\s+)?(?:là|thuộc về)\s*", nsent[fig.end : r[0].start])
                or re.fullmatch(r"\s*(?:điểm\s*)?\(\s*", nsent[fig.end : r[0].start])
                or re.fullmatch(r"[^,;.()\d]{0,40}\s(?:đã\s+)?được\s+(?:\d+\s+)?", nsent[fig.end : r[0].start])
            )
        ),
        None,
    )
    if named_after is not None:  # "Đứng thứ 2 là UBND tỉnh Quảng Trị với 86,56 điểm", "97,63 điểm (UBND huyện Lâm Hà)",
        # "17.710 hồ sơ đã được 40 xã, phường tiếp nhận"
        return named_after[1], []
    candidates = [r for r in resolved if _can_be_subject(r[0], nsent, fig.start)]
    near = _nearest(candidates, fig.start, lambda r: r[0].end)
    if near is None and ctx.subject is None:
        near = next((r for r in candidates if r[0].start >= fig.end and not r[0].org and r[1] is not None), None)
    if near is not None and near[1] is not None:
        return near[1], []
    if ctx.subject is None:
        return Unit("", None, None, None, province, flags=["unit_unknown: câu và đoạn trước không nêu đơn vị"]), []
    u = ctx.subject
    written = u.base_written or u.written
    u = replace(u, written=written, flags=[f for f in u.flags if not f.startswith("unit_from_context")])
    return u, [f"unit_from_context: đơn vị lấy từ câu trước ('{written}')"]


def _can_be_subject(m: UnitMention, nsent: str, fig_start: int | None = None) -> bool:
    """A bare "cấp huyện" / "phường, xã" names a scope only at the head of a clause
    ("Cấp huyện có …"), not as a modifier ("Bộ chỉ số CCHC cấp huyện")."""
    if m.qualifier:
        return False
    if re.search(r"(?:^|\W)(?:theo|nguồn)\s*:?\s*$", nsent[: m.start]):
        return False  # "Theo Văn phòng UBND thành phố Huế, …": the source, not who the figures are about
    if fig_start is not None and _bracketed(nsent, m.start) and not _bracketed(nsent, fig_start):
        return False  # "(tính cả số liệu của các xã)": an aside, not who the figure is about
    if m.org:  # an agency is the subject only in the figure's own clause ("Sở Tư pháp dẫn đầu với 92,5 điểm")
        return not re.search(r"[,;:]", nsent[m.end : fig_start]) if fig_start is not None else False
    if not m.aggregate or m.institution:
        return True
    head = nsent[: m.start]
    head = head[max(head.rfind(","), head.rfind(";"), head.rfind(":"), head.rfind("."), -1) + 1 :]
    return bool(
        re.fullmatch(
            r"\s*(?:(?:tại|ở|đối với|trong đó|riêng|của|còn|trong khi|khi đó)\s*)*(?:các|những|cấp|\d+)?\s*", head
        )
    ) or bool(re.match(r"(?:các|những|trên|bình quân|trung bình|giá trị)\s", nsent[m.start :]))


def _bracketed(nsent: str, pos: int) -> bool:
    opened = nsent.rfind("(", 0, pos)
    return opened >= 0 and ")" not in nsent[opened:pos]


def _nearest(items: list[Any], pos: int, key_end) -> Any:
    best = None
    for it in items:
        if key_end(it) <= pos:
            best = it
    return best
