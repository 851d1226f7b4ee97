"""Prose → facts: the library API of ``motcua extract``.

Grain of the result: one row per fact = (file, unit as written, period, metric,
value) with the sentence it came from (``quote``) and ``flags`` (a list of
"code: message" strings: consistency results, how the unit or the period was
resolved, derived values). Rows are ordered by file (in the order given), then
by position in the text, then by metric. Nothing is merged: the same metric for
two scopes ("bộ phận một cửa thành phố" and "UBND các phường xã") gives two rows;
only the same figure stated twice (same unit, period, metric, value) is one row.

``unit_level`` is province, district or commune (codes of the era the text's periods
fall in), agency (sở, ban, Công an tỉnh, the provincial centre: "<province>-<key>"
as the panel books them), national, or None. Metrics: counts of dossiers (early and
on-time parts kept apart unless the text states their sum), rates, and the scores and
ranks of each index as metrics of their own (``par_*`` for the PAR index, ``index766_*``
for the 766 index; ``*_rank_of`` the size of the field; a flag "index:" names it).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from motcua.extract.bare import find_bare_names, find_bare_provinces
from motcua.extract.checks import check_facts
from motcua.extract.conflicts import check_levels, could_be, is_inexact
from motcua.extract.definitions import PeriodBook, previous_period
from motcua.extract.figures import Figure, find_figures, mask_numbers
from motcua.extract.fill import as_of, fill_headlines, fill_index_periods
from motcua.extract.indices import first_index, index_of, name_index
from motcua.extract.periods import PeriodMention, article_date, find_periods
from motcua.extract.reader import drop_furniture, read_document
from motcua.extract.scope import UnitContext, text_province, unit_for
from motcua.extract.segment import headline_offsets, sentences
from motcua.extract.units import Unit, find_mentions
from motcua.extract.vocab import Vocab, load_vocab, norm, phrase_re
from motcua.extract.words import spell_out
from motcua.ingest.eras import reform_date
from motcua.numfmt import fmt_vi

#: The fields of a fact, in output order.
FACT_COLUMNS: list[str] = [
    "file",
    "unit_name",
    "unit_code",
    "province_code",
    "unit_level",
    "period_start",
    "period_end",
    "metric",
    "value",
    "quote",
    "flags",
]

#: Metrics a fact may carry, in output order within a sentence.
METRICS: list[str] = [
    "received_total",
    "received_online",
    "received_offline",
    "carried_over",
    "received_in_period",
    "resolved_total",
    "resolved_ontime",
    "resolved_early",
    "resolved_ontime_part",
    "resolved_late",
    "pending_total",
    "ontime_rate",
    "online_rate",
    "par_score",
    "par_rank",
    "par_rank_of",
    "index766_score",
    "index766_rank",
    "index766_rank_of",
]
COUNT_METRICS = {
    "received_total",
    "received_online",
    "received_offline",
    "carried_over",
    "received_in_period",
    "resolved_total",
    "resolved_ontime",
    "resolved_early",
    "resolved_ontime_part",
    "resolved_late",
    "pending_total",
    "par_rank",
    "par_rank_of",
    "index766_rank",
    "index766_rank_of",
}
#: The index metrics: a prefix per index (config/extract.yaml ``index_names``), the same suffixes.
INDEX_PREFIXES = ("par", "index766")


@dataclass
class Fact:
    """A fact while it is being built (``pos`` orders it; ``aux`` are check-only figures)."""

    unit: Unit
    period: PeriodMention | None
    metric: str
    value: float | int
    quote: str
    pos: int
    flags: list[str] = field(default_factory=list)
    fig: Figure | None = None
    sentence: int = 0
    aux: bool = False
    link: Fact | None = None  # the count a share belongs to
    ref_period: PeriodMention | None = None  # "so với năm 2021" of a change


# --------------------------------------------------------------------------- extraction


def _period_with_context(
    fig: Figure, usable: list[PeriodMention], figs: list[Figure], nsent: str, period_ctx: PeriodMention | None
) -> tuple[PeriodMention | None, list[str]]:
    period = _period_for(fig, usable, figs, nsent)
    if period is not None:
        return period, []
    if period_ctx is not None:
        return period_ctx, ["period_from_context: kỳ lấy từ câu trước"]
    return None, ["period_unknown: không xác định được kỳ"]


def _link(fact: Fact, fi: int, figs: list[Figure], primary: dict[int, Fact]) -> None:
    """Tie a share to its count, whichever comes first in the sentence."""
    fig = figs[fi]
    if fig.attached_to is not None and fig.attached_to < fi:
        fact.link = primary.get(fig.attached_to)
    for pj, pfig in enumerate(figs[:fi]):
        if pfig.attached_to == fi and pj in primary:  # "đạt 99,5% (1.990/2.000 hồ sơ)"
            primary[pj].link = fact
    primary[fi] = fact


def _companions(fact: Fact, flags: list[str]) -> list[Fact]:
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
                    flags + [f"denominator: mẫu số của {fig.token}/{fmt_vi(int(fig.denominator))}"],
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


def extract_text(
    text: str, *, file: str = "<text>", published: date | str | None = None, vocab: Vocab | None = None
) -> pd.DataFrame:
    """Facts stated in one document's text (see the module docstring for the grain).

    ``published`` is the article's date; when None it is read from the text
    ("Đăng ngày: 19/05/2023", "03:55:00 | 22-10-2022", else the first full date).
    """
    facts = _extract(text, file=file, published=published, vocab=vocab)
    return _to_frame(facts, file)


def _extract(text: str, *, file: str, published: date | str | None, vocab: Vocab | None) -> list[Fact]:
    """Facts of one text, in reading order: furniture dropped, the article date and the
    province found, then sentence by sentence (units and periods carried over from earlier
    sentences), then headline repeats dropped and consistency checks added."""
    v = vocab or load_vocab()
    body, _dropped = drop_furniture(text, v)
    nbody = norm(body)
    if isinstance(published, str):
        published = date.fromisoformat(published)
    ref, how = (published, "tham số") if published else article_date(nbody)
    ref_strong = how in ("tham số", "ngày đăng", "dấu thời gian", "dòng ngày")
    reform = bool(
        ref and ref >= date(2025, 7, 1) and (phrase_re(v.raw["reform_words"]).search(nbody) or ref < date(2026, 7, 1))
    )
    schema, era_flags = _era(nbody, ref, v, ref_strong, reform)
    sents = sentences(body)
    heads = headline_offsets(body)
    all_mentions = [find_mentions(s) for _, s in sents]
    province, prov_flags = text_province(all_mentions, schema)
    if province:
        all_mentions = [
            sorted(ms + find_bare_names(s, province, ms, schema), key=lambda u: u.start)
            for (_, s), ms in zip(sents, all_mentions)
        ]
    else:  # an article on several provinces or the whole country: provinces named without "tỉnh"
        all_mentions = [
            sorted(ms + find_bare_provinces(s, ms, schema), key=lambda u: u.start)
            for (_, s), ms in zip(sents, all_mentions)
        ]
    par_doc = bool(v.par.search(nbody) or v.index766.search(nbody))
    doc_index = first_index(nbody, v)
    ctx = UnitContext(province, schema)
    ctx.prime(all_mentions)
    period_ctx: PeriodMention | None = None
    book = PeriodBook()
    for _off, sent in sents:  # definitions first: a title's "quý I" means what the lead defines
        nsent = norm(sent)
        book.read(nsent, find_periods(nsent, ref, v, ref_strong=ref_strong, reform=reform))
    facts: list[Fact] = []
    for si, ((off, sent), mentions) in enumerate(zip(sents, all_mentions)):
        nsent = norm(sent)
        periods = book.read(nsent, find_periods(nsent, ref, v, ref_strong=ref_strong, reform=reform))
        usable = [p for p in periods if p.usable]
        resolved = [(m, ctx.resolve(m)) for m in mentions]
        spelled, said = spell_out(nsent, v)
        masked = mask_numbers(spelled, [(p.start, p.end) for p in periods])
        figs = find_figures(
            spelled,
            masked,
            sent,
            [(m.start, m.end) for m in mentions],
            v,
            par_doc=par_doc,
            i766_doc=doc_index == "index766",
        )
        index = index_of(nsent, doc_index, v)
        for fig in figs:
            name_index(fig, index, v)
            if fig.start in said:
                fig.flags.append(f"number_in_words: {said[fig.start]}")
        quote = " ".join(sent.split())
        comparisons = [p for p in periods if p.comparison]
        primary: dict[int, Fact] = {}
        prev: tuple[Figure, Unit] | None = None
        for fi, fig in enumerate(figs):
            unit, unit_flags = unit_for(fig, resolved, nsent, ctx, province)
            if (
                prev is not None
                and unit.key != prev[1].key
                and prev[1].written
                and not any(
                    prev[0].end <= m.start < fig.start and (u is None or u.key != prev[1].key) for m, u in resolved
                )
            ):
                unit, unit_flags = prev[1], []  # no unit named since the figure before: the same unit
            prev = (fig, unit)
            period, period_flags = _period_with_context(fig, usable, figs, nsent, period_ctx)
            flags = list(unit.flags) + unit_flags + list(period.flags if period else ()) + period_flags
            if off in heads:
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
            _link(fact, fi, figs, primary)
            if fig.kind in ("score_change", "rank_change") and comparisons:
                fact.ref_period = comparisons[0]
            elif fig.kind in ("score_change", "rank_change") and period is not None:
                fact.ref_period = previous_period(period, nsent)
            facts.append(fact)
            facts.extend(_companions(fact, flags))
        _combine_early(facts, si)
        for m, u in resolved:
            ctx.update_subject(m, u, head=not sent[: m.start].strip(" -–(\"'"))
        carried = [p for p in usable if not _ASIDE.search(nsent[max(0, p.start - 16) : p.start])]
        if carried:
            period_ctx = carried[-1]
    facts = _drop_headline_repeats(facts)
    fill_headlines(facts)
    fill_index_periods(facts, as_of(nbody, ref))
    facts = check_facts(facts, v)
    check_levels(facts, reform_date())
    for f in facts:
        if province and not f.unit.province_code:
            f.unit.province_code = province
    if prov_flags and facts:
        for f in facts:
            if not f.unit.code:
                f.flags = list(dict.fromkeys(f.flags + prov_flags))
    for f in facts:
        if era_flags and f.unit.code:
            f.flags = list(dict.fromkeys(f.flags + era_flags))
    return _drop_repeats([f for f in facts if not f.aux])


def _drop_repeats(facts: list[Fact]) -> list[Fact]:
    """The same figure stated again (same unit, period, metric and value) is one fact: the first."""
    seen: set[tuple] = set()
    out = []
    for f in facts:
        key = (
            f.unit.key,
            (f.period.period_start, f.period.period_end) if f.period else None,
            f.metric,
            round(float(f.value), 6),
        )
        if key in seen and f.period is not None and f.unit.written:
            continue
        seen.add(key)
        out.append(f)
    return out


def _era(nbody: str, ref: date | None, v: Vocab, ref_strong: bool, reform: bool) -> tuple[str, list[str]]:
    """The unit list names are matched in: the era of most periods the text states, by the day each
    ends (figures up to a day before 1 July 2025 are of the legacy units, later ones of the 2025 units:
    "từ đầu năm đến 29/8/2025" ranks the 34 new provinces), else of the article's date."""
    from motcua.ingest.eras import era_of

    by_date = era_of(ref, "legacy") if ref else "legacy"
    starts = [p.period_end for p in find_periods(nbody, ref, v, ref_strong=ref_strong, reform=reform) if p.usable]
    if not starts:
        return by_date, []
    new = sum(s >= reform_date() for s in starts)
    era = "2025" if 2 * new > len(starts) else ("legacy" if 2 * new < len(starts) else by_date)
    if era == by_date:
        return era, []
    label = "sau" if era == "2025" else "trước"
    return era, [f"era_from_period: kỳ số liệu {label} 01/07/2025 nên đơn vị được đối chiếu với danh mục {era}"]


