"""The facts of one sentence: each figure tied to its unit and period, with the facts it states besides its own.

Grain: one :class:`~motcua.prose.fact.Fact` per figure of the sentence (plus companions). A figure
takes the unit of its nearest mention (:func:`motcua.prose.scope.unit_for`), or the unit of the figure
before it when no unit is named between them; its period is the nearest usable period mention, else the
one carried from an earlier sentence (flagged), else unknown (flagged). Quirks: a share and its count are
linked whichever comes first; early and on-time parts stated apart stay apart unless summed in the text.
"""

from __future__ import annotations

import re

from motcua.prose.definitions import previous_period
from motcua.prose.fact import METRICS, Fact
from motcua.prose.figure_record import Figure
from motcua.prose.periods import PeriodMention
from motcua.prose.scope import UnitContext, unit_for
from motcua.prose.units import Unit, UnitMention


def period_with_context(
    fig: Figure, usable: list[PeriodMention], figs: list[Figure], nsent: str, period_ctx: PeriodMention | None
) -> tuple[PeriodMention | None, list[str]]:
    period = period_for(fig, usable, figs, nsent)
    if period is not None:
        return period, []
    if period_ctx is not None:
        return period_ctx, ["period_from_context: kỳ lấy từ câu trước"]
    return None, ["period_unknown: không xác định được kỳ"]


def link_share(fact: Fact, fi: int, figs: list[Figure], primary: dict[int, Fact]) -> None:
    """Tie a share to its count, whichever comes first in the sentence."""
    fig = figs[fi]
    if fig.attached_to is not None and fig.attached_to < fi:
        fact.link = primary.get(fig.attached_to)
    for pj, pfig in enumerate(figs[:fi]):
        if pfig.attached_to == fi and pj in primary:  # "đạt 99,5% (1.990/2.000 hồ sơ)"
            primary[pj].link = fact
    primary[fi] = fact


def companions(fact: Fact, flags: list[str]) -> list[Fact]:
    """Facts a figure states besides its own: the whole of "X/Y hồ sơ", the field of "xếp thứ 3/9"."""
    fig = fact.fig
    out: list[Fact] = []
    if fig is None:
        return out
    if fig.kind == "fraction" and fig.denominator is not None:
        den_metric = {
            "resolved_ontime": "resolved_total",
            "resolved_late": "resolved_total",
            "received_online": "received_total",
            "received_offline": "received_total",
            "resolved_total": "received_total",
        }.get(fact.metric)
        if den_metric:
            out.append(
                Fact(
                    fact.unit,
                    fact.period,
                    den_metric,
                    fig.denominator,
                    fact.quote,
                    fact.pos,
                    flags + [f"denominator: mẫu số của {fig.token}/{fmt_int(fig.denominator)}"],
                    fig,
                    fact.sentence,
                    False,
                )
            )
    if fig.kind == "rank" and fig.rank_of is not None:
        out.append(
            Fact(
                fact.unit,
                fact.period,
                fact.metric + "_of",
                fig.rank_of,
                fact.quote,
                fact.pos,
                list(fact.flags),
                fig,
                fact.sentence,
                False,
            )
        )
    return out


LEADING = re.compile(r"\s*(?:(?:trong|tính|từ|riêng|đến|tính đến|cụ thể|theo đó|theo báo cáo|kết quả)\s*,?\s*)*")


def period_for(fig: Figure, usable: list[PeriodMention], figs: list[Figure], nsent: str) -> PeriodMention | None:
    """The period of a figure within its sentence: the nearest period before it, unless that one
    is in an earlier clause and not at the head of the sentence while a period follows the figure
    with no other figure between ("Đứng thứ 2 năm 2021, X vươn lên thứ 1 … năm 2022")."""
    left = [p for p in usable if p.end <= fig.start]
    right = [p for p in usable if p.start >= fig.end]
    if not left:
        return right[0] if right else None
    p = left[-1]
    leading = bool(LEADING.fullmatch(nsent[: p.start]))
    other_clause = bool(re.search(r"[,;]\s", nsent[p.end : fig.start]))
    if right and not leading and other_clause:
        r = right[0]
        between = nsent[fig.end : r.start]
        if not any(fig.end <= g.start < r.start for g in figs) and ";" not in between and "trong đó" not in between:
            return r
    return p


