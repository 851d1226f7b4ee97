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

The pieces: :mod:`motcua.prose.fact` (the fact being built, the columns and metrics),
:mod:`motcua.prose.sentence_facts` (one sentence's figures → facts); this module reads a document,
walks its sentences carrying units and periods, and checks and tabulates the facts.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from pathlib import Path

import pandas as pd

from motcua.ingest.eras import reform_date
from motcua.prose.bare import find_bare_names, find_bare_provinces
from motcua.prose.checks import check_facts
from motcua.prose.conflicts import check_levels, could_be, is_inexact
from motcua.prose.definitions import PeriodBook
from motcua.prose.fact import COUNT_METRICS, FACT_COLUMNS, INDEX_PREFIXES, METRICS, Fact
from motcua.prose.figures import Figure, find_figures, mask_numbers
from motcua.prose.fill import as_of, fill_headlines, fill_index_periods
from motcua.prose.indices import first_index, index_of, name_index
from motcua.prose.periods import PeriodMention, article_date, find_periods
from motcua.prose.reader import drop_furniture, read_document
from motcua.prose.scope import UnitContext, text_province
from motcua.prose.segment import headline_offsets, sentences
from motcua.prose.sentence_facts import combine_early, figure_facts
from motcua.prose.units import UnitMention, find_mentions
from motcua.prose.vocab import Vocab, load_vocab, norm, phrase_re
from motcua.prose.words import spell_out

#: The fields of a fact, in output order.

__all__ = ["COUNT_METRICS", "FACT_COLUMNS", "INDEX_PREFIXES", "METRICS", "Fact", "extract_facts", "extract_text"]


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
    all_mentions, province, prov_flags = _unit_mentions(sents, schema)
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
        resolved = [(m, ctx.resolve(m)) for m in mentions]
        figs = _sentence_figures(sent, nsent, mentions, periods, v, par_doc, doc_index)
        facts += figure_facts(figs, resolved, sent, nsent, off, si, periods, period_ctx, ctx, province, off in heads)
        combine_early(facts, si)
        for m, u in resolved:
            ctx.update_subject(m, u, head=not sent[: m.start].strip(" -–(\"'"))
        usable = [p for p in periods if p.usable]
        carried = [p for p in usable if not _ASIDE.search(nsent[max(0, p.start - 16) : p.start])]
        if carried:
            period_ctx = carried[-1]
    return _finish(facts, v, nbody, ref, province, prov_flags, era_flags)


def _unit_mentions(sents: list[tuple[int, str]], schema: str) -> tuple[list[list[UnitMention]], str | None, list[str]]:
    """Each sentence's unit mentions, the text's province (with its flags), and names without a level word:
    units of that province, or provinces when the text is on several provinces or the whole country."""
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
    return all_mentions, province, prov_flags


def _sentence_figures(
    sent: str,
    nsent: str,
    mentions: list[UnitMention],
    periods: list[PeriodMention],
    v: Vocab,
    par_doc: bool,
    doc_index: str | None,
) -> list[Figure]:
    """The figures of one sentence: numbers in words spelled out, periods masked, each index score named."""
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
    return figs


def _finish(
    facts: list[Fact],
    v: Vocab,
    nbody: str,
    ref: date | None,
    province: str | None,
    prov_flags: list[str],
    era_flags: list[str],
) -> list[Fact]:
    """A text's facts checked: headline repeats dropped, periods filled, consistency and level checks, the text's
    province and era flags added; check-only facts and repeats dropped."""
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