#: A period after these words is an aside for its own sentence ("Tính chung 9 tháng, …"), not carried on.
_ASIDE = re.compile(r"(?:tính chung|lũy kế|tính cả|cả năm)\s*$")


def _drop_headline_repeats(facts: list[Fact]) -> list[Fact]:
    """A figure in the title that the body states again (same metric, same value, or an approximate or
    rounded title value that the body's exact value could round to) is the body's; keep only the body's."""
    body = [f for f in facts if not f.aux and not any(x.startswith("headline") for x in f.flags)]
    out = []
    for f in facts:
        if f.quote.rstrip().endswith("?"):
            continue  # a question ("Tỉnh nào đứng đầu …?") states no figure
        if (
            any(x.startswith("headline") for x in f.flags)
            and not f.aux
            and any(
                b.metric == f.metric
                and (float(b.value) == float(f.value) or (is_inexact(f) and could_be(f, float(b.value))))
                for b in body
            )
        ):
            continue
        out.append(f)
    return out


_LEADING = re.compile(r"\s*(?:(?:trong|tính|từ|riêng|đến|tính đến|cụ thể|theo đó|theo báo cáo|kết quả)\s*,?\s*)*")


def _period_for(fig: Figure, usable: list[PeriodMention], figs: list[Figure], nsent: str) -> PeriodMention | None:
    """The period of a figure within its sentence: the nearest period before it, unless that one
    is in an earlier clause and not at the head of the sentence while a period follows the figure
    with no other figure between ("Đứng thứ 2 năm 2021, X vươn lên thứ 1 … năm 2022")."""
    left = [p for p in usable if p.end <= fig.start]
    right = [p for p in usable if p.start >= fig.end]
    if not left:
        return right[0] if right else None
    p = left[-1]
    leading = bool(_LEADING.fullmatch(nsent[: p.start]))
    other_clause = bool(re.search(r"[,;]\s", nsent[p.end : fig.start]))
    if right and not leading and other_clause:
        r = right[0]
        between = nsent[fig.end : r.start]
        if not any(fig.end <= g.start < r.start for g in figs) and ";" not in between and "trong đó" not in between:
            return r
    return p