def combine_early(facts: list[Fact], si: int) -> None:
    """ "trước hạn X, đúng hạn Y" in one sentence: two parts of the on-time count, kept as parts
    (``resolved_early`` X, ``resolved_ontime_part`` Y); their sum is ``resolved_ontime`` only where the
    text states it ("đúng và trước hạn Z" — checked against the parts). A lone "trước hạn" count is
    ``resolved_early``; a lone "đúng hạn" count stays ``resolved_ontime`` (on time or early, as the
    form counts it)."""
    sent = [f for f in facts if f.sentence == si and f.metric == "resolved_ontime" and f.fig is not None]
    early = [f for f in sent if f.fig.early_only]
    plain = [f for f in sent if not f.fig.early_only and not f.fig.both_ontime]
    shares = [f for f in facts if f.sentence == si and f.metric == "ontime_rate"]
    for e in early:
        e.metric = "resolved_early"
        share_of(e, shares, "early_share")
        sib = next(
            (o for o in plain if o.unit.key == e.unit.key and o.period == e.period and o.fig.kind == "count"), None
        )
        if sib is None:
            continue
        plain.remove(sib)
        sib.metric = "resolved_ontime_part"
        share_of(sib, shares, "ontime_part_share")
        total = e.value + sib.value
        if any(f.fig.both_ontime and f.unit.key == e.unit.key for f in sent):
            continue  # the sum is stated: the parts check says whether they add up
        note = (
            f"parts_of_ontime: trước hạn {fmt_int(e.value)} + đúng hạn {fmt_int(sib.value)} = {fmt_int(total)}; "
            "bài nêu riêng hai phần, không nêu tổng đúng và trước hạn"
        )
        for f in (e, sib):
            f.flags.append(note)


def share_of(count: Fact, shares: list[Fact], metric: str) -> None:
    """The percentage stated with a part ("trước hạn 13.529 hồ sơ, chiếm 86,5%") is that part's share,
    not the on-time rate: kept for the checks only."""
    for r in shares:
        if r.link is count:
            r.metric, r.aux = metric, True


def fmt_int(v: float | int) -> str:
    """A count as a note writes it: "7.697"."""
    from motcua.numfmt import fmt_vi

    return fmt_vi(int(v))


def figure_facts(
    figs: list[Figure],
    resolved: list[tuple[UnitMention, Unit | None]],
    sent: str,
    nsent: str,
    off: int,
    si: int,
    periods: list[PeriodMention],
    period_ctx: PeriodMention | None,
    ctx: UnitContext,
    province: str | None,
    headline: bool,
) -> list[Fact]:
    """The facts of the figures ``figs`` of sentence ``si`` (text ``sent`` at offset ``off``; ``nsent`` normalised),
    its unit mentions ``resolved`` and its period mentions ``periods``; ``headline``: the sentence is a title."""
    usable = [p for p in periods if p.usable]
    quote = " ".join(sent.split())
    comparisons = [p for p in periods if p.comparison]
    primary: dict[int, Fact] = {}
    prev: tuple[Figure, Unit] | None = None
    facts: list[Fact] = []
    for fi, fig in enumerate(figs):
        unit, unit_flags = unit_for(fig, resolved, nsent, ctx, province)
        if (
            prev is not None
            and unit.key != prev[1].key
            and prev[1].written
            and not any(prev[0].end <= m.start < fig.start and (u is None or u.key != prev[1].key) for m, u in resolved)
        ):
            unit, unit_flags = prev[1], []  # no unit named since the figure before: the same unit
        prev = (fig, unit)
        period, period_flags = period_with_context(fig, usable, figs, nsent, period_ctx)
        flags = list(unit.flags) + unit_flags + list(period.flags if period else ()) + period_flags
        if headline:
            flags.append("headline: số liệu trong tiêu đề bài")
        fact = Fact(
            unit,
            period,
            fig.metric or "",
            fig.value,
            quote,
            off + fig.start,
            flags + list(fig.flags),
            fig,
            si,
            (fig.metric or "") not in METRICS,
        )
        link_share(fact, fi, figs, primary)
        if fig.kind in ("score_change", "rank_change") and comparisons:
            fact.ref_period = comparisons[0]
        elif fig.kind in ("score_change", "rank_change") and period is not None:
            fact.ref_period = previous_period(period, nsent)
        facts.append(fact)
        facts.extend(companions(fact, flags))
    return facts