def _combine_early(facts: list[Fact], si: int) -> None:
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
        _share_of(e, shares, "early_share")
        sib = next(
            (o for o in plain if o.unit.key == e.unit.key and o.period == e.period and o.fig.kind == "count"), None
        )
        if sib is None:
            continue
        plain.remove(sib)
        sib.metric = "resolved_ontime_part"
        _share_of(sib, shares, "ontime_part_share")
        total = e.value + sib.value
        if any(f.fig.both_ontime and f.unit.key == e.unit.key for f in sent):
            continue  # the sum is stated: the parts check says whether they add up
        note = (
            f"parts_of_ontime: trước hạn {fmt_vi(int(e.value))} + đúng hạn {fmt_vi(int(sib.value))} = {fmt_vi(int(total))}; "
            "bài nêu riêng hai phần, không nêu tổng đúng và trước hạn"
        )
        for f in (e, sib):
            f.flags.append(note)


def _share_of(count: Fact, shares: list[Fact], metric: str) -> None:
    """The percentage stated with a part ("trước hạn 13.529 hồ sơ, chiếm 86,5%") is that part's share,
    not the on-time rate: kept for the checks only."""
    for r in shares:
        if r.link is count:
            r.metric, r.aux = metric, True


def _value(metric: str, v: float | int) -> float | int:
    if metric in COUNT_METRICS and float(v).is_integer():
        return int(v)
    return float(v)


def _to_frame(facts: list[Fact], file: str) -> pd.DataFrame:
    rows = []
    for f in facts:
        rows.append(
            {
                "file": file,
                "unit_name": f.unit.written or None,
                "unit_code": f.unit.code,
                "province_code": f.unit.province_code,
                "unit_level": f.unit.level,
                "period_start": f.period.period_start.isoformat() if f.period else None,
                "period_end": f.period.period_end.isoformat() if f.period else None,
                "metric": f.metric,
                "value": _value(f.metric, f.value),
                "quote": f.quote,
                "flags": list(dict.fromkeys(f.flags)),
                "_pos": f.pos,
                "_m": METRICS.index(f.metric),
            }
        )
    rows.sort(key=lambda r: (r["_pos"], r["_m"]))
    df = pd.DataFrame({c: pd.Series([r[c] for r in rows], dtype="object") for c in FACT_COLUMNS})
    return df


def extract_facts(paths: Iterable[str | Path], *, published: dict[str, date] | None = None) -> pd.DataFrame:
    """Facts of several documents (.txt, .html, .docx, .pdf), files in the order given.

    ``file`` is each path as given. ``published`` optionally maps a path to its article date.
    """
    frames = []
    for p in paths:
        text = read_document(p)
        pub = (published or {}).get(str(p))
        frames.append(extract_text(text, file=str(p), published=pub))
    if not frames:
        return pd.DataFrame(columns=FACT_COLUMNS)
    return pd.concat(frames, ignore_index=True)
